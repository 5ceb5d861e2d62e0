/**
 * Guided rotation of a normal key through the IPC handlers, against a real sandbox whose clock
 * the test sets (the server's `last_used_at` is the witness): start (one POST, never retried),
 * the states as lists come in, finish (one DELETE), cancel, the note's move, a restart, keys that
 * disappear elsewhere; and the watcher's cadence over simulated hours with a fake clock, counting
 * the requests that reach the server.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { RotationService } from '../../../src/main/rotation/rotation-service'
import type { Clock, TimerHandle } from '../../../src/main/support/clock'
import { startSandbox, type SandboxServer } from '../../../src/sandbox/index'
import type { CreatedKeyView } from '../../../src/shared/domain'
import { createTestApp, type TestApp } from '../../support/app-fixture'
import { NAME_TAKEN_422 } from '../../support/sandbox-fixture'
import { signIn, value, type SignedIn } from '../services/signed-in'
import { urlOf } from '../../support/url-of'

let server: SandboxServer
/** The sandbox's clock runs this far from ours: a use recorded in the past reads as long quiet. */
let serverOffsetMs = 0
beforeAll(async () => {
  server = await startSandbox({ seedDemo: false, clock: () => Date.now() + serverOffsetMs })
})
afterAll(async () => {
  await server.close()
})

let app: TestApp
let who: SignedIn
/** Our simulated time at each list request the app sent (for the watcher's fake clock). */
let listRequests: number[] = []
let clockForRequests: (() => number) | null = null
const countingFetch: typeof fetch = (input, init) => {
  if (urlOf(input).endsWith('/user/api-keys') && (init?.method ?? 'GET') === 'GET') listRequests.push(clockForRequests?.() ?? Date.now())
  return fetch(input, init)
}

beforeEach(async () => {
  server.faults.clear()
  serverOffsetMs = 0
  listRequests = []
  clockForRequests = null
  app = await createTestApp({ client: { timeoutMs: 2_000, sleep: async () => {}, fetch: countingFetch } })
  who = await signIn(app, server)
})
afterEach(async () => {
  await app.dispose()
})

const h = () => app.services.handlers
const useKey = async (token: string) => {
  const response = await fetch(`${server.baseUrl}/user/me`, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } })
  expect(response.status).toBe(200)
}
const deleteElsewhere = async (id: number) => {
  const response = await fetch(`${server.baseUrl}/user/api-keys/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${who.token}`, accept: 'application/json' } })
  expect(response.status).toBe(200)
}
const refresh = async () => value(await h()['keys:list']({ accountId: who.accountId }))
const rotationsNow = () => app.services.rotations.of(who.accountId)
const serverIds = () => server.listKeysOf(who.token).map((key) => key.id)
const requestsOf = (method: string) => server.requests.filter((r) => r.method === method)

/** Seeds the key to rotate (with a token of its own, to "use" it), lists it, and forgets the requests so far. */
async function oldKey(name = 'Booking line') {
  const seeded = server.seedKey(who.token, { name, createdAt: Date.now() + serverOffsetMs - 90 * 86_400_000, lastUsedAt: Date.now() + serverOffsetMs - 3_600_000 })
  await refresh()
  server.resetRequests()
  return { id: seeded.key.id, token: seeded.token, name }
}

async function start(old: { id: number }, name = 'Booking line'): Promise<CreatedKeyView & { key: NonNullable<CreatedKeyView['key']> }> {
  const created = value(await h()['rotation:start']({ accountId: who.accountId, keyId: old.id, name, requestId: randomUUID() }))
  if (!created.key) throw new Error('no id for the replacement')
  await app.services.keys.settle() // the create's confirming list
  return created as CreatedKeyView & { key: NonNullable<CreatedKeyView['key']> }
}

