// The panels that follow the dashboard's range (lib/range.js): the sales
// chart (purchases and revenue per bucket), the top five, the map, the
// headline numbers, the breakdowns and trending.
//
// A live window is read again every few seconds, its end rounded down so
// that every viewer asks the server for the same range (which it computes
// once for all of them); in between, live purchases dated after that end
// count in the map and the headline numbers. A fixed range that has ended
// is read once. What the first screen shows is asked for first, the rest
// once it has come, so the browser never queues more requests than it has
// connections.
import { computed, onBeforeUnmount, onMounted, reactive, ref, shallowRef, toValue, watch } from 'vue'
import { api, loadError, prime } from './useApi.js'
import { resolveRange, sameRange, trendWindow, MINUTE_MS } from '@/lib/range.js'
import { ratePerMinute } from '@/lib/headline.js'
import { normalizeCountryCode, purchaseSeconds } from '@/lib/format.js'

const RATE_MINUTES = 5
// Viewers of a live window ask again within this much after its refresh,
// not all in the same millisecond.
const JITTER_MS = 500

// What the first screen shows of range r (resolveRange): its first reads.
function firstReads(r) {
  const span = { from: r.from, to: r.to }
  // Buckets that start in the range; a live one runs up to the last sample.
  const seriesQuery = { bucket: r.bucket, from: Math.ceil(r.from / r.bucket) * r.bucket, to: r.live ? undefined : r.to }
  return {
    summary: api.summary(span),
    history: Promise.all([api.history(seriesQuery), api.revenue(seriesQuery)]),
    topSellers: api.topSellers(span),
    countries: api.byCountry(span),
  }
}

// The range primed (primeRangeData), which the first load reads even if
// the clock has since passed the end of its step: the reads are under way.
let primed = null
const PRIMED_FOR_MS = 5_000
let loaded = false // a dashboard has read its range: too late to prime

/**
 * Starts the first reads of a parsed range now (useApi's prime), for the
 * dashboard that is about to mount: they then wait for the script alone,
 * not for the session check and the app's first render as well. Resolves
 * once the headline numbers have come (or failed).
 */
export function primeRangeData(range) {
  if (loaded) return Promise.resolve()
  const r = resolveRange(range, Date.now())
  primed = { range, r, at: Date.now() }
  let summary
  prime(() => {
    const reads = firstReads(r)
    summary = reads.summary
    return Object.values(reads)
  })
  return summary.then(
    () => {},
    () => {},
  )
}

function resolveFirst(range) {
  const p = primed
  primed = null
  loaded = true
  if (p && sameRange(p.range, range) && Date.now() - p.at < PRIMED_FOR_MS) return p.r
  return resolveRange(range, Date.now())
}

/**
 * range: a ref of the parsed range. extras: a ref or getter, false on the
 * wall display, which shows no breakdowns, trending or rate.
 */
