import { test } from 'node:test'
import assert from 'node:assert/strict'
import { allowedExpression, packages, problems } from '../../scripts/check-web-licenses.mjs'

test('licence expressions', () => {
  const cases = [
    ['MIT', true],
    ['Apache-2.0', true],
    ['BSD-2-Clause', true],
    ['BSD-3-Clause', true],
    ['ISC', true],
    ['0BSD', true],
    ['CC0-1.0', true],
    ['CC-BY-4.0', true],
    ['MPL-2.0', true],
    ['(MIT OR GPL-3.0)', true],
    ['GPL-3.0 OR MIT', true],
    ['MIT AND GPL-3.0', false],
    ['(MIT AND ISC)', true],
    ['Apache-2.0 WITH LLVM-exception', true],
    ['GPL-2.0 WITH Classpath-exception-2.0', false],
    ['GPL-3.0', false],
    ['AGPL-3.0-only', false],
    ['SEE LICENSE IN LICENSE.md', false],
    ['UNLICENSED', false],
    ['CC-BY-NC-4.0', false],
    ['', false],
    [undefined, false],
    ['(MIT', false],
    ['MIT OR', false],
  ]
  for (const [expr, want] of cases) assert.equal(allowedExpression(expr), want, String(expr))
})

const tree = {
  dependencies: {
    vue: {
      version: '3.5.0',
      license: 'MIT',
      dependencies: {
        typescript: {}, // optional peer, not installed
        entities: { version: '4.5.0', license: 'BSD-2-Clause' },
      },
    },
    apexcharts: { version: '7.0.0', license: 'SEE LICENSE IN LICENSE.md' },
    old: { version: '1.0.0', licenses: [{ type: 'MIT' }, { type: 'GPL-2.0' }] },
    none: { version: '0.1.0' },
    charts: { version: '1.0.0', license: 'Apache-2.0', dependencies: { entities: { version: '4.5.0', license: 'BSD-2-Clause' } } },
  },
}

test('every installed package once', () => {
  assert.deepEqual(
    packages(tree).map((p) => `${p.name}@${p.version}`),
    ['apexcharts@7.0.0', 'charts@1.0.0', 'entities@4.5.0', 'none@0.1.0', 'old@1.0.0', 'vue@3.5.0'],
  )
})

test('packages outside the list are named', () => {
  assert.deepEqual(problems(tree), ['apexcharts@7.0.0: SEE LICENSE IN LICENSE.md', 'none@0.1.0: no licence declared'])
})
