import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  DEFAULT_PRESET,
  bucketLabel,
  chooseBucket,
  formatInstant,
  parseInstant,
  parseRange,
  rangeLabel,
  rangeQuery,
  resolveRange,
  sameRange,
  snapSelection,
  trendWindow,
} from '../src/lib/range.js'

const MIN = 60_000
const HOUR = 60 * MIN
const DAY = 24 * HOUR
const T0 = Date.UTC(2026, 11, 6, 14, 5) // 2026-12-06T14:05Z

test('a link without a range is the default window, live', () => {
  assert.deepEqual(parseRange({}), { kind: 'live', preset: DEFAULT_PRESET, invalid: false })
  assert.deepEqual(parseRange(undefined), { kind: 'live', preset: '1h', invalid: false })
  assert.deepEqual(parseRange({ view: 'wall' }), { kind: 'live', preset: '1h', invalid: false })
})

test('a link names a window', () => {
  for (const key of ['1h', '24h', '7d', '30d']) {
    assert.deepEqual(parseRange({ range: key }), { kind: 'live', preset: key, invalid: false })
  }
  // vue-router gives repeated keys as a list: the first counts.
  assert.deepEqual(parseRange({ range: ['7d', '1h'] }), { kind: 'live', preset: '7d', invalid: false })
})

test('a link holds a fixed range, in ISO 8601 or epoch milliseconds', () => {
  const want = { kind: 'fixed', from: T0, to: T0 + HOUR, preset: '1h', invalid: false }
  assert.deepEqual(parseRange({ from: '2026-12-06T14:05Z', to: '2026-12-06T15:05Z' }), want)
  assert.deepEqual(parseRange({ from: '2026-12-06T14:05:00.000Z', to: '2026-12-06T16:05+01:00' }), want)
  assert.deepEqual(parseRange({ from: String(T0), to: String(T0 + HOUR) }), want)
  // The window to go back to is kept.
  assert.deepEqual(parseRange({ range: '7d', from: String(T0), to: String(T0 + HOUR) }), { ...want, preset: '7d' })
})

test('what a link cannot hold falls back to the default, and says so', () => {
  const cases = [
    { range: 'forever' },
    { range: '' },
    { from: '2026-12-06T14:05Z' }, // no end
    { from: '2026-12-06T15:05Z', to: '2026-12-06T14:05Z' }, // backwards
    { from: String(T0), to: String(T0) }, // empty
    { from: '2026-12-06T14:05', to: '2026-12-06T15:05' }, // no zone: whose 14:05?
    { from: 'yesterday', to: 'now' },
    { from: '-5', to: '10' },
    { from: '1e12', to: '2e12' },
    { from: '0', to: '1000' }, // 1970
    { from: '2026-13-45T99:99Z', to: '2026-12-06T15:05Z' },
  ]
  for (const q of cases) {
    const got = parseRange(q)
    assert.equal(got.kind, 'live', JSON.stringify(q))
    assert.equal(got.invalid, true, JSON.stringify(q))
  }
})

test('instants', () => {
  assert.equal(parseInstant(' 2026-12-06T14:05Z '), T0)
  assert.equal(parseInstant('2026-12-06T14:05:30Z'), T0 + 30_000)
  assert.equal(parseInstant('2026-12-06'), null)
  assert.equal(parseInstant(null), null)
  assert.equal(parseInstant('99999999999999999'), null)
  assert.equal(formatInstant(T0), '2026-12-06T14:05Z')
  assert.equal(formatInstant(T0 + 30_000), '2026-12-06T14:05:30Z')
  assert.equal(formatInstant(T0 + 30_250), '2026-12-06T14:05:30.250Z')
})

test('a range written to a link reads back the same', () => {
  const ranges = [
    { kind: 'live', preset: '1h', invalid: false },
    { kind: 'live', preset: '30d', invalid: false },
    { kind: 'fixed', from: T0, to: T0 + 90 * MIN, preset: '1h', invalid: false },
    { kind: 'fixed', from: T0 + 1, to: T0 + 2 * DAY + 30_250, preset: '24h', invalid: false },
  ]
  for (const r of ranges) {
    const q = rangeQuery(r, { view: 'wall', range: 'x', from: 'y' })
    assert.equal(q.view, 'wall')
    assert.deepEqual(parseRange(q), r)
    assert.ok(sameRange(parseRange(q), r))
  }
  assert.deepEqual(rangeQuery({ kind: 'live', preset: '1h' }, { range: '7d', to: '1' }), {}) // the default: no key
  assert.deepEqual(rangeQuery({ kind: 'live', preset: '7d' }), { range: '7d' })
  assert.ok(!sameRange({ kind: 'live', preset: '7d' }, { kind: 'live', preset: '1h' }))
  assert.ok(!sameRange({ kind: 'fixed', preset: '1h', from: 1, to: 3 }, { kind: 'fixed', preset: '1h', from: 1, to: 2 }))
})

