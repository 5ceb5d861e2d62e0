/**
 * Bulk delete end to end through `keys:bulk-delete`, against the real sandbox over HTTP: every
 * selected key accounted for (deleted, already gone, failed with the reason, skipped), nothing
 * outside the selection touched, at most 4 in flight, the own-key rule, cancel, a 429 and a 401
 * in the middle, the size limit, and the progress events.
 */
import { randomUUID } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BULK_DELETE_MAX } from '../../../src/main/services/bulk-delete'
import { REVOKED_REASON } from '../../../src/main/accounts/account-sessions'
import { OWN_KEY_DELETED_REASON } from '../../../src/main/services/keys-service'
import type { BulkDeleteResult } from '../../../src/shared/domain'
import { createTestApp, type TestApp } from '../../support/app-fixture'
import { useSandbox } from '../../support/sandbox-fixture'
import { eventsOf, signIn, value, type SignedIn } from './signed-in'
import { urlOf } from '../../support/url-of'

const sandbox = useSandbox()
let app: TestApp
let who: SignedIn
/** DELETEs the app has sent and not yet had answered, and the most at once. */
let inFlight = 0
let maxInFlight = 0
/** The key ids of the app's DELETEs, in the order they were sent. */
let deleteOrder: number[] = []
let onDeleteSent: ((id: number) => void) | null = null

const trackingFetch: typeof fetch = async (input, init) => {
  const match = /\/user\/api-keys\/(\d+)$/.exec(urlOf(input))
  if (!match || init?.method !== 'DELETE') return fetch(input, init)
  const id = Number(match[1])
  deleteOrder.push(id)
  inFlight++
  maxInFlight = Math.max(maxInFlight, inFlight)
  onDeleteSent?.(id)
  try {
    return await fetch(input, init)
  } finally {
    inFlight--
  }
}

beforeEach(async () => {
  sandbox.server.faults.clear()
  inFlight = 0
  maxInFlight = 0
  deleteOrder = []
  onDeleteSent = null
  app = await createTestApp({ client: { timeoutMs: 2_000, sleep: async () => {}, fetch: trackingFetch } })
  who = await signIn(app, sandbox.server)
})
afterEach(async () => {
  await app.dispose()
})

/** Seeds `count` keys named "Key 1".., lists them in the app, and returns their ids. */
async function seed(count: number): Promise<number[]> {
  const ids = Array.from({ length: count }, (_, index) => sandbox.server.seedKey(who.token, { name: `Key ${index + 1}` }).key.id)
  value(await app.services.handlers['keys:list']({ accountId: who.accountId }))
  sandbox.server.resetRequests()
  return ids
}

const bulkDelete = (ids: number[], options: { includeOwnKey?: boolean; batchId?: string } = {}) =>
  app.services.handlers['keys:bulk-delete']({ accountId: who.accountId, batchId: options.batchId ?? randomUUID(), ids, includeOwnKey: options.includeOwnKey ?? false })
const serverIds = () => sandbox.server.listKeysOf(who.token).map((key) => key.id)
const deletesSeen = () => sandbox.server.requests.filter((r) => r.method === 'DELETE').map((r) => Number(r.path.split('/').pop()))
const outcomes = (result: BulkDeleteResult) => result.items.map((item) => [item.id, item.outcome])
const progressOf = (batchId: string) => eventsOf(app, 'event:batch-progress').filter((p) => p.batchId === batchId)

