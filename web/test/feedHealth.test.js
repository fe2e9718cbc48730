import { test } from 'node:test'
import assert from 'node:assert/strict'
import { clockTime, feedView } from '../src/lib/feedHealth.js'

const now = Date.UTC(2026, 0, 2, 14, 5, 0)
const base = { known: true, mode: 'live', running: true, healthy: true, lastSaleAt: now - 12000, lastError: null, since: now - 60000 }

test('the badge says what is true', () => {
  const cases = [
    [{ known: false }, 'none', 'Feed…', ''],
    [{ ...base, running: false, mode: '', lastSaleAt: null }, 'none', 'No feed', ''],
    [{ ...base, mode: '' }, 'none', 'Starting feed…', 'last sale 12 s ago'],
    [base, 'live', 'Live', 'last sale 12 s ago'],
    [{ ...base, mode: 'replay' }, 'replay', 'Replay', 'last sale 12 s ago'],
    [{ ...base, mode: 'synthetic', lastSaleAt: now }, 'synthetic', 'Synthetic', 'last sale just now'],
    [
      { ...base, healthy: false, lastError: 'Bandcamp unreachable', since: Date.UTC(2026, 0, 2, 14, 2, 30) },
      'down',
      'Bandcamp unreachable since 14:02, retrying',
      'last sale 12 s ago',
    ],
    [{ ...base, healthy: false, lastError: null, since: 0 }, 'none', 'Starting feed…', 'last sale 12 s ago'],
    [{ ...base, healthy: false, lastError: null }, 'down', 'The feed is not answering since 14:04, retrying', 'last sale 12 s ago'],
  ]
  for (const [feed, tone, label, lastSale] of cases) {
    const v = feedView(feed, now)
    assert.deepEqual([v.tone, v.label, v.lastSale], [tone, label, lastSale], JSON.stringify(feed))
  }
})

test('clock times are 24-hour', () => {
  assert.equal(clockTime(Date.UTC(2026, 0, 2, 9, 7)), '09:07')
  assert.equal(clockTime(Date.UTC(2026, 0, 2, 23, 59)), '23:59')
  assert.equal(clockTime(0), '')
})
