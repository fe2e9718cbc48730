// The first half of the chart code: ECharts' core and its SVG renderer.
// lazyChart.js evaluates it in a task of its own before the charts and
// vue-echarts (echarts.js), so that neither half is one long task on a phone.
export { use } from 'echarts/core'
export { SVGRenderer } from 'echarts/renderers'
