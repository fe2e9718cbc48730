import { test } from 'node:test'
import assert from 'node:assert/strict'
import { formatRate, ratePerMinute } from '../src/lib/headline.js'

const T0 = Date.UTC(2026, 0, 2, 14, 0) // a whole minute

test('purchases per minute: the whole minutes before the one counting', () => {
  const points = [
    { x: T0 - 6 * 60_000, y: 100 }, // before the five minutes
    { x: T0 - 5 * 60_000, y: 4 },
    { x: T0 - 3 * 60_000, y: 3 },
    { x: T0 - 60_000, y: 3 },
    { x: T0, y: 50 }, // the minute still counting
    { x: 'soon', y: 9 },
    null,
  ]
  assert.equal(ratePerMinute(points, T0 + 20_000), 2)
  assert.equal(ratePerMinute(points, T0 + 20_000, 1), 3)
  assert.equal(ratePerMinute(null, T0), 0)
})

test('rates are short', () => {
  assert.equal(formatRate(0), '0.0')
  assert.equal(formatRate(2.46), '2.5')
  assert.equal(formatRate(1204.4), '1,204')
  assert.equal(formatRate(Number.NaN), '—')
})
