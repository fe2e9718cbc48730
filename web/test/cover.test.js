import { test } from 'node:test'
import assert from 'node:assert/strict'
import { coverColour, initials } from '../src/lib/cover.js'

test('initials of artists', () => {
  const cases = [
    ['Girl Band', 'GB'],
    ['björk', 'B'],
    ['  The  Dandy Warhols ', 'TD'],
    ['𝐺𝑂𝑅𝐸', '𝐺'],
    ['肉と血', '肉'],
    ['!!!', ''],
    ['Sunn O)))', 'SO'],
    ['', ''],
    [null, ''],
  ]
  for (const [name, want] of cases) assert.equal(initials(name), want, String(name))
})

function luminance(hex) {
  const c = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
  const lin = c.map((v) => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4))
  return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
}

test('a colour is the same for a name and readable under white', () => {
  assert.equal(coverColour('Girl Band'), coverColour(' girl band '))
  assert.notEqual(coverColour('Girl Band'), coverColour('Björk'))
  const seen = new Set()
  for (let i = 0; i < 500; i++) {
    const c = coverColour(`artist ${i}`)
    assert.match(c, /^#[0-9a-f]{6}$/)
    seen.add(c)
    const contrast = 1.05 / (luminance(c) + 0.05)
    assert.ok(contrast >= 4.5, `${c}: ${contrast.toFixed(2)}:1`)
  }
  assert.ok(seen.size > 100, `${seen.size} colours for 500 names`)
})
