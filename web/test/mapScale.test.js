import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BANDS, bandIndex, bandLabels, bandTicks, bandsFor } from '../src/lib/mapScale.js'

test('bands are fixed: the same count always gets the same band', () => {
  const cases = [
    [0, -1],
    [-3, -1],
    [Number.NaN, -1],
    [undefined, -1],
    [1, 0],
    [4, 0],
    [5, 1],
    [19, 1],
    [20, 2],
    [99, 2],
    [100, 3],
    [499, 3],
    [500, 4],
    [1e6, 4],
  ]
  for (const [n, want] of cases) assert.equal(bandIndex(n), want, `bandIndex(${n})`)
})

test('labels cover every count once', () => {
  assert.deepEqual(bandLabels(), ['1–4', '5–19', '20–99', '100–499', '500+'])
  assert.equal(bandLabels().length, BANDS.length)
})

test('a longer range scales the bands above the first', () => {
  const hour = 3_600_000
  assert.deepEqual(bandsFor(hour), BANDS)
  assert.deepEqual(bandsFor(24 * hour), [1, 50, 200, 1000, 5000])
  assert.deepEqual(bandsFor(7 * 24 * hour), [1, 500, 2000, 10000, 50000])
  assert.deepEqual(bandsFor(30 * 24 * hour), [1, 5000, 20000, 100000, 500000])
  assert.equal(bandIndex(1, bandsFor(30 * 24 * hour)), 0)
  assert.equal(bandIndex(4999, bandsFor(30 * 24 * hour)), 0)
  assert.equal(bandIndex(5000, bandsFor(30 * 24 * hour)), 1)
  assert.deepEqual(bandLabels(bandsFor(24 * hour)), ['1–49', '50–199', '200–999', '1k–4.9k', '5k+'])
  assert.deepEqual(bandLabels(bandsFor(30 * 24 * hour)), ['1–4.9k', '5k–19k', '20k–99k', '100k–499k', '500k+'])
})

test("a phone's legend: each band's lower bound", () => {
  assert.deepEqual(bandTicks(), ['1', '5', '20', '100', '500+'])
  assert.deepEqual(bandTicks(bandsFor(7 * 24 * 3_600_000)), ['1', '500', '2k', '10k', '50k+'])
})
