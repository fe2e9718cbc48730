import { beforeEach, afterEach, mock, test } from 'node:test'
import assert from 'node:assert/strict'
import { api, prime } from '../src/composables/useApi.js'

// A fetch that answers every URL with its own JSON and counts the calls.
function fakeFetch() {
  const calls = []
  globalThis.fetch = async (url) => {
    calls.push(url)
    return new Response(JSON.stringify({ url, n: calls.length }), { status: 200 })
  }
  return calls
}

// The primed answers' expiry runs on a clock of the tests'.
beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }))
afterEach(() => mock.timers.reset())

test('a primed GET is answered once, to its first reader', async () => {
  const calls = fakeFetch()
  prime(() => [api.summary({ from: 1, to: 2 }), api.topSellers({ from: 1, to: 2 })])
  assert.deepEqual(calls, ['/purchases/summary?from=1&to=2', '/purchases/top-sellers?from=1&to=2'])

  assert.deepEqual(await api.summary({ from: 1, to: 2 }), { url: '/purchases/summary?from=1&to=2', n: 1 })
  assert.equal(calls.length, 2, 'the reader took the primed answer')
  // The next reader asks again: an answer is read once.
  assert.deepEqual(await api.summary({ from: 1, to: 2 }), { url: '/purchases/summary?from=1&to=2', n: 3 })
})

test('a read of another URL is not answered by a primed one', async () => {
  const calls = fakeFetch()
  prime(() => [api.summary({ from: 1, to: 2 })])
  await api.summary({ from: 1, to: 3 })
  assert.deepEqual(calls, ['/purchases/summary?from=1&to=2', '/purchases/summary?from=1&to=3'])
})

test('a primed read that fails fails its reader', async () => {
  globalThis.fetch = async () => new Response(JSON.stringify({ error: 'boom' }), { status: 500 })
  prime(() => [api.history({ bucket: 60000, from: 0 })])
  await assert.rejects(api.history({ bucket: 60000, from: 0 }), { status: 500, message: 'boom' })
})

test('a primed answer nobody read is dropped after a few seconds', async () => {
  const calls = fakeFetch()
  prime(() => [api.trending('1h')])
  mock.timers.tick(10_000)
  await api.trending('1h')
  assert.equal(calls.length, 2, 'read again')
})