describe('starting a rotation', () => {
  it('creates the replacement with one POST; the token is labelled as the old key’s replacement; both keys are linked', async () => {
    const old = await oldKey()
    const created = await start(old)
    expect(requestsOf('POST')).toHaveLength(1)
    expect(created.replaces).toEqual({ id: old.id, name: old.name })
    expect(created.token).toMatch(new RegExp(`^${created.key.id}\\|`))
    expect(app.services.pending.list().find((p) => p.pendingId === created.pendingId)).toMatchObject({ replaces: { id: old.id, name: old.name } })
    expect(rotationsNow()).toEqual([
      expect.objectContaining({ oldKey: { id: old.id, name: old.name }, newKey: { id: created.key.id, name: 'Booking line' }, state: 'waiting-for-first-use', finishedAt: null, ownKey: false })
    ])
    const listed = await refresh()
    expect(listed.rotations).toHaveLength(1)
    expect(serverIds()).toEqual(expect.arrayContaining([old.id, created.key.id]))
    const log = value(await h()['activity:list']({ accountId: who.accountId })).entries
    expect(log.slice(0, 2).map((entry) => [entry.action, entry.keyId, entry.relatedKeyId]).sort()).toEqual(
      [
        ['rotation-started', old.id, created.key.id],
        ['rotation-replacement-created', created.key.id, old.id]
      ].sort()
    )
  })

  it('never retries the POST: a lost answer says the key may exist and opens no rotation', async () => {
    const old = await oldKey()
    server.faults.add({ method: 'POST', path: '/user/api-keys', times: Infinity, fault: { type: 'status', status: 502 } })
    const result = await h()['rotation:start']({ accountId: who.accountId, keyId: old.id, name: 'Booking line', requestId: randomUUID() })
    expect(result).toMatchObject({ ok: false, error: { kind: 'create_outcome_unknown', message: expect.stringContaining('It may have been created anyway') } })
    expect(requestsOf('POST')).toHaveLength(1)
    expect(rotationsNow()).toEqual([])
  })

  it('passes the server’s 422 message on, and opens nothing', async () => {
    const old = await oldKey()
    server.faults.add({ method: 'POST', path: '/user/api-keys', fault: NAME_TAKEN_422 })
    const result = await h()['rotation:start']({ accountId: who.accountId, keyId: old.id, name: 'Booking line', requestId: randomUUID() })
    expect(result).toMatchObject({ ok: false, error: { kind: 'validation', message: 'The name has already been taken.' } })
    expect(rotationsNow()).toEqual([])
  })

  it('refuses a name over 255 characters, the app’s own key, and a key already in a rotation, sending nothing', async () => {
    const old = await oldKey()
    const ask = (keyId: number, name = 'x') => h()['rotation:start']({ accountId: who.accountId, keyId, name, requestId: randomUUID() })
    expect(await ask(old.id, 'n'.repeat(256))).toMatchObject({ ok: false, error: { kind: 'validation' } })
    expect(await ask(who.appKeyId)).toMatchObject({ ok: false, error: { kind: 'invalid_request', message: expect.stringContaining('Rotate this app’s key') } })
    expect(requestsOf('POST')).toHaveLength(0)
    const created = await start(old)
    server.resetRequests()
    expect(await ask(old.id)).toMatchObject({ ok: false, error: { kind: 'invalid_request', message: expect.stringContaining('already part of an open rotation') } })
    expect(await ask(created.key.id)).toMatchObject({ ok: false, error: { kind: 'invalid_request' } })
    expect(requestsOf('POST')).toHaveLength(0)
  })

  it('moves the old key’s note and review date to the replacement', async () => {
    const old = await oldKey()
    value(await h()['notes:set']({ accountId: who.accountId, keyId: old.id, note: 'Used by the booking widget', reviewBy: '2027-03-31' }))
    const created = await start(old)
    const notes = app.services.notes.of(who.accountId)
    expect(notes[String(old.id)]).toBeUndefined()
    expect(notes[String(created.key.id)]).toMatchObject({ note: 'Used by the booking widget', reviewBy: '2027-03-31' })
  })
})

