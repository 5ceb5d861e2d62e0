/**
 * Per-account pacing end to end: the app's services against sandboxes that rate-limit like
 * Laravel (20 requests per 2 s, so the run stays short) or send no rate-limit headers at all.
 * A bulk delete of 100 keys meets no 429 and takes about the time the limit allows; a click made
 * during the batch goes before the batch's queued work; the account's view says that it is
 * pacing and how many requests are left.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startSandbox, type SandboxServer } from '../../../src/sandbox/index'
import type { AccountView } from '../../../src/shared/domain'
import { createTestApp, type TestApp } from '../../support/app-fixture'
import { eventsOf, signIn, value, type SignedIn } from '../services/signed-in'

const LIMIT = 20
const WINDOW_MS = 2_000
let throttled: SandboxServer
let headerless: SandboxServer
beforeAll(async () => {
  ;[throttled, headerless] = await Promise.all([
    startSandbox({ seedDemo: false, throttle: { limit: LIMIT, windowMs: WINDOW_MS } }),
    startSandbox({ seedDemo: false, rateLimitHeaders: false })
  ])
})
afterAll(async () => {
  await Promise.all([throttled.close(), headerless.close()])
})

let app: TestApp
beforeEach(async () => {
  // The pacer is told the window the sandbox uses, as the bench does (Laravel's default is a minute).
  app = await createTestApp({ pacing: { windowMs: WINDOW_MS } })
})
afterEach(async () => {
  await app.dispose()
})

async function seeded(server: SandboxServer, count: number): Promise<{ who: SignedIn; ids: number[] }> {
  const who = await signIn(app, server)
  const before = new Set(server.listKeysOf(who.token).map((key) => key.id))
  server.seedKeys(who.token, count, 'Batch key')
  const ids = server.listKeysOf(who.token).map((key) => key.id).filter((id) => !before.has(id))
  value(await app.services.handlers['keys:list']({ accountId: who.accountId }))
  return { who, ids }
}

const pacingViews = (accountId: string) =>
  eventsOf(app, 'event:accounts-changed')
    .map((event) => event.accounts.find((account: AccountView) => account.id === accountId)?.pacing ?? null)

describe('pacing to the server’s rate limit', () => {
  it('bulk delete of 100 keys at 20 per 2 s: zero 429s, about as fast as the limit allows; the account shows the wait and what is left', async () => {
    const { who, ids } = await seeded(throttled, 100)
    const firstHit = throttled.requests[0]!.at
    const started = Date.now()
    const result = value(await app.services.handlers['keys:bulk-delete']({ accountId: who.accountId, batchId: randomUUID(), ids, includeOwnKey: false }))
    const elapsed = Date.now() - started
    expect(result.items.every((item) => item.outcome === 'deleted')).toBe(true)
    expect(throttled.listKeysOf(who.token)).toHaveLength(1)
    const statuses = throttled.requests.map((r) => r.status)
    expect(statuses.filter((status) => status === 429)).toHaveLength(0)
    const deletes = throttled.requests.filter((r) => r.method === 'DELETE')
    expect(deletes).toHaveLength(100)
    // Everything this user sent (sign-in, list, 100 deletes) needs ceil(103 / 20) = 6 windows at
    // the least: the last request cannot come before the 6th window starts, 5 windows after the first.
    const hits = throttled.requests.length
    const fewestWindows = Math.ceil(hits / LIMIT)
    const lastHit = deletes.at(-1)!.at
    expect(lastHit - firstHit).toBeGreaterThanOrEqual((fewestWindows - 1) * WINDOW_MS - 50)
    // Background work keeps a reserve of 2 per window (a tenth of 20) for the person: at 18 a
    // window, 6 windows; allow 15 % over that.
    const paced = Math.ceil(hits / (LIMIT - 2))
    expect(lastHit - firstHit).toBeLessThanOrEqual(paced * WINDOW_MS * 1.15)
    expect(elapsed).toBeLessThanOrEqual(paced * WINDOW_MS * 1.15)
    // The account said why it waited, when it resumes and how much was left.
    const views = pacingViews(who.accountId)
    const waits = views.filter((view) => view?.reason === 'reserve')
    expect(waits.length).toBeGreaterThanOrEqual(fewestWindows - 2)
    for (const wait of waits) {
      expect(wait).toMatchObject({ limit: LIMIT, resumesAt: expect.any(String) })
      // What the server last said was left: the reserve, plus at most the 4 requests still in flight then.
      expect(wait!.remaining).toEqual(expect.any(Number))
      expect(wait!.remaining).toBeLessThanOrEqual(2 + 4)
    }
    // And once the batch is over, it says nothing.
    expect(app.services.accounts.list().find((account) => account.id === who.accountId)?.pacing).toBeNull()
  }, 30_000)

  it('a click during the batch goes first: answered within one round trip while the batch’s queued work waits, and not throttled', async () => {
    const { who, ids } = await seeded(throttled, 60)
    const batch = app.services.handlers['keys:bulk-delete']({ accountId: who.accountId, batchId: randomUUID(), ids, includeOwnKey: false })
    // Wait until the batch is well under way, with most of its work still queued behind the pacer
    // (spread over the coming windows: seconds of waiting for a request that joined the queue).
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        const progress = eventsOf(app, 'event:batch-progress').at(-1)
        if (progress && progress.done >= 10 && progress.remaining >= 30) {
          clearInterval(check)
          resolve()
        }
      }, 5)
    })
    const clickedAt = Date.now()
    const list = value(await app.services.handlers['keys:list']({ accountId: who.accountId }))
    const answeredAt = Date.now()
    expect(answeredAt - clickedAt).toBeLessThan(300)
    expect(list.fromCache).toBe(false)
    const click = throttled.requests.find((r) => r.method === 'GET' && r.path === '/user/api-keys' && r.at >= clickedAt - 5)!
    // The reserve was there for it.
    expect(click.status).toBe(200)
    const result = value(await batch)
    // The click came in the middle of the batch: more of it went out after.
    expect(throttled.requests.filter((r) => r.method === 'DELETE' && r.at > answeredAt).length).toBeGreaterThan(0)
    expect(result.items.every((item) => item.outcome === 'deleted')).toBe(true)
    expect(throttled.requests.filter((r) => r.status === 429)).toHaveLength(0)
  }, 30_000)

  it('without rate-limit headers the conservative default applies: one batch request a second', async () => {
    const { who, ids } = await seeded(headerless, 5)
    headerless.resetRequests()
    const result = value(await app.services.handlers['keys:bulk-delete']({ accountId: who.accountId, batchId: randomUUID(), ids, includeOwnKey: false }))
    expect(result.items.every((item) => item.outcome === 'deleted')).toBe(true)
    const at = headerless.requests.filter((r) => r.method === 'DELETE').map((r) => r.at)
    expect(at).toHaveLength(5)
    for (const [index, time] of at.entries()) if (index > 0) expect(time - at[index - 1]!).toBeGreaterThanOrEqual(950)
    expect(pacingViews(who.accountId).some((view) => view?.reason === 'no-headers')).toBe(true)
  }, 20_000)
})
