// Whether to animate: not for people who asked for reduced motion, and not
// under browser automation (tests wait for charts, animations only slow them).
const query = typeof window !== 'undefined' && window.matchMedia
  ? window.matchMedia('(prefers-reduced-motion: reduce)')
  : null

export function prefersReducedMotion() {
  return Boolean(query && query.matches)
}

export function isAutomated() {
  return typeof navigator !== 'undefined' && navigator.webdriver === true
}

export function animationsEnabled() {
  return !prefersReducedMotion() && !isAutomated()
}
