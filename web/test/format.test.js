import { test } from 'node:test'
import assert from 'node:assert/strict'
import { formatClock, formatCount, formatDay, purchaseLink, timeZoneLabel } from '../src/lib/format.js'

// process.env.TZ is set by the npm script, so these are stable.
test('one 24-hour clock format', () => {
  const ms = Date.UTC(2026, 0, 2, 14, 5, 9)
  assert.equal(formatClock(ms), '14:05')
  assert.equal(formatClock(ms, { seconds: true }), '14:05:09')
  assert.equal(formatClock(Date.UTC(2026, 0, 2, 0, 7)), '00:07')
  assert.equal(formatClock(0), '')
  assert.equal(formatClock(Number.NaN), '')
})

test('a day as the charts and the range label say it', () => {
  assert.match(formatDay(Date.UTC(2026, 11, 6, 23, 59)), /6/)
  assert.notEqual(formatDay(Date.UTC(2026, 11, 6)), formatDay(Date.UTC(2026, 11, 7)))
})

test('counts in figures with separators, a dash for no number', () => {
  assert.equal(formatCount(1204), '1,204')
  assert.equal(formatCount('7'), '7')
  assert.equal(formatCount(0), '0')
  assert.equal(formatCount(undefined), '—')
  assert.equal(formatCount(Number.NaN), '—')
})

test('the time zone is named', () => {
  assert.equal(timeZoneLabel(Date.UTC(2026, 0, 2)), 'UTC')
})

test('purchase links: only a Bandcamp item page, over https', () => {
  const cases = [
    ['//girlbanddublin.bandcamp.com/album/live-at-vicar-street', 'https://girlbanddublin.bandcamp.com/album/live-at-vicar-street'],
    ['https://artist.bandcamp.com/track/a-song', 'https://artist.bandcamp.com/track/a-song'],
    ['http://artist.bandcamp.com/merch/t-shirt', 'https://artist.bandcamp.com/merch/t-shirt'],
    [' //my-band.bandcamp.com/album/x/ ', 'https://my-band.bandcamp.com/album/x/'],
    ['//Artist.Bandcamp.com/album/x', 'https://artist.bandcamp.com/album/x'],
    ['//evil.example/album/x', ''],
    ['//evil.example/x', ''],
    ['//bandcamp.com/album/x', ''],
    ['//a.b.bandcamp.com/album/x', ''],
    ['//artist.bandcamp.com.evil.example/album/x', ''],
    ['//artist.bandcamp.com@evil.example/album/x', ''],
    ['//user@artist.bandcamp.com/album/x', ''],
    ['//artist.bandcamp.com:8443/album/x', ''],
    ['//artist.bandcamp.com', ''],
    ['//artist.bandcamp.com/', ''],
    ['//artist.bandcamp.com/music', ''],
    ['//artist.bandcamp.com/album/x/y', ''],
    ['https://music.dandywarhols.com/album/x', ''],
    ['javascript:alert(1)', ''],
    ['data:text/html,<b>x</b>', ''],
    ['/album/x', ''],
    ['', ''],
    [null, ''],
  ]
  for (const [url, want] of cases) assert.equal(purchaseLink(url), want, String(url))
})
