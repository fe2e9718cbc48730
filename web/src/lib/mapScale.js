// The map's colour bands: fixed for a range's length, so a country keeps
// its colour from one refresh to the next and a colour always means the
// same number. The bounds grow about five-fold, so a few busy countries do
// not wash out the rest; a longer range scales them (a day's bands are ten
// times an hour's), but one purchase is always the first band.
// Colours come from the stylesheet (--beats-map-0 for none, then
// --beats-map-1..5), which has a set for each theme.

const HOUR_MS = 3_600_000

/** Lower bounds (inclusive) of each band of purchases in an hour. */
export const BANDS = [1, 5, 20, 100, 500]

/** The bands' lower bounds for a map of span ms. */
export function bandsFor(span = HOUR_MS) {
  let f = 1000
  if (span <= 2 * HOUR_MS) f = 1
  else if (span <= 48 * HOUR_MS) f = 10
  else if (span <= 240 * HOUR_MS) f = 100
  return BANDS.map((lo, i) => (i === 0 ? lo : lo * f))
}

/** Index of the band for n purchases, or -1 for none. */
export function bandIndex(n, bands = BANDS) {
  if (!(n >= 1)) return -1
  let idx = 0
  for (let i = 1; i < bands.length; i++) if (n >= bands[i]) idx = i
  return idx
}

// 4999 → "4.9k", 19999 → "19k": rounded down, so a label never claims
// more than its band holds.
function compact(n) {
  if (n < 1000) return String(n)
  const k = n / 1000
  return `${k < 10 ? Math.floor(k * 10) / 10 : Math.floor(k)}k`
}

/** The legend's labels, one a band: "1–4", "5–19", …, "500+". */
export function bandLabels(bands = BANDS) {
  return bands.map((lo, i) => (i + 1 < bands.length ? `${compact(lo)}–${compact(bands[i + 1] - 1)}` : `${compact(lo)}+`))
}

/** Each band's lower bound, short, for a phone's legend: "1", "5", …, "500+". */
export function bandTicks(bands = BANDS) {
  return bands.map((lo, i) => (i + 1 < bands.length ? compact(lo) : `${compact(lo)}+`))
}
