import { test } from 'node:test'
import assert from 'node:assert/strict'
import { MINUTE_MS, SPAN_MS, minuteSeries, summarize } from '../src/lib/history.js'

const T0 = Date.UTC(2026, 0, 2, 14, 0) // a whole minute

test('minutes without a sample are zero, and the minute in progress is apart', () => {
  const points = [
    { x: T0, y: 3 },
    { x: T0 + 3 * MINUTE_MS, y: 5 },
    { x: T0 + 4 * MINUTE_MS, y: 2 }, // still counting at asOf
  ]
  const got = minuteSeries(points, T0 + 4 * MINUTE_MS + 20_000)
  assert.deepEqual(got.complete, [
    [T0, 3],
    [T0 + MINUTE_MS, 0],
    [T0 + 2 * MINUTE_MS, 0],
    [T0 + 3 * MINUTE_MS, 5],
  ])
  assert.deepEqual(got.current, [T0 + 4 * MINUTE_MS, 2])
})

test('a minute with no sales yet is the one in progress, at zero', () => {
  const got = minuteSeries([{ x: T0, y: 4 }], T0 + 2 * MINUTE_MS + 1)
  assert.deepEqual(got.complete, [
    [T0, 4],
    [T0 + MINUTE_MS, 0],
  ])
  assert.deepEqual(got.current, [T0 + 2 * MINUTE_MS, 0])
})

test('a server clock a little ahead: its last minute is the one in progress', () => {
  const got = minuteSeries([{ x: T0, y: 1 }, { x: T0 + MINUTE_MS, y: 2 }], T0 + 59_000)
  assert.deepEqual(got.complete, [[T0, 1]])
  assert.deepEqual(got.current, [T0 + MINUTE_MS, 2])
})

test('unsorted, unaligned and bad samples', () => {
  const points = [
    { x: T0 + MINUTE_MS + 5, y: 1 },
    null,
    { x: 'soon', y: 2 },
    { x: T0, y: Number.NaN },
    { x: T0, y: -1 },
    { x: T0 + 30_000, y: 2 },
    { x: T0 + MINUTE_MS, y: 1 },
  ]
  const got = minuteSeries(points, T0 + MINUTE_MS + 10)
  assert.deepEqual(got.complete, [[T0, 2]])
  assert.deepEqual(got.current, [T0 + MINUTE_MS, 2])
})

test('no data, no chart', () => {
  assert.deepEqual(minuteSeries([], T0), { complete: [], current: null })
  assert.deepEqual(minuteSeries(null, T0), { complete: [], current: null })
})

test('only the last day is kept', () => {
  const asOf = T0 + SPAN_MS + 30_000
  const got = minuteSeries([{ x: T0 - 10 * MINUTE_MS, y: 9 }, { x: asOf, y: 1 }], asOf)
  assert.equal(got.complete.length, SPAN_MS / MINUTE_MS)
  assert.deepEqual(got.complete[0], [T0, 0])
})

test('summary over the whole minutes', () => {
  assert.deepEqual(summarize([[T0, 2], [T0 + MINUTE_MS, 7], [T0 + 2 * MINUTE_MS, 7]]), {
    total: 16,
    minutes: 3,
    peak: [T0 + MINUTE_MS, 7],
  })
  assert.deepEqual(summarize([]), { total: 0, minutes: 0, peak: null })
})
