// Pure helpers of the watchlist (internal/watchlist on the server).

/**
 * An approximation of the server's folding (internal/purchases/fold.go):
 * compatibility forms and accents go, case is lowered, anything but letters
 * and digits separates words. The server decides what matches; the page
 * uses this only to show whether a name is watched already.
 */
export function foldTerm(s) {
  if (typeof s !== 'string') return ''
  return s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
}

/** Newest first, by stream time then id; no duplicates; at most `limit`. */
export function mergeMatches(existing, incoming, limit = 500) {
  const byId = new Map()
  for (const m of [...incoming, ...existing]) {
    if (m && typeof m === 'object' && typeof m.id === 'string' && !byId.has(m.id)) byId.set(m.id, m)
  }
  return [...byId.values()]
    .sort((a, b) => (Number(b.at) || 0) - (Number(a.at) || 0) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
    .slice(0, limit)
}

/** One line about a matched purchase: "Artist — Title · $5.00 · Japan". */
export function matchSummary(p) {
  if (!p || typeof p !== 'object') return ''
  const parts = [
    [p.artist_name || 'Unknown artist', p.item_description || p.album_title || ''].filter(Boolean).join(' — '),
    p.amount_paid_fmt || '',
    p.country || '',
  ]
  return parts.filter(Boolean).join(' · ')
}
