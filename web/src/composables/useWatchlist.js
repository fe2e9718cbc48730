// The user's watchlist: watched terms, recent matches, the unread count,
// the toasts and browser notifications of live matches. One state shared by
// the whole page, so that the panel and every "watch this" button agree.
import { computed, reactive, ref } from 'vue'
import { request, ApiError } from './useApi.js'
import { useSession } from './useSession.js'
import { foldTerm, matchSummary, mergeMatches } from '@/lib/watch.js'

const KEPT = 500 // the server keeps a user's last 500 matches
const TOAST_MS = 8000
const MAX_TOASTS = 4

const state = reactive({
  terms: [], // [{id, term, created}], newest first
  matches: [], // [{id, watchId, term, at, purchase}], newest first
  next: null, // cursor of the next page of matches
  loading: false,
  loaded: false,
  error: '',
  seen: 0, // time (ms) of the newest match at the last look
})
const toasts = ref([]) // [{key, kind: 'match'|'error', title, text}]
const permission = ref(typeof Notification === 'undefined' ? 'unsupported' : Notification.permission)
let toastSeq = 0

function seenKey() {
  return `beats.watch.seen.${useSession().state.user?.id || 'anonymous'}`
}

function readSeen() {
  try {
    return Number(localStorage.getItem(seenKey())) || 0
  } catch {
    return 0
  }
}

function errorText(err, what) {
  return err instanceof ApiError && err.status ? err.message : `Could not ${what}. Please try again.`
}

async function load() {
  state.loading = true
  try {
    const [list, page] = await Promise.all([request('GET', '/watchlist'), request('GET', '/watchlist/matches')])
    state.terms = Array.isArray(list?.terms) ? list.terms : []
    // Live matches that arrived during the requests are kept.
    state.matches = mergeMatches(state.matches, Array.isArray(page?.matches) ? page.matches : [], KEPT)
    state.next = typeof page?.next === 'string' ? page.next : null
    state.seen = readSeen()
    state.error = ''
    state.loaded = true
  } catch (err) {
    state.error = errorText(err, 'load your watchlist')
  } finally {
    state.loading = false
  }
}

async function loadMore() {
  if (!state.next || state.loading) return
  state.loading = true
  try {
    const page = await request('GET', '/watchlist/matches', { query: { before: state.next } })
    state.matches = mergeMatches(state.matches, Array.isArray(page?.matches) ? page.matches : [], KEPT)
    state.next = typeof page?.next === 'string' ? page.next : null
  } catch (err) {
    state.error = errorText(err, 'load more matches')
  } finally {
    state.loading = false
  }
}

/** Watches term; resolves to the watch, throws ApiError with the server's message. */
async function add(term) {
  const watch = await request('POST', '/watchlist', { body: { term } })
  if (watch && typeof watch.id === 'string') {
    state.terms = [watch, ...state.terms.filter((t) => t.id !== watch.id)]
  }
  return watch
}

async function remove(id) {
  try {
    await request('DELETE', `/watchlist/${encodeURIComponent(id)}`)
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 404)) throw err
  }
  state.terms = state.terms.filter((t) => t.id !== id)
  state.matches = state.matches.filter((m) => m.watchId !== id)
}

function watchOf(term) {
  const folded = foldTerm(term)
  return folded ? state.terms.find((t) => foldTerm(t.term) === folded) : undefined
}

/** Watch term, or stop watching it when it is watched. */
async function toggle(term) {
  try {
    const w = watchOf(term)
    if (w) await remove(w.id)
    else await add(term)
  } catch (err) {
    toast('error', 'Watchlist', errorText(err, 'change your watchlist'))
  }
}

function toast(kind, title, text) {
  const key = ++toastSeq
  toasts.value = [...toasts.value, { key, kind, title, text }].slice(-MAX_TOASTS)
  setTimeout(() => dismiss(key), TOAST_MS)
}

function dismiss(key) {
  toasts.value = toasts.value.filter((t) => t.key !== key)
}

function notify(m) {
  if (permission.value !== 'granted' || typeof document === 'undefined' || !document.hidden) return
  try {
    // Text only: a notification never renders HTML.
    new Notification(`Watching “${m.term}”`, { body: matchSummary(m.purchase), tag: m.id })
  } catch {
    // Some browsers only allow notifications from a service worker.
  }
}

/** A {"watchMatches": [...]} message from the live socket. */
function onLiveMatches(list) {
  const fresh = (Array.isArray(list) ? list : []).filter(
    (m) => m && typeof m.id === 'string' && !state.matches.some((x) => x.id === m.id),
  )
  if (!fresh.length) return
  state.matches = mergeMatches(state.matches, fresh, KEPT)
  for (const m of fresh) {
    toast('match', `Watching “${m.term}”`, matchSummary(m.purchase))
    notify(m)
  }
}

/** The user has looked at the matches: none is unread any more. */
function markSeen() {
  const newest = state.matches.reduce((t, m) => Math.max(t, Number(m.at) || 0), 0)
  if (newest <= state.seen) return
  state.seen = newest
  try {
    localStorage.setItem(seenKey(), String(newest))
  } catch {
    // Private mode: the count resets with the page.
  }
}

async function askPermission() {
  if (typeof Notification === 'undefined') return
  try {
    permission.value = await Notification.requestPermission()
  } catch {
    permission.value = Notification.permission
  }
}

const unread = computed(() => state.matches.filter((m) => (Number(m.at) || 0) > state.seen).length)

export function useWatchlist() {
  return {
    state,
    toasts,
    unread,
    permission,
    load,
    resync: load,
    loadMore,
    add,
    remove,
    toggle,
    isWatching: (term) => !!watchOf(term),
    onLiveMatches,
    markSeen,
    dismiss,
    askPermission,
  }
}
