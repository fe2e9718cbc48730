// The live list's pacing, kept apart from the component so it can be tested:
// rows are shown at most once per interval whatever the rate purchases
// arrive at, and not at all while the reader holds the list.
import { purchaseKey } from './purchases.js'

/** How many of `incoming` the reader has not been shown yet. */
export function unseenCount(shown, incoming) {
  const seen = new Set(shown.map(purchaseKey))
  let n = 0
  for (const p of incoming) if (!seen.has(purchaseKey(p))) n++
  return n
}

/**
 * A throttle: request() runs flush at once when the last run is at least
 * `interval` ms old, else once when it is; requests in between share that
 * one run. cancel() drops a pending run.
 */
const realClock = {
  now: () => Date.now(),
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (id) => clearTimeout(id),
}

export function throttle(flush, interval, clock = realClock) {
  let last = -Infinity
  let timer = null
  function run() {
    timer = null
    last = clock.now()
    flush()
  }
  return {
    request() {
      if (timer !== null) return
      const wait = last + interval - clock.now()
      if (wait <= 0) run()
      else timer = clock.set(run, wait)
    },
    cancel() {
      if (timer !== null) clock.clear(timer)
      timer = null
    },
  }
}
