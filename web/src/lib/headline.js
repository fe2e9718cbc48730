// The wall display's headline numbers, from what the dashboard already has.

/** Purchases in the hour before now, from minute buckets [{x: ms, y}]. */
export function purchasesInLastHour(points, now) {
  let n = 0
  for (const p of Array.isArray(points) ? points : []) {
    if (Number(p?.x) > now - 3600_000 && Number(p?.x) <= now) n += Number(p?.y) || 0
  }
  return n
}

/** USD and the number of countries with purchases, from {code: {purchases, usd}}. */
export function countryTotals(countries) {
  let usd = 0
  let buying = 0
  for (const c of Object.values(countries || {})) {
    if (c?.purchases > 0) buying++
    usd += Number(c?.usd) || 0
  }
  return { usd, countries: buying }
}
