// The sales chart's data, as it really was: one value per whole minute.
//
// The time series only has samples for minutes with sales, so a minute with
// no sample sold nothing and is drawn as 0 (joining the neighbours with a
// line would show sales that never happened). The last minute of the data is
// usually still counting when the data was read: it is returned apart, so
// the chart can draw it as in progress instead of as a plunge.

export const MINUTE_MS = 60_000
// The chart shows the last day; older samples are dropped.
export const SPAN_MS = 24 * 60 * MINUTE_MS

/**
 * points: [{x: ms, y: count}] in any order (bad entries are skipped).
 * asOfMs: when the data was read (the clock of the one who asks).
 * Returns {complete: [[ms, n], ...], current: [ms, n] | null}: the whole
 * minutes before the one in progress, oldest first, and the minute in
 * progress at asOfMs (null when there is no data at all).
 */
export function minuteSeries(points, asOfMs) {
  const counts = new Map()
  let first = Infinity
  let last = -Infinity
  for (const p of Array.isArray(points) ? points : []) {
    const x = Number(p?.x)
    const y = Number(p?.y)
    if (!Number.isFinite(x) || !Number.isFinite(y) || y < 0) continue
    const minute = Math.floor(x / MINUTE_MS) * MINUTE_MS
    counts.set(minute, (counts.get(minute) || 0) + y)
    if (minute < first) first = minute
    if (minute > last) last = minute
  }
  if (!counts.size) return { complete: [], current: null }

  // The minute in progress: the one asOf falls in, or the data's last if the
  // server's clock is a little ahead of ours.
  const current = Math.max(Math.floor(asOfMs / MINUTE_MS) * MINUTE_MS, last)
  const start = Math.max(first, current - SPAN_MS)
  const complete = []
  for (let m = start; m < current; m += MINUTE_MS) complete.push([m, counts.get(m) || 0])
  return { complete, current: [current, counts.get(current) || 0] }
}

/** Totals for the summary a screen reader hears: over the whole minutes only. */
export function summarize(complete) {
  let total = 0
  let peak = null
  for (const [x, n] of complete) {
    total += n
    if (!peak || n > peak[1]) peak = [x, n]
  }
  return { total, minutes: complete.length, peak }
}
