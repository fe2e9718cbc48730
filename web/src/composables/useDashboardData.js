// Everything the dashboard shows, and how live messages and re-fetches change
// it. The page wires this to the socket; the components only display it.
// The panels that follow the chosen range are useRangeData's.
import { onBeforeUnmount, onMounted, reactive, ref, shallowRef, toRef } from 'vue'
import { api, loadError } from './useApi.js'
import { useRangeData } from './useRangeData.js'
import { mergePurchases } from '@/lib/purchases.js'
import { setRemoteArtAllowed } from '@/lib/art.js'
import { normalizeCountryCode, purchaseSeconds } from '@/lib/format.js'

const MAP_EVERY_MS = 500

// One reactive object whose keys are those of objs, each still theirs.
function joined(...objs) {
  return reactive(Object.fromEntries(objs.flatMap((o) => Object.keys(o).map((k) => [k, toRef(o, k)]))))
}

/** range: a ref of the parsed range (useRange); extras: see useRangeData. */
export function useDashboardData(range, options) {
  const panels = useRangeData(range, options)
  const purchases = shallowRef([])
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
  const loading = reactive({ purchases: true })
  const errors = reactive({ purchases: '', feed: '' })
  let pulseSeq = 0

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

  // Live purchases make the map pulse (and count in a live window), every
  // half second at most: the map redraws its countries once for all that
  // came meanwhile.
  let pendingBumps = []
  let bumpTimer = null

  function applyBumps() {
    bumpTimer = null
    const newPulses = []
    for (const p of pendingBumps) {
      const code = normalizeCountryCode(p.country_code)
      if (code) newPulses.push({ seq: ++pulseSeq, code })
    }
    panels.count(pendingBumps)
    pendingBumps = []
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
      errors.purchases = loadError(err, 'recent purchases')
    } finally {
      loading.purchases = false
    }
  }

  async function loadFeed() {
    try {
      setFeed(await api.feedStatus())
      errors.feed = ''
      fresh()
    } catch (err) {
      errors.feed = loadError(err, 'the feed status')
    }
  }

  /** Everything, again: on first load and after the socket reconnects. */
  function resync() {
    return Promise.allSettled([loadFeed(), loadPurchases(), panels.load()])
  }

  // The ranged panels read theirs as they mount (useRangeData).
  onMounted(() => Promise.allSettled([loadFeed(), loadPurchases()]))
  onBeforeUnmount(() => clearTimeout(bumpTimer))

  return {
    ...panels,
    purchases,
    pulses,
    feed,
    asOf,
    markFresh: fresh,
    loading: joined(loading, panels.loading),
    errors: joined(errors, panels.errors),
    // socket handlers
    onPurchases: addLivePurchases,
    onMinute: panels.onMinute,
    onFeed: setFeed,
    resync,
  }
}
