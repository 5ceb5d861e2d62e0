/**
 * `keys rotate` and `keys rotations`, run as real child processes against the sandbox and the
 * real keychain: the replacement's token once on standard output (pipe, JSON), the account and
 * the next steps on standard error; the states as the new key is used; --finish refused until
 * safe (or --force), --cancel; what the server saw (one POST, one DELETE of the old id); the app's
 * own services see the rotation the command line opened.
 *
 * Time: the quiet period is 15 minutes. The sandbox's clock can be set back, so the server stamps
 * the replacement's creation and first use 20 minutes in the past: to the command line (on the
 * real clock) the old key has then been quiet for 20 minutes, with no waiting.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createAppServices } from '../../src/main/app-services'
import { startSandbox, type SandboxServer } from '../../src/sandbox/index'
import { probeKeychain } from '../support/keychain'
import { createWorld, describeRun, occurrences, type CliWorld } from './support/cli'
import { accountIdOf, labelOf, login, newUser, type SandboxUser } from './support/users'

const probe = await probeKeychain()
const MINUTE = 60_000
const DAY = 86_400_000

describe.runIf(probe.available)('autocalls-keys keys rotate (real OS keychain)', () => {
  let sandbox: SandboxServer
  let world: CliWorld
  let user: SandboxUser
  let serverClockOffsetMs = 0

  beforeAll(async () => {
    sandbox = await startSandbox({ clock: () => Date.now() + serverClockOffsetMs })
  })
  afterAll(async () => {
    await sandbox.close()
  })
  beforeEach(() => {
    serverClockOffsetMs = 0
  })
  afterEach(async () => {
    sandbox.faults.clear()
    await world?.dispose()
  })

  async function signedIn(label: string): Promise<{ id: number; name: string }> {
    world = await createWorld(label)
    user = newUser(sandbox, label)
    const run = await login(world, sandbox, user.token)
    expect(run.code, describeRun(run)).toBe(0)
    const old = sandbox.seedKey(user.token, { name: 'Booking line', createdAt: Date.now() - 200 * DAY, lastUsedAt: Date.now() - 2 * DAY }).key
    sandbox.resetRequests()
    return { id: old.id, name: old.name }
  }

  /** Any request authenticated with a token counts as a use of its key (Sanctum sets last_used_at). */
  const use = async (token: string) => {
    const response = await fetch(`${sandbox.baseUrl}/user/me`, { headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' } })
    expect(response.status).toBe(200)
  }
  const rotations = async () => (await world.json(['keys', 'rotations', '--json'])).body['rotations'] as Array<Record<string, unknown>>
  const posts = () => sandbox.requests.filter((r) => r.method === 'POST')
  const deletes = () => sandbox.requests.filter((r) => r.method === 'DELETE').map((r) => Number(r.path.split('/').at(-1)))
  const serverIds = () => sandbox.listKeysOf(user.token).map((k) => k.id)

  it('start to a pipe: only the token on standard output; the account and what to do next on standard error', async () => {
    const old = await signedIn('rotate-pipe')
    const run = await world.run(['keys', 'rotate', String(old.id)])
    expect(run.code, describeRun(run)).toBe(0)
    expect(run.stdout).toMatch(/^\d+\|[A-Za-z0-9]{40,48}\n$/)
    const token = run.stdout.trimEnd()
    const newId = Number(token.split('|')[0])
    expect(sandbox.listKeysOf(token).find((k) => k.id === newId)).toMatchObject({ name: 'Booking line' }) // the old key's name by default
    expect(posts()).toHaveLength(1)
    expect(run.stderr).toContain(`Account: ${labelOf(sandbox, user)} (the default)`)
    expect(run.stderr).toContain(`Started rotating #${old.id} “Booking line” in ${labelOf(sandbox, user)}: its replacement is #${newId} “Booking line”.`)
    expect(run.stderr).toContain(`put the new token wherever #${old.id} “Booking line” is used`)
    expect(run.stderr).toContain(`keys rotate --finish ${newId}`)
    expect(occurrences(run.stderr, token.split('|')[1]!)).toBe(0)
    // Open, waiting for the new key's first use; the app's own services see the same rotation.
    expect(await rotations()).toEqual([
      expect.objectContaining({ oldKey: { id: old.id, name: 'Booking line' }, newKey: { id: newId, name: 'Booking line' }, state: 'waiting-for-first-use', safeToFinish: false, safeAt: null })
    ])
    const app = await createAppServices({ userDataDir: world.userDataDir, vault: world.vault, clipboard: { writeSecret: () => Promise.resolve(), readText: () => Promise.resolve(''), clear: () => {} }, events: { emit: () => {} }, openExternal: () => Promise.resolve() })
    try {
      expect(app.rotations.of(accountIdOf(sandbox, user))).toEqual([expect.objectContaining({ oldKey: { id: old.id, name: 'Booking line' }, newKey: { id: newId, name: 'Booking line' }, finishedAt: null })])
    } finally {
      app.rotations.stop()
      await app.shutdown()
    }
  })

  it('--json and --name: one JSON object with the token and the key it replaces; the old key’s note moves to the replacement', async () => {
    const old = await signedIn('rotate-json')
    expect((await world.run(['keys', 'note', String(old.id), 'On the website', '--review-by', '2027-03-31'])).code).toBe(0)
    const { run, body } = await world.json(['keys', 'rotate', String(old.id), '--name', 'Booking line 2027', '--json'])
    expect(run.code, describeRun(run)).toBe(0)
    const token = body['token'] as string
    const newId = Number(token.split('|')[0])
    expect(body).toEqual({
      version: 1,
      account: expect.objectContaining({ email: user.email }),
      key: { id: newId, name: 'Booking line 2027', createdAt: expect.any(String) },
      replaces: { id: old.id, name: 'Booking line' },
      token
    })
    expect(occurrences(run.stdout, token)).toBe(1)
    expect((await world.json(['keys', 'note', String(newId), '--json'])).body['note']).toMatchObject({ note: 'On the website', reviewBy: '2027-03-31' })
    expect((await world.json(['keys', 'note', String(old.id), '--json'])).body['note']).toBeNull()
  })

  it('--finish is refused until the rotation is safe (exit 1, no DELETE); --force finishes early with a warning', async () => {
    const old = await signedIn('rotate-early')
    const token = (await world.run(['keys', 'rotate', String(old.id)])).stdout.trimEnd()
    const newId = Number(token.split('|')[0])
    const waiting = await world.run(['keys', 'rotate', '--finish', String(old.id)])
    expect(waiting.code, describeRun(waiting)).toBe(1)
    expect(waiting.stderr).toContain(`Not finished: the rotation of #${old.id} “Booking line” is not safe to finish yet (waiting for the new key’s first use).`)
    expect(waiting.stderr).toContain('add --force. Nothing was changed.')
    await use(token)
    const quiet = await world.run(['keys', 'rotate', '--finish', String(newId), '--json'])
    expect(quiet.code, describeRun(quiet)).toBe(1)
    expect(JSON.parse(quiet.stderr.trim().split('\n').at(-1)!)).toMatchObject({ error: { kind: 'invalid_request', exitCode: 1, message: expect.stringMatching(/not safe to finish yet \(old key quiet for less than a minute of 15 min\)\. Nothing has used the old key since the new one went live\. Safe to finish in 1[56] min\./) } }) // 15 min, rounded up, from the server's whole second
    expect(deletes()).toEqual([])
    expect(serverIds()).toContain(old.id)
    const [listed] = await rotations()
    expect(listed).toMatchObject({ state: 'old-key-quiet', safeToFinish: false, newKeyFirstUsedAt: expect.any(String) })
    expect(Date.parse(listed!['safeAt'] as string) - Date.now()).toBeGreaterThan(13 * MINUTE)

    const forced = await world.run(['keys', 'rotate', '--finish', String(newId), '--force'])
    expect(forced.code, describeRun(forced)).toBe(0)
    expect(forced.stderr).toContain(`Finishing early (--force): old key quiet for less than a minute of 15 min. Whatever still uses #${old.id} “Booking line” stops working now.`)
    expect(forced.stderr).toContain(`Finished: deleted the old key #${old.id} “Booking line”; #${newId} “Booking line” replaces it.`)
    expect(deletes()).toEqual([old.id])
    expect(serverIds()).not.toContain(old.id)
    expect(await rotations()).toEqual([])
  })

  it('once safe, --finish deletes the old key: exactly one POST and one DELETE of the old id', async () => {
    serverClockOffsetMs = -20 * MINUTE
    const old = await signedIn('rotate-safe')
    const started = await world.run(['keys', 'rotate', String(old.id)])
    const token = started.stdout.trimEnd()
    const newId = Number(token.split('|')[0])
    await use(token)
    const table = await world.run(['keys', 'rotations'])
    expect(table.code, describeRun(table)).toBe(0)
    expect(table.stdout).toMatch(new RegExp(`^OLD KEY +REPLACEMENT +OPEN FOR +STATE\\n#${old.id} Booking line +#${newId} Booking line +less than a minute +Safe to finish\\n$`))
    expect(table.stderr).toContain(`Safe to finish: autocalls-keys keys rotate --finish ${newId}`)
    const { run, body } = await world.json(['keys', 'rotate', '--finish', String(old.id), '--json'])
    expect(run.code, describeRun(run)).toBe(0)
    expect(body).toMatchObject({ forced: false, rotation: { oldKey: { id: old.id }, newKey: { id: newId }, state: 'safe-to-finish', outcome: 'finished' } })
    expect(run.stderr).not.toContain('Finishing early')
    expect(posts()).toHaveLength(1)
    expect(deletes()).toEqual([old.id])
    expect(serverIds()).toEqual(expect.arrayContaining([user.keyId, newId]))
    expect(serverIds()).not.toContain(old.id)
    // Finished means closed: a second --finish finds no open rotation (exit 3) and deletes nothing.
    const again = await world.run(['keys', 'rotate', '--finish', String(newId)])
    expect(again.code).toBe(3)
    expect(again.stderr).toContain(`No open rotation in ${labelOf(sandbox, user)} has key #${newId}`)
    expect(deletes()).toEqual([old.id])
  })

  it('--cancel keeps both keys; --cancel --delete-replacement deletes only the replacement', async () => {
    const old = await signedIn('rotate-cancel')
    const first = Number((await world.run(['keys', 'rotate', String(old.id)])).stdout.split('|')[0])
    const kept = await world.run(['keys', 'rotate', '--cancel', String(old.id)])
    expect(kept.code, describeRun(kept)).toBe(0)
    expect(kept.stderr).toContain(`Account: ${labelOf(sandbox, user)}`)
    expect(kept.stderr).toContain(`Cancelled the rotation of #${old.id} “Booking line”: both keys are kept`)
    expect(serverIds()).toEqual(expect.arrayContaining([old.id, first]))
    expect(await rotations()).toEqual([])
    const second = Number((await world.run(['keys', 'rotate', String(old.id), '--name', 'try again'])).stdout.split('|')[0])
    const { run, body } = await world.json(['keys', 'rotate', '--cancel', String(second), '--delete-replacement', '--json'])
    expect(run.code, describeRun(run)).toBe(0)
    expect(body).toMatchObject({ replacementDeleted: true, rotation: { newKey: { id: second, name: 'try again' }, outcome: 'cancelled' } })
    expect(deletes()).toEqual([second])
    expect(serverIds()).toContain(old.id)
    expect(serverIds()).not.toContain(second)
  })

  it('refusals change nothing: the own key (exit 1), a key the account does not have (exit 3), a key already in a rotation (exit 1)', async () => {
    const old = await signedIn('rotate-refuse')
    const own = await world.run(['keys', 'rotate', String(user.keyId)])
    expect(own.code, describeRun(own)).toBe(1)
    expect(own.stderr).toContain(`Key #${user.keyId} is the key ${labelOf(sandbox, user)} is signed in with.`)
    const missing = await world.run(['keys', 'rotate', '999999'])
    expect(missing.code, describeRun(missing)).toBe(3)
    expect(missing.stderr).toContain(`${labelOf(sandbox, user)} has no key #999999`)
    expect(posts()).toEqual([])
    expect((await world.run(['keys', 'rotate', String(old.id)])).code).toBe(0)
    const twice = await world.run(['keys', 'rotate', String(old.id)])
    expect(twice.code, describeRun(twice)).toBe(1)
    expect(twice.stderr).toContain('is already part of an open rotation')
    expect(posts()).toHaveLength(1)
    const notOpen = await world.run(['keys', 'rotate', '--cancel', '424242'])
    expect(notOpen.code).toBe(3)
    expect(deletes()).toEqual([])
  })

  it('a create whose answer was lost: exit 6, no token, no rotation opened, the refreshed list names the key that may exist', async () => {
    const old = await signedIn('rotate-unknown')
    sandbox.faults.add({ method: 'POST', path: '/user/api-keys', fault: { type: 'drop-after-commit' } })
    const run = await world.run(['keys', 'rotate', String(old.id)])
    expect(run.code, describeRun(run)).toBe(6)
    expect(run.stdout).toBe('')
    const made = sandbox.listKeysOf(user.token).filter((k) => k.name === 'Booking line' && k.id !== old.id)
    expect(made).toHaveLength(1)
    expect(posts()).toHaveLength(1) // never retried
    expect(run.stderr).toContain(`Keys named “Booking line” in the refreshed list: #${old.id}`)
    expect(run.stderr).toContain(`#${made[0]!.id}`)
    expect(await rotations()).toEqual([])
  })

  it('standard output closed by its reader: the token is lost, exit 6, and the message says how to undo the rotation', async () => {
    const old = await signedIn('rotate-closed')
    const run = await world.run(['keys', 'rotate', String(old.id)], { closeStdout: true })
    expect(run.code, describeRun(run)).toBe(6)
    const [open] = await rotations()
    const newId = (open!['newKey'] as { id: number }).id
    expect(run.stderr).toContain(`its token could not be written to standard output, so it is lost. Cancel the rotation, deleting that replacement, and start again: autocalls-keys keys rotate --cancel ${newId} --delete-replacement`)
    expect(run.stderr).not.toMatch(/\d+\|[A-Za-z0-9]{40}/)
    expect((await world.run(['keys', 'rotate', '--cancel', String(newId), '--delete-replacement'])).code).toBe(0)
    expect(serverIds()).not.toContain(newId)
  })

  it('an old key deleted elsewhere: the rotation completed itself, and --finish says so (exit 0, no DELETE of ours)', async () => {
    const old = await signedIn('rotate-elsewhere')
    const newId = Number((await world.run(['keys', 'rotate', String(old.id)])).stdout.split('|')[0])
    await fetch(`${sandbox.baseUrl}/user/api-keys/${old.id}`, { method: 'DELETE', headers: { Authorization: `Bearer ${user.token}`, Accept: 'application/json' } })
    sandbox.resetRequests()
    const { run, body } = await world.json(['keys', 'rotate', '--finish', String(newId), '--json'])
    expect(run.code, describeRun(run)).toBe(0)
    expect(run.stderr).toContain(`The rotation of #${old.id} “Booking line” in ${labelOf(sandbox, user)} had already completed: the old key was deleted elsewhere, and #${newId} replaces it.`)
    expect(body).toMatchObject({ rotation: { oldKey: { id: old.id }, newKey: { id: newId }, state: 'old-key-gone', outcome: 'completed-elsewhere' } })
    expect(deletes()).toEqual([])
    expect(await rotations()).toEqual([])
  })

  it('a replacement deleted elsewhere: --finish refuses even with --force and says to cancel', async () => {
    const old = await signedIn('rotate-gone')
    const token = (await world.run(['keys', 'rotate', String(old.id)])).stdout.trimEnd()
    const newId = Number(token.split('|')[0])
    await fetch(`${sandbox.baseUrl}/user/api-keys/${newId}`, { method: 'DELETE', headers: { Authorization: `Bearer ${user.token}`, Accept: 'application/json' } })
    sandbox.resetRequests()
    const run = await world.run(['keys', 'rotate', '--finish', String(old.id), '--force'])
    expect(run.code, describeRun(run)).toBe(1)
    expect(run.stderr).toContain(`The replacement #${newId} is gone`)
    expect(run.stderr).toContain(`autocalls-keys keys rotate --cancel ${newId}`)
    expect(deletes()).toEqual([])
    expect(serverIds()).toContain(old.id)
  })
})