export function useRangeData(range, { extras = true } = {}) {
  const shown = shallowRef(null) // resolveRange() of the answers shown
  const series = shallowRef(null) // {points, revenue, bucket, from, to, live, asOf}
  const keptFrom = ref(0) // where the server's retention clips the range
  const topSellers = shallowRef(null)
  const countries = ref({}) // code → {code, name, purchases, usd}
  const summary = shallowRef(null)
  const breakdowns = shallowRef({ item_type: null, currency: null })
  const trending = shallowRef(null)
  const rate = ref(null) // purchases per minute now
  const loading = reactive({ countries: true })
  const updating = ref(false) // a newly chosen range is being read
  const errors = reactive({ history: '', topSellers: '', countries: '', summary: '', breakdown: '', trending: '', rate: '' })

  let generation = 0
  let timer = null
  let countedTo = Infinity // live purchases dated from here on are counted in

  // The sales chart starts at the range's first whole bucket, and no
  // earlier than what the server keeps.
  const history = computed(() => series.value && { ...series.value, from: Math.max(series.value.from, keptFrom.value) })

  function setTopSellers(data) {
    topSellers.value = {
      labels: Array.isArray(data?.labels) ? data.labels : [],
      series: Array.isArray(data?.series) ? data.series : [],
    }
  }

  function setCountries(data) {
    const next = {}
    for (const c of Array.isArray(data?.countries) ? data.countries : []) {
      const code = normalizeCountryCode(c?.code)
      if (!code) continue
      next[code] = { code, name: c.name || '', purchases: Number(c.purchases) || 0, usd: Number(c.usd) || 0 }
    }
    countries.value = next
  }

  function setRate(points) {
    rate.value = ratePerMinute(points, Date.now(), RATE_MINUTES)
  }

  async function load({ chosen = false } = {}) {
    clearTimeout(timer)
    const mine = ++generation
    const current = () => mine === generation
    const r = resolveFirst(toValue(range))
    const span = { from: r.from, to: r.to }
    if (chosen) {
      updating.value = true
      keptFrom.value = 0
      countedTo = Infinity
    }
    // take(key, what, promise, apply): apply the answer if no newer read
    // has started since, or say what failed in the panel.
    const take = (key, what, promise, apply) =>
      promise.then(
        (v) => {
          if (!current()) return
          apply(v)
          errors[key] = ''
        },
        (err) => {
          if (current()) errors[key] = loadError(err, what)
        },
      )
    const reads = firstReads(r)

    await Promise.allSettled([
      take('summary', 'the headline numbers', reads.summary, (s) => {
        summary.value = s
        keptFrom.value = Number(s?.from) || 0
      }),
      take('history', 'the sales history', reads.history, ([points, revenue]) => {
        series.value = { points, revenue, bucket: r.bucket, from: r.from, to: r.to, live: r.live, asOf: Date.now() }
      }),
      take('topSellers', 'the top sellers', reads.topSellers, setTopSellers),
      take('countries', 'purchases by country', reads.countries, setCountries),
    ])
    if (!current()) return
    loading.countries = false
    updating.value = false
    shown.value = r
    countedTo = r.live ? r.to : Infinity

    if (toValue(extras)) {
      const minute = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS
      await Promise.allSettled([
        take(
          'breakdown',
          'the breakdowns',
          Promise.all([api.breakdown('item_type', span), api.breakdown('currency', span)]),
          ([itemType, currency]) => {
            breakdowns.value = { item_type: itemType, currency }
          },
        ),
        take('trending', 'trending artists', api.trending(trendWindow(r.span)), (t) => {
          trending.value = t
        }),
        take('rate', 'the sales rate', api.history({ bucket: MINUTE_MS, from: minute - RATE_MINUTES * MINUTE_MS }), setRate),
      ])
    }
    if (current() && r.refresh) {
      const next = r.live ? r.to + r.refresh - Date.now() : r.refresh
      timer = setTimeout(refresh, Math.max(1000, next) + Math.random() * JITTER_MS)
    }
  }

  // A hidden tab reads nothing until it is shown again.
  let missed = false
  function refresh() {
    if (document.hidden) missed = true
    else load()
  }
  function onVisibility() {
    if (!document.hidden && missed) {
      missed = false
      load()
    }
  }

  /**
   * Live purchases (oldest first) count in the map and the headline
   * numbers of a live window if they are dated after what its answers
   * counted; the next read replaces the figures anyway.
   */
  function count(list) {
    const s = summary.value
    let added = 0
    let usd = 0
    let biggest = s?.biggest || null
    let newCountries = 0
    const next = { ...countries.value }
    for (const p of list) {
      if (purchaseSeconds(p) * 1000 < countedTo) continue
      const paid = Number(p.amount_paid_usd) || 0
      added++
      usd += paid
      if (!biggest || paid > (Number(biggest.amount_paid_usd) || 0)) biggest = p
      const code = normalizeCountryCode(p.country_code)
      if (!code) continue
      const cur = next[code]
      if (!cur) newCountries++
      next[code] = {
        code,
        name: cur?.name || p.country || '',
        purchases: (cur?.purchases || 0) + 1,
        usd: (cur?.usd || 0) + paid,
      }
    }
    if (!added) return
    countries.value = next
    if (s) {
      summary.value = {
        ...s,
        purchases: s.purchases + added,
        usd: Math.round((s.usd + usd) * 100) / 100,
        countries: s.countries + newCountries,
        biggest,
      }
    }
  }

  watch(range, () => load({ chosen: true }))
  onMounted(() => {
    document.addEventListener('visibilitychange', onVisibility)
    load({ chosen: true })
  })
  onBeforeUnmount(() => {
    clearTimeout(timer)
    generation++
    document.removeEventListener('visibilitychange', onVisibility)
  })

  return {
    shown,
    history,
    topSellers,
    countries,
    summary,
    breakdowns,
    trending,
    rate,
    loading,
    updating,
    errors,
    load,
    count,
    // The socket's minute snapshot holds the last day per minute: the rate.
    onMinute: ({ purchaseHistory }) => {
      if (Array.isArray(purchaseHistory)) setRate(purchaseHistory)
    },
  }
}
