// The chart component (vue-echarts with the parts of ECharts we use), in a
// chunk of its own so none of it is in the first script. The charts start
// loading it when they mount, before their data has arrived.
import { defineAsyncComponent } from 'vue'

const load = () => import('./echarts.js')

export const LazyChart = defineAsyncComponent(load)

/** Starts loading the chart code now (the module loads once). */
export function preloadCharts() {
  load().catch(() => {
    // Rendering the chart will try again and report the failure.
  })
}
