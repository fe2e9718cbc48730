// The headline numbers' own figures (the rest come from /purchases/summary).

const MINUTE_MS = 60_000

/**
 * Purchases per minute now: the mean of the `minutes` whole minutes before
 * the one now falls in (which is still counting), from per-minute samples
 * [{x: ms, y}] of sales_ts. A minute without a sample sold nothing.
 */
export function ratePerMinute(points, now, minutes = 5) {
  const end = Math.floor(now / MINUTE_MS) * MINUTE_MS
  const start = end - minutes * MINUTE_MS
  let n = 0
  for (const p of Array.isArray(points) ? points : []) {
    const x = Number(p?.x)
    const y = Number(p?.y)
    if (x >= start && x < end && Number.isFinite(y) && y > 0) n += y
  }
  return n / minutes
}

/** A rate as the headline shows it: "0.4", "12.6", "1,204". */
export function formatRate(r) {
  if (!Number.isFinite(r)) return '—'
  return r < 100 ? r.toLocaleString('en-US', { maximumFractionDigits: 1, minimumFractionDigits: 1 }) : Math.round(r).toLocaleString('en-US')
}
