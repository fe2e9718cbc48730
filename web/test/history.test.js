import { test } from 'node:test'
import assert from 'node:assert/strict'
import { bucketSeries, summarize } from '../src/lib/history.js'

const MIN = 60_000
const T0 = Date.UTC(2026, 0, 2, 14, 0) // a whole hour

// A live hour of minutes up to asOf.
const liveHour = (asOf) => ({ bucket: MIN, from: asOf - 3_600_000, to: asOf, asOf, live: true })

test('minutes without a sample are zero, and the minute in progress is apart', () => {
  const points = [
    { x: T0, y: 3 },
    { x: T0 + 3 * MIN, y: 5 },
    { x: T0 + 4 * MIN, y: 2 }, // still counting at asOf
  ]
  const got = bucketSeries(points, { bucket: MIN, from: T0, to: T0 + 4 * MIN, asOf: T0 + 4 * MIN + 20_000, live: true })
  assert.deepEqual(got.complete, [
    [T0, 3],
    [T0 + MIN, 0],
    [T0 + 2 * MIN, 0],
    [T0 + 3 * MIN, 5],
  ])
  assert.deepEqual(got.current, [T0 + 4 * MIN, 2])
})

test('a bucket with no sales yet is the one in progress, at zero', () => {
  const got = bucketSeries([{ x: T0, y: 4 }], { bucket: MIN, from: T0, to: T0 + 2 * MIN, asOf: T0 + 2 * MIN + 1, live: true })
  assert.deepEqual(got.complete, [
    [T0, 4],
    [T0 + MIN, 0],
  ])
  assert.deepEqual(got.current, [T0 + 2 * MIN, 0])
})

test('a server clock a little ahead: its last bucket is the one in progress', () => {
  const got = bucketSeries([{ x: T0, y: 1 }, { x: T0 + MIN, y: 2 }], { bucket: MIN, from: T0, to: T0, asOf: T0 + 59_000, live: true })
  assert.deepEqual(got.complete, [[T0, 1]])
  assert.deepEqual(got.current, [T0 + MIN, 2])
})

test('unsorted, unaligned and bad samples', () => {
  const points = [
    { x: T0 + MIN + 5, y: 1 },
    null,
    { x: 'soon', y: 2 },
    { x: T0, y: Number.NaN },
    { x: T0, y: -1 },
    { x: T0 + 30_000, y: 2 },
    { x: T0 + MIN, y: 1 },
  ]
  const got = bucketSeries(points, { bucket: MIN, from: T0, to: T0 + MIN, asOf: T0 + MIN + 10, live: true })
  assert.deepEqual(got.complete, [[T0, 2]])
  assert.deepEqual(got.current, [T0 + MIN, 2])
})

test('no data, no chart', () => {
  assert.deepEqual(bucketSeries([], liveHour(T0)), { complete: [], current: null })
  assert.deepEqual(bucketSeries(null, liveHour(T0)), { complete: [], current: null })
})

test('only the buckets that start in the range', () => {
  const asOf = T0 + 3_600_000 + 30_000
  const got = bucketSeries([{ x: T0 - 10 * MIN, y: 9 }, { x: asOf, y: 1 }], liveHour(asOf))
  assert.equal(got.complete.length, 59) // from T0 + 1 min: the first whole minute
  assert.deepEqual(got.complete[0], [T0 + MIN, 0])
  assert.deepEqual(got.current, [T0 + 60 * MIN, 1])
})

test('a range that has ended is all whole buckets', () => {
  const bucket = 10 * MIN
  const points = [
    { x: T0, y: 4 },
    { x: T0 + 20 * MIN, y: 1.1 },
    { x: T0 + 20 * MIN, y: 2.2 }, // summed, and kept in cents
  ]
  const got = bucketSeries(points, { bucket, from: T0, to: T0 + 30 * MIN, asOf: T0 + 86_400_000 })
  assert.deepEqual(got, {
    complete: [
      [T0, 4],
      [T0 + 10 * MIN, 0],
      [T0 + 20 * MIN, 3.3],
    ],
    current: null,
  })
})

test('a fixed range that reaches past now stops at the bucket in progress', () => {
  const got = bucketSeries([{ x: T0, y: 1 }, { x: T0 + MIN, y: 2 }], { bucket: MIN, from: T0, to: T0 + 60 * MIN, asOf: T0 + MIN + 5 })
  assert.deepEqual(got, { complete: [[T0, 1]], current: [T0 + MIN, 2] })
})

test('summary over the whole buckets', () => {
  assert.deepEqual(summarize([[T0, 2], [T0 + MIN, 7], [T0 + 2 * MIN, 7]]), {
    total: 16,
    buckets: 3,
    peak: [T0 + MIN, 7],
  })
  assert.deepEqual(summarize([]), { total: 0, buckets: 0, peak: null })
})
