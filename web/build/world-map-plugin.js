// Vite plugin: serves `virtual:world-map`, the country shapes of
// @svg-maps/world (CC BY 4.0) with their coordinates rounded to a tenth of a
// viewBox unit. The map is drawn about 1000 px wide at most, so nothing visible
// is lost, and the module shrinks from ~1.2 MB to a fraction of it.
import world from '@svg-maps/world'

const VIRTUAL_ID = 'virtual:world-map'
const RESOLVED_ID = '\0' + VIRTUAL_ID
// Just the map's viewBox, so the page can reserve the map's room before the
// shapes (loaded after first paint) arrive.
const VIEWBOX_ID = 'virtual:world-map-viewbox'
const RESOLVED_VIEWBOX_ID = '\0' + VIEWBOX_ID
const SCALE = 10 // keep one decimal
const TOLERANCE = 2 // tenths of a unit: a fifth of a pixel at 1010 px wide

function fmt(n) {
  // n is an integer count of tenths; print it with as few characters as possible.
  const s = (n / SCALE).toString()
  return s.replace(/^(-?)0\./, '$1.')
}

// Drops points closer than `tol` (in tenths) to the line between kept ones.
function douglasPeucker(pts, tol) {
  const keep = new Uint8Array(pts.length)
  keep[0] = 1
  keep[pts.length - 1] = 1
  const stack = [[0, pts.length - 1]]
  while (stack.length) {
    const [a, b] = stack.pop()
    const [ax, ay] = pts[a]
    const [bx, by] = pts[b]
    const len = Math.hypot(bx - ax, by - ay)
    let maxD = -1
    let idx = -1
    for (let i = a + 1; i < b; i++) {
      const [px, py] = pts[i]
      const dist = len === 0
        ? Math.hypot(px - ax, py - ay)
        : Math.abs((bx - ax) * (ay - py) - (ax - px) * (by - ay)) / len
      if (dist > maxD) {
        maxD = dist
        idx = i
      }
    }
    if (idx !== -1 && maxD > tol) {
      keep[idx] = 1
      stack.push([a, idx], [idx, b])
    }
  }
  return pts.filter((_, i) => keep[i])
}

// The source paths only use relative moveto (`m`, with implicit relative
// lineto pairs after the first) and closepath (`z`).
export function simplifyPath(d) {
  const tokens = d.match(/[mMzZ]|-?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?/g) || []
  let x = 0
  let y = 0
  let startX = 0
  let startY = 0
  let cmd = ''
  let pairIndex = 0
  const subpaths = []
  let current = null
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]
    if (t === 'm' || t === 'M') {
      cmd = t
      pairIndex = 0
      continue
    }
    if (t === 'z' || t === 'Z') {
      if (current) subpaths.push(current)
      current = null
      x = startX
      y = startY
      continue
    }
    const dx = parseFloat(t)
    const dy = parseFloat(tokens[++i])
    if (cmd === 'M' && pairIndex === 0) {
      x = dx
      y = dy
    } else {
      x += dx
      y += dy
    }
    if (pairIndex === 0) {
      if (current) subpaths.push(current)
      current = []
      startX = x
      startY = y
    }
    pairIndex++
    const px = Math.round(x * SCALE)
    const py = Math.round(y * SCALE)
    const last = current[current.length - 1]
    if (!last || last[0] !== px || last[1] !== py) current.push([px, py])
  }
  if (current) subpaths.push(current)

  let out = ''
  for (const raw of subpaths) {
    const pts = raw.length > 2 ? douglasPeucker(raw, TOLERANCE) : raw
    if (pts.length < 2) continue
    out += `M${fmt(pts[0][0])} ${fmt(pts[0][1])}l`
    const parts = []
    for (let k = 1; k < pts.length; k++) {
      parts.push(`${fmt(pts[k][0] - pts[k - 1][0])} ${fmt(pts[k][1] - pts[k - 1][1])}`)
    }
    out += parts.join(' ').replace(/ -/g, '-') + 'z'
  }
  return out
}

// The box around every shape, with a little margin (the source viewBox has
// room for Antarctica, which is left out).
function boundingViewBox(locations) {
  let minX = Infinity
  let minY = Infinity
  let maxX = -Infinity
  let maxY = -Infinity
  for (const { d } of locations) {
    for (const sub of d.split('M').filter(Boolean)) {
      const nums = sub.replace(/[lz]/g, ' ').match(/-?(?:\d+\.?\d*|\.\d+)/g).map(Number)
      let x = 0
      let y = 0
      for (let i = 0; i < nums.length; i += 2) {
        x = i === 0 ? nums[0] : x + nums[i]
        y = i === 0 ? nums[1] : y + nums[i + 1]
        if (x < minX) minX = x
        if (x > maxX) maxX = x
        if (y < minY) minY = y
        if (y > maxY) maxY = y
      }
    }
  }
  const pad = 4
  const r = (n) => Math.round(n * 10) / 10
  return `${r(minX - pad)} ${r(minY - pad)} ${r(maxX - minX + 2 * pad)} ${r(maxY - minY + 2 * pad)}`
}

let cached = null

function shapes() {
  if (!cached) {
    const locations = world.locations
      // Antarctica takes a sixth of the map and never buys anything.
      .filter((l) => l.id !== 'aq')
      .map((l) => ({ id: l.id, name: l.name, d: simplifyPath(l.path) }))
      .filter((l) => l.d)
    cached = { viewBox: boundingViewBox(locations), locations }
  }
  return cached
}

export default function worldMapPlugin() {
  return {
    name: 'beats-world-map',
    resolveId(id) {
      if (id === VIRTUAL_ID) return RESOLVED_ID
      return id === VIEWBOX_ID ? RESOLVED_VIEWBOX_ID : null
    },
    load(id) {
      if (id === RESOLVED_ID) return `export default ${JSON.stringify(shapes())}`
      if (id === RESOLVED_VIEWBOX_ID) return `export default ${JSON.stringify(shapes().viewBox)}`
      return null
    },
  }
}
