import { test } from 'node:test'
import assert from 'node:assert/strict'
import { PASSWORD_RULE, validatePassword } from '../src/lib/validation.js'

// The server's rule (internal/accounts/policy.go), checked in the form first.
test('new passwords: 12 to 1,024 characters, a run of spaces counting once', () => {
  assert.match(validatePassword('12345678901'), /at least 12/)
  assert.equal(validatePassword('horse staple'), '')
  assert.match(validatePassword('a          b'), /at least 12/)
  assert.equal(validatePassword('🎵🎶🎸🥁🎹🎺🎻🪕🎷🪗🎤🎧'), '') // 12 code points, 24 UTF-16 units
  assert.equal(validatePassword('x'.repeat(1024)), '')
  assert.match(validatePassword('x'.repeat(1025)), /at most 1024/)
  assert.match(validatePassword(''), /Enter a password/)
  assert.match(PASSWORD_RULE, /12 to 1,024 characters/)
})

test('existing passwords (signing in) need only to be there', () => {
  assert.equal(validatePassword('short', { existing: true }), '')
  assert.match(validatePassword('', { existing: true }), /Enter a password/)
  assert.match(validatePassword('x'.repeat(1025), { existing: true }), /at most 1024/)
})
