// Light or dark: the system's setting (prefers-color-scheme) unless the
// viewer chose one with the toggle, which is remembered in localStorage.
// The theme is Bootstrap's data-bs-theme on <html>; the page's own colours
// are CSS variables in styles/main.css with a set for each theme, and the
// charts read theirs from there (chartColors).
import { computed, ref, watch } from 'vue'

const STORAGE_KEY = 'beats-theme'
const THEMES = ['light', 'dark']

const media = typeof window !== 'undefined' && window.matchMedia ? window.matchMedia('(prefers-color-scheme: dark)') : null
const system = ref(media?.matches ? 'dark' : 'light')
media?.addEventListener('change', (e) => {
  system.value = e.matches ? 'dark' : 'light'
})

function stored() {
  try {
    const v = window.localStorage.getItem(STORAGE_KEY)
    return THEMES.includes(v) ? v : ''
  } catch {
    return '' // storage refused (privacy mode): follow the system
  }
}

const chosen = ref(typeof window !== 'undefined' ? stored() : '')

/** The theme in use: 'light' or 'dark'. */
export const theme = computed(() => chosen.value || system.value)

/** Use t ('light' or 'dark') from now on, and remember it. */
export function chooseTheme(t) {
  if (!THEMES.includes(t)) return
  chosen.value = t
  try {
    window.localStorage.setItem(STORAGE_KEY, t)
  } catch {
    // Not remembered, but used for this page.
  }
}

/**
 * Keeps <html data-bs-theme> in step; call once before the app mounts (so
 * the first paint has the right colours). The watcher is synchronous: the
 * attribute has changed before anything reads chartColors again.
 */
export function applyTheme() {
  const set = (t) => document.documentElement.setAttribute('data-bs-theme', t)
  set(theme.value)
  watch(theme, set, { flush: 'sync' })
}

const CHART_VARS = {
  text: '--beats-chart-text',
  muted: '--beats-chart-muted',
  grid: '--beats-chart-grid',
  line: '--beats-chart-line',
  area: '--beats-chart-area',
  surface: '--beats-surface',
  tipBg: '--beats-tip-bg',
  tipText: '--beats-tip-text',
  tipBorder: '--beats-tip-border',
  slices: ['--beats-chart-1', '--beats-chart-2', '--beats-chart-3', '--beats-chart-4', '--beats-chart-5'],
}

/** The charts' colours for the theme in use, read from the stylesheet. */
export const chartColors = computed(() => {
  void theme.value // recomputed when the theme changes
  const css = getComputedStyle(document.documentElement)
  const read = (name) => css.getPropertyValue(name).trim()
  const out = {}
  for (const [key, v] of Object.entries(CHART_VARS)) out[key] = Array.isArray(v) ? v.map(read) : read(v)
  out.font = read('--bs-body-font-family') || 'sans-serif'
  return out
})
