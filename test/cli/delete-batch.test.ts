/**
 * `keys delete` as a batch through the app's bulk delete, run as a real child process: against a
 * throttled sandbox (Laravel's per-user limit, here 10 per 2 s) the batch meets a real 429, waits
 * for the whole window, and ends with every key deleted and no rate-limit error surfaced; Ctrl+C
 * (SIGINT) lets the deletes in flight finish, starts no more, and ends with exit 130.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { startSandbox, type SandboxServer } from '../../src/sandbox/index'
import { probeKeychain } from '../support/keychain'
import { createWorld, describeRun, type CliWorld } from './support/cli'
import { login, newUser, type SandboxUser } from './support/users'

const probe = await probeKeychain()
const WINDOW_MS = 2000

describe.runIf(probe.available)('autocalls-keys keys delete, paced (real OS keychain)', () => {
  let sandbox: SandboxServer
  let world: CliWorld
  let user: SandboxUser

  beforeAll(async () => {
    sandbox = await startSandbox({ throttle: { limit: 10, windowMs: WINDOW_MS } })
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
  }

  const deleteRequests = () => sandbox.requests.filter((r) => r.method === 'DELETE')
  const serverIds = () => sandbox.listKeysOf(user.token).map((k) => k.id)

  it('a 429 pauses the whole batch until the window resets; every key is deleted and no 429 reaches the person', async () => {
    await signedIn('delete-throttled')
    const keys = Array.from({ length: 9 }, (_, n) => sandbox.seedKey(user.token, { name: `paced ${n}` }).key)
    // Another client of the same user (the limit is per user) spends the whole window first.
    const other = sandbox.seedKey(user.token, { name: 'other client' }).token
    sandbox.resetRateLimits()
    sandbox.resetRequests()
    for (let status = 0; status !== 429; ) {
      status = (await fetch(`${sandbox.baseUrl}/user/me`, { headers: { Authorization: `Bearer ${other}`, Accept: 'application/json' } })).status
    }
    const windowEnds = sandbox.requests[0]!.at + WINDOW_MS

    const { run, body } = await world.json(['keys', 'delete', ...keys.map((k) => String(k.id)), '--yes', '--json'])
    expect(run.code, describeRun(run)).toBe(0)
    expect((body['results'] as Array<{ id: number; outcome: string }>).map((r) => [r.id, r.outcome])).toEqual(keys.map((k) => [k.id, 'deleted']))
    expect(run.stderr).not.toMatch(/429|rate limit|too many/i)
    expect(run.stderr).toContain('Deleted 9 of 9 keys')
    // The batch met the 429, then nothing was sent until the window had reset, and then no 429 again.
    const sent = deleteRequests()
    const throttled = sent.filter((r) => r.status === 429)
    // Only the delete the pacer sends alone to learn the limit met it: four lanes at once would have met four.
    expect(throttled).toHaveLength(1)
    expect(throttled.every((r) => r.at < windowEnds)).toBe(true)
    const done = sent.filter((r) => r.status !== 429)
    expect(done.every((r) => r.at >= windowEnds && r.status! >= 200 && r.status! < 300)).toBe(true)
    expect(done.map((r) => Number(r.path.split('/').at(-1))).sort()).toEqual(keys.map((k) => k.id).sort()) // each key once
    expect(serverIds().filter((id) => keys.some((k) => k.id === id))).toEqual([])
  })

  it('Ctrl+C: the deletes in flight finish, none starts after, every other key is "not tried", exit 130', async () => {
    await signedIn('delete-interrupt')
    sandbox.setThrottle(false)
    try {
      const keys = Array.from({ length: 8 }, (_, n) => sandbox.seedKey(user.token, { name: `slow ${n}` }).key)
      for (const key of keys) sandbox.faults.add({ method: 'DELETE', path: `/user/api-keys/${key.id}`, fault: { type: 'latency', ms: 700 } })
      sandbox.resetRequests()
      let interruptedWith = -1
      const { run, body } = await world.json(['keys', 'delete', ...keys.map((k) => String(k.id)), '--yes', '--json'], {
        onSpawn: (child) => {
          // The pacer sends the first delete alone, then four at once: Ctrl+C while those four are out.
          void vi.waitFor(() => expect(deleteRequests().length).toBeGreaterThanOrEqual(5), { timeout: 10_000, interval: 10 }).then(() => {
            interruptedWith = deleteRequests().length
            child.kill('SIGINT')
          })
        }
      })
      expect(run.code, describeRun(run)).toBe(130)
      expect(interruptedWith).toBe(5)
      const results = body['results'] as Array<{ id: number; outcome: string }>
      const sentIds = deleteRequests().map((r) => Number(r.path.split('/').at(-1)))
      expect(sentIds).toHaveLength(5) // none started after Ctrl+C
      expect(results.filter((r) => r.outcome === 'deleted').map((r) => r.id).sort()).toEqual([...sentIds].sort())
      expect(results.filter((r) => r.outcome === 'skipped')).toHaveLength(3)
      expect(run.stderr).toContain('Stopping: the deletes already sent finish, no more start.')
      expect(run.stderr).toContain('Stopped with Ctrl+C: 3 keys were not tried.')
      expect(serverIds().filter((id) => keys.some((k) => k.id === id)).sort()).toEqual(keys.map((k) => k.id).filter((id) => !sentIds.includes(id)).sort())
    } finally {
      sandbox.setThrottle({ limit: 10, windowMs: WINDOW_MS })
    }
  })
})
