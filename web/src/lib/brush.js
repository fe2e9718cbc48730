// The charts' ECharts (./echarts.js) with the brush, with which a span is
// dragged on the sales chart. Only a mouse drags (a touch scrolls the
// page), so a phone never loads it. ECharts takes a component's code into
// a chart as the chart is created: the sales chart loads this first.
import VChart from './echarts.js'
import { use } from 'echarts/core'
import { BrushComponent } from 'echarts/components'

use([BrushComponent])

export default VChart
