import { createApp } from 'vue'
import 'bootstrap/dist/css/bootstrap.min.css'
// ApexCharts' own styles, from a file rather than the <style> tag it would
// otherwise inject (charts set chart.injectStyleSheet: false).
import 'apexcharts/dist/apexcharts.css'
import 'apexcharts/dist/apexcharts-legend.css'
import './styles/main.css'

import App from './App.vue'
import { router } from './router.js'
import { setUnauthorizedHandler } from './composables/useApi.js'
import { useSession } from './composables/useSession.js'

const session = useSession()

// Any 401 from the API: the session is gone, so sign in again.
setUnauthorizedHandler(() => {
  session.clear()
  const current = router.currentRoute.value
  if (current.meta.requiresAuth) router.replace({ name: 'login' })
})

createApp(App).use(router).mount('#app')