describe('bulk delete', () => {
  it('a mixed selection: each key deleted, already gone or failed with the reason, in the order given; nothing else touched', async () => {
    const ids = await seed(6)
    const [a, b, gone, failing, c, untouched] = ids as [number, number, number, number, number, number]
    // Deleted elsewhere since the list was fetched.
    await fetch(`${sandbox.server.baseUrl}/user/api-keys/${gone}`, { method: 'DELETE', headers: { authorization: `Bearer ${who.token}`, accept: 'application/json' } })
    sandbox.server.resetRequests()
    sandbox.server.faults.add({ method: 'DELETE', path: `/user/api-keys/${failing}`, times: Infinity, fault: { type: 'status', status: 500 } })
    const selection = [a, b, gone, failing, c]
    const result = value(await bulkDelete(selection))
    expect(result).toMatchObject({ accountId: who.accountId, ended: 'completed', signedOut: false })
    expect(outcomes(result)).toEqual([
      [a, 'deleted'],
      [b, 'deleted'],
      [gone, 'already-gone'],
      [failing, 'failed'],
      [c, 'deleted']
    ])
    expect(result.items.map((item) => item.name)).toEqual(['Key 1', 'Key 2', 'Key 3', 'Key 4', 'Key 5'])
    expect(result.items[3]!.error).toMatchObject({ kind: 'server', message: expect.any(String) })
    expect(result.items[3]!.error!.message.length).toBeGreaterThan(10)
    // Only the selection went to the server; the failing key and the one not selected are still there.
    expect(new Set(deletesSeen())).toEqual(new Set(selection))
    expect(serverIds().sort()).toEqual([who.appKeyId, failing, untouched].sort())
    // The cached list drops what is gone, keeps the failed key.
    const cached = value(await app.services.handlers['keys:get-cached']({ accountId: who.accountId }))
    expect(cached?.keys.map((key) => key.id).sort()).toEqual([who.appKeyId, failing, untouched].sort())
    // One activity entry per key.
    const log = value(await app.services.handlers['activity:list']({ accountId: who.accountId, action: 'bulk-delete' })).entries
    expect(log.map((entry) => [entry.keyId, entry.outcome, entry.errorKind]).sort()).toEqual(
      [
        [a, 'ok', null],
        [b, 'ok', null],
        [gone, 'already-gone', null],
        [failing, 'failed', 'server'],
        [c, 'ok', null]
      ].sort()
    )
  })

  it('sends at most 4 DELETEs at once, in the order of the selection', async () => {
    const ids = await seed(13)
    sandbox.server.faults.add({ method: 'DELETE', times: Infinity, fault: { type: 'latency', ms: 60 } })
    const result = value(await bulkDelete(ids))
    expect(result.items.every((item) => item.outcome === 'deleted')).toBe(true)
    expect(maxInFlight).toBe(4)
    expect(deleteOrder).toEqual(ids)
    expect(serverIds()).toEqual([who.appKeyId])
  })

  it('refuses a selection with the app’s own key unless it was confirmed on its own, sending nothing', async () => {
    const ids = await seed(3)
    const refused = await bulkDelete([...ids, who.appKeyId])
    expect(refused).toEqual({
      ok: false,
      error: { kind: 'invalid_request', message: 'The key this app signs in with is in the selection but was not confirmed on its own. Nothing was deleted.' }
    })
    expect(sandbox.server.requests).toHaveLength(0)
    expect(serverIds()).toHaveLength(4)
  })

  it('with the own key confirmed: it goes last, after every other answer, and the account signs out', async () => {
    const ids = await seed(6)
    sandbox.server.faults.add({ method: 'DELETE', times: Infinity, fault: { type: 'latency', ms: 30 } })
    // The own key first in the selection: still deleted last.
    const result = value(await bulkDelete([who.appKeyId, ...ids], { includeOwnKey: true }))
    expect(result.ended).toBe('completed')
    expect(result.signedOut).toBe(true)
    expect(outcomes(result)).toEqual([[who.appKeyId, 'deleted'], ...ids.map((id) => [id, 'deleted'])])
    expect(deleteOrder.at(-1)).toBe(who.appKeyId)
    const requests = sandbox.server.requests.filter((r) => r.method === 'DELETE')
    const own = requests.find((r) => r.path.endsWith(`/${who.appKeyId}`))!
    // Every other DELETE was answered before the own key's was sent (it arrived after all of them).
    expect(requests.filter((r) => r !== own).every((r) => r.at <= own.at && r.status === 200)).toBe(true)
    expect(serverIds()).toEqual([])
    const account = app.services.accounts.list().find((view) => view.id === who.accountId)
    expect(account).toMatchObject({ status: 'needs-sign-in', problem: { message: OWN_KEY_DELETED_REASON } })
    expect(await app.vault.get(who.accountId)).toBeNull()
    const last = progressOf(result.batchId).at(-1)
    expect(last).toMatchObject({ total: 7, done: 7, failed: 0, remaining: 0 })
  })

  it('cancel: the requests in flight finish, none starts after, the rest are skipped', async () => {
    const ids = await seed(12)
    sandbox.server.faults.add({ method: 'DELETE', times: Infinity, fault: { type: 'latency', ms: 150 } })
    const batchId = randomUUID()
    let cancelled = false
    const fourInFlight = new Promise<void>((resolve) => {
      onDeleteSent = () => {
        if (inFlight === 4 && !cancelled) resolve()
      }
    })
    const running = bulkDelete(ids, { batchId })
    await fourInFlight
    cancelled = true
    expect(value(await app.services.handlers['keys:cancel-batch']({ batchId }))).toBeNull()
    const result = value(await running)
    expect(result.ended).toBe('cancelled')
    expect(deleteOrder).toEqual(ids.slice(0, 4))
    expect(outcomes(result)).toEqual([...ids.slice(0, 4).map((id) => [id, 'deleted']), ...ids.slice(4).map((id) => [id, 'skipped'])])
    expect(result.items[4]!.error).toEqual({ kind: 'cancelled', message: 'Not deleted: the batch was cancelled.' })
    expect(serverIds().sort()).toEqual([who.appKeyId, ...ids.slice(4)].sort())
    expect(result.signedOut).toBe(false)
    // Skipped keys are not in the activity log; the four deleted are.
    const log = value(await app.services.handlers['activity:list']({ accountId: who.accountId, action: 'bulk-delete' })).entries
    expect(log.map((entry) => entry.keyId).sort()).toEqual(ids.slice(0, 4).sort())
  })

  it('a 429 in the middle pauses the whole batch for its Retry-After, shown in the progress; then every key is deleted', async () => {
    const ids = await seed(10)
    const throttled = ids[5]!
    // Rules apply in the order added: the one 429 first, then latency for every other DELETE.
    sandbox.server.faults.add({ method: 'DELETE', path: `/user/api-keys/${throttled}`, times: 1, fault: { type: 'rate-limit', retryAfterSeconds: 1 } })
    sandbox.server.faults.add({ method: 'DELETE', times: Infinity, fault: { type: 'latency', ms: 20 } })
    const result = value(await bulkDelete(ids))
    expect(result.ended).toBe('completed')
    expect(result.items.every((item) => item.outcome === 'deleted')).toBe(true)
    expect(serverIds()).toEqual([who.appKeyId])
    const requests = sandbox.server.requests.filter((r) => r.method === 'DELETE')
    const rejected = requests.find((r) => r.status === 429)!
    expect(rejected.path).toBe(`/user/api-keys/${throttled}`)
    // The throttled key was sent again once, after the pause; nothing was sent during it.
    expect(requests.filter((r) => r.path === rejected.path).map((r) => r.status)).toEqual([429, 200])
    const paused = progressOf(result.batchId).filter((p) => p.pausedUntil !== null)
    expect(paused.length).toBeGreaterThan(0)
    expect(paused[0]).toMatchObject({ pauseReason: 'rate-limited', total: 10 })
    const until = Date.parse(paused[0]!.pausedUntil!)
    expect(until - rejected.at).toBeGreaterThanOrEqual(900)
    expect(until - rejected.at).toBeLessThanOrEqual(1_600)
    const arrivedAfter = requests.filter((r) => r.at > rejected.at + 50)
    expect(arrivedAfter.length).toBeGreaterThan(0)
    // Requests already in flight when the 429 came may still land; any sent after it waits out the pause.
    expect(arrivedAfter.every((r) => r.at >= until - 20)).toBe(true)
    expect(progressOf(result.batchId).at(-1)).toMatchObject({ done: 10, remaining: 0, pausedUntil: null })
  })

  it('a 401 in the middle stops the batch and signs the account out; the result says what was deleted', async () => {
    const ids = await seed(12)
    const revoked = ids[5]!
    sandbox.server.faults.add({ method: 'DELETE', path: `/user/api-keys/${revoked}`, times: 1, fault: { type: 'unauthenticated' } })
    sandbox.server.faults.add({ method: 'DELETE', times: Infinity, fault: { type: 'latency', ms: 30 } })
    const result = value(await bulkDelete(ids))
    expect(result).toMatchObject({ ended: 'stopped', signedOut: true })
    const byOutcome = (outcome: string) => result.items.filter((item) => item.outcome === outcome).map((item) => item.id)
    const sent = deletesSeen()
    // What the server deleted, the result says deleted; the 401 failed; the rest never went out.
    const deletedOnServer = ids.filter((id) => !serverIds().includes(id))
    expect(byOutcome('deleted').sort()).toEqual(deletedOnServer.sort())
    expect(byOutcome('failed')).toEqual([revoked])
    expect(result.items.find((item) => item.id === revoked)!.error).toMatchObject({ kind: 'unauthenticated' })
    expect(byOutcome('skipped').sort()).toEqual(ids.filter((id) => !sent.includes(id)).sort())
    expect(byOutcome('skipped').length).toBeGreaterThan(0)
    expect(byOutcome('deleted').length).toBeGreaterThanOrEqual(5)
    expect(result.items.find((item) => item.outcome === 'skipped')!.error).toEqual({ kind: 'cancelled', message: 'Not deleted: the batch stopped.' })
    expect(byOutcome('deleted').length + byOutcome('failed').length + byOutcome('skipped').length).toBe(12)
    // Nothing was sent after the 401 came back: every DELETE sent was already on its way.
    expect(sent.length).toBeLessThanOrEqual(6 + 3)
    const account = app.services.accounts.list().find((view) => view.id === who.accountId)
    expect(account).toMatchObject({ status: 'needs-sign-in', problem: { message: REVOKED_REASON } })
    expect(await app.vault.get(who.accountId)).toBeNull()
  })

  it('refuses an empty selection and more than BULK_DELETE_MAX keys, sending nothing; duplicates count once', async () => {
    const ids = await seed(2)
    const tooMany = Array.from({ length: BULK_DELETE_MAX + 1 }, (_, index) => index + 1)
    expect(await bulkDelete(tooMany)).toMatchObject({ ok: false, error: { kind: 'invalid_request', message: expect.stringContaining('keys:bulk-delete') } })
    expect(await bulkDelete([])).toMatchObject({ ok: false, error: { kind: 'invalid_request' } })
    await expect(app.services.bulkDelete.run(who.accountId, randomUUID(), tooMany, false)).rejects.toMatchObject({
      kind: 'validation',
      message: 'At most 10,000 keys can be deleted at once.'
    })
    await expect(app.services.bulkDelete.run(who.accountId, randomUUID(), [], false)).rejects.toMatchObject({ kind: 'validation', message: 'Choose at least one key to delete.' })
    expect(sandbox.server.requests).toHaveLength(0)
    const result = value(await bulkDelete([ids[0]!, ids[0]!, ids[1]!]))
    expect(outcomes(result)).toEqual([
      [ids[0], 'deleted'],
      [ids[1], 'deleted']
    ])
    expect(deletesSeen()).toHaveLength(2)
  })

  it('announces progress as it goes: done only grows, remaining falls to zero', async () => {
    const ids = await seed(8)
    sandbox.server.faults.add({ method: 'DELETE', path: `/user/api-keys/${ids[2]}`, times: Infinity, fault: { type: 'status', status: 500 } })
    const batchId = randomUUID()
    value(await bulkDelete(ids, { batchId }))
    const progress = progressOf(batchId)
    expect(progress.length).toBeGreaterThanOrEqual(3)
    for (const view of progress) {
      expect(view).toMatchObject({ accountId: who.accountId, batchId, total: 8 })
      expect(view.done + view.failed + view.remaining).toBe(8)
    }
    const done = progress.map((view) => view.done)
    expect(done).toEqual([...done].sort((x, y) => x - y))
    expect(progress[0]!.remaining).toBe(8)
    expect(progress.at(-1)).toMatchObject({ done: 7, failed: 1, remaining: 0, pausedUntil: null })
  })
})
