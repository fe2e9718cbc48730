// Keyboard access to a chart: once the chart has focus, the left and right
// arrow keys (and Home, End) move its tooltip from one data point to the
// next, and the point is also said through an aria-live text.
import { ref } from 'vue'

/**
 * chart: a template ref to the vue-echarts component.
 * count(): how many points there are; show(i): the showTip target of point
 * i ({seriesIndex, dataIndex}); say(i): point i as a sentence.
 * The first key press starts at the newest point, the last one.
 */
export function useChartKeys(chart, { count, show, say }) {
  const index = ref(-1)
  const spoken = ref('')

  // Silent: no 'updated' event, which calls reshow.
  function dispatch(action) {
    try {
      chart.value?.dispatchAction(action, { silent: true })
    } catch {
      // The chart is not drawn yet (or any more): nothing to point at.
    }
  }

  function go(i) {
    const n = count()
    if (!n) return
    const at = Math.max(0, Math.min(n - 1, i))
    index.value = at
    dispatch({ type: 'showTip', ...show(at) })
    spoken.value = say(at)
  }

  // New data redraws the chart and hides its tooltip: show it again where
  // the keys left it. Call it on the chart's 'updated' event.
  function reshow() {
    const n = count()
    if (index.value < 0 || !n) return
    const at = Math.min(index.value, n - 1)
    index.value = at
    dispatch({ type: 'showTip', ...show(at) })
  }

  function onKeydown(e) {
    const n = count()
    if (!n || e.altKey || e.ctrlKey || e.metaKey) return
    const start = index.value < 0 || index.value >= n
    const cur = start ? n - 1 : index.value
    const next = {
      ArrowLeft: start ? cur : cur - 1,
      ArrowRight: start ? cur : cur + 1,
      Home: 0,
      End: n - 1,
    }[e.key]
    if (next === undefined) return
    e.preventDefault()
    go(next)
  }

  function hide() {
    index.value = -1
    spoken.value = ''
    dispatch({ type: 'hideTip' })
  }

  return { onKeydown, hide, reshow, spoken, index }
}