describe('watching the states as lists come in', () => {
  it('waiting for first use → old key quiet → new key in use (the old one was used again)', async () => {
    const old = await oldKey()
    const created = await start(old)
    expect((await refresh()).rotations[0]!.state).toBe('waiting-for-first-use')
    await useKey(created.token)
    const quiet = (await refresh()).rotations[0]!
    expect(quiet.state).toBe('old-key-quiet')
    expect(quiet.newKeyFirstUsedAt).not.toBeNull()
    await useKey(old.token)
    expect((await refresh()).rotations[0]!.state).toBe('new-key-in-use')
    // The first use is remembered: the list only shows the latest.
    expect(rotationsNow()[0]!.newKeyFirstUsedAt).toBe(quiet.newKeyFirstUsedAt)
    const log = value(await h()['activity:list']({ accountId: who.accountId, action: 'rotation-new-key-in-use' })).entries
    expect(log).toHaveLength(1)
  })

  it('safe to finish once the old key has been quiet for the quiet period; finish sends one DELETE of the old key', async () => {
    serverOffsetMs = -20 * 60_000 // everything below happened 20 minutes ago on the server's clock
    const old = await oldKey()
    const created = await start(old)
    await useKey(created.token)
    expect((await refresh()).rotations[0]!.state).toBe('safe-to-finish')
    server.resetRequests()
    const ended = value(await h()['rotation:finish']({ accountId: who.accountId, newKeyId: created.key.id }))
    expect(ended).toMatchObject({ outcome: 'finished', finishedAt: expect.any(String), oldKey: { id: old.id } })
    expect(requestsOf('DELETE').map((r) => r.path)).toEqual([`/user/api-keys/${old.id}`])
    expect(serverIds()).not.toContain(old.id)
    expect(serverIds()).toContain(created.key.id)
    expect(rotationsNow()).toEqual([])
    expect(app.services.rotations.watcher.watching()).toEqual([])
    expect(await h()['rotation:finish']({ accountId: who.accountId, newKeyId: created.key.id })).toMatchObject({ ok: false, error: { kind: 'not_found' } })
  })

  it('finishing early is possible (the window warns); a failing DELETE leaves the rotation open', async () => {
    const old = await oldKey()
    const created = await start(old)
    server.faults.add({ method: 'DELETE', times: Infinity, fault: { type: 'status', status: 500 } })
    expect(await h()['rotation:finish']({ accountId: who.accountId, newKeyId: created.key.id })).toMatchObject({ ok: false, error: { kind: 'server' } })
    expect(rotationsNow()).toHaveLength(1)
    server.faults.clear()
    server.resetRequests()
    value(await h()['rotation:finish']({ accountId: who.accountId, newKeyId: created.key.id }))
    expect(requestsOf('DELETE').map((r) => r.path)).toEqual([`/user/api-keys/${old.id}`])
    expect(rotationsNow()).toEqual([])
  })

  it('the old key deleted elsewhere: the rotation completes itself at the next list', async () => {
    const old = await oldKey()
    const created = await start(old)
    await deleteElsewhere(old.id)
    const listed = await refresh()
    expect(rotationsNow()).toEqual([])
    // No longer open, but the list says how it ended, so the window can tell the person.
    expect(listed.rotations).toEqual([expect.objectContaining({ newKey: { id: created.key.id, name: created.key.name }, outcome: 'completed-elsewhere', finishedAt: expect.any(String) })])
    const log = value(await h()['activity:list']({ accountId: who.accountId, action: 'rotation-finished' })).entries
    expect(log).toEqual([expect.objectContaining({ keyId: old.id, relatedKeyId: created.key.id, outcome: 'ok', detail: expect.stringContaining('completed itself') })])
  })

  it('the replacement deleted elsewhere: the state says so, and it can be cancelled', async () => {
    const old = await oldKey()
    const created = await start(old)
    await deleteElsewhere(created.key.id)
    expect((await refresh()).rotations[0]!.state).toBe('replacement-gone')
    server.resetRequests()
    value(await h()['rotation:cancel']({ accountId: who.accountId, newKeyId: created.key.id, deleteReplacement: false }))
    expect(rotationsNow()).toEqual([])
    expect(server.requests).toHaveLength(0)
  })
})

