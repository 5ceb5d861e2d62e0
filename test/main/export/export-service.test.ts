/**
 * Exports through the IPC handlers with a fake save port: the key list (with this computer's
 * notes) and the activity log, as CSV and JSON, parsed back and compared with what the sandbox
 * holds; no token or credential anywhere in a file; a cancelled save dialog.
 */
import { randomUUID } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { SavePort } from '../../../src/main/export/export-service'
import type { ExportFile } from '../../../src/main/export/exports'
import { KEY_CSV_HEADER, ACTIVITY_CSV_HEADER } from '../../../src/main/export/exports'
import type { ExportOutcome } from '../../../src/shared/domain'
import { createTestApp, type TestApp } from '../../support/app-fixture'
import { useSandbox } from '../../support/sandbox-fixture'
import { signIn, value, type SignedIn } from '../services/signed-in'
import { parseRfc4180 } from './rfc4180'

const sandbox = useSandbox()
let app: TestApp
let who: SignedIn
let saved: ExportFile[]
let answer: ExportOutcome
/** Every secret the run has seen: no file may hold any of them, nor their secret halves. */
let secrets: string[]

const fakeSave: SavePort = {
  save: async (file) => {
    saved.push(file)
    return answer
  }
}

const DAY = 86_400_000
const NAMES = ['Quote "this", then a comma', 'Two\nlines', '=HYPERLINK("http://x")', 'مفتاح الحجز', '🔑 emoji key', '-1+2', '@mention']

beforeEach(async () => {
  sandbox.server.faults.clear()
  saved = []
  answer = { outcome: 'saved', path: '/home/ada/keys.csv' }
  app = await createTestApp({ save: fakeSave })
  who = await signIn(app, sandbox.server)
  secrets = [who.token]
  const now = Date.now()
  for (const [index, name] of NAMES.entries()) {
    const seeded = sandbox.server.seedKey(who.token, { name, createdAt: now - (200 - index) * DAY, lastUsedAt: index % 2 === 0 ? now - index * DAY : null })
    secrets.push(seeded.token)
  }
  const created = value(await app.services.handlers['keys:create']({ accountId: who.accountId, name: 'Made here', requestId: randomUUID() }))
  secrets.push(created.token)
  await app.services.keys.settle()
  value(await app.services.handlers['keys:list']({ accountId: who.accountId }))
})
afterEach(async () => {
  await app.dispose()
})

const idOf = (name: string) => sandbox.server.listKeysOf(who.token).find((key) => key.name === name)!.id
const expectNoSecret = (text: string) => {
  for (const secret of secrets) {
    expect(text).not.toContain(secret)
    expect(text).not.toContain(secret.split('|')[1]!)
  }
}
const withoutBom = (text: string) => (text.startsWith('\ufeff') ? text.slice(1) : text)
/** A cell as a person meant it: the writer puts `'` before what a spreadsheet would run. */
const unneutralised = (cell: string) => (/^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell)

