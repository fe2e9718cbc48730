// Everything the dashboard shows, and how live messages and re-fetches change
// it. The page wires this to the socket; the components only display it.
import { onBeforeUnmount, onMounted, reactive, ref, shallowRef } from 'vue'
import { api, ApiError } from './useApi.js'
import { mergePurchases } from '@/lib/purchases.js'
import { setRemoteArtAllowed } from '@/lib/art.js'
import { normalizeCountryCode, purchaseSeconds } from '@/lib/format.js'

const COUNTRY_WINDOW = '1h'
const COUNTRY_REFRESH_MS = 30000
// The socket's first message after it opens carries both charts: the REST
// endpoints are asked only when it has not come by then. Drawing each chart
// once rather than twice is a good part of the page's start-up work.
const SNAPSHOT_WAIT_MS = 1500
const MAP_EVERY_MS = 500

function errorText(err, what) {
  if (err instanceof ApiError && err.status === 401) return ''
  if (err instanceof ApiError && err.status) return `Could not load ${what}: ${err.message}`
  return `Could not load ${what}. Retrying with the next update.`
}

export function useDashboardData() {
  const purchases = shallowRef([])
  const history = shallowRef(null)
  const topSellers = shallowRef(null)
  const countries = ref({}) // code → {code, name, purchases, usd}
  const pulses = shallowRef([]) // [{seq, code}], newest last, short
  // /feed/status's shape (see FeedBadge); known once the server told it.
  const feed = reactive({
    known: false,
    mode: '',
    running: false,
    healthy: false,
    lastSaleAt: null,
    lastError: null,
    since: 0,
  })
  // When the server last answered anything (ms): what the page shows is
  // "data as of" this while the connection is down.
  const asOf = ref(0)
  const loading = reactive({ purchases: true, countries: true })
  const errors = reactive({ purchases: '', history: '', topSellers: '', countries: '', feed: '' })
  let pulseSeq = 0
  let countryTimer = null
  let snapshots = 0 // chart snapshots received from the socket
  const snapshotWaiters = new Set()

  function setFeed(f) {
    if (!f || typeof f !== 'object') return
    feed.known = true
    if (typeof f.mode === 'string') feed.mode = f.mode
    if (typeof f.running === 'boolean') feed.running = f.running
    else if (typeof f.mode === 'string') feed.running = f.mode !== ''
    feed.healthy = typeof f.healthy === 'boolean' ? f.healthy : feed.running
    feed.lastError = typeof f.lastError === 'string' && f.lastError ? f.lastError : null
    feed.since = Number.isFinite(f.since) ? f.since : 0
    if (Number.isFinite(f.lastSaleAt)) feed.lastSaleAt = Math.max(feed.lastSaleAt || 0, f.lastSaleAt)
    setRemoteArtAllowed(feed.mode === 'live')
  }

  function fresh() {
    asOf.value = Date.now()
  }

  function setHistory(points) {
    if (Array.isArray(points)) history.value = points
  }

  function setTopSellers(data) {
    if (data && typeof data === 'object') {
      topSellers.value = {
        labels: Array.isArray(data.labels) ? data.labels : [],
        series: Array.isArray(data.series) ? data.series : [],
      }
    }
  }

  function setCountries(data) {
    const next = {}
    for (const c of Array.isArray(data?.countries) ? data.countries : []) {
      if (!c || typeof c.code !== 'string') continue
      const code = normalizeCountryCode(c.code)
      if (!code) continue
      next[code] = {
        code,
        name: c.name || '',
        purchases: Number(c.purchases) || 0,
        usd: Number(c.usd) || 0,
      }
    }
    countries.value = next
  }

  // Live purchases count on the map and make it pulse, every half second
  // at most: the map redraws its countries once for all that came meanwhile.
  let pendingBumps = []
  let bumpTimer = null

  function applyBumps() {
    bumpTimer = null
    const next = { ...countries.value }
    const newPulses = []
    for (const p of pendingBumps) {
      const code = normalizeCountryCode(p.country_code)
      if (!code) continue
      const cur = next[code] || { code, name: p.country || '', purchases: 0, usd: 0 }
      next[code] = {
        ...cur,
        name: cur.name || p.country || '',
        purchases: cur.purchases + 1,
        usd: cur.usd + (Number(p.amount_paid_usd) || 0),
      }
      newPulses.push({ seq: ++pulseSeq, code })
    }
    pendingBumps = []
    countries.value = next
    if (newPulses.length) pulses.value = [...pulses.value, ...newPulses].slice(-20)
  }

  function addLivePurchases(list) {
    const { list: merged, added } = mergePurchases(purchases.value, list)
    purchases.value = merged
    for (const p of added) {
      const ms = purchaseSeconds(p) * 1000
      if (ms > (feed.lastSaleAt || 0)) feed.lastSaleAt = ms
    }
    // Oldest first, so the newest pulse is the last one drawn.
    for (let i = added.length - 1; i >= 0; i--) pendingBumps.push(added[i])
    if (pendingBumps.length && !bumpTimer) bumpTimer = setTimeout(applyBumps, MAP_EVERY_MS)
  }

  async function loadPurchases() {
    try {
      const list = await api.recentPurchases()
      purchases.value = mergePurchases(purchases.value, list).list
      errors.purchases = ''
      fresh()
    } catch (err) {
      errors.purchases = errorText(err, 'recent purchases')
    } finally {
      loading.purchases = false
    }
  }

  async function loadHistory() {
    try {
      // The last day, minute by minute: what the live snapshots carry too.
      setHistory(await api.history({ bucket: 60000, from: Date.now() - 24 * 3600 * 1000 }))
      errors.history = ''
    } catch (err) {
      errors.history = errorText(err, 'the sales history')
      if (!history.value) history.value = []
    }
  }

  async function loadTopSellers() {
    try {
      setTopSellers(await api.topSellers())
      errors.topSellers = ''
    } catch (err) {
      errors.topSellers = errorText(err, 'the top sellers')
      if (!topSellers.value) topSellers.value = { labels: [], series: [] }
    }
  }

  async function loadCountries() {
    try {
      setCountries(await api.byCountry(COUNTRY_WINDOW))
      errors.countries = ''
    } catch (err) {
      errors.countries = errorText(err, 'purchases by country')
    } finally {
      loading.countries = false
    }
  }

  async function loadFeed() {
    try {
      setFeed(await api.feedStatus())
      errors.feed = ''
      fresh()
    } catch (err) {
      errors.feed = errorText(err, 'the feed status')
    }
  }

  function onMinute({ topSellers: ts, purchaseHistory }) {
    setTopSellers(ts)
    setHistory(purchaseHistory)
    if (ts) errors.topSellers = ''
    if (purchaseHistory) errors.history = ''
    snapshots++
    for (const wake of snapshotWaiters) wake()
  }

  // Both charts from the socket's snapshot, or from REST when none comes.
  async function loadCharts() {
    const seen = snapshots
    await new Promise((resolve) => {
      const timer = setTimeout(done, SNAPSHOT_WAIT_MS)
      function done() {
        clearTimeout(timer)
        snapshotWaiters.delete(done)
        resolve()
      }
      snapshotWaiters.add(done)
    })
    if (snapshots === seen) await Promise.allSettled([loadHistory(), loadTopSellers()])
  }

  /** Everything, again: on first load and after the socket reconnects. */
  function resync() {
    return Promise.allSettled([loadFeed(), loadPurchases(), loadCharts(), loadCountries()])
  }

  onMounted(() => {
    resync()
    countryTimer = setInterval(loadCountries, COUNTRY_REFRESH_MS)
  })
  onBeforeUnmount(() => {
    clearInterval(countryTimer)
    clearTimeout(bumpTimer)
  })

  return {
    purchases,
    history,
    topSellers,
    countries,
    pulses,
    feed,
    asOf,
    markFresh: fresh,
    loading,
    errors,
    windowLabel: 'the last hour',
    // socket handlers
    onPurchases: addLivePurchases,
    onMinute,
    onFeed: setFeed,
    resync,
  }
}
