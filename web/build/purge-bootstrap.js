// PostCSS plugin: keeps only the rules of Bootstrap's stylesheet whose
// classes the app's sources name (PurgeCSS, MIT, a build-time tool only).
// Bootstrap ships 232 KB of CSS that blocks the first paint; the dashboard
// uses a few dozen of its classes. Our own styles are never purged: their
// class names are sometimes built at run time ("feed-" + tone).
//
// A Bootstrap class the app builds at run time must be written out in full
// somewhere in web/src (a comment will do), or be listed in SAFELIST.
import { PurgeCSS } from 'purgecss'
import { fileURLToPath } from 'node:url'

const src = fileURLToPath(new URL('../src', import.meta.url))
const CONTENT = [`${src}/**/*.vue`, `${src}/**/*.js`, fileURLToPath(new URL('../index.html', import.meta.url))]

const SAFELIST = {
  standard: ['html', 'body'],
  // The theme toggle sets data-bs-theme on <html>.
  greedy: [/data-bs-theme/],
}

const BOOTSTRAP = /[\\/]node_modules[\\/]bootstrap[\\/]/

export default function purgeBootstrap() {
  return {
    postcssPlugin: 'beats-purge-bootstrap',
    async OnceExit(root, { result, postcss }) {
      const file = root.source?.input?.file || ''
      if (!BOOTSTRAP.test(file)) return
      const [purged] = await new PurgeCSS().purge({
        content: CONTENT,
        css: [{ raw: root.toString() }],
        safelist: SAFELIST,
        keyframes: true, // drop animations no kept rule uses
        fontFace: true,
        variables: false, // custom properties are read by our own styles and the themes
      })
      result.root = postcss.parse(purged.css, { from: file })
    },
  }
}
purgeBootstrap.postcss = true
