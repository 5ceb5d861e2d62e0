/**
 * Key names of every kind (any Unicode code point, grapheme clusters, emoji and ZWJ sequences,
 * right-to-left text and overrides, combining marks, 255-code-point names, HTML and script-like
 * strings, odd whitespace at the ends) created through the IPC handler, the real client and the
 * sandbox over HTTP, then read back: the name round-trips EXACTLY (after the trimming the server
 * does, Laravel's TrimStrings), in the create answer, the fresh list, the held token's label and
 * on the server; a name the rules refuse is refused as `validation`, and never sent when the app
 * can tell beforehand. (That names render as text, never markup, is checked in the browser:
 * test/e2e/reliability/.)
 */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type SandboxServer } from '../../../src/sandbox/index'
import { createTestApp, type TestApp } from '../../support/app-fixture'
import { uniqueEmail, valueOf } from '../support/harness'
import { writeFuzzCounts, type FuzzCount } from '../support/results'

// The oracle, written from the contract rather than imported from the app or the sandbox:
// the app trims with String.prototype.trim and counts code points (max 255); the server then
// applies Laravel's TrimStrings (also NEL, Mongolian vowel separator, zero-width space, BOM).
const LARAVEL_TRIM = /^[\s\u0085\u180e\u200b\ufeff]+|[\s\u0085\u180e\u200b\ufeff]+$/gu
/** PHP's trim(), which the `required` rule applies on top (it also strips NUL and vertical tab). */
const PHP_TRIM = /^[ \t\n\r\0\x0B]+|[ \t\n\r\0\x0B]+$/g
const codePoints = (text: string) => [...text].length
type Expected = { outcome: 'refused-locally' } | { outcome: 'created'; name: string } | { outcome: 'refused-by-server' }

function expectedFor(input: string): Expected {
  const appTrimmed = input.trim()
  if (appTrimmed === '' || codePoints(appTrimmed) > 255) return { outcome: 'refused-locally' }
  const serverName = appTrimmed.replace(LARAVEL_TRIM, '')
  return serverName.replace(PHP_TRIM, '') === '' ? { outcome: 'refused-by-server' } : { outcome: 'created', name: serverName }
}

// ---------------------------------------------------------------------------------------------

const rtl = fc.string({ unit: fc.integer({ min: 0x05d0, max: 0x05ea }).map((c) => String.fromCodePoint(c)), minLength: 1, maxLength: 20 })
const arabic = fc.string({ unit: fc.integer({ min: 0x0621, max: 0x064a }).map((c) => String.fromCodePoint(c)), minLength: 1, maxLength: 20 })
const combining = fc
  .tuple(fc.constantFrom('a', 'e', 'Z', 'ก', 'क'), fc.array(fc.integer({ min: 0x0300, max: 0x036f }), { minLength: 1, maxLength: 12 }))
  .map(([base, marks]) => base + String.fromCodePoint(...marks))
const markup = fc.constantFrom(
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "'><svg onload=alert(1)>",
  '<b>bold</b>',
  '&lt;escaped&gt; &amp; &#x3C;',
  '{{constructor.constructor("alert(1)")()}}',
  '${alert(1)}',
  'javascript:alert(1)',
  '<!-- comment -->',
  '</td></tr></table>',
  '\\u003cscript\\u003e',
  "Robert'); DROP TABLE keys;--"
)
const controls = fc.constantFrom('\u202e', '\u202d', '\u2066', '\u2069', '\u200d', '\u200c', '\u0000', '\u0007', '\u001b[31m', '\u2028', '\u2029', '\ufffd', '\ufe0f')
const edgeSpace = fc.constantFrom(' ', '\t', '\n', '\r\n', '\u00a0', '\u3000', '\u2003', '\u200b', '\u0085', '\u180e', '\ufeff', '')
const emoji = fc.constantFrom('😀', '👩‍👩‍👧‍👦', '🏳️‍🌈', '👍🏽', '🇺🇦', '🧑🏿‍🚀', '❤️', '𝕏', '𓀀')
const piece = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  rtl,
  arabic,
  combining,
  markup,
  controls,
  emoji
)
const mixed = fc.tuple(edgeSpace, fc.array(piece, { minLength: 1, maxLength: 6 }), edgeSpace).map(([before, parts, after]) => before + parts.join('') + after)

/** Exactly 254, 255 and 256 code points, built from multi-unit characters too. */
const atTheLimit = fc
  .tuple(fc.constantFrom('a', 'é', '😀', 'א', '👍🏽', 'e\u0301'), fc.constantFrom(254, 255, 256))
  .map(([unit, target]) => {
    const perUnit = codePoints(unit)
    return [...unit.repeat(Math.ceil(target / perUnit))].slice(0, target).join('')
  })

const FIXED = [
  '<img src=x onerror=alert(1)>',
  '"><img src=x onerror=alert(1)>',
  '<script>alert(1)</script>',
  'שלום עולם',
  'abc\u202edcba',
  'Z\u0351\u0307\u0327\u0300\u0316a\u0324l\u0301g\u0354o\u0300',
  '👩‍👩‍👧‍👦 family',
  '😀'.repeat(255),
  'x'.repeat(255),
  '\u00a0padded\u00a0',
  '\u200bzero width\u200b'
]

// ---------------------------------------------------------------------------------------------

