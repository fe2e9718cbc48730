// ApexCharts, tree-shaken: only the area and donut chart types and the legend.
import ApexCharts from 'apexcharts/core'
import 'apexcharts/area'
import 'apexcharts/donut'
import 'apexcharts/features/legend'
import VueApexCharts from 'vue3-apexcharts/core'
import { animationsEnabled } from './motion.js'

export { ApexCharts, VueApexCharts }

/** Options every chart shares. */
export function baseChartOptions(name) {
  const animate = animationsEnabled()
  return {
    chart: {
      id: name,
      fontFamily: 'inherit',
      foreColor: '#3d4650',
      // Styles come from apexcharts.css, bundled; no injected <style> (CSP).
      injectStyleSheet: false,
      toolbar: { show: false },
      zoom: { enabled: false },
      animations: {
        enabled: animate,
        dynamicAnimation: { enabled: animate },
        animateGradually: { enabled: animate },
      },
      redrawOnParentResize: true,
    },
    states: {
      active: { filter: { type: 'none' } },
    },
  }
}
