#!/usr/bin/env node
// Fails when a package shipped to the browser (web/'s production
// dependencies, all the way down) has a licence outside the project's list.
// It reads `npm ls --omit=dev --all --json --long`, which names each
// package's licence as its package.json declares it (an SPDX expression).
//
//   node scripts/check-web-licenses.mjs            # checks web/
//   node scripts/check-web-licenses.mjs tree.json  # checks a saved npm ls answer
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

// MIT, Apache-2.0, BSD (any clause), ISC, 0BSD, CC0, CC-BY-4.0 (the map's
// shapes), MPL-2.0.
const ALLOWED = [/^MIT$/, /^Apache-2\.0$/, /^BSD-[1-4]-Clause(-Clear)?$/, /^ISC$/, /^0BSD$/, /^CC0-1\.0$/, /^CC-BY-4\.0$/, /^MPL-2\.0$/]

function allowedId(id) {
  return ALLOWED.some((re) => re.test(id))
}

/**
 * Whether an SPDX licence expression is allowed: "A OR B" needs one of
 * them, "A AND B" both, "A WITH exception" is A. Anything it cannot read
 * (UNLICENSED, "SEE LICENSE IN ...", a custom text) is not allowed.
 */
export function allowedExpression(expr) {
  if (typeof expr !== 'string') return false
  const tokens = expr.match(/\(|\)|[^\s()]+/g) || []
  let pos = 0
  // or := and ("OR" and)* ; and := atom ("AND" atom)* ; atom := id [WITH id] | "(" or ")"
  function or() {
    let ok = and()
    while (tokens[pos] === 'OR') {
      pos++
      ok = and() || ok
    }
    return ok
  }
  function and() {
    let ok = atom()
    while (tokens[pos] === 'AND') {
      pos++
      ok = atom() && ok
    }
    return ok
  }
  function atom() {
    const t = tokens[pos++]
    if (t === '(') {
      const ok = or()
      if (tokens[pos++] !== ')') throw new Error('unbalanced parentheses')
      return ok
    }
    if (t === undefined || t === ')' || t === 'OR' || t === 'AND' || t === 'WITH') throw new Error(`unexpected ${t ?? 'end'}`)
    if (tokens[pos] === 'WITH') pos += 2
    return allowedId(t.replace(/\+$/, ''))
  }
  try {
    const ok = or()
    return pos === tokens.length && ok
  } catch {
    return false
  }
}

// The licence a package declares: "license" (a string, or the old
// {type} object) or the older "licenses" list, which means any of them.
function declared(pkg) {
  const l = pkg.license
  if (typeof l === 'string') return l
  if (l && typeof l.type === 'string') return l.type
  if (Array.isArray(pkg.licenses)) {
    const ids = pkg.licenses.map((x) => (typeof x === 'string' ? x : x?.type)).filter(Boolean)
    if (ids.length) return ids.length === 1 ? ids[0] : `(${ids.join(' OR ')})`
  }
  return ''
}

/** Every package in an `npm ls --json --long` tree: [{name, version, license}], each once. */
export function packages(tree) {
  const seen = new Map()
  const walk = (deps) => {
    for (const [name, pkg] of Object.entries(deps || {})) {
      // An optional peer that is not installed (vue's typescript) is listed
      // without a version: it is not shipped.
      if (!pkg.version) continue
      const key = `${name}@${pkg.version}`
      if (!seen.has(key)) seen.set(key, { name, version: pkg.version, license: declared(pkg) })
      walk(pkg.dependencies)
    }
  }
  walk(tree.dependencies)
  return [...seen.values()].sort((a, b) => a.name.localeCompare(b.name))
}

/** The packages whose licence is not allowed, as lines to print. */
export function problems(tree) {
  const out = []
  for (const p of packages(tree)) {
    if (!allowedExpression(p.license)) out.push(`${p.name}@${p.version}: ${p.license || 'no licence declared'}`)
  }
  if (tree.problems?.length) out.push(...tree.problems.map((p) => `npm ls: ${p}`))
  return out
}

function main(args) {
  let json
  if (args[0]) {
    json = readFileSync(args[0], 'utf8')
  } else {
    const web = join(dirname(fileURLToPath(import.meta.url)), '..', 'web')
    json = execFileSync('npm', ['ls', '--omit=dev', '--all', '--json', '--long'], {
      cwd: web,
      encoding: 'utf8',
      maxBuffer: 64 << 20,
      stdio: ['ignore', 'pipe', 'inherit'],
    })
  }
  const tree = JSON.parse(json)
  const all = packages(tree)
  if (!all.length) {
    console.error('check-web-licenses: no packages found; run `npm ci` in web/ first')
    return 1
  }
  const bad = problems(tree)
  if (bad.length) {
    console.error(`check-web-licenses: ${bad.length} package(s) shipped to the browser have a licence outside the list:`)
    for (const b of bad) console.error(`  ${b}`)
    return 1
  }
  const counts = {}
  for (const p of all) counts[p.license] = (counts[p.license] || 0) + 1
  const summary = Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .map(([l, n]) => `${l} ${n}`)
    .join(', ')
  console.log(`check-web-licenses: ${all.length} packages shipped to the browser, all allowed (${summary})`)
  return 0
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = main(process.argv.slice(2))
}
