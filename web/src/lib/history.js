// The sales chart's data, as it really was: one value per whole bucket.
//
// The time series only has samples for minutes with sales (and the server
// returns no bucket where it has none), so a bucket with no sample sold
// nothing and is drawn as 0 (joining the neighbours with a line would show
// sales that never happened). When the range reaches now, the bucket now
// falls in is still counting: it is returned apart, so the chart can draw
// it as in progress instead of as a plunge.

// More buckets than this are never drawn (a link's range over years).
const MAX_BUCKETS = 5000

/**
 * points: [{x: ms, y}] summed by the server into buckets of `bucket` ms
 * aligned to the epoch, in any order (bad entries are skipped).
 * from, to: the range shown (ms, to exclusive); asOf: when the data was
 * read (the clock of the one who asks); live: the range ends now.
 * Returns {complete: [[ms, y], ...], current: [ms, y] | null}: the buckets
 * that start in the range and before the one in progress, oldest first,
 * and the bucket in progress at asOf (null when the range has ended). No
 * data at all is {complete: [], current: null}.
 */
export function bucketSeries(points, { bucket, from, to, asOf, live = false }) {
  const sums = new Map()
  let last = -Infinity
  for (const p of Array.isArray(points) ? points : []) {
    const x = Number(p?.x)
    const y = Number(p?.y)
    if (!Number.isFinite(x) || !Number.isFinite(y) || y < 0) continue
    const b = Math.floor(x / bucket) * bucket
    sums.set(b, (sums.get(b) || 0) + y)
    if (b > last) last = b
  }
  if (!sums.size) return { complete: [], current: null }

  // A live range runs up to the data read; its bucket in progress is the
  // one asOf falls in, or the data's last if the server's clock is a
  // little ahead of ours.
  const now = Math.floor(asOf / bucket) * bucket
  let current = null
  if (live) current = Math.max(now, last)
  else if (now < to) current = now
  const stop = current ?? to // the complete buckets start before it
  const start = Math.max(Math.ceil(from / bucket) * bucket, stop - MAX_BUCKETS * bucket)
  const complete = []
  for (let b = start; b < stop; b += bucket) complete.push([b, round2(sums.get(b) || 0)])
  if (current === null || current < start) return { complete, current: null }
  return { complete, current: [current, round2(sums.get(current) || 0)] }
}

// Sums of dollars stay in cents.
function round2(n) {
  return Math.round(n * 100) / 100
}

/** Totals for the summary a screen reader hears: over the whole buckets only. */
export function summarize(complete) {
  let total = 0
  let peak = null
  for (const [x, n] of complete) {
    total += n
    if (!peak || n > peak[1]) peak = [x, n]
  }
  return { total, buckets: complete.length, peak }
}
