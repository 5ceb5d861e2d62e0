/**
 * Notes and review dates through the IPC handlers, against the real sandbox: set, change, remove,
 * refusals that change nothing, a note dropped when its key goes (here or elsewhere), and the
 * activity log's record of each change.
 */
import { mkdir, rm } from 'node:fs/promises'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../support/app-fixture'
import { useSandbox } from '../../support/sandbox-fixture'
import { signIn, value, type SignedIn } from './signed-in'

const sandbox = useSandbox()
let app: TestApp
let who: SignedIn
let keyId: number

beforeEach(async () => {
  sandbox.server.faults.clear()
  app = await createTestApp()
  who = await signIn(app, sandbox.server)
  keyId = sandbox.server.seedKey(who.token, { name: 'Booking line' }).key.id
  value(await app.services.handlers['keys:list']({ accountId: who.accountId }))
})
afterEach(async () => {
  await app.dispose()
})

const setNote = (note: string, reviewBy: string | null, id = keyId) =>
  app.services.handlers['notes:set']({ accountId: who.accountId, keyId: id, note, reviewBy })
const notesNow = () => app.services.notes.of(who.accountId)
const activity = async () => value(await app.services.handlers['activity:list']({ accountId: who.accountId })).entries

describe('notes', () => {
  it('sets, changes and removes a key’s note and review date; every list carries them', async () => {
    const stored = value(await setNote('  Used by the booking widget\r\nOwner: Ada  ', '2027-03-31'))
    expect(stored).toMatchObject({ note: 'Used by the booking widget\nOwner: Ada', reviewBy: '2027-03-31' })
    expect(notesNow()[String(keyId)]).toEqual(stored)
    const listed = value(await app.services.handlers['keys:list']({ accountId: who.accountId }))
    expect(listed.notes[String(keyId)]).toEqual(stored)

    value(await setNote('Only a note now', null))
    expect(notesNow()[String(keyId)]).toMatchObject({ note: 'Only a note now', reviewBy: null })

    expect(value(await setNote('', null))).toBeNull()
    expect(notesNow()).toEqual({})
    expect(app.services.state.state.notes[who.accountId]).toBeUndefined()
  })

  it('survives a restart', async () => {
    value(await setNote('Kept on this computer', '2027-01-15'))
    const restarted = await app.restart()
    app = restarted
    expect(restarted.services.notes.of(who.accountId)[String(keyId)]).toMatchObject({ note: 'Kept on this computer', reviewBy: '2027-01-15' })
  })

  it.each([
    ['a note of 1,001 characters', 'x'.repeat(1001), null, 'note', 'The note is 1,001 characters long; the most allowed is 1,000.'],
    ['a day not on the calendar', 'fine', '2027-02-30', 'reviewBy', '2027-02-30 is not a day on the calendar.'],
    ['a date in another form', 'fine', '31/03/2027', 'reviewBy', 'Enter the review date as year-month-day, for example 2027-03-31.'],
    ['a pasted token', `deploy with 12|${'a'.repeat(40)}`, null, 'note', 'The note seems to contain an API key’s token. Notes are not kept in the keychain: remove the token.']
  ])('refuses %s with a specific message and changes nothing', async (_label, note, reviewBy, field, message) => {
    value(await setNote('The note before', '2027-01-01'))
    const before = structuredClone(notesNow())
    const entriesBefore = (await activity()).length
    const result = await setNote(note, reviewBy)
    expect(result).toEqual({ ok: false, error: { kind: 'validation', message, fieldErrors: { [field]: [message] } } })
    expect(notesNow()).toEqual(before)
    expect(await activity()).toHaveLength(entriesBefore)
  })

  it('1,000 characters (counted in code points) is accepted', async () => {
    const note = '🔑'.repeat(1000)
    expect(value(await setNote(note, null))?.note).toBe(note)
  })

  it('a key deleted here loses its note at once (no list needed); the others keep theirs', async () => {
    const other = sandbox.server.seedKey(who.token, { name: 'Other' }).key.id
    value(await app.services.handlers['keys:list']({ accountId: who.accountId }))
    value(await setNote('goes with the key', null))
    value(await setNote('stays', null, other))
    value(await app.services.handlers['keys:delete']({ accountId: who.accountId, id: keyId }))
    expect(Object.keys(notesNow())).toEqual([String(other)])
    const cached = value(await app.services.handlers['keys:get-cached']({ accountId: who.accountId }))
    expect(Object.keys(cached!.notes)).toEqual([String(other)])
  })

  it('keys deleted in a bulk delete lose their notes; a key whose delete failed keeps its note', async () => {
    const failing = sandbox.server.seedKey(who.token, { name: 'Failing' }).key.id
    value(await app.services.handlers['keys:list']({ accountId: who.accountId }))
    value(await setNote('deleted with it', null))
    value(await setNote('kept: its delete failed', null, failing))
    sandbox.server.faults.add({ method: 'DELETE', path: `/user/api-keys/${failing}`, times: Infinity, fault: { type: 'status', status: 500 } })
    const result = value(await app.services.handlers['keys:bulk-delete']({ accountId: who.accountId, batchId: crypto.randomUUID(), ids: [keyId, failing], includeOwnKey: false }))
    expect(result.items.map((item) => item.outcome)).toEqual(['deleted', 'failed'])
    expect(Object.keys(notesNow())).toEqual([String(failing)])
  })

  it('a key that disappears from a list (deleted elsewhere) loses its note at the next refresh', async () => {
    value(await setNote('deleted on the dashboard', '2027-06-01'))
    // Deleted elsewhere: straight on the server, with the app's own credential (the sandbox just serves it).
    const response = await fetch(`${sandbox.server.baseUrl}/user/api-keys/${keyId}`, { method: 'DELETE', headers: { authorization: `Bearer ${who.token}`, accept: 'application/json' } })
    expect(response.status).toBe(200)
    expect(notesNow()[String(keyId)]).toBeDefined()
    value(await app.services.handlers['keys:list']({ accountId: who.accountId }))
    expect(notesNow()).toEqual({})
    // The log keeps the name of the key the note was about.
    expect((await activity()).find((entry) => entry.action === 'note-changed')).toMatchObject({ keyId, keyName: 'Booking line' })
  })

  it('records each change in the activity log (with the key’s name), and a removal of nothing records nothing', async () => {
    expect(value(await setNote('', null))).toBeNull()
    expect(await activity()).toEqual([expect.objectContaining({ action: 'sign-in' })])
    value(await setNote('first', '2027-03-31'))
    value(await setNote('second', null))
    value(await setNote('', null))
    const entries = (await activity()).filter((entry) => entry.action.startsWith('note-'))
    // Newest first.
    expect(entries.map((entry) => [entry.action, entry.keyId, entry.keyName, entry.outcome, entry.detail])).toEqual([
      ['note-removed', keyId, 'Booking line', 'ok', null],
      ['note-changed', keyId, 'Booking line', 'ok', null],
      ['note-changed', keyId, 'Booking line', 'ok', 'review by 2027-03-31']
    ])
    const filtered = value(await app.services.handlers['activity:list']({ accountId: who.accountId, action: 'note-removed' })).entries
    expect(filtered.map((entry) => entry.action)).toEqual(['note-removed'])
    // The note's text is not in the log.
    expect(JSON.stringify(entries)).not.toContain('first')
  })

  it('a log that cannot be written never breaks the change it records', async () => {
    const file = app.services.activity.log.file
    await rm(file, { force: true })
    await mkdir(file) // a folder where the log file should be: every append fails
    expect(value(await setNote('saved all the same', null))).toMatchObject({ note: 'saved all the same' })
    expect(notesNow()[String(keyId)]).toMatchObject({ note: 'saved all the same' })
    await rm(file, { recursive: true, force: true })
  })

  it('refuses a note for an account that is not here, saving nothing', async () => {
    const result = await app.services.handlers['notes:set']({ accountId: `nobody@example.com on ${sandbox.server.baseUrl}`, keyId, note: 'x', reviewBy: null })
    expect(result).toMatchObject({ ok: false, error: { kind: 'not_signed_in' } })
    expect(app.services.state.state.notes[`nobody@example.com on ${sandbox.server.baseUrl}`]).toBeUndefined()
  })
})
