/**
 * `keys list`, `keys create` and `keys delete`, run as real child processes against the sandbox
 * and the real keychain: output shapes, every error path with its exit code, and what the server
 * saw (the sandbox records each request).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createAppServices } from '../../src/main/app-services'
import { keysInEveryHygieneState, startSandbox, type SandboxServer } from '../../src/sandbox/index'
import { classifyKey } from '../../src/shared/key-hygiene'
import { NAME_TAKEN_422 } from '../support/sandbox-fixture'
import { probeKeychain } from '../support/keychain'
import { createWorld, describeRun, occurrences, type CliWorld } from './support/cli'
import { accountIdOf, labelOf, login, newUser, type SandboxUser } from './support/users'

const probe = await probeKeychain()

describe.runIf(probe.available)('autocalls-keys keys (real OS keychain)', () => {
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
    sandbox.faults.clear()
    await world?.dispose()
  })

  async function signedIn(label: string): Promise<void> {
    world = await createWorld(label)
    user = newUser(sandbox, label)
    const run = await login(world, sandbox, user.token)
    expect(run.code, describeRun(run)).toBe(0)
    sandbox.resetRequests()
  }

  const deletes = () => sandbox.requests.filter((r) => r.method === 'DELETE').map((r) => Number(r.path.split('/').at(-1)))
  const serverIds = () => sandbox.listKeysOf(user.token).map((k) => k.id).sort((a, b) => a - b)

  describe('keys list', () => {
    it('--json: every key with its state, the sign-in key marked as the own key', async () => {
      await signedIn('list-json')
      const now = Date.now()
      const seeded = keysInEveryHygieneState(now).map((spec) => ({ spec, key: sandbox.seedKey(user.token, spec).key }))
      const { run, body } = await world.json(['keys', 'list', '--json'])
      expect(run.code, describeRun(run)).toBe(0)
      expect(body).toMatchObject({ version: 1, account: { id: accountIdOf(sandbox, user), email: user.email }, total: 5 })
      const keys = body['keys'] as Array<Record<string, unknown>>
      expect(keys.map((k) => k['id']).sort()).toEqual([...seeded.map((s) => s.key.id), user.keyId].sort())
      const created = keys.map((k) => Date.parse(k['createdAt'] as string))
      expect(created).toEqual([...created].sort((a, b) => b - a)) // newest first
      for (const { spec, key } of seeded) {
        const listed = keys.find((k) => k['id'] === key.id)!
        expect(listed).toMatchObject({ id: key.id, name: spec.name, state: spec.state, ownKey: false })
        expect(Date.parse(listed['createdAt'] as string)).toBe(Date.parse(key.created_at))
        expect(Date.parse(listed['lastUsedAt'] as string)).toBe(key.last_used_at === null ? NaN : Date.parse(key.last_used_at))
      }
      expect(keys.find((k) => k['id'] === user.keyId)).toMatchObject({ name: 'Sign-in key', state: 'in-use', ownKey: true })
      expect(run.stderr).toBe('')
    })

    it('--state and --filter narrow the list; the table is aligned and marks the own key', async () => {
      await signedIn('list-state')
      for (const spec of keysInEveryHygieneState(Date.now())) sandbox.seedKey(user.token, spec)
      const ids = async (args: string[]) => ((await world.json(['keys', 'list', '--json', ...args])).body['keys'] as Array<{ name: string }>).map((k) => k.name)
      expect(await ids(['--state', 'stale'])).toEqual(['Old website widget'])
      expect(await ids(['--state', 'never-used'])).toEqual(['Spare for the CRM'])
      expect(await ids(['--state', 'new'])).toEqual(['Reminder calls'])
      expect((await ids(['--state', 'in-use'])).sort()).toEqual(['Booking line', 'Sign-in key'])
      expect(await ids(['--filter', ' CRM '])).toEqual(['Spare for the CRM'])
      expect(await ids(['--filter', 'line', '--state', 'stale'])).toEqual([])
      const table = await world.run(['keys', 'list'])
      expect(table.code).toBe(0)
      const lines = table.stdout.trimEnd().split('\n')
      expect(lines[0]).toMatch(/^ +ID  NAME +STATE +CREATED +LAST USED$/)
      expect(lines).toHaveLength(6)
      const own = lines.find((line) => line.includes('Sign-in key'))!
      expect(own.startsWith('*')).toBe(true)
      for (const line of lines.slice(1)) expect(line.indexOf('  ', line.search(/\d/)) + 2).toBe(lines[0]!.indexOf('NAME'))
      expect(lines.find((line) => line.includes('Old website widget'))).toMatch(/ stale +\d{4}-\d{2}-\d{2} +\d{4}-\d{2}-\d{2}$/)
      expect(lines.find((line) => line.includes('Booking line'))).toMatch(/ in use +\d{4}-\d{2}-\d{2} +2 days ago$/)
      expect(lines.find((line) => line.includes('Reminder calls'))).toMatch(/ new +\d{4}-\d{2}-\d{2} +never$/)
      const bad = await world.run(['keys', 'list', '--state', 'ancient'])
      expect(bad.code).toBe(1)
      expect(bad.stderr).toContain('Allowed choices are in-use, stale, never-used, new')
    })

    it('--state follows the thresholds set in the app (its preferences in the shared state file), as the app classifies', async () => {
      await signedIn('list-settings')
      for (const spec of keysInEveryHygieneState(Date.now())) sandbox.seedKey(user.token, spec)
      const app = await createAppServices({ userDataDir: world.userDataDir, vault: world.vault, clipboard: { writeSecret: () => Promise.resolve(), readText: () => Promise.resolve(''), clear: () => {} }, events: { emit: () => {} }, openExternal: () => Promise.resolve() })
      try {
        // As the app's settings dialog does: stale after 1 day, new for 60 days.
        await app.handlers['preferences:update']({ staleAfterDays: 1, newForDays: 60 })
      } finally {
        app.rotations.stop()
        await app.shutdown()
      }
      const { body } = await world.json(['keys', 'list', '--json'])
      const keys = body['keys'] as Array<{ name: string; state: string; createdAt: string; lastUsedAt: string | null }>
      const settings = { staleAfterDays: 1, newForDays: 60, rotateAfterDays: null }
      for (const key of keys) expect([key.name, key.state]).toEqual([key.name, classifyKey(key, Date.now(), settings).state])
      const names = async (state: string) => ((await world.json(['keys', 'list', '--json', '--state', state])).body['keys'] as Array<{ name: string }>).map((k) => k.name).sort()
      expect(await names('stale')).toEqual(['Booking line', 'Old website widget'])
      expect(await names('new')).toEqual(['Reminder calls', 'Spare for the CRM'])
      expect(await names('never-used')).toEqual([])
    })

    it('names are shown inert in tables (no escape or bidirectional control reaches the terminal) and exact in JSON', async () => {
      await signedIn('list-hostile')
      const hostile = 'clear\u001b[2J\u001b[31mred\u202eevil\nnext line\t日本🔑'
      const key = sandbox.seedKey(user.token, { name: hostile }).key
      const table = await world.run(['keys', 'list'])
      expect(table.code).toBe(0)
      expect(table.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u202e]/)
      expect(table.stdout).toContain(`${key.id}  clear\\u001b[2J\\u001b[31mred\\u202eevil\\nnext line\\t日本🔑`)
      expect(table.stdout.trimEnd().split('\n')).toHaveLength(3) // the name's new line did not split the row
      const { body } = await world.json(['keys', 'list', '--json'])
      expect((body['keys'] as Array<{ id: number; name: string }>).find((k) => k.id === key.id)!.name).toBe(hostile)
    })

    it('a server error is exit 4 after the app\'s retries (3 GETs of the list), and nothing is passed off as current', async () => {
      await signedIn('list-500')
      expect((await world.run(['keys', 'list', '--json'])).code).toBe(0)
      sandbox.resetRequests()
      sandbox.faults.add({ method: 'GET', path: '/user/api-keys', times: Infinity, fault: { type: 'status', status: 500 } })
      const run = await world.run(['keys', 'list', '--json'])
      expect(run.code, describeRun(run)).toBe(4)
      expect(run.stdout).toBe('')
      expect(JSON.parse(run.stderr.trim().split('\n').at(-1)!)).toMatchObject({ version: 1, error: { kind: 'server', exitCode: 4 } })
      expect(sandbox.requests.filter((r) => r.path === '/user/api-keys')).toHaveLength(3)
    })
  })

  describe('keys create', () => {
    it('to a pipe: standard output is the token and nothing else; standard error names the account, not the token', async () => {
      await signedIn('create-pipe')
      const run = await world.run(['keys', 'create', 'ci deploy'])
      expect(run.code, describeRun(run)).toBe(0)
      expect(run.stdout).toMatch(/^\d+\|[A-Za-z0-9]{40,48}\n$/)
      const token = run.stdout.trimEnd()
      const id = Number(token.split('|')[0])
      expect(run.stderr).toContain(`Account: ${labelOf(sandbox, user)} (the default)`)
      expect(run.stderr).toContain(`Created key #${id} “ci deploy” in ${labelOf(sandbox, user)}.`)
      expect(occurrences(run.stderr, token.split('|')[1]!)).toBe(0)
      // The token works, and the server has exactly one new key of that name (one POST).
      expect(sandbox.listKeysOf(token).find((k) => k.id === id)).toMatchObject({ name: 'ci deploy' })
      expect(sandbox.requests.filter((r) => r.method === 'POST')).toHaveLength(1)
      // The confirming list ran before the process ended: the shared cache has the new key.
      const listed = await world.json(['keys', 'list', '--json', '--filter', 'ci deploy'])
      expect(listed.body['keys']).toEqual([expect.objectContaining({ id, name: 'ci deploy', state: 'new' })])
    })

    it('standard output closed by its reader: a list ends quietly (exit 0); a create says the token is lost (exit 6)', async () => {
      await signedIn('closed-pipe')
      const list = await world.run(['keys', 'list'], { closeStdout: true })
      expect(list.code, describeRun(list)).toBe(0)
      expect(list.stderr).toBe('')
      const create = await world.run(['keys', 'create', 'nobody reads'], { closeStdout: true })
      expect(create.code, describeRun(create)).toBe(6)
      const made = sandbox.listKeysOf(user.token).find((k) => k.name === 'nobody reads')!
      expect(create.stderr).toContain(`Key #${made.id} “nobody reads” was created, but its token could not be written to standard output, so it is lost.`)
      expect(create.stderr).not.toMatch(/\d+\|[A-Za-z0-9]{40}/)
    })

    it('--json: one JSON object with the token as a field', async () => {
      await signedIn('create-json')
      const { run, body } = await world.json(['keys', 'create', 'from json', '--json'])
      expect(run.code).toBe(0)
      const token = body['token'] as string
      expect(body).toEqual({ version: 1, account: expect.objectContaining({ email: user.email }), key: { id: Number(token.split('|')[0]), name: 'from json', createdAt: expect.any(String) }, token })
      expect(occurrences(run.stdout, token)).toBe(1)
      expect(run.stdout.trimEnd().split('\n')).toHaveLength(1)
    })

    it('names the server refuses, or that fail its rules, are usage errors (exit 1) and make no key', async () => {
      await signedIn('create-invalid')
      const before = serverIds()
      const blank = await world.run(['keys', 'create', '   '])
      expect(blank.code).toBe(1)
      expect(blank.stderr).toMatch(/error: .*name/i)
      const long = await world.run(['keys', 'create', 'x'.repeat(256)])
      expect(long.code).toBe(1)
      expect(long.stderr).toContain('255')
      sandbox.faults.add({ method: 'POST', path: '/user/api-keys', fault: NAME_TAKEN_422 })
      const taken = await world.run(['keys', 'create', 'taken', '--json'])
      expect(taken.code, describeRun(taken)).toBe(1)
      expect(JSON.parse(taken.stderr.trim().split('\n').at(-1)!)).toMatchObject({ error: { kind: 'validation', exitCode: 1, fieldErrors: { name: ['The name has already been taken.'] } } })
      expect(taken.stdout).toBe('')
      expect(serverIds()).toEqual(before)
      const missing = await world.run(['keys', 'create'])
      expect(missing.code).toBe(1)
      expect(missing.stderr).toContain("Missing required argument 'name'")
    })

    it('an answer lost after the server made the key: exit 6, no token anywhere, the refreshed list names the key that may exist', async () => {
      await signedIn('create-unknown')
      sandbox.faults.add({ method: 'POST', path: '/user/api-keys', fault: { type: 'drop-after-commit' } })
      const run = await world.run(['keys', 'create', 'maybe'])
      expect(run.code, describeRun(run)).toBe(6)
      expect(run.stdout).toBe('')
      const made = sandbox.listKeysOf(user.token).filter((k) => k.name === 'maybe')
      expect(made).toHaveLength(1)
      expect(sandbox.requests.filter((r) => r.method === 'POST')).toHaveLength(1) // never retried
      expect(run.stderr).toContain('It may have been created anyway')
      expect(run.stderr).toContain(`Keys named “maybe” in the refreshed list: #${made[0]!.id}`)
    })
  })

  describe('keys delete', () => {
    it('refuses without --yes when standard input is not a terminal: exit 1, no DELETE sent', async () => {
      await signedIn('delete-refuse')
      const key = sandbox.seedKey(user.token, { name: 'keep me' }).key
      const run = await world.run(['keys', 'delete', String(key.id)])
      expect(run.code).toBe(1)
      expect(run.stderr).toContain('Refusing to delete without --yes')
      expect(deletes()).toEqual([])
      expect(serverIds()).toContain(key.id)
    })

    it('several ids as a batch: each id gets its outcome, a missing one is exit 3; bad ids change nothing', async () => {
      await signedIn('delete-batch')
      const keys = [1, 2, 3].map((n) => sandbox.seedKey(user.token, { name: `batch ${n}` }).key)
      const bad = await world.run(['keys', 'delete', String(keys[0]!.id), 'twelve', '--yes'])
      expect(bad.code).toBe(1)
      expect(deletes()).toEqual([])
      const { run, body } = await world.json(['keys', 'delete', String(keys[0]!.id), '999999', String(keys[1]!.id), '--yes', '--json'])
      expect(run.code, describeRun(run)).toBe(3)
      expect(body).toEqual({
        version: 1,
        account: expect.objectContaining({ email: user.email }),
        results: [
          { id: keys[0]!.id, name: null, outcome: 'deleted' },
          { id: 999999, name: null, outcome: 'not-found' },
          { id: keys[1]!.id, name: null, outcome: 'deleted' }
        ],
        signedOut: false
      })
      expect(run.stderr).toContain(`Account: ${labelOf(sandbox, user)}`)
      expect(run.stderr).toContain('Deleted 2 of 3 keys')
      expect(serverIds()).toEqual([user.keyId, keys[2]!.id].sort((a, b) => a - b))
      // With the list cached, the report names the keys.
      await world.run(['keys', 'list'])
      const human = await world.run(['keys', 'delete', String(keys[2]!.id), '-y'])
      expect(human.code).toBe(0)
      expect(human.stdout).toMatch(new RegExp(`^ID +NAME +RESULT\\n *${keys[2]!.id}  batch 3  deleted\\n$`))
    })

    it('the own key needs --yes and --including-own-key, is deleted last, and signs the account out', async () => {
      await signedIn('delete-own')
      const other = sandbox.seedKey(user.token, { name: 'other' })
      const refused = await world.run(['keys', 'delete', String(user.keyId), String(other.key.id), '--yes'])
      expect(refused.code).toBe(1)
      expect(refused.stderr).toContain(`Key #${user.keyId} is the key ${labelOf(sandbox, user)} is signed in with`)
      expect(deletes()).toEqual([])
      const noYes = await world.run(['keys', 'delete', String(user.keyId), '--including-own-key'])
      expect(noYes.code).toBe(1)
      expect(noYes.stderr).toContain('--including-own-key needs --yes')
      const { run, body } = await world.json(['keys', 'delete', String(user.keyId), String(other.key.id), '--yes', '--including-own-key', '--json'])
      expect(run.code, describeRun(run)).toBe(0)
      expect(deletes()).toEqual([other.key.id, user.keyId])
      expect(body).toMatchObject({ signedOut: true, results: [{ id: user.keyId, outcome: 'deleted' }, { id: other.key.id, outcome: 'deleted' }] })
      expect(run.stderr).toContain(`Signed out of ${labelOf(sandbox, user)}`)
      expect(await world.vault.get(accountIdOf(sandbox, user))).toBeNull()
      expect((await world.json(['accounts', '--json'])).body).toMatchObject({ accounts: [{ status: 'needs-sign-in' }] })
      expect((await world.run(['keys', 'list'])).code).toBe(2)
    })

    it('a 401 in the middle of a batch stops it: the deletes in flight finish, later ids are not tried, exit 2', async () => {
      await signedIn('delete-401')
      const keys = Array.from({ length: 6 }, (_, n) => sandbox.seedKey(user.token, { name: `k${n}` }).key)
      const ids = keys.map((k) => k.id)
      // The pacer sends the first delete alone (to learn the server's rate limit), then four at
      // once: the third meets the 401 while the other three are slowed, so still in flight.
      sandbox.faults.add({ method: 'DELETE', path: `/user/api-keys/${ids[2]}`, fault: { type: 'unauthenticated' } })
      for (const id of [ids[1], ids[3], ids[4]]) sandbox.faults.add({ method: 'DELETE', path: `/user/api-keys/${id}`, fault: { type: 'latency', ms: 400 } })
      const { run, body } = await world.json(['keys', 'delete', ...ids.map(String), '--yes', '--json'])
      expect(run.code, describeRun(run)).toBe(2)
      const results = body['results'] as Array<{ id: number; outcome: string; error?: { kind: string } }>
      expect(results.map((r) => r.outcome)).toEqual(['deleted', 'deleted', 'failed', 'deleted', 'deleted', 'skipped'])
      expect(results[2]!.error).toMatchObject({ kind: 'unauthenticated' })
      expect(deletes().sort()).toEqual(ids.slice(0, 5).sort())
      expect(body['signedOut']).toBe(true)
    })
  })
})