let sandbox: SandboxServer
let app: TestApp
let token: string
let accountId: string
const counts: FuzzCount[] = []
const stats = { created: 0, refusedLocally: 0, refusedByServer: 0 }
let requestCounter = 0

beforeAll(async () => {
  sandbox = await startSandbox()
  app = await createTestApp()
  token = sandbox.createAccount({ name: 'Name Fuzzer', email: uniqueEmail('names'), totalBalance: 1 }).token
  accountId = valueOf(await app.services.handlers['accounts:add']({ baseUrl: sandbox.baseUrl, apiKey: token })).account.id
})
afterAll(async () => {
  writeFuzzCounts('key-names', counts)
  await app.dispose()
  await sandbox.close()
})

async function roundTrip(input: string): Promise<void> {
  const expected = expectedFor(input)
  const postsBefore = sandbox.requests.filter((r) => r.method === 'POST').length
  const result = await app.services.handlers['keys:create']({ accountId, name: input, requestId: `name-fuzz-${++requestCounter}-${Date.now()}` })
  const posts = sandbox.requests.filter((r) => r.method === 'POST').length - postsBefore

  if (expected.outcome === 'refused-locally') {
    stats.refusedLocally++
    expect(result).toMatchObject({ ok: false, error: { kind: 'validation', fieldErrors: { name: [expect.any(String)] } } })
    expect(posts).toBe(0)
    return
  }
  if (expected.outcome === 'refused-by-server') {
    // Blank only by the server's trimming rules: refused either way, never created.
    stats.refusedByServer++
    expect(result).toMatchObject({ ok: false, error: { kind: 'validation' } })
    expect(posts).toBeLessThanOrEqual(1)
    return
  }
  stats.created++
  expect(result.ok, JSON.stringify(result)).toBe(true)
  if (!result.ok) return
  const created = result.value
  expect(posts).toBe(1)
  expect(created.key?.name).toBe(expected.name)
  // The list that confirms the create (the one the window asks for next) has the same name.
  const confirming = valueOf(await app.services.handlers['keys:list']({ accountId }))
  const listed = confirming.keys.filter((k) => k.id === created.key?.id)
  expect(listed.map((k) => k.name)).toEqual([expected.name])
  expect(app.services.pending.get(created.pendingId)?.keyName).toBe(expected.name)
  expect(sandbox.listKeysOf(token).find((k) => k.id === created.key?.id)?.name).toBe(expected.name)
  // Clean up as the window would: confirm the token, delete the key (a weird name deletes fine too).
  valueOf(await app.services.handlers['token:confirm-saved']({ pendingId: created.pendingId }))
  expect(valueOf(await app.services.handlers['keys:delete']({ accountId, id: created.key!.id }))).toMatchObject({ alreadyGone: false })
}

async function check(property: string, arbitrary: fc.Arbitrary<string>, numRuns: number): Promise<void> {
  let executed = 0
  let passed = false
  try {
    await fc.assert(
      fc.asyncProperty(arbitrary, async (name) => {
        executed++
        await roundTrip(name)
      }),
      { numRuns }
    )
    passed = true
  } finally {
    counts.push({ file: 'key-names', property, numRuns: executed, passed })
  }
}

describe('key names round-trip exactly', () => {
  it.each(FIXED.map((name) => [JSON.stringify(name).slice(0, 60), name]))('%s', async (_label, name) => {
    await roundTrip(name)
  })

  it('any Unicode code point (fc.string, unit binary)', async () => {
    await check('names of arbitrary code points (unit: binary)', fc.string({ unit: 'binary', maxLength: 300 }), 200)
  })

  it('grapheme clusters (fc.string, unit grapheme)', async () => {
    await check('names of grapheme clusters (unit: grapheme)', fc.string({ unit: 'grapheme', maxLength: 300 }), 200)
  })

  it('RTL, combining marks, emoji, markup and control characters, with odd whitespace at the ends', async () => {
    await check('mixed RTL / combining / emoji / markup / controls / edge whitespace', mixed, 300)
  })

  it('at the 255-character limit (code points, not UTF-16 units)', async () => {
    await check('254/255/256 code points of multi-unit characters', atTheLimit, 60)
  })

  it('every outcome was exercised', () => {
    expect(stats.created).toBeGreaterThan(350)
    expect(stats.refusedLocally).toBeGreaterThan(10)
  })
})

describe('names the server would refuse are refused before sending', () => {
  // checkKeyName trims with String.prototype.trim, which keeps U+200B, U+0085 and U+180E; Laravel's
  // TrimStrings removes them (and \`required\` uses PHP's trim, which also strips NUL), so these
  // names are sent, and come back as 422 "The name field is required."
  it.each([
    ['a NUL character', ' \u0000 '],
    ['a zero-width space', '\u200b'],
    ['a next-line character (NEL)', '\u0085'],
    ['a Mongolian vowel separator', '\u180e'],
    ['zero-width spaces around nothing', ' \u200b \u200b ']
  ])('a name that is only %s is refused locally, without a request', async (_label, name) => {
    const postsBefore = sandbox.requests.filter((r) => r.method === 'POST').length
    const result = await app.services.handlers['keys:create']({ accountId, name, requestId: `blank-${++requestCounter}-${Date.now()}` })
    expect(result).toMatchObject({ ok: false, error: { kind: 'validation' } })
    expect(sandbox.requests.filter((r) => r.method === 'POST').length - postsBefore).toBe(0)
  })
})
