import { normalizeCountryCode } from './format.js'

// Country flags from the flag-icons package (MIT), bundled as files of our own
// origin (no data: URIs, no CDN). Vite emits each SVG once; the browser only
// downloads the flags that are shown.
const files = import.meta.glob('/node_modules/flag-icons/flags/4x3/??.svg', {
  eager: true,
  query: '?url',
  import: 'default',
})

const byCode = {}
for (const [path, url] of Object.entries(files)) {
  const code = path.slice(path.lastIndexOf('/') + 1, -4)
  byCode[code] = url
}

/** URL of the 4:3 flag for a lowercase ISO alpha-2 code, or '' if unknown. */
export function flagUrl(code) {
  return byCode[normalizeCountryCode(code)] || ''
}
