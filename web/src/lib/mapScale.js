// Colour scale for the purchases map: a neutral grey for none, then five
// steps of red. Thresholds follow a square-root scale of the busiest country
// so one big market does not wash the rest out.
export const NONE_COLOR = '#dfe4e8'
export const STEP_COLORS = ['#fbd5d0', '#f4a096', '#e8655a', '#c4291d', '#7f1911']

/** Lower bounds (inclusive) of each step, strictly increasing, first is 1. */
export function thresholds(max) {
  const m = Math.max(1, Math.floor(max || 0))
  const steps = STEP_COLORS.length
  if (m <= steps) return Array.from({ length: m }, (_, i) => i + 1)
  const out = [1]
  for (let i = 1; i < steps; i++) {
    const t = Math.max(out[out.length - 1] + 1, Math.round(m * (i / steps) ** 2) + 1)
    if (t > m) break
    out.push(t)
  }
  return out
}

/** Index of the step for `n` purchases, or -1 for none. */
export function stepIndex(n, bounds) {
  if (!(n > 0)) return -1
  let idx = 0
  for (let i = 0; i < bounds.length; i++) if (n >= bounds[i]) idx = i
  return idx
}

/** The colour of each step for the given bounds (spread over the palette). */
export function stepColors(bounds) {
  const k = bounds.length
  if (k >= STEP_COLORS.length) return STEP_COLORS.slice()
  // Fewer steps: spread them from light to dark.
  return bounds.map((_, i) => STEP_COLORS[k === 1 ? 3 : Math.round((i * (STEP_COLORS.length - 1)) / (k - 1))])
}

/** Legend rows: [{label, color}] from the bounds and the maximum. */
export function legend(bounds, max) {
  const colors = stepColors(bounds)
  return bounds.map((lo, i) => {
    const hi = i + 1 < bounds.length ? bounds[i + 1] - 1 : Math.max(lo, Math.floor(max || 0))
    return { label: lo === hi ? `${lo}` : `${lo}–${hi}`, color: colors[i] }
  })
}
