// Vite plugin: writes a brotli (.br) and a gzip (.gz) copy beside every
// compressible file of the build, once, at the highest levels: the Go server
// (internal/httpapi/static.go) sends the copy the browser accepts, so no
// request pays for compression. Node's zlib has both codecs: no dependency.
import { readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { join, extname } from 'node:path'
import { brotliCompressSync, gzipSync, constants } from 'node:zlib'

const COMPRESSIBLE = new Set(['.js', '.mjs', '.css', '.html', '.svg', '.json', '.txt', '.webmanifest'])
const MIN_BYTES = 256 // smaller files gain less than the headers cost
const MIN_SAVING = 0.9 // keep a copy only when it is at most 90 % of the original

async function* files(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name)
    if (entry.isDirectory()) yield* files(p)
    else yield p
  }
}

export async function precompressDir(dir) {
  const totals = { files: 0, raw: 0, br: 0, gz: 0 }
  for await (const file of files(dir)) {
    if (!COMPRESSIBLE.has(extname(file))) continue
    const { size } = await stat(file)
    if (size < MIN_BYTES) continue
    const raw = await readFile(file)
    const br = brotliCompressSync(raw, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
      },
    })
    const gz = gzipSync(raw, { level: constants.Z_BEST_COMPRESSION })
    if (br.length <= raw.length * MIN_SAVING) await writeFile(file + '.br', br)
    if (gz.length <= raw.length * MIN_SAVING) await writeFile(file + '.gz', gz)
    totals.files++
    totals.raw += raw.length
    totals.br += Math.min(br.length, raw.length)
    totals.gz += Math.min(gz.length, raw.length)
  }
  return totals
}

export default function precompressPlugin() {
  let outDir = ''
  return {
    name: 'beats-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir
    },
    async closeBundle() {
      const t = await precompressDir(outDir)
      const kb = (n) => `${(n / 1024).toFixed(0)} KB`
      this.info?.(`precompressed ${t.files} files: ${kb(t.raw)} → br ${kb(t.br)}, gzip ${kb(t.gz)}`)
    },
  }
}
