import { createApp } from 'vue'
import 'bootstrap/dist/css/bootstrap.min.css'
import './styles/main.css'

import App from './App.vue'
import { router } from './router.js'
import { setUnauthorizedHandler } from './composables/useApi.js'
import { useSession } from './composables/useSession.js'
import { applyTheme } from './lib/theme.js'
import { primeRangeData } from './composables/useRangeData.js'
import { parseRange } from './lib/range.js'

const session = useSession()

// Any 401 from the API: the session is gone, so sign in again.
setUnauthorizedHandler(() => {
  session.clear()
  const current = router.currentRoute.value
  if (current.meta.requiresAuth) router.replace({ name: 'login' })
})

// Light or dark before the first paint.
applyTheme()

// The server sends / only with a login (else it redirects to /login): the
// dashboard's first reads start now, alongside the session check, rather
// than after it and the app's first render; in a task of their own, as
// starting five fetches is not free on a slow phone. The app waits for the
// headline numbers (a second at most), so that its first screen has them
// rather than dashes replaced a moment later.
const FIRST_READS_WAIT_MS = 1000
function primeDashboard() {
  if (location.pathname !== '/') return Promise.resolve()
  return new Promise((resolve) => {
    setTimeout(() => {
      primeRangeData(parseRange(Object.fromEntries(new URLSearchParams(location.search)))).then(resolve)
      setTimeout(resolve, FIRST_READS_WAIT_MS)
    })
  })
}
const firstReads = primeDashboard()

// Mounted once the first route is resolved (the session checked): until
// then index.html's shell stays painted rather than an empty page.
const app = createApp(App).use(router)
router
  .isReady()
  .catch(() => {
    // A failed first navigation still shows the app (it says what failed).
  })
  .then(() => firstReads)
  .then(() => app.mount('#app'))