describe('exporting the key list', () => {
  it('as CSV: RFC 4180, one row per key with its note and review date, formulas neutralised, no token', async () => {
    value(await app.services.handlers['notes:set']({ accountId: who.accountId, keyId: idOf(NAMES[0]!), note: 'Owner: Ada, "billing"\nused by the widget', reviewBy: '2027-03-31' }))
    const outcome = value(await app.services.handlers['export:keys']({ accountId: who.accountId, format: 'csv' }))
    expect(outcome).toEqual({ outcome: 'saved', path: '/home/ada/keys.csv' })
    expect(saved).toHaveLength(1)
    const file = saved[0]!
    expect(file).toMatchObject({ format: 'csv', mimeType: 'text/csv;charset=utf-8' })
    expect(file.suggestedName).toMatch(/^autocalls-keys-[A-Za-z0-9._-]+\.csv$/)
    expect(file.text.startsWith('\ufeff')).toBe(true)
    expectNoSecret(file.text)
    const [header, ...rows] = parseRfc4180(withoutBom(file.text))
    expect(header).toEqual([...KEY_CSV_HEADER])
    const onServer = sandbox.server.listKeysOf(who.token)
    expect(rows).toHaveLength(onServer.length)
    const byId = new Map(rows.map((row) => [Number(row[0]), row]))
    for (const key of onServer) {
      const row = byId.get(key.id)!
      expect(unneutralised(row[1]!)).toBe(key.name)
      expect(row[7]).toBe(key.id === who.appKeyId ? 'yes' : 'no')
    }
    // Spreadsheet formulas are escaped.
    expect(byId.get(idOf('=HYPERLINK("http://x")'))![1]).toBe(`'=HYPERLINK("http://x")`)
    expect(byId.get(idOf('-1+2'))![1]).toBe(`'-1+2`)
    expect(byId.get(idOf('@mention'))![1]).toBe(`'@mention`)
    for (const row of rows) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/)
    const noted = byId.get(idOf(NAMES[0]!))!
    expect(noted.slice(5, 7)).toEqual(['Owner: Ada, "billing"\nused by the widget', '2027-03-31'])
    expect(byId.get(idOf('Two\nlines'))![5]).toBe('')
    // States in words; never used is "never".
    expect(byId.get(idOf('Two\nlines'))![3]).toBe('never')
  })

  it('as JSON: the documented shape, with notes, states and the app’s own key marked, no token', async () => {
    value(await app.services.handlers['notes:set']({ accountId: who.accountId, keyId: idOf('🔑 emoji key'), note: 'Kept for the demo', reviewBy: null }))
    value(await app.services.handlers['export:keys']({ accountId: who.accountId, format: 'json' }))
    const file = saved[0]!
    expect(file).toMatchObject({ format: 'json', mimeType: 'application/json' })
    expect(file.suggestedName).toMatch(/\.json$/)
    expectNoSecret(file.text)
    const document = JSON.parse(file.text)
    expect(document).toMatchObject({ format: 'autocalls-keys/keys', version: 1, account: { id: who.accountId }, settings: { staleAfterDays: 90, newForDays: 7 } })
    const onServer = sandbox.server.listKeysOf(who.token)
    expect(document.keys.map((key: { id: number }) => key.id).sort()).toEqual(onServer.map((key) => key.id).sort())
    const row = (name: string) => document.keys.find((key: { name: string }) => key.name === name)
    expect(row('🔑 emoji key')).toMatchObject({ note: 'Kept for the demo', reviewBy: null, isAppKey: false, state: 'in-use' })
    expect(row('Two\nlines')).toMatchObject({ lastUsedAt: null, state: 'never-used', note: '' })
    expect(row('Made here')).toMatchObject({ state: 'new' })
    expect(document.keys.find((key: { id: number }) => key.id === who.appKeyId)).toMatchObject({ isAppKey: true })
    for (const key of document.keys) {
      expect(Object.keys(key).sort()).toEqual(['createdAt', 'id', 'isAppKey', 'lastUsedAt', 'lastUsedUnreadable', 'name', 'note', 'reviewBy', 'rotationDue', 'state'])
    }
  })

  it('a cancelled save dialog answers cancelled', async () => {
    answer = { outcome: 'cancelled' }
    expect(await app.services.handlers['export:keys']({ accountId: who.accountId, format: 'csv' })).toEqual({ ok: true, value: { outcome: 'cancelled' } })
    expect(await app.services.handlers['export:activity']({ format: 'json' })).toEqual({ ok: true, value: { outcome: 'cancelled' } })
  })

  it('an account that is not here, or whose list was never fetched, is refused before the dialog', async () => {
    expect(await app.services.handlers['export:keys']({ accountId: `nobody@example.com on ${sandbox.server.baseUrl}`, format: 'csv' })).toMatchObject({ ok: false, error: { kind: 'not_signed_in' } })
    await app.services.cache.delete(who.accountId)
    expect(await app.services.handlers['export:keys']({ accountId: who.accountId, format: 'csv' })).toMatchObject({ ok: false, error: { kind: 'not_found', message: expect.stringContaining('refresh it first') } })
    expect(await app.services.handlers['export:keys']({ accountId: who.accountId, format: 'xlsx' })).toMatchObject({ ok: false, error: { kind: 'invalid_request' } })
    expect(saved).toHaveLength(0)
  })
})

describe('exporting the activity log', () => {
  it('as CSV and JSON: every entry of the account, the same as the log shows, no token', async () => {
    const ids = [idOf('-1+2'), idOf('@mention')]
    value(await app.services.handlers['keys:bulk-delete']({ accountId: who.accountId, batchId: randomUUID(), ids, includeOwnKey: false }))
    value(await app.services.handlers['notes:set']({ accountId: who.accountId, keyId: idOf('Two\nlines'), note: 'a note', reviewBy: null }))
    const logged = value(await app.services.handlers['activity:list']({ accountId: who.accountId })).entries
    expect(logged.map((entry) => entry.action).sort()).toEqual(['bulk-delete', 'bulk-delete', 'key-create', 'note-changed', 'sign-in'])

    value(await app.services.handlers['export:activity']({ format: 'json', accountId: who.accountId }))
    const json = saved[0]!
    expectNoSecret(json.text)
    const document = JSON.parse(json.text)
    expect(document).toMatchObject({ format: 'autocalls-keys/activity', version: 1, account: { id: who.accountId }, damagedLines: 0, cut: null })
    expect(document.entries.map((entry: { id: string }) => entry.id)).toEqual(logged.map((entry) => entry.id))
    expect(document.entries.find((entry: { keyId: number }) => entry.keyId === ids[0])).toMatchObject({ action: 'bulk-delete', keyName: '-1+2', outcome: 'ok', source: 'app' })

    value(await app.services.handlers['export:activity']({ format: 'csv', accountId: who.accountId }))
    const csv = saved[1]!
    expectNoSecret(csv.text)
    const [header, ...rows] = parseRfc4180(withoutBom(csv.text))
    expect(header).toEqual([...ACTIVITY_CSV_HEADER])
    expect(rows).toHaveLength(logged.length)
    expect(rows.map((row) => row[0])).toEqual(logged.map((entry) => entry.at))
    expect(rows.find((row) => row[3] === String(ids[0]))!.slice(2, 7)).toEqual(['Key deleted (bulk)', String(ids[0]), `'-1+2`, '', 'ok'])

    // Every account's log: ours is in it.
    value(await app.services.handlers['export:activity']({ format: 'json' }))
    const all = JSON.parse(saved[2]!.text)
    expect(all.account).toBeNull()
    expect(all.entries.length).toBeGreaterThanOrEqual(logged.length)
  })
})
