// Apache ECharts, tree-shaken to what the two charts draw: a line (sales per
// minute) and a pie (top sellers) on the SVG renderer, with a grid and a
// tooltip. The charts import this module lazily, so none of it is in the
// first script the page loads.
//
// Text from the feed never reaches ECharts as HTML: tooltips are Vue slots
// (vue-echarts renders them into DOM nodes with text bindings), legends are
// drawn by the page, and labels are SVG text.
import { use } from 'echarts/core'
import { SVGRenderer } from 'echarts/renderers'
import { LineChart, PieChart } from 'echarts/charts'
import { GridSimpleComponent, TooltipComponent } from 'echarts/components'
import VChart from 'vue-echarts'

use([SVGRenderer, LineChart, PieChart, GridSimpleComponent, TooltipComponent])

export default VChart
