import { test } from 'node:test'
import assert from 'node:assert/strict'
import { foldTerm, matchSummary, mergeMatches } from '../src/lib/watch.js'

test('terms fold as the server folds them, near enough to tell a watched name', () => {
  assert.equal(foldTerm('  Wätched   Artîst '), 'watched artist')
  assert.equal(foldTerm('𝐺𝑂𝑅𝐸'), 'gore')
  assert.equal(foldTerm('AC/DC: Live!'), 'ac dc live')
  assert.equal(foldTerm('ＦＵＬＬ　ＷＩＤＴＨ'), 'full width')
  assert.equal(foldTerm(null), '')
})

test('matches merge newest first, once each, at most the limit', () => {
  const a = { id: '2-0.aa', at: 2 }
  const b = { id: '3-0.aa', at: 3 }
  const c = { id: '3-0.bb', at: 3 }
  const got = mergeMatches([a, b], [c, b, { id: 7 }, null])
  assert.deepEqual(got.map((m) => m.id), ['3-0.bb', '3-0.aa', '2-0.aa'])
  assert.deepEqual(mergeMatches([a, b], [c], 2).map((m) => m.id), ['3-0.bb', '3-0.aa'])
})

test('a match is summed up in one line of text', () => {
  const p = { artist_name: 'Girl Band', item_description: 'Live at Vicar Street', amount_paid_fmt: '$12', country: 'Ireland' }
  assert.equal(matchSummary(p), 'Girl Band — Live at Vicar Street · $12 · Ireland')
  assert.equal(matchSummary({ album_title: 'X' }), 'Unknown artist — X')
  assert.equal(matchSummary(undefined), '')
})