describe('cancel', () => {
  it('keeping both keys sends nothing', async () => {
    const old = await oldKey()
    const created = await start(old)
    server.resetRequests()
    const ended = value(await h()['rotation:cancel']({ accountId: who.accountId, newKeyId: created.key.id, deleteReplacement: false }))
    expect(ended).toMatchObject({ outcome: 'cancelled' })
    expect(server.requests).toHaveLength(0)
    expect(serverIds()).toEqual(expect.arrayContaining([old.id, created.key.id]))
    expect(rotationsNow()).toEqual([])
    const log = value(await h()['activity:list']({ accountId: who.accountId, action: 'rotation-cancelled' })).entries
    expect(log[0]).toMatchObject({ detail: 'both keys were kept' })
  })

  it('deleting the replacement sends one DELETE of it, and the note goes back to the old key', async () => {
    const old = await oldKey()
    value(await h()['notes:set']({ accountId: who.accountId, keyId: old.id, note: 'Where it is used', reviewBy: null }))
    const created = await start(old)
    server.resetRequests()
    value(await h()['rotation:cancel']({ accountId: who.accountId, newKeyId: created.key.id, deleteReplacement: true }))
    expect(requestsOf('DELETE').map((r) => r.path)).toEqual([`/user/api-keys/${created.key.id}`])
    expect(serverIds()).toContain(old.id)
    expect(serverIds()).not.toContain(created.key.id)
    const notes = app.services.notes.of(who.accountId)
    expect(notes[String(old.id)]).toMatchObject({ note: 'Where it is used' })
    expect(notes[String(created.key.id)]).toBeUndefined()
  })

  it('a failing delete of the replacement leaves the rotation open and the note with the replacement', async () => {
    const old = await oldKey()
    value(await h()['notes:set']({ accountId: who.accountId, keyId: old.id, note: 'Where it is used', reviewBy: '2027-01-01' }))
    const created = await start(old)
    server.faults.add({ method: 'DELETE', times: Infinity, fault: { type: 'status', status: 500 } })
    expect(await h()['rotation:cancel']({ accountId: who.accountId, newKeyId: created.key.id, deleteReplacement: true })).toMatchObject({ ok: false, error: { kind: 'server' } })
    expect(rotationsNow()).toHaveLength(1)
    expect(app.services.notes.of(who.accountId)).toEqual({ [String(created.key.id)]: expect.objectContaining({ note: 'Where it is used', reviewBy: '2027-01-01' }) })
  })

  it('finishing keeps the note on the replacement', async () => {
    const old = await oldKey()
    value(await h()['notes:set']({ accountId: who.accountId, keyId: old.id, note: 'Moves on', reviewBy: null }))
    const created = await start(old)
    value(await h()['rotation:finish']({ accountId: who.accountId, newKeyId: created.key.id }))
    expect(app.services.notes.of(who.accountId)).toEqual({ [String(created.key.id)]: expect.objectContaining({ note: 'Moves on' }) })
  })
})

describe('across a restart', () => {
  it('an open rotation is still open, watched, and moves on with the next list', async () => {
    const old = await oldKey()
    const created = await start(old)
    const before = rotationsNow()
    app = await app.restart()
    expect(app.services.rotations.of(who.accountId)).toEqual(before)
    expect(app.services.rotations.watcher.watching()).toEqual([who.accountId])
    await useKey(created.token)
    expect((await refresh()).rotations[0]!.state).toBe('old-key-quiet')
  })
})

