// The chart component (vue-echarts with the parts of ECharts we use), in a
// chunk of its own so none of it is in the first script. It is asked for
// once the dashboard has painted, so that the page's text (the cards'
// titles, the sales chart's key: its largest content) never waits for it;
// and the chunk's evaluation and each chart's first draw then run as tasks
// of their own rather than one long task that holds the page up.
import { defineAsyncComponent } from 'vue'

let chunk = null

// loadChartCode loads the chart code once the page has painted, once (again
// after a failure).
function loadChartCode() {
  chunk ??= afterPaint()
    .then(() => import('./echartsCore.js'))
    .then(nextTask)
    .then(() => import('./echarts.js'))
    .catch((err) => {
      chunk = null
      throw err
    })
  return chunk
}

/** Starts loading the chart code, as soon as the page has painted. */
export function preloadCharts() {
  loadChartCode().catch(() => {
    // Drawing the chart will try again and report the failure.
  })
}

/**
 * A chart component of its own for one chart (call it in the chart's
 * setup): it is drawn once the chart code has loaded, in a task after the
 * one that evaluated it and after any chart's asked for earlier (the first
 * asked, the first drawn).
 */
export function lazyChart() {
  return defineAsyncComponent(async () => {
    const { default: VChart } = await loadChartCode()
    await nextTurn()
    return VChart
  })
}

let turns = Promise.resolve()

// nextTurn resolves in a task after the previous turn's.
function nextTurn() {
  turns = turns.then(nextTask)
  return turns
}

function nextTask() {
  return new Promise((resolve) => setTimeout(resolve, 0))
}

// afterPaint resolves once the next frame has been painted: a task queued
// from requestAnimationFrame runs after that frame. A hidden tab paints no
// frames: the timeout does not wait for it to be shown.
function afterPaint() {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 250)
    requestAnimationFrame(() =>
      setTimeout(() => {
        clearTimeout(timer)
        resolve()
      }, 0),
    )
  })
}
