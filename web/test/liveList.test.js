import { test } from 'node:test'
import assert from 'node:assert/strict'
import { throttle, unseenCount } from '../src/lib/liveList.js'

test('unseen purchases are counted by key', () => {
  const a = { id: 'a' }
  const b = { id: 'b' }
  const c = { id: 'c' }
  assert.equal(unseenCount([a, b], [c, a, b]), 1)
  assert.equal(unseenCount([], [a, b]), 2)
  assert.equal(unseenCount([a], []), 0)
})

test('the list renders at most once per interval, whatever the rate', () => {
  let now = 0
  const timers = []
  const clock = {
    now: () => now,
    set: (fn, ms) => timers.push({ fn, at: now + ms }) - 1,
    clear: (i) => (timers[i] = null),
  }
  const advance = (ms) => {
    now += ms
    for (let i = 0; i < timers.length; i++) {
      const t = timers[i]
      if (t && t.at <= now) {
        timers[i] = null
        t.fn()
      }
    }
  }
  let renders = 0
  const t = throttle(() => renders++, 400, clock)
  t.request() // the first runs at once
  assert.equal(renders, 1)
  // 40 purchases a second for two seconds: a request every 25 ms.
  for (let i = 0; i < 80; i++) {
    advance(25)
    t.request()
  }
  advance(400)
  assert.ok(renders >= 5 && renders <= 7, `${renders} renders in 2.4 s`)
  t.request()
  t.cancel()
  advance(1000)
  const after = renders
  advance(1000)
  assert.equal(renders, after, 'a cancelled run does not happen')
})
