// Keeping the live list: newest first, no duplicates, at most `limit` items.
import { purchaseSeconds } from './format.js'

export const LIVE_LIMIT = 50

export function purchaseKey(p) {
  if (p && p.id !== undefined && p.id !== null && p.id !== '') return String(p.id)
  return `${purchaseSeconds(p)}|${p?.artist_name}|${p?.item_description}|${p?.amount_paid}`
}

/**
 * Merges `incoming` into `existing` (both newest first). Returns
 * { list, added } where `added` are the purchases that were not there before.
 */
export function mergePurchases(existing, incoming, limit = LIVE_LIMIT) {
  const seen = new Set(existing.map(purchaseKey))
  const added = []
  for (const p of Array.isArray(incoming) ? incoming : []) {
    if (!p || typeof p !== 'object') continue
    const key = purchaseKey(p)
    if (seen.has(key)) continue
    seen.add(key)
    added.push(p)
  }
  if (!added.length) return { list: existing, added }
  const list = [...added, ...existing]
    .sort((a, b) => purchaseSeconds(b) - purchaseSeconds(a))
    .slice(0, limit)
  return { list, added }
}
