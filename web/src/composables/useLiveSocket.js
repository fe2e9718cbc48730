// The live WebSocket (/ws): purchases as they happen, and the chart data once
// a minute. Reconnects with exponential backoff (1 s doubling to 30 s, with
// jitter) and asks the page to resynchronise after every reconnect.
import { onBeforeUnmount, onMounted, ref } from 'vue'

const POLICY_VIOLATION = 1008 // not signed in
const NORMAL = 1000
const BASE_DELAY = 1000
const MAX_DELAY = 30000
const OFFLINE_AFTER_FAILURES = 4

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
 *   onReconnect() — once the socket is open again after a drop or a failed
 *                   first attempt (the page re-fetches what it missed),
 *   onUnauthorized() — close code 1008,
 *   onDropped() — closed without ever opening (a rejected handshake looks like
 *                 this too: the page can check the session)
 * }
 * Returns { state, retryIn } where state is 'connecting' | 'live' |
 * 'reconnecting' | 'offline'.
 */
export function useLiveSocket(handlers = {}) {
  const state = ref('connecting')
  const retryIn = ref(0) // seconds until the next attempt, while waiting
  let ws = null
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
  }

  function clearTimers() {
    clearTimeout(retryTimer)
    clearInterval(countdown)
    retryTimer = null
    countdown = null
    retryIn.value = 0
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
  }

  // Back online: try at once instead of waiting out the backoff.
  function handleOnline() {
    if (stopped || ws) return
    failures = 0
    connect()
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

  return { state, retryIn, stop }
}
