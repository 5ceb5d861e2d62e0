/**
 * `keys note`, run as a real child process against the sandbox and the real keychain: set, show,
 * change one part, clear; the app's validation messages (exit 1, nothing stored); the note is the
 * app's (its own services read it back); the activity log records it as the command line's.
 */
import { readFile } from 'node:fs/promises'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createAppServices } from '../../src/main/app-services'
import { activityLogPath } from '../../src/main/storage/activity-log'
import { startSandbox, type SandboxServer } from '../../src/sandbox/index'
import { probeKeychain } from '../support/keychain'
import { createWorld, describeRun, type CliWorld } from './support/cli'
import { accountIdOf, labelOf, login, newUser, type SandboxUser } from './support/users'

const probe = await probeKeychain()

describe.runIf(probe.available)('autocalls-keys keys note (real OS keychain)', () => {
  let sandbox: SandboxServer
  let world: CliWorld
  let user: SandboxUser

  beforeAll(async () => {
    sandbox = await startSandbox()
  })
  afterAll(async () => {
    await sandbox.close()
  })
  afterEach(async () => {
    await world?.dispose()
  })

  async function signedIn(label: string): Promise<void> {
    world = await createWorld(label)
    user = newUser(sandbox, label)
    const run = await login(world, sandbox, user.token)
    expect(run.code, describeRun(run)).toBe(0)
  }

  const stateFile = async () => JSON.parse(await readFile(`${world.userDataDir}/autocalls-keys-state.json`, 'utf8')) as { notes: Record<string, Record<string, { note: string; reviewBy: string | null }>> }
  const activity = async () =>
    (await readFile(activityLogPath(world.userDataDir), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { action: string; keyId: number | null; keyName: string | null; source: string; detail: string | null })

  it('sets, shows, changes one part and clears a note; the account is named on standard error; the log says "cli"', async () => {
    await signedIn('note-set')
    const key = sandbox.seedKey(user.token, { name: 'CRM sync' }).key
    const set = await world.run(['keys', 'note', String(key.id), 'Used by the CRM sync job.\nOwner: ops', '--review-by', '2027-03-31'])
    expect(set.code, describeRun(set)).toBe(0)
    expect(set.stdout).toBe('')
    expect(set.stderr).toContain(`Account: ${labelOf(sandbox, user)} (the default)`)
    expect(set.stderr).toContain(`Saved the note on key #${key.id} “CRM sync”, review by 2027-03-31.`)
    expect((await stateFile()).notes[accountIdOf(sandbox, user)]?.[String(key.id)]).toMatchObject({ note: 'Used by the CRM sync job.\nOwner: ops', reviewBy: '2027-03-31' })

    // To a pipe: the note alone; the review date on standard error.
    const shown = await world.run(['keys', 'note', String(key.id)])
    expect(shown).toMatchObject({ code: 0, stdout: 'Used by the CRM sync job.\nOwner: ops\n' })
    expect(shown.stderr).toContain('Review by 2027-03-31.')
    // Text alone keeps the date; a date alone keeps the text.
    expect((await world.run(['keys', 'note', String(key.id), 'Only the CRM now'])).code).toBe(0)
    expect((await world.run(['keys', 'note', String(key.id), '--review-by', '2020-01-31'])).code).toBe(0)
    const { body } = await world.json(['keys', 'note', String(key.id), '--json'])
    expect(body).toEqual({
      version: 1,
      account: expect.objectContaining({ email: user.email }),
      key: { id: key.id, name: 'CRM sync' },
      note: { note: 'Only the CRM now', reviewBy: '2020-01-31', reviewDue: true, updatedAt: expect.any(String) }
    })
    // An empty --review-by removes the date only.
    expect((await world.run(['keys', 'note', String(key.id), '--review-by', ''])).code).toBe(0)
    expect((await world.json(['keys', 'note', String(key.id), '--json'])).body['note']).toMatchObject({ note: 'Only the CRM now', reviewBy: null, reviewDue: false })

    const cleared = await world.run(['keys', 'note', String(key.id), '--clear'])
    expect(cleared.code, describeRun(cleared)).toBe(0)
    expect(cleared.stderr).toContain(`Removed the note on key #${key.id} “CRM sync”.`)
    expect((await stateFile()).notes[accountIdOf(sandbox, user)]).toBeUndefined()
    const none = await world.run(['keys', 'note', String(key.id)])
    expect(none).toMatchObject({ code: 0, stdout: '' })
    expect(none.stderr).toContain(`Key #${key.id} has no note in ${labelOf(sandbox, user)}.`)

    const entries = (await activity()).filter((entry) => entry.action.startsWith('note-'))
    expect(entries.map((entry) => [entry.action, entry.keyId, entry.keyName, entry.source])).toEqual([
      ['note-changed', key.id, 'CRM sync', 'cli'],
      ['note-changed', key.id, 'CRM sync', 'cli'],
      ['note-changed', key.id, 'CRM sync', 'cli'],
      ['note-changed', key.id, 'CRM sync', 'cli'],
      ['note-removed', key.id, 'CRM sync', 'cli']
    ])
    expect(entries[0]!.detail).toBe('review by 2027-03-31')
  })

  it('the note is the app’s: its own services read what the command line wrote; "-" reads the note from standard input', async () => {
    await signedIn('note-shared')
    const key = sandbox.seedKey(user.token, { name: 'Widget' }).key
    const piped = await world.run(['keys', 'note', String(key.id), '-'], { input: 'From a file\r\nsecond line\n' })
    expect(piped.code, describeRun(piped)).toBe(0)
    const app = await createAppServices({ userDataDir: world.userDataDir, vault: world.vault, clipboard: { writeSecret: () => Promise.resolve(), readText: () => Promise.resolve(''), clear: () => {} }, events: { emit: () => {} }, openExternal: () => Promise.resolve() })
    try {
      expect(app.notes.of(accountIdOf(sandbox, user))[String(key.id)]).toMatchObject({ note: 'From a file\nsecond line', reviewBy: null })
    } finally {
      await app.shutdown()
    }
  })

  it.each([
    ['a note over 1,000 characters', ['x'.repeat(1001)], 'The note is 1,001 characters long; the most allowed is 1,000.'],
    ['a pasted token', ['deploy key 12|abcdefghijABCDEFGHIJabcdefghijABCDEFGHIJ'], 'The note seems to contain an API key’s token. Notes are not kept in the keychain: remove the token.'],
    ['a control character', ['bell\u0007'], 'The note contains a control character (U+0007, at character 5); only text, new lines and tabs can be kept.'],
    ['a date in another form', ['ok', '--review-by', '31/03/2027'], 'Enter the review date as year-month-day, for example 2027-03-31.'],
    ['a day not on the calendar', ['ok', '--review-by', '2027-02-30'], '2027-02-30 is not a day on the calendar.']
  ])('%s: the app’s message, exit 1, nothing stored, no request', async (_, extra, message) => {
    await signedIn('note-invalid')
    const key = sandbox.seedKey(user.token, { name: 'Keep' }).key
    expect((await world.run(['keys', 'note', String(key.id), 'before'])).code).toBe(0)
    const before = await readFile(`${world.userDataDir}/autocalls-keys-state.json`, 'utf8')
    sandbox.resetRequests()
    const run = await world.run(['keys', 'note', String(key.id), ...extra])
    expect(run.code, describeRun(run)).toBe(1)
    expect(run.stderr).toContain(`error: ${message}`)
    expect(run.stderr).not.toContain('Account:') // refused before acting on the account
    expect(run.stderr).not.toMatch(/\d+\|[A-Za-z0-9]{40}/) // a refused token is not echoed back
    const json = await world.run(['keys', 'note', String(key.id), ...extra, '--json'])
    expect(JSON.parse(json.stderr.trim().split('\n').at(-1)!)).toMatchObject({ error: { kind: 'validation', exitCode: 1, message, fieldErrors: expect.any(Object) } })
    expect(await readFile(`${world.userDataDir}/autocalls-keys-state.json`, 'utf8')).toBe(before)
    expect(sandbox.requests).toEqual([])
  })

  it('a key the account does not have: exit 3 after a fresh list, nothing stored', async () => {
    await signedIn('note-missing')
    const run = await world.run(['keys', 'note', '999999', 'for nobody'])
    expect(run.code, describeRun(run)).toBe(3)
    expect(run.stderr).toContain(`${labelOf(sandbox, user)} has no key #999999`)
    expect((await stateFile()).notes).toEqual({})
  })
})
