// Browser tests wait on `window.__beatsChartsReady`: the number of charts that
// have rendered their data (ECharts' finished event).
// `window.__beatsChartsUpdates` counts every such render, for tests that wait
// for a minute update to land.
const ready = new Set()

if (typeof window !== 'undefined') {
  window.__beatsChartsReady = 0
  window.__beatsChartsUpdates = 0
}

import { onBeforeUnmount } from 'vue'

// useChartReady registers a chart component under name for the tests'
// counters; call the function it returns on the chart's mounted and updated
// events. Call it in setup: the chart is forgotten when it unmounts.
export function useChartReady(name) {
  onBeforeUnmount(() => forgetChart(name))
  return () => markChartRendered(name)
}

function markChartRendered(name) {
  ready.add(name)
  window.__beatsChartsReady = ready.size
  window.__beatsChartsUpdates += 1
}

function forgetChart(name) {
  ready.delete(name)
  window.__beatsChartsReady = ready.size
}
