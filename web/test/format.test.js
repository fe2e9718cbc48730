import { test } from 'node:test'
import assert from 'node:assert/strict'
import { formatClock, timeZoneLabel } from '../src/lib/format.js'

// process.env.TZ is set by the npm script, so these are stable.
test('one 24-hour clock format', () => {
  const ms = Date.UTC(2026, 0, 2, 14, 5, 9)
  assert.equal(formatClock(ms), '14:05')
  assert.equal(formatClock(ms, { seconds: true }), '14:05:09')
  assert.equal(formatClock(Date.UTC(2026, 0, 2, 0, 7)), '00:07')
  assert.equal(formatClock(0), '')
  assert.equal(formatClock(Number.NaN), '')
})

test('the time zone is named', () => {
  assert.equal(timeZoneLabel(Date.UTC(2026, 0, 2)), 'UTC')
})
