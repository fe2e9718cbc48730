// The live WebSocket (/ws): purchases as they happen, and the chart data once
// a minute. Reconnects with exponential backoff (1 s doubling to 30 s, with
// jitter) and asks the page to resynchronise after every reconnect. While it
// waits, it asks the cheap /healthz (no session, no Redis) every 0.5–1.2 s:
// once a server that was not answering answers again, it reconnects at once
// rather than sleeping out the backoff.
import { onBeforeUnmount, onMounted, ref } from 'vue'

const POLICY_VIOLATION = 1008 // not signed in
const NORMAL = 1000
const GOING_AWAY = 1001 // the server shuts down
const ABNORMAL = 1006 // the connection was lost
const BASE_DELAY = 1000
const MAX_DELAY = 30000
const OFFLINE_AFTER_FAILURES = 4
const PROBE_MIN = 500
const PROBE_SPREAD = 700 // jitter, so a restarted server is not asked by every tab at once

export function socketUrl(loc = window.location) {
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:'
  return `${scheme}//${loc.host}/ws`
}

/** Delay before reconnect attempt `n` (0-based): 1 s, 2 s, 4 s … 30 s, ±25 %. */
export function backoffDelay(n, random = Math.random) {
  const base = Math.min(MAX_DELAY, BASE_DELAY * 2 ** Math.min(n, 15))
  const jitter = base * 0.25 * (random() * 2 - 1)
  return Math.max(250, Math.round(base + jitter))
}

/**
 * handlers: {
 *   onPurchases(list), onMinute({topSellers, purchaseHistory}), onFeed(feed),
 *   onWatchMatches(list) — this user's watchlist matches,
 *   onReconnect() — once the socket is open again after a drop or a failed
 *                   first attempt (the page re-fetches what it missed),
 *   onUnauthorized() — close code 1008,
 *   onDropped() — closed without ever opening (a rejected handshake looks like
 *                 this too: the page can check the session)
 * }
 * Returns { state, retryIn, lastMessageAt, retryNow, stop } where state is
 * 'connecting' | 'live' | 'reconnecting' | 'offline'.
 */
export function useLiveSocket(handlers = {}) {
  const state = ref('connecting')
  const retryIn = ref(0) // seconds until the next attempt, while waiting
  const lastMessageAt = ref(0) // ms: when the server last said anything
  let ws = null
  let probeTimer = null
  let probeRound = 0 // a probe in flight from an earlier wait is ignored
  let serverDown = false // a probe found no server since the socket dropped
  let failures = 0
  let needsResync = false // set by any drop or failed attempt
  let stopped = false
  let retryTimer = null
  let countdown = null

  function call(name, ...args) {
    const fn = handlers[name]
    if (typeof fn === 'function') {
      try {
        fn(...args)
      } catch (err) {
        console.warn(`live socket: ${name} handler failed`, err)
      }
    }
  }

  function handleMessage(event) {
    lastMessageAt.value = Date.now()
    let msg
    try {
      msg = JSON.parse(event.data)
    } catch {
      return // not JSON: ignore
    }
    if (!msg || typeof msg !== 'object') return
    if (Array.isArray(msg.purchases)) call('onPurchases', msg.purchases)
    if (msg.topSellers || msg.purchaseHistory) {
      call('onMinute', { topSellers: msg.topSellers, purchaseHistory: msg.purchaseHistory })
    }
    if (msg.feed && typeof msg.feed === 'object') call('onFeed', msg.feed)
    if (Array.isArray(msg.watchMatches)) call('onWatchMatches', msg.watchMatches)
  }

  function clearTimers() {
    clearTimeout(retryTimer)
    clearInterval(countdown)
    clearTimeout(probeTimer)
    retryTimer = null
    countdown = null
    probeTimer = null
    retryIn.value = 0
  }

  // Asks /healthz until the backoff's own attempt is due. A server seen
  // down and now answering means reconnect now; a server that always
  // answered (the socket was refused, not the server gone) leaves the
  // backoff alone.
  function probe() {
    const round = ++probeRound
    probeTimer = setTimeout(async () => {
      probeTimer = null
      let up = false
      try {
        up = (await fetch('/healthz', { cache: 'no-store', credentials: 'omit' })).ok
      } catch {
        up = false
      }
      if (stopped || ws || round !== probeRound) return
      if (!up) {
        serverDown = true
        probe()
      } else if (serverDown) {
        retryNow()
      }
      // Up all along: the socket was refused, not the server gone (an
      // overloaded server, say), so the backoff decides.
    }, PROBE_MIN + Math.random() * PROBE_SPREAD)
  }

  function connect() {
    clearTimers()
    if (stopped) return
    let opened = false
    try {
      ws = new WebSocket(socketUrl())
    } catch {
      needsResync = true
      scheduleReconnect()
      return
    }
    ws.onopen = () => {
      opened = true
      failures = 0
      serverDown = false
      lastMessageAt.value = Date.now()
      state.value = 'live'
      if (needsResync) {
        needsResync = false
        call('onReconnect')
      }
    }
    ws.onmessage = handleMessage
    ws.onerror = () => {
      // A close event always follows; reconnect is handled there.
    }
    ws.onclose = (event) => {
      ws = null
      if (stopped) return
      if (event.code === POLICY_VIOLATION) {
        stopped = true
        state.value = 'offline'
        call('onUnauthorized')
        return
      }
      needsResync = true
      // A server that went away is probed for, and rejoined the moment it
      // answers again.
      if (opened && (event.code === GOING_AWAY || event.code === ABNORMAL)) serverDown = true
      if (!opened) call('onDropped')
      scheduleReconnect()
    }
  }

  function scheduleReconnect() {
    if (stopped) return
    const delay = backoffDelay(failures)
    failures++
    const browserOffline = typeof navigator !== 'undefined' && navigator.onLine === false
    state.value = browserOffline || failures > OFFLINE_AFTER_FAILURES ? 'offline' : 'reconnecting'
    const due = Date.now() + delay
    retryIn.value = Math.ceil(delay / 1000)
    countdown = setInterval(() => {
      retryIn.value = Math.max(0, Math.ceil((due - Date.now()) / 1000))
    }, 1000)
    retryTimer = setTimeout(() => {
      clearTimers()
      if (state.value !== 'offline') state.value = 'reconnecting'
      connect()
    }, delay)
    probe()
  }

  /** Reconnects now (the "retry now" button, or the server is back). */
  function retryNow() {
    if (stopped || ws) return
    failures = 0
    if (state.value === 'offline') state.value = 'reconnecting'
    connect()
  }

  // Back online: try at once instead of waiting out the backoff.
  function handleOnline() {
    retryNow()
  }
  function handleOffline() {
    if (state.value !== 'live') state.value = 'offline'
  }

  function stop() {
    stopped = true
    clearTimers()
    window.removeEventListener('online', handleOnline)
    window.removeEventListener('offline', handleOffline)
    if (ws) {
      ws.onclose = null
      ws.onmessage = null
      try {
        ws.close(NORMAL, 'leaving')
      } catch {
        // already closing
      }
      ws = null
    }
  }

  onMounted(() => {
    window.addEventListener('online', handleOnline)
    window.addEventListener('offline', handleOffline)
    connect()
  })
  onBeforeUnmount(stop)

  return { state, retryIn, lastMessageAt, retryNow, stop }
}