test('buckets fit the range in at most 180 points', () => {
  const cases = [
    [HOUR, MIN],
    [3 * HOUR, MIN],
    [4 * HOUR, 2 * MIN],
    [DAY, 10 * MIN],
    [7 * DAY, HOUR],
    [30 * DAY, 6 * HOUR],
    [90 * DAY, 12 * HOUR],
    [91 * DAY, DAY],
    [1000 * DAY, DAY], // the widest
    [5 * MIN, MIN], // the narrowest: the series holds minutes
  ]
  for (const [span, want] of cases) {
    assert.equal(chooseBucket(span), want, `span ${span / MIN} min`)
    if (span <= 180 * DAY) assert.ok(span / want <= 180)
  }
  assert.equal(bucketLabel(MIN), 'minute')
  assert.equal(bucketLabel(10 * MIN), '10 minutes')
  assert.equal(bucketLabel(HOUR), 'hour')
  assert.equal(bucketLabel(6 * HOUR), '6 hours')
  assert.equal(bucketLabel(DAY), 'day')
})

test('a live window ends now, rounded down to its refresh, so viewers share it', () => {
  const now = T0 + 7_400
  const hour = resolveRange({ kind: 'live', preset: '1h' }, now)
  assert.deepEqual(hour, { from: T0 - HOUR, to: T0, span: HOUR, bucket: MIN, live: true, refresh: 15_000 })
  assert.deepEqual(resolveRange({ kind: 'live', preset: '1h' }, now + 7_000), hour) // the same 15 s
  const month = resolveRange({ kind: 'live', preset: '30d' }, now)
  assert.equal(month.to - month.from, 30 * DAY)
  assert.equal(month.bucket, 6 * HOUR)
  assert.ok(month.to <= now && now - month.to < month.refresh)
})

test('a fixed range is read again only while it reaches past now', () => {
  const past = resolveRange({ kind: 'fixed', from: T0, to: T0 + DAY }, T0 + 2 * DAY)
  assert.deepEqual(past, { from: T0, to: T0 + DAY, span: DAY, bucket: 10 * MIN, live: false, refresh: 0 })
  assert.ok(resolveRange({ kind: 'fixed', from: T0, to: T0 + DAY }, T0 + HOUR).refresh > 0)
})

test('trending follows the range: its window is the nearest the API offers', () => {
  assert.equal(trendWindow(HOUR), '1h')
  assert.equal(trendWindow(90 * MIN), '1h')
  assert.equal(trendWindow(6 * HOUR), '6h')
  assert.equal(trendWindow(DAY), '24h')
  assert.equal(trendWindow(30 * DAY), '24h')
})

test('a dragged span snaps out to whole buckets; a click is no span', () => {
  assert.deepEqual(snapSelection(T0 + 3 * MIN + 5, T0 + 1 * MIN + 40_000, MIN), { from: T0 + MIN, to: T0 + 4 * MIN })
  assert.deepEqual(snapSelection(T0 + 2 * HOUR, T0 + 30 * HOUR, 6 * HOUR), { from: T0 - 2 * HOUR - 5 * MIN, to: T0 + 34 * HOUR - 5 * MIN })
  assert.equal(snapSelection(T0, T0 + 20_000, MIN), null)
  assert.equal(snapSelection(T0, Number.NaN, MIN), null)
})

test('ranges in words', () => {
  assert.equal(rangeLabel({ kind: 'live', preset: '24h' }), 'the last 24 hours')
  assert.match(rangeLabel({ kind: 'fixed', from: T0, to: T0 + 90 * MIN }), /6.*14:05–15:35$/)
  assert.match(rangeLabel({ kind: 'fixed', from: T0, to: T0 + DAY }), /6.*14:05 – .*7.*14:05$/)
})
