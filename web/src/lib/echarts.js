// Apache ECharts, tree-shaken to what the two charts draw: a line (sales and
// revenue over the range) and a pie (top sellers) on the SVG renderer, with
// a grid, a tooltip and the brush (a span dragged on the sales chart). The charts import this module lazily, so none of it is in the
// first script the page loads.
//
// Text from the feed never reaches ECharts as HTML: tooltips are Vue slots
// (vue-echarts renders them into DOM nodes with text bindings), legends are
// drawn by the page, and labels are SVG text.
import { use } from 'echarts/core'
import { SVGRenderer } from 'echarts/renderers'
import { LineChart, PieChart } from 'echarts/charts'
import { BrushComponent, GridSimpleComponent, TooltipComponent } from 'echarts/components'
import VChart from 'vue-echarts'

use([SVGRenderer, LineChart, PieChart, GridSimpleComponent, TooltipComponent, BrushComponent])

export default VChart
