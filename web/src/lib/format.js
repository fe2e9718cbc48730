// Small, pure formatting helpers shared by the components.

const usdFormatter = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
})

/** 12.5 → "$12.50"; anything that is not a finite number → "—". */
export function formatUsd(value) {
  const n = typeof value === 'string' ? Number(value) : value
  return Number.isFinite(n) ? usdFormatter.format(n) : '—'
}

/** 1204 → "1,204"; anything that is not a finite number → "—". */
export function formatCount(value) {
  const n = Number(value)
  return Number.isFinite(n) ? n.toLocaleString('en-US') : '—'
}

const ITEM_TYPES = {
  a: 'Album',
  t: 'Track',
  p: 'Physical / merch',
  b: 'Discography bundle',
}

/** Bandcamp's one-letter item_type as words. */
export function itemTypeLabel(type) {
  return ITEM_TYPES[type] || 'Item'
}

/**
 * Bandcamp gives protocol-relative links ("//sub.bandcamp.com/album/x") and
 * sometimes http ones: link and load them over https. Returns '' for anything
 * that is not an http(s) URL (never a javascript: link).
 */
export function toHttps(url) {
  if (typeof url !== 'string') return ''
  const u = url.trim()
  if (!u) return ''
  if (u.startsWith('//')) return 'https:' + u
  const m = /^https?:\s*\/+(.*)$/i.exec(u)
  if (m) return 'https://' + m[1]
  return ''
}

// The pages the feed links to: an album, track or merch item on an artist's
// bandcamp.com site ("//artist.bandcamp.com/album/slug").
const ITEM_PATH = /^\/(album|track|merch)\/[^/]+\/?$/

/**
 * The https link to a purchase's Bandcamp page, or '' when url is not one
 * (anything else, "//evil.example/…" included, is shown as text, not linked).
 */
export function purchaseLink(url) {
  const u = toHttps(url)
  if (!u) return ''
  let parsed
  try {
    parsed = new URL(u)
  } catch {
    return ''
  }
  const host = parsed.hostname.toLowerCase()
  const site = host.endsWith('.bandcamp.com') ? host.slice(0, -'.bandcamp.com'.length) : ''
  if (!/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/.test(site)) return ''
  if (parsed.username || parsed.password || parsed.port) return ''
  if (!ITEM_PATH.test(parsed.pathname)) return ''
  return `https://${host}${parsed.pathname}${parsed.search}`
}

/** A same-origin path such as "/art/123.jpg" (not "//host/…"). */
export function isSameOriginPath(url) {
  return typeof url === 'string' && url.startsWith('/') && !url.startsWith('//')
}

/** Seconds since the epoch of a purchase, preferring the precise value. */
export function purchaseSeconds(p) {
  const raw = Number(p?.utc_date_raw)
  if (Number.isFinite(raw) && raw > 0) return raw
  const s = Number(p?.utc_date)
  return Number.isFinite(s) ? s : 0
}

/** "3 s ago", "2 min ago", "5 h ago", then a date. `nowMs` and `thenMs` in ms. */
export function relativeTime(thenMs, nowMs) {
  if (!thenMs) return ''
  const diff = Math.round((nowMs - thenMs) / 1000)
  if (diff < 1) return 'just now'
  if (diff < 60) return `${diff} s ago`
  const min = Math.floor(diff / 60)
  if (min < 60) return `${min} min ago`
  const h = Math.floor(min / 60)
  if (h < 24) return `${h} h ago`
  return new Date(thenMs).toLocaleDateString(undefined, { month: 'short', day: 'numeric' })
}

/** Full timestamp for title attributes and <time datetime>. */
export function isoTime(ms) {
  return ms ? new Date(ms).toISOString() : ''
}

// One time format for the whole dashboard: 24-hour "14:05" (or "14:05:09"),
// in the viewer's time zone, which timeZoneLabel names.
const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
const clockSeconds = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
})

/** "14:05", or "14:05:09" with seconds; '' for no time. */
export function formatClock(ms, { seconds = false } = {}) {
  if (!Number.isFinite(ms) || ms <= 0) return ''
  return (seconds ? clockSeconds : clock).format(ms)
}

const day = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' })

/** "Dec 6", in the viewer's time zone. */
export function formatDay(ms) {
  return day.format(ms)
}

/** The viewer's time zone as the clock shows it: "UTC", "GMT+2", "CET". */
export function timeZoneLabel(ms = Date.now()) {
  const parts = new Intl.DateTimeFormat(undefined, { timeZoneName: 'short' }).formatToParts(ms)
  return parts.find((p) => p.type === 'timeZoneName')?.value || 'local time'
}

// Made once: toLocaleString with options builds a formatter on every call,
// which each live row's title did every second.
const dateTime = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
})

export function formatDateTime(ms) {
  if (!ms) return ''
  return dateTime.format(ms)
}

/** Title of what was bought: "Album Title" for tracks/merch, or the description. */
export function itemTitle(p) {
  return p?.item_description || p?.album_title || 'Untitled'
}

export function pluralize(n, one, many = one + 's') {
  return `${n} ${n === 1 ? one : many}`
}

/** Lowercase ISO alpha-2 code; Bandcamp's "uk" is ISO's "gb". */
export function normalizeCountryCode(code) {
  if (typeof code !== 'string') return ''
  const c = code.trim().toLowerCase()
  return c === 'uk' ? 'gb' : c
}
