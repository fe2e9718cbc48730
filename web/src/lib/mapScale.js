// The map's colour bands: fixed, so a country keeps its colour from one
// refresh to the next and a colour always means the same number. The bounds
// grow about five-fold, so a few busy countries do not wash out the rest.
// Colours come from the stylesheet (--beats-map-0 for none, then
// --beats-map-1..5), which has a set for each theme.

/** Lower bounds (inclusive) of each band of purchases in the window. */
export const BANDS = [1, 5, 20, 100, 500]

/** Index of the band for n purchases, or -1 for none. */
export function bandIndex(n) {
  if (!(n >= 1)) return -1
  let idx = 0
  for (let i = 1; i < BANDS.length; i++) if (n >= BANDS[i]) idx = i
  return idx
}

/** The legend's labels, one a band: "1–4", "5–19", …, "500+". */
export function bandLabels() {
  return BANDS.map((lo, i) => (i + 1 < BANDS.length ? `${lo}–${BANDS[i + 1] - 1}` : `${lo}+`))
}
