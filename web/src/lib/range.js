// The time range every panel of the dashboard shows, and how a link holds
// it. `?range=1h|24h|7d|30d` is a window that ends now and moves with the
// clock ("live"; a link without one is the last hour, live). `?from=&to=`
// (ISO 8601 with a zone, or epoch milliseconds) is a fixed span, such as one
// dragged on the sales chart; `range` then names the window "Back to live"
// returns to. Pure functions, tested in web/test/range.test.js.
import { formatClock, formatDay } from './format.js'

export const MINUTE_MS = 60_000
const HOUR_MS = 60 * MINUTE_MS
const DAY_MS = 24 * HOUR_MS

// refresh: how often a live window is read again, and the step its end is
// rounded down to, so every viewer of a window asks for the same range and
// the server computes it once for all (it shares answers for a second).
export const PRESETS = [
  { key: '1h', span: HOUR_MS, short: '1 h', label: 'the last hour', refresh: 15_000 },
  { key: '24h', span: DAY_MS, short: '24 h', label: 'the last 24 hours', refresh: 30_000 },
  { key: '7d', span: 7 * DAY_MS, short: '7 d', label: 'the last 7 days', refresh: 60_000 },
  { key: '30d', span: 30 * DAY_MS, short: '30 d', label: 'the last 30 days', refresh: 60_000 },
]
export const DEFAULT_PRESET = '1h'
const BY_KEY = new Map(PRESETS.map((p) => [p.key, p]))

/** The preset of key, or the default one. */
export function preset(key) {
  return BY_KEY.get(key) || BY_KEY.get(DEFAULT_PRESET)
}

// A fixed range that reaches past now is read again this often.
const OPEN_REFRESH_MS = 60_000

// Instants a link may hold: after 2000, before 2100 (as the feed's dates).
const EARLIEST_MS = Date.UTC(2000, 0, 1)
const LATEST_MS = Date.UTC(2100, 0, 1)
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/

/**
 * An instant from a link: epoch milliseconds, or ISO 8601 with seconds
 * optional and a zone required ("2026-12-06T14:05Z"); null otherwise.
 */
export function parseInstant(text) {
  if (typeof text !== 'string') return null
  const s = text.trim()
  let ms = null
  if (/^\d{1,15}$/.test(s)) ms = Number(s)
  else if (ISO_INSTANT.test(s)) ms = Date.parse(s)
  return Number.isFinite(ms) && ms >= EARLIEST_MS && ms < LATEST_MS ? ms : null
}

/** An instant as a link writes it: ISO 8601 in UTC, no zero seconds. */
export function formatInstant(ms) {
  return new Date(ms).toISOString().replace(/\.000Z$/, 'Z').replace(/:00Z$/, 'Z')
}

// A query value of vue-router: a string, null, or a list of them.
function first(v) {
  return Array.isArray(v) ? v[0] : v
}

/**
 * The range a URL's query asks for:
 *   {kind: 'live', preset: '1h' | '24h' | '7d' | '30d', invalid}
 *   {kind: 'fixed', from, to, preset, invalid}
 * invalid is true when the query held a range it could not read (shown as
 * the default instead, and said so).
 */
export function parseRange(query) {
  const q = query || {}
  const raw = first(q.range)
  const known = BY_KEY.has(raw)
  const presetKey = known ? raw : DEFAULT_PRESET
  let invalid = raw != null && !known
  if (q.from != null || q.to != null) {
    const from = parseInstant(first(q.from))
    const to = parseInstant(first(q.to))
    if (from !== null && to !== null && from < to) return { kind: 'fixed', from, to, preset: presetKey, invalid }
    invalid = true
  }
  return { kind: 'live', preset: presetKey, invalid }
}

/**
 * The query that holds range, keeping the query's other keys (view=wall).
 * The default live window is no key at all.
 */
export function rangeQuery(range, query = {}) {
  const { range: _r, from: _f, to: _t, ...rest } = query
  const out = { ...rest }
  if (range.preset && range.preset !== DEFAULT_PRESET) out.range = range.preset
  if (range.kind === 'fixed') {
    out.from = formatInstant(range.from)
    out.to = formatInstant(range.to)
  }
  return out
}

/** Whether two parsed ranges are the same view. */
export function sameRange(a, b) {
  return a.kind === b.kind && a.preset === b.preset && (a.kind === 'live' || (a.from === b.from && a.to === b.to))
}

// Bucket widths the sales chart chooses from, and the most buckets it draws.
const BUCKETS = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440].map((m) => m * MINUTE_MS)
const MAX_BUCKETS = 180

/** The narrowest bucket that draws span in at most MAX_BUCKETS points. */
export function chooseBucket(span) {
  for (const b of BUCKETS) if (span / b <= MAX_BUCKETS) return b
  return BUCKETS[BUCKETS.length - 1]
}

/** "minute", "10 minutes", "hour", "6 hours", "day". */
export function bucketLabel(bucket) {
  const min = Math.round(bucket / MINUTE_MS)
  if (min === 1) return 'minute'
  if (min < 60) return `${min} minutes`
  if (min === 60) return 'hour'
  if (min < 1440) return `${min / 60} hours`
  return min === 1440 ? 'day' : `${min / 1440} days`
}

/**
 * What to ask the server for at time now:
 * {from, to, span, bucket, live, refresh}: refresh is how long until the
 * answers are read again (0: never, a fixed range that has ended).
 */
export function resolveRange(range, now) {
  if (range.kind === 'fixed') {
    const span = range.to - range.from
    return { from: range.from, to: range.to, span, bucket: chooseBucket(span), live: false, refresh: range.to > now ? OPEN_REFRESH_MS : 0 }
  }
  const p = preset(range.preset)
  const to = Math.floor(now / p.refresh) * p.refresh
  return { from: to - p.span, to, span: p.span, bucket: chooseBucket(p.span), live: true, refresh: p.refresh }
}

/**
 * The trending window that fits a span: the API offers the last 1, 6 or 24
 * hours (each against the windows before it), always ending now.
 */
export function trendWindow(span) {
  if (span <= 2 * HOUR_MS) return '1h'
  if (span <= 12 * HOUR_MS) return '6h'
  return '24h'
}

/** "Dec 6, 14:05–15:30", or "Dec 6 14:05 – Dec 8 09:00" across days (viewer's zone). */
function formatSpan(from, to) {
  if (new Date(from).toDateString() === new Date(to).toDateString()) return `${formatDay(from)}, ${formatClock(from)}–${formatClock(to)}`
  return `${formatDay(from)} ${formatClock(from)} – ${formatDay(to)} ${formatClock(to)}`
}

/** The range in words, to follow "in": "the last hour", "Dec 6, 14:05–15:30". */
export function rangeLabel(range) {
  return range.kind === 'fixed' ? formatSpan(range.from, range.to) : preset(range.preset).label
}

/**
 * A span dragged on the chart, from x0 to x1 (ms, either order), widened
 * to whole buckets of the chart it was dragged on; null for a click or a
 * drag narrower than half a bucket.
 */
export function snapSelection(x0, x1, bucket) {
  const lo = Math.min(x0, x1)
  const hi = Math.max(x0, x1)
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || !(bucket > 0) || hi - lo < bucket / 2) return null
  return { from: Math.floor(lo / bucket) * bucket, to: Math.ceil(hi / bucket) * bucket }
}
