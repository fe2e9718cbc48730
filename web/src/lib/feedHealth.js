// What the header says about the feed: the truth of /feed/status (and the
// WebSocket's feed message), in words.
import { relativeTime } from './format.js'

const MODES = {
  live: { label: 'Live', detail: 'Real Bandcamp sales as they happen.' },
  replay: { label: 'Replay', detail: 'Recorded Bandcamp sales, replayed.' },
  synthetic: { label: 'Synthetic', detail: 'Generated sales for demos and tests.' },
}

/** "14:02": hours and minutes, 24-hour, in the viewer's time zone. */
export function clockTime(ms) {
  if (!ms) return ''
  return new Date(ms).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
}

/**
 * feed: {known, mode, running, healthy, lastSaleAt, lastError, since};
 * now in ms. Returns {tone, label, detail, lastSale}: tone is one of
 * 'live', 'replay', 'synthetic', 'down', 'none'.
 */
export function feedView(feed, now) {
  const lastSale = feed?.lastSaleAt ? `last sale ${relativeTime(feed.lastSaleAt, now)}` : ''
  if (!feed?.known) return { tone: 'none', label: 'Feed…', detail: 'Asking the server about the feed.', lastSale: '' }
  if (!feed.running) return { tone: 'none', label: 'No feed', detail: 'No instance runs the purchase feed.', lastSale }
  // Running but not yet reporting how it fares: it has just started.
  if (!feed.mode || (!feed.healthy && !feed.lastError && !feed.since)) {
    return { tone: 'none', label: 'Starting feed…', detail: 'The feed is starting.', lastSale }
  }
  if (!feed.healthy) {
    const what = feed.lastError || 'The feed is not answering'
    const since = feed.since ? ` since ${clockTime(feed.since)}` : ''
    return { tone: 'down', label: `${what}${since}, retrying`, detail: `${what}${since}. Retrying.`, lastSale }
  }
  const known = MODES[feed.mode] || { label: feed.mode, detail: '' }
  return { tone: MODES[feed.mode] ? feed.mode : 'none', label: known.label, detail: known.detail, lastSale }
}
