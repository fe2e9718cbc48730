// Same-origin JSON API client. The session lives in an HttpOnly cookie, so
// every call is a plain fetch with credentials 'same-origin'. A 401 from any
// endpoint other than login/register means the session is gone: the app's
// unauthorized handler (set in main.js) sends the user to /login.

export class ApiError extends Error {
  constructor(status, message, { retryAfter = null, body = null } = {}) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.retryAfter = retryAfter
    this.body = body
  }
}

let onUnauthorized = () => {}

/** Called with no arguments whenever an authenticated endpoint answers 401. */
export function setUnauthorizedHandler(fn) {
  onUnauthorized = typeof fn === 'function' ? fn : () => {}
}

// Login and register answer 401/409 for bad credentials: that is a form error,
// not a lost session.
const CREDENTIAL_PATHS = new Set(['/account/login', '/account/register'])

function defaultMessage(status) {
  if (status === 400) return 'The request was not valid.'
  if (status === 401) return 'You are not signed in.'
  if (status === 403) return 'You are not allowed to do that.'
  if (status === 404) return 'Not found.'
  if (status === 409) return 'That conflicts with existing data.'
  if (status === 429) return 'Too many requests. Please wait a moment.'
  if (status >= 500) return 'The server had a problem. Please try again.'
  return `Request failed (${status}).`
}

function parseRetryAfter(value) {
  if (!value) return null
  const secs = Number(value)
  if (Number.isFinite(secs) && secs >= 0) return Math.ceil(secs)
  const when = Date.parse(value)
  if (Number.isFinite(when)) return Math.max(0, Math.ceil((when - Date.now()) / 1000))
  return null
}

function withQuery(path, query) {
  if (!query) return path
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v))
  }
  const qs = params.toString()
  return qs ? path + '?' + qs : path
}

// GETs started before the code that reads them (see prime), by URL.
const primed = new Map()
const PRIMED_FOR_MS = 10_000
let priming = false

/**
 * Runs reads(), a function that calls api methods and returns their
 * promises, so that their GETs start now; the first request for the same
 * URL within a few seconds gets that answer instead of asking again. The
 * page starts the dashboard's first reads this way while the app loads.
 */
export function prime(reads) {
  priming = true
  try {
    Promise.allSettled(reads()) // their readers see any failure
  } finally {
    priming = false
  }
}

/**
 * request('GET', '/purchases') → parsed JSON.
 * Throws ApiError for HTTP errors (message from {"error": "..."} when given),
 * and lets AbortError through untouched so callers can ignore it.
 */
export function request(method, path, options = {}) {
  const url = withQuery(path, options.query)
  const shareable = method === 'GET' && !options.signal && !options.onResponse
  if (shareable && priming) {
    const answer = send(method, url, path, options)
    primed.set(url, answer)
    setTimeout(() => primed.get(url) === answer && primed.delete(url), PRIMED_FOR_MS)
    return answer
  }
  const answer = shareable && primed.get(url)
  if (answer) {
    primed.delete(url)
    return answer
  }
  return send(method, url, path, options)
}

async function send(method, url, path, { body, signal, onResponse }) {
  const init = {
    method,
    credentials: 'same-origin',
    headers: { Accept: 'application/json' },
    signal,
  }
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json'
    init.body = JSON.stringify(body)
  }

  let res
  try {
    res = await fetch(url, init)
  } catch (err) {
    if (err && err.name === 'AbortError') throw err
    throw new ApiError(0, 'Cannot reach the server. Check your connection.')
  }

  if (onResponse) onResponse(res)
  let data = null
  const text = await res.text()
  if (text) {
    try {
      data = JSON.parse(text)
    } catch {
      data = null
    }
  }

  if (!res.ok) {
    if (res.status === 401 && !CREDENTIAL_PATHS.has(path)) onUnauthorized()
    const message = (data && typeof data.error === 'string' && data.error) || defaultMessage(res.status)
    throw new ApiError(res.status, message, {
      retryAfter: parseRetryAfter(res.headers.get('Retry-After')),
      body: data,
    })
  }
  return data
}

const asArray = (v) => (Array.isArray(v) ? v : [])

/** What a panel says when its data could not be read ('' for a 401: the page goes to /login). */
export function loadError(err, what) {
  if (err instanceof ApiError && err.status === 401) return ''
  if (err instanceof ApiError && err.status) return `Could not load ${what}: ${err.message}`
  return `Could not load ${what}. Retrying with the next update.`
}

/** The cursor of a Link header's rel="next" page, or ''. */
export function nextCursor(link) {
  const m = /<([^>]*)>\s*;\s*rel="?next"?/i.exec(link || '')
  if (!m) return ''
  try {
    return new URL(m[1], 'http://x').searchParams.get('cursor') || ''
  } catch {
    return ''
  }
}

export const api = {
  login: (username, password, remember = false) =>
    request('POST', '/account/login', { body: { username, password, remember } }),
  register: (username, password, remember = false) =>
    request('POST', '/account/register', { body: { username, password, remember } }),
  logout: () => request('POST', '/account/logout', { body: {} }),
  me: () => request('GET', '/account/me'),
  changePassword: (current, next) => request('POST', '/account/password', { body: { current, new: next } }),
  logoutAll: (password) => request('POST', '/account/logout-all', { body: { password } }),
  sessions: async () => asArray((await request('GET', '/account/sessions'))?.sessions),
  endSession: (id, password) =>
    request('DELETE', `/account/sessions/${encodeURIComponent(id)}`, { body: { password } }),
  feedStatus: () => request('GET', '/feed/status'),
  recentPurchases: async () => asArray(await request('GET', '/purchases')),
  search: async (term, signal) => asArray(await request('GET', '/purchase/search', { query: { term }, signal })),
  // One page of matches and the cursor of the next ('' on the last page).
  searchPage: async (term, { cursor, signal } = {}) => {
    let next = ''
    const results = asArray(
      await request('GET', '/purchase/search', {
        query: { term, cursor },
        signal,
        onResponse: (res) => {
          next = nextCursor(res.headers.get('Link'))
        },
      }),
    )
    return { results, next }
  },
  history: async ({ bucket = 60000, from, to } = {}) =>
    asArray(await request('GET', '/purchases/history', { query: { bucket, from, to } })),
  revenue: async ({ bucket = 60000, from, to } = {}) =>
    asArray(await request('GET', '/purchases/revenue', { query: { bucket, from, to } })),
  // The range endpoints take {from, to} (epoch ms); each answer says the
  // range it used (clipped to the retention).
  topSellers: (range) => request('GET', '/purchases/top-sellers', { query: range }),
  byCountry: (range) => request('GET', '/purchases/by-country', { query: range }),
  summary: (range) => request('GET', '/purchases/summary', { query: range }),
  breakdown: (by, range) => request('GET', '/purchases/breakdown', { query: { by, ...range } }),
  trending: (window) => request('GET', '/purchases/trending', { query: { window } }),
}

/**
 * The link that downloads every purchase of a range ({from, to}, epoch ms)
 * or of a search term, or both, as CSV (GET /purchases/export streams it).
 */
export function exportUrl({ from, to, term } = {}) {
  const finite = (n) => (Number.isFinite(n) ? n : undefined)
  return withQuery('/purchases/export', { from: finite(from), to: finite(to), term })
}

export function useApi() {
  return api
}
