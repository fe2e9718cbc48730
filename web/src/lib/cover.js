// A generated cover for a purchase without remote art (a replay, the
// synthetic feed, or blocked images): the artist's initials on a colour
// derived from the name, so one artist always gets the same cover.

const WORD = /[\p{L}\p{N}][\p{L}\p{N}\p{M}']*/gu

/** Up to two initials: "Girl Band" → "GB", "björk" → "B"; '' for none. */
export function initials(name) {
  const words = (typeof name === 'string' ? name : '').match(WORD) || []
  return words
    .slice(0, 2)
    .map((w) => Array.from(w)[0].toLocaleUpperCase())
    .join('')
}

// FNV-1a over the name's UTF-16 code units: small, stable, well spread.
function hash(s) {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

function hslToHex(h, s, l) {
  const a = s * Math.min(l, 1 - l)
  const f = (n) => {
    const k = (n + h / 30) % 12
    const c = l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))
    return Math.round(c * 255)
      .toString(16)
      .padStart(2, '0')
  }
  return `#${f(0)}${f(8)}${f(4)}`
}

/**
 * The cover's background for an artist: any hue, dark enough that white
 * initials on it are at least 4.5:1 (lightness 28 %, saturation 55 %).
 */
export function coverColour(name) {
  const key = (typeof name === 'string' ? name : '').trim().toLocaleLowerCase()
  return hslToHex(hash(key) % 360, 0.55, 0.28)
}
