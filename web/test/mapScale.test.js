import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BANDS, bandIndex, bandLabels } from '../src/lib/mapScale.js'

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
