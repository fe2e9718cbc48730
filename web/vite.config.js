import { fileURLToPath, URL } from 'node:url'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import worldMap from './build/world-map-plugin.js'
import precompress from './build/precompress-plugin.js'
import purgeBootstrap from './build/purge-bootstrap.js'

// The Go server (`make run`) listens here; `npm run dev` proxies the API to it.
const backend = process.env.BEATS_BACKEND || 'http://127.0.0.1:8080'
const proxied = ['/account', '/purchase', '/purchases', '/feed', '/watchlist', '/healthz', '/readyz']

export default defineConfig({
  plugins: [vue(), worldMap(), precompress()],
  css: {
    postcss: { plugins: [purgeBootstrap()] },
  },
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  build: {
    // dist/app, not dist: emptyOutDir must not delete dist/.gitkeep, which
    // keeps go:embed working in a fresh clone before the first build.
    outDir: '../internal/webui/dist/app',
    emptyOutDir: true,
    // Never inline assets as data: URIs: the server's CSP allows images from
    // 'self' only, so every flag and icon must be a file of our own origin.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1200,
    // The browsers we target support <link rel="modulepreload">: no polyfill.
    modulePreload: { polyfill: false },
  },
  server: {
    proxy: {
      ...Object.fromEntries(proxied.map((p) => [p, { target: backend, changeOrigin: false }])),
      '/ws': { target: backend, ws: true, changeOrigin: false },
    },
  },
  preview: {
    proxy: {
      ...Object.fromEntries(proxied.map((p) => [p, { target: backend }])),
      '/ws': { target: backend, ws: true },
    },
  },
})