/** A clock whose time moves only when the test says, with timers that fire in order. */
class FakeClock implements Clock {
  #now = 1_800_000_000_000
  #timers = new Map<number, { at: number; callback: () => void }>()
  #next = 1
  now(): number {
    return this.#now
  }
  setTimeout(callback: () => void, ms: number): TimerHandle {
    const id = this.#next++
    this.#timers.set(id, { at: this.#now + Math.max(0, ms), callback })
    return id
  }
  clearTimeout(handle: TimerHandle): void {
    this.#timers.delete(handle as number)
  }
  /** Moves time on to `until`, firing each timer at its time and letting the work it starts finish. */
  async advanceTo(until: number, settle: () => Promise<void>): Promise<void> {
    for (;;) {
      const due = [...this.#timers.entries()].filter(([, timer]) => timer.at <= until).sort((a, b) => a[1].at - b[1].at)[0]
      if (!due) break
      this.#timers.delete(due[0])
      this.#now = Math.max(this.#now, due[1].at)
      due[1].callback()
      await settle()
    }
    this.#now = Math.max(this.#now, until)
  }
}

describe('the watcher’s cadence (fake clock, real requests)', () => {
  const MIN = 60_000
  let clock: FakeClock
  let watched: RotationService
  let replacementToken = ''
  const settle = async () => {
    await app.services.keys.settle()
    await new Promise((resolve) => setImmediate(resolve))
  }

  beforeEach(async () => {
    const old = await oldKey()
    replacementToken = (await start(old)).token
    // A second rotation service on the same state, timed by the fake clock; the app's own watcher
    // runs on real time and its first refresh is a minute away, far beyond this test.
    clock = new FakeClock()
    const { state, sessions, keys, cache, notes, activity } = app.services
    watched = new RotationService({ state, sessions, keys, cache, notes, activity, clock })
    clockForRequests = () => clock.now()
    listRequests = []
    watched.resume()
  })
  afterEach(() => {
    watched.stop()
  })

  const gaps = (times: number[]) => times.slice(1).map((at, index) => (at - times[index]!) / MIN)

  it('every 60 s at first, backing off to every 10 minutes while nothing changes: 20 requests in 3 simulated hours', async () => {
    const t0 = clock.now()
    await clock.advanceTo(t0 + 3 * 60 * MIN, settle)
    expect(listRequests.map((at) => (at - t0) / MIN).slice(0, 5)).toEqual([1, 3, 7, 15, 25])
    expect(gaps(listRequests)).toEqual([2, 4, 8, 10, ...new Array(15).fill(10)])
    expect(listRequests).toHaveLength(20)
  })

  it('a change brings it back to every minute', async () => {
    const t0 = clock.now()
    await clock.advanceTo(t0 + 16 * MIN, settle) // refreshes at 1, 3, 7, 15 min
    expect(listRequests).toHaveLength(4)
    await useKey(replacementToken)
    await clock.advanceTo(t0 + 25 * MIN, settle) // the next one at 25 min sees the first use
    expect(watched.of(who.accountId)[0]!.state).toBe('old-key-quiet')
    await clock.advanceTo(t0 + 26 * MIN, settle)
    expect(listRequests.map((at) => (at - t0) / MIN)).toEqual([1, 3, 7, 15, 25, 26])
  })

  it('never within a minute of any refresh of the account, the person’s included', async () => {
    const t0 = clock.now()
    await clock.advanceTo(t0 + 50_000, settle)
    await refresh() // the person's click, 50 s in
    await clock.advanceTo(t0 + 10 * MIN, settle)
    const times = listRequests.map((at) => (at - t0) / 1000)
    expect(times[0]).toBe(50)
    // A minute at least; and the click changed nothing, so the interval backed off to two minutes.
    expect(times[1]).toBe(170)
    for (const gap of gaps(listRequests)) expect(gap).toBeGreaterThanOrEqual(1)
  })

  it('nothing while the window is hidden or the computer sleeps; one refresh soon after it comes back, not a burst', async () => {
    const t0 = clock.now()
    watched.watcher.setVisible(false)
    await clock.advanceTo(t0 + 2 * 60 * MIN, settle)
    expect(listRequests).toHaveLength(0)
    watched.watcher.setVisible(true)
    await clock.advanceTo(t0 + 2 * 60 * MIN + 30_000, settle)
    expect(listRequests.map((at) => (at - t0) / 1000)).toEqual([2 * 3600 + 5])
    watched.watcher.setAwake(false)
    await clock.advanceTo(t0 + 5 * 60 * MIN, settle)
    expect(listRequests).toHaveLength(1)
    watched.watcher.setAwake(true)
    await clock.advanceTo(t0 + 5 * 60 * MIN + 10_000, settle)
    expect(listRequests.map((at) => (at - t0) / 1000)).toEqual([2 * 3600 + 5, 5 * 3600 + 5])
  })

  it('app:set-visibility pauses and resumes the app’s own watcher', async () => {
    const own = app.services.rotations.watcher
    expect(own.schedule().get(who.accountId)).toEqual(expect.any(Number))
    value(await h()['app:set-visibility']({ visible: false }))
    expect(own.schedule().get(who.accountId)).toBeNull()
    value(await h()['app:set-visibility']({ visible: true }))
    expect(own.schedule().get(who.accountId)).toEqual(expect.any(Number))
  })
})
