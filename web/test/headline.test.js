import { test } from 'node:test'
import assert from 'node:assert/strict'
import { countryTotals, purchasesInLastHour } from '../src/lib/headline.js'

test('purchases in the last hour', () => {
  const now = 10 * 3600_000
  const points = [
    { x: now - 3600_000, y: 5 }, // an hour ago exactly: out
    { x: now - 3540_000, y: 2 },
    { x: now - 60_000, y: 3 },
    { x: now + 60_000, y: 9 }, // future: out
    { x: 'bad', y: 1 },
  ]
  assert.equal(purchasesInLastHour(points, now), 5)
  assert.equal(purchasesInLastHour(null, now), 0)
})

test('country totals', () => {
  assert.deepEqual(countryTotals({ jp: { purchases: 2, usd: 10.5 }, gb: { purchases: 0, usd: 0 }, us: { purchases: 1, usd: 4 } }), {
    usd: 14.5,
    countries: 2,
  })
  assert.deepEqual(countryTotals(null), { usd: 0, countries: 0 })
})
