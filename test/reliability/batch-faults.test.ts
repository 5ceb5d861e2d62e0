/**
 * Fault rows for the multi-request work: a bulk delete with a fault that starts mid-batch (after
 * k of N deletes), and a guided rotation whose create or finish meets a fault. Through the real
 * IPC handlers, services, pacer, client and HTTP, against the sandbox.
 *
 * Bulk delete, for each fault: every selected key is accounted for (deleted, already gone, failed
 * with a reason, skipped); the sandbox saw DELETEs of selected ids only (its request log is
 * recorded); what the person is told; how many requests were sent; what happens when the fault
 * goes away while the batch runs (it recovers by itself) and when the person retries the failed
 * keys afterwards.
 *
 * Rotation: a lost create answer opens no rotation and says to look for the replacement; a
 * failing DELETE of the old key leaves the rotation open; a 401 on finish signs out and keeps the
 * rotation for after the next sign-in.
 *
 * Results go to test-results/reliability/batch-faults.json (+ .md) for the README.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { REVOKED_REASON } from '../../src/main/accounts/account-sessions'
import type { AutocallsClientOptions } from '../../src/main/api/autocalls-client'
import { DEFAULT_RETRY_POLICY } from '../../src/main/api/retry-policy'
import { startSandbox, type Fault, type SandboxServer } from '../../src/sandbox/index'
import type { BatchProgressView, BulkDeleteItem, BulkDeleteResult } from '../../src/shared/domain'
import type { AppError, AppErrorKind } from '../../src/shared/errors'
import { createTestApp, type TestApp } from '../support/app-fixture'
import { uniqueEmail, valueOf, within } from './support/harness'
import { writeResult } from './support/results'
import { startSwitchableProxy, type SwitchableProxy } from './support/switchable-proxy'
import { renderBulkDeleteFaults, renderRotationFaults } from './render-report.mjs'

const HOST = String.raw`127\.0\.0\.1:\d+`
const DELETE_PATH = /^\/user\/api-keys\/\d+$/
const idOfPath = (path: string): number => Number(path.split('/').pop())
/** Selected keys, how many deletes succeed before the fault starts, and keys left out of the selection. */
const N = 10
const K = 4
const UNSELECTED = 3
const ATTEMPTS = DEFAULT_RETRY_POLICY.maxAttempts

// ---- what the client sent -------------------------------------------------------------------

interface WireRecord {
  method: string
  path: string
  sentAt: number
  answeredAt: number | null
  status: number | null
}

/**
 * The client's traffic as it left and came back, with a hook that may hold a request before it
 * leaves (how "refused after k deletes" is timed) and instant, recorded back-off sleeps.
 */
class Wire {
  readonly log: WireRecord[] = []
  readonly sleeps: number[] = []
  onSleep: ((count: number) => Promise<void> | void) | null = null
  beforeSend: ((request: { method: string; path: string }) => Promise<void>) | null = null
  afterAnswer: ((record: WireRecord) => Promise<void> | void) | null = null

  clientOptions(): Omit<AutocallsClientOptions, 'baseUrl' | 'credential'> {
    return {
      timeoutMs: 2_000,
      random: () => 0.5,
      fetch: async (input, init) => {
        const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url)
        const request = { method: init?.method ?? 'GET', path: url.pathname.replace(/^\/api/, '') }
        await this.beforeSend?.(request)
        const record: WireRecord = { ...request, sentAt: Date.now(), answeredAt: null, status: null }
        this.log.push(record)
        try {
          const response = await fetch(input, init)
          Object.assign(record, { answeredAt: Date.now(), status: response.status })
          return response
        } finally {
          await this.afterAnswer?.(record)
        }
      },
      sleep: async (ms) => {
        this.sleeps.push(ms)
        await this.onSleep?.(this.sleeps.length)
      }
    }
  }

  deletes(): WireRecord[] {
    return this.log.filter((r) => r.method === 'DELETE')
  }

  reset(): void {
    this.log.length = 0
    this.sleeps.length = 0
    this.onSleep = null
    this.beforeSend = null
    this.afterAnswer = null
  }
}

// ---- the world ----------------------------------------------------------------------------

let sandbox: SandboxServer
let proxy: SwitchableProxy
let app: TestApp | undefined

interface World {
  app: TestApp
  wire: Wire
  baseUrl: string
  token: string
  accountId: string
}

async function world(label: string, viaProxy: boolean): Promise<World> {
  const wire = new Wire()
  app = await createTestApp({ client: wire.clientOptions() })
  const email = uniqueEmail(label)
  const { token } = sandbox.createAccount({ name: 'Batch Tester', email, totalBalance: 10 })
  const baseUrl = viaProxy ? proxy.baseUrl : sandbox.baseUrl
  valueOf(await app.services.handlers['accounts:add']({ baseUrl, apiKey: token }), 'sign-in')
  wire.reset()
  return { app, wire, baseUrl, token, accountId: `${email} on ${baseUrl}` }
}

const accountOf = (w: World) => w.app.services.accounts.list().find((account) => account.id === w.accountId)

async function signInAgain(w: World): Promise<void> {
  valueOf(await w.app.services.handlers['accounts:add']({ baseUrl: w.baseUrl, apiKey: w.token }), 'signing in again')
}

/** The session ended because the server refused the credential: the window is told, the keychain is empty. */
async function expectSignedOutByRevocation(w: World): Promise<void> {
  expect(accountOf(w)).toMatchObject({ status: 'needs-sign-in', problem: { kind: 'not_signed_in', message: REVOKED_REASON } })
  expect(await w.app.vault.get(w.accountId)).toBeNull()
  const told = w.app.events.filter((event) => event.channel === 'event:accounts-changed').map((event) => JSON.stringify(event.payload))
  expect(told.some((payload) => payload.includes(REVOKED_REASON))).toBe(true)
}

beforeAll(async () => {
  sandbox = await startSandbox()
  proxy = await startSwitchableProxy(sandbox.baseUrl)
})

afterEach(async () => {
  sandbox.faults.clear()
  await proxy.start()
  await app?.dispose()
  app = undefined
})

const bulkRows = new Map<string, BulkRow>()
const rotationRows = new Map<string, RotationRow>()

// ---- bulk delete --------------------------------------------------------------------------

interface BulkCase {
  id: string
  label: string
  injected: string
  /** A sandbox fault on every DELETE after the first K; absent for "refused" (the proxy stops). */
  fault?: Fault
  /** How a failed key reads while the fault lasts. */
  failKind: AppErrorKind
  failMessage: RegExp
  /** The sandbox acts on the request before the fault (the key is gone even though the answer failed). */
  processed: boolean
  /** The client retries the request on its own (back-off), so a fault that ends meanwhile heals. */
  clientRetries: boolean
  /** A 429: the pacer pauses the whole batch and runs the request again. */
  rateLimited?: boolean
  /** A 401: the batch stops and the account signs out. */
  stops?: boolean
}

const BULK_CASES: BulkCase[] = [
  {
    id: 'refused',
    label: 'Connection refused (server goes down)',
    injected: `a TCP proxy in front of the sandbox stops listening once ${K} deletes have been answered`,
    failKind: 'network',
    failMessage: new RegExp(`^Could not reach ${HOST}: the connection was refused\\.`),
    processed: false,
    clientRetries: true
  },
  {
    id: 'drop',
    label: 'Connection dropped (before the server acted)',
    injected: 'sandbox fault `drop`: the socket is cut, the request not processed',
    fault: { type: 'drop' },
    failKind: 'network',
    failMessage: new RegExp(`^The connection to ${HOST} was lost before the answer arrived\\.`),
    processed: false,
    clientRetries: true
  },
  {
    id: 'drop-after-commit',
    label: 'Connection dropped after the server deleted',
    injected: 'sandbox fault `drop-after-commit`: deleted for real, then the socket is cut before any answer',
    fault: { type: 'drop-after-commit' },
    failKind: 'network',
    failMessage: new RegExp(`^The connection to ${HOST} was lost before the answer arrived\\.`),
    processed: true,
    clientRetries: true
  },
  {
    id: '500',
    label: 'HTTP 500',
    injected: 'sandbox fault `status` 500 with Laravel’s `{"message":"Server Error"}`',
    fault: { type: 'status', status: 500 },
    failKind: 'server',
    failMessage: /^The Autocalls server had a problem \(HTTP 500\)\. Try again in a moment\.$/,
    processed: false,
    clientRetries: true
  },
  {
    id: '429',
    label: 'HTTP 429 with Retry-After: 1',
    injected: 'sandbox fault `rate-limit` with `Retry-After: 1` (every DELETE after the first 4, or just the 5th)',
    fault: { type: 'rate-limit', retryAfterSeconds: 1 },
    failKind: 'rate_limited',
    failMessage: /^Too many requests: the server asked us to wait 1 second\.$/,
    processed: false,
    clientRetries: false,
    rateLimited: true
  },
  {
    id: '401',
    label: 'HTTP 401 (key revoked mid-batch)',
    injected: 'sandbox fault `unauthenticated` (Laravel’s `{"message":"Unauthenticated."}`)',
    fault: { type: 'unauthenticated' },
    failKind: 'unauthenticated',
    failMessage: /^The API key was not accepted: it is wrong, or it was deleted or revoked\.$/,
    processed: false,
    clientRetries: false,
    stops: true
  }
]

type Outcome = BulkDeleteItem['outcome']
type Counts = Record<Outcome, number>

/** One run of a batch, as the table records it. */
interface BatchRun {
  outcomes: Counts
  ended: BulkDeleteResult['ended']
  signedOut: boolean
  /** Distinct reasons the failed or skipped keys give, with how many keys give each. */
  reasons: { kind: string; message: string; keys: number }[]
  deletesSent: number
  deletesReceived: number
  /** Every DELETE the sandbox saw, in arrival order: the key id and the status answered (null: no answer). */
  sandboxLog: { id: number; status: number | null; fault: string | null }[]
  /** Failed or skipped keys whose DELETE never reached the server (refused, or not sent after a 401). */
  neverReached: number
  /** Keys of the selection still on the server afterwards. */
  selectedStillOnServer: number
  /** The last progress the window was sent. */
  lastProgress: Pick<BatchProgressView, 'total' | 'done' | 'failed' | 'remaining'> | null
  /** Distinct "paused until" times the window was shown (a 429 pauses the whole batch). */
  pausesShown: number
  /** The shortest of those pauses, from when it was shown to its end (ms); null without one. */
  shortestPauseMs: number | null
  /** DELETEs that left during a shown pause (after a short grace for requests already on their way): 0. */
  sentDuringPause: number
  answeredInMs: number
}

interface BulkRow {
  id: string
  fault: string
  injected: string
  selected: number
  faultAfter: number
  /** Keys outside the selection (the app's own key included) that were touched: always 0. */
  outsideTouched: number
  untouchedOutside: number
  persistent: BatchRun
  /** What the account's view says after the batch (a 401: why it needs a sign-in). */
  accountMessage: string | null
  /** The person retries the failed (and skipped) keys once the fault is gone. */
  retryOfRest: { outcomes: Counts; deletesSent: number } | null
  /** The fault ends while the batch runs: the same batch completes without the person. */
  transient: (BatchRun & { recoveredByItself: boolean }) | null
}

const countOutcomes = (items: readonly BulkDeleteItem[]): Counts => {
  const counts: Counts = { deleted: 0, 'already-gone': 0, failed: 0, skipped: 0 }
  for (const item of items) counts[item.outcome]++
  return counts
}

const reasonsOf = (items: readonly BulkDeleteItem[], host: string): BatchRun['reasons'] => {
  const reasons = new Map<string, BatchRun['reasons'][number]>()
  for (const item of items) {
    if (!item.error) continue
    const message = item.error.message.replaceAll(host, '127.0.0.1:PORT')
    const key = `${item.error.kind}\n${message}`
    const entry = reasons.get(key) ?? { kind: item.error.kind, message, keys: 0 }
    entry.keys++
    reasons.set(key, entry)
  }
  return [...reasons.values()]
}

interface Selection {
  ids: number[]
  names: Map<number, string>
  outside: number[]
}

/** Seeds N keys to select and a few to leave alone; the window has listed them (names known). */
async function seedSelection(w: World, label: string): Promise<Selection> {
  const before = new Set(sandbox.listKeysOf(w.token).map((k) => k.id))
  sandbox.seedKeys(w.token, N, `${label} selected`)
  sandbox.seedKeys(w.token, UNSELECTED, `${label} keep`)
  const live = sandbox.listKeysOf(w.token)
  const ids = live.filter((k) => k.name.startsWith(`${label} selected`)).map((k) => k.id)
  const outside = live.filter((k) => !ids.includes(k.id)).map((k) => k.id)
  expect(ids).toHaveLength(N)
  expect(outside).toHaveLength(UNSELECTED + before.size) // the app's own key is outside too
  const list = valueOf(await w.app.services.handlers['keys:list']({ accountId: w.accountId }))
  expect(list.keys.map((k) => k.id).sort((a, b) => a - b)).toEqual(live.map((k) => k.id).sort((a, b) => a - b))
  w.wire.reset()
  return { ids, outside, names: new Map(live.map((k) => [k.id, k.name])) }
}

/** The fault starts at the (K+1)-th DELETE the sandbox receives: the first K pass untouched. */
function faultAfterK(fault: Fault, times = Infinity): () => void {
  const pass = sandbox.faults.add({ method: 'DELETE', path: DELETE_PATH, times: K, fault: { type: 'latency', ms: 0 } })
  const rule = sandbox.faults.add({ method: 'DELETE', path: DELETE_PATH, times, fault })
  return () => {
    pass.remove()
    rule.remove()
  }
}

/**
 * "Refused after K": the first K DELETEs go through; any later one waits until those K have been
 * answered, the proxy has stopped and the client has seen its idle sockets close.
 */
function refusedAfterK(w: World): { down: Promise<void> } {
  let sent = 0
  let answered = 0
  let release!: () => void
  const down = new Promise<void>((resolve) => (release = resolve))
  w.wire.beforeSend = async ({ method }) => {
    if (method !== 'DELETE') return
    if (sent++ < K) return
    await down
  }
  w.wire.afterAnswer = async (record) => {
    if (record.method !== 'DELETE' || ++answered !== K) return
    await proxy.stop()
    await new Promise((resolve) => setTimeout(resolve, 50))
    release()
  }
  return { down }
}

async function runBatch(w: World, ids: number[], what: string): Promise<{ result: BulkDeleteResult; run: Omit<BatchRun, 'selectedStillOnServer'> }> {
  const batchId = randomUUID()
  const logged = sandbox.requests.length
  const eventsBefore = w.app.events.length
  const sentBefore = w.wire.deletes().length
  // Each pause the window is shown, stamped when shown (the event sink keeps no times).
  const marks: { at: number; until: number }[] = []
  const events = w.app.events
  events.push = (...items) => {
    for (const item of items) {
      const view = item.payload as BatchProgressView
      if (item.channel === 'event:batch-progress' && view.batchId === batchId && view.pauseReason === 'rate-limited' && view.pausedUntil !== null) {
        marks.push({ at: Date.now(), until: Date.parse(view.pausedUntil) })
      }
    }
    return Array.prototype.push.apply(events, items)
  }
  const start = Date.now()
  const answer = await within(w.app.services.handlers['keys:bulk-delete']({ accountId: w.accountId, batchId, ids, includeOwnKey: false }), 30_000, what)
  const answeredInMs = Date.now() - start
  delete (events as { push?: unknown }).push
  const result = valueOf(answer, what)
  const sandboxLog = sandbox.requests
    .slice(logged)
    .filter((r) => r.method === 'DELETE')
    .map((r) => ({ id: idOfPath(r.path), status: r.status, fault: r.fault === 'latency' ? null : r.fault }))
  const progress = w.app.events
    .slice(eventsBefore)
    .filter((event) => event.channel === 'event:batch-progress')
    .map((event) => ({ view: event.payload as BatchProgressView }))
    .filter((event) => event.view.batchId === batchId)
  const last = progress.at(-1)?.view ?? null
  const pauses = new Set(marks.map((mark) => mark.until))
  // A request the pacer started just before the 429 was observed may leave a few ms after it is shown.
  const GRACE_MS = 20
  const sent = w.wire.deletes().slice(sentBefore)
  const sentDuringPause = sent.filter((r) => marks.some((mark) => r.sentAt > mark.at + GRACE_MS && r.sentAt < mark.until - 2)).length
  return {
    result,
    run: {
      outcomes: countOutcomes(result.items),
      ended: result.ended,
      signedOut: result.signedOut,
      reasons: reasonsOf(result.items, new URL(w.baseUrl).host),
      neverReached: result.items.filter((item) => (item.outcome === 'failed' || item.outcome === 'skipped') && !sandboxLog.some((r) => r.id === item.id)).length,
      deletesSent: w.wire.deletes().length - sentBefore,
      deletesReceived: sandboxLog.length,
      sandboxLog,
      lastProgress: last && { total: last.total, done: last.done, failed: last.failed, remaining: last.remaining },
      pausesShown: pauses.size,
      shortestPauseMs: marks.length ? Math.min(...marks.map((mark) => mark.until - mark.at)) : null,
      sentDuringPause,
      answeredInMs
    }
  }
}

/** What holds after any batch: one item per selected key, in order, and nothing else touched. */
function expectAccounted(selection: Selection, result: BulkDeleteResult, sandboxLog: BatchRun['sandboxLog'], ids = selection.ids): void {
  expect(result.items.map((item) => item.id)).toEqual(ids)
  for (const item of result.items) {
    expect(item.name).toBe(selection.names.get(item.id))
    if (item.outcome === 'deleted' || item.outcome === 'already-gone') expect(item.error).toBeNull()
    else expect(item.error?.message, JSON.stringify(item)).toMatch(/\S/)
  }
  // The sandbox saw DELETEs of selected ids only, and the keys outside the selection are all there.
  expect(sandboxLog.filter((r) => !ids.includes(r.id))).toEqual([])
  const live = new Set(sandbox.listKeysOf(tokenOfSelection.get(selection)!).map((k) => k.id))
  for (const id of selection.outside) expect(live.has(id), `key #${id} outside the selection`).toBe(true)
  // Claimed deleted means gone from the server.
  for (const item of result.items) if (item.outcome === 'deleted' || item.outcome === 'already-gone') expect(live.has(item.id)).toBe(false)
}
const tokenOfSelection = new WeakMap<Selection, string>()

const liveSelected = (w: World, selection: Selection): number[] => {
  const live = new Set(sandbox.listKeysOf(w.token).map((k) => k.id))
  return selection.ids.filter((id) => live.has(id))
}

describe.each(BULK_CASES)('bulk delete, fault after $label', (c) => {
  it(`a batch of ${N} with the fault from the ${K + 1}th delete on: every key accounted for, nothing else touched`, async () => {
    const w = await world(`bulk-${c.id}`, c.id === 'refused')
    const selection = await seedSelection(w, `Bulk ${c.id}`)
    tokenOfSelection.set(selection, w.token)

    // ---- the fault lasts until the batch has ended ----
    let remove: () => void | Promise<void>
    if (c.fault) remove = faultAfterK(c.fault)
    else {
      refusedAfterK(w)
      remove = () => proxy.start()
    }
    const { result, run } = await runBatch(w, selection.ids, 'bulk delete')
    await remove()
    w.wire.beforeSend = w.wire.afterAnswer = null
    expectAccounted(selection, result, run.sandboxLog)
    const still = liveSelected(w, selection)
    const failed = result.items.filter((item) => item.outcome === 'failed')
    const skipped = result.items.filter((item) => item.outcome === 'skipped')

    if (c.stops) {
      // A 401: the batch stops, the account signs out, and the answer says how many were deleted.
      expect(result.ended).toBe('stopped')
      expect(result.signedOut).toBe(true)
      expect(run.outcomes.deleted).toBe(K)
      expect(run.deletesReceived).toBeLessThanOrEqual(K + 4) // at most the 4 in flight at the 401 besides the first K
      expect(run.sandboxLog.slice(K).every((r) => r.status === 401)).toBe(true)
      expect(failed.length + skipped.length).toBe(N - K)
      // Those in flight at the 401 met it too; those not yet sent never left (the session had ended).
      const reached = new Set(run.sandboxLog.map((r) => r.id))
      for (const item of [...failed, ...skipped]) {
        if (reached.has(item.id)) expect(item).toMatchObject({ outcome: 'failed', error: { kind: 'unauthenticated' } })
        else expect(item.error).toSatisfy((e: AppError) => (e.kind === 'not_signed_in' && e.message === REVOKED_REASON) || e.kind === 'cancelled')
      }
      expect(run.deletesSent).toBe(run.deletesReceived)
      await expectSignedOutByRevocation(w)
    } else {
      expect(result.ended).toBe('completed')
      expect(result.signedOut).toBe(false)
      expect(run.outcomes.deleted).toBe(K)
      expect(run.outcomes.skipped).toBe(0)
      expect(failed).toHaveLength(N - K)
      for (const item of failed) {
        expect(item.error!.kind).toBe(c.failKind)
        expect(item.error!.message).toMatch(c.failMessage)
      }
      // Requests: the first K once each; each failed key as many times as the client (or the pacer) tries.
      const tries = c.rateLimited ? 4 : c.clientRetries ? ATTEMPTS : 1 // the pacer re-runs a 429'd task 3 times
      expect(run.deletesSent).toBe(K + (N - K) * tries)
      expect(run.deletesReceived).toBe(c.id === 'refused' ? K : run.deletesSent)
      expect(run.neverReached).toBe(c.id === 'refused' ? N - K : 0)
      expect(run.lastProgress).toEqual({ total: N, done: K, failed: N - K, remaining: 0 })
      // A failed key is only gone when the server acted before the fault; the app never claims it.
      expect(still).toEqual(c.processed ? [] : failed.map((item) => item.id))
      if (c.rateLimited) {
        // Every 429 paused the whole batch for its Retry-After, and the window was shown each pause.
        expect(run.pausesShown).toBeGreaterThan(0)
        expect(run.shortestPauseMs).toBeGreaterThanOrEqual(900)
        expect(run.sentDuringPause).toBe(0)
      }
    }
    // The cached list dropped exactly the keys answered as deleted.
    const cached = new Set((await w.app.services.keys.cached(w.accountId))?.keys.map((k) => k.id) ?? [])
    if (!c.stops) for (const item of result.items) expect(cached.has(item.id)).toBe(item.outcome === 'failed')
    // One activity entry per key that was tried, never a token.
    if (!c.stops) {
      const activity = valueOf(await w.app.services.handlers['activity:list']({ accountId: w.accountId, action: 'bulk-delete' }))
      expect(activity.entries).toHaveLength(N)
      expect(activity.entries.filter((e) => e.outcome === 'failed').map((e) => e.keyId).sort((a, b) => a! - b!)).toEqual(failed.map((i) => i.id).sort((a, b) => a - b))
      expect(JSON.stringify(activity)).not.toContain(w.token.split('|')[1]!)
    }
    const accountMessage = accountOf(w)?.problem?.message.replaceAll(new URL(w.baseUrl).host, '127.0.0.1:PORT') ?? null

    // ---- the person retries what is left, once the fault is gone ----
    if (c.stops) await signInAgain(w)
    const rest = result.items.filter((item) => item.outcome === 'failed' || item.outcome === 'skipped').map((item) => item.id)
    const retry = await runBatch(w, rest, 'retry of the rest')
    expectAccounted(selection, retry.result, retry.run.sandboxLog, rest)
    expect(retry.run.outcomes.failed + retry.run.outcomes.skipped).toBe(0)
    expect(retry.run.outcomes['already-gone']).toBe(c.processed ? rest.length : 0)
    expect(retry.run.deletesSent).toBe(rest.length)
    expect(liveSelected(w, selection)).toEqual([])

    // ---- the fault ends while the batch runs: it completes by itself ----
    let transient: BulkRow['transient'] = null
    if (c.clientRetries || c.rateLimited) {
      const again = await seedSelection(w, `Bulk ${c.id} transient`)
      tokenOfSelection.set(again, w.token)
      let removeTransient: () => void | Promise<void>
      if (c.rateLimited) {
        removeTransient = faultAfterK(c.fault!, 1) // one 429: the whole batch waits out its Retry-After
      } else if (c.fault) {
        const removeFault = faultAfterK(c.fault)
        removeTransient = removeFault
        w.wire.onSleep = () => removeFault() // back during the client's first back-off
      } else {
        refusedAfterK(w)
        removeTransient = () => proxy.start()
        w.wire.onSleep = () => proxy.start()
      }
      const healed = await runBatch(w, again.ids, 'bulk delete (transient fault)')
      await removeTransient()
      expectAccounted(again, healed.result, healed.run.sandboxLog)
      expect(healed.result.ended).toBe('completed')
      expect(healed.run.outcomes.failed + healed.run.outcomes.skipped).toBe(0)
      expect(liveSelected(w, again)).toEqual([])
      if (c.processed) {
        // The client's retry of a key its first attempt deleted meets a 404: counted as deleted by us, not "already gone".
        expect(healed.run.sandboxLog.some((r) => r.status === 404)).toBe(true)
        expect(healed.run.outcomes.deleted).toBe(N)
      }
      if (c.rateLimited) {
        // Everything paused: after the 429's answer, no DELETE left for the Retry-After; the pause was shown.
        expect(healed.run.pausesShown).toBe(1)
        expect(healed.run.shortestPauseMs).toBeGreaterThanOrEqual(900)
        expect(healed.run.sentDuringPause).toBe(0)
        expect(healed.run.deletesSent).toBe(N + 1)
        // The DELETEs after the pause left once it was over.
        const answer429 = w.wire.deletes().find((r) => r.status === 429)!
        expect(w.wire.deletes().filter((r) => r.sentAt > answer429.answeredAt! + 20).every((r) => r.sentAt - answer429.answeredAt! >= 950)).toBe(true)
      }
      transient = { ...healed.run, selectedStillOnServer: 0, recoveredByItself: true }
    }

    bulkRows.set(c.id, {
      id: c.id,
      fault: c.label,
      injected: c.injected,
      selected: N,
      faultAfter: K,
      outsideTouched: 0,
      untouchedOutside: selection.outside.length,
      persistent: { ...run, selectedStillOnServer: still.length },
      accountMessage,
      retryOfRest: { outcomes: retry.run.outcomes, deletesSent: retry.run.deletesSent },
      transient
    })
  }, 60_000)
})

// ---- rotation -----------------------------------------------------------------------------

interface RotationRow {
  id: string
  step: 'start' | 'finish'
  fault: string
  injected: string
  kind: AppErrorKind | 'ok'
  message: string | null
  requestsSent: number
  /** Open rotations of the account right after the fault. */
  rotationOpen: boolean
  oldKeyOnServer: boolean
  /** Replacements on the server (start: made once by a lost answer, or not at all). */
  replacementsOnServer: number
  signedOut: boolean
  /** What the person can do next, as the test proved it. */
  after: string
}

const openRotations = (w: World) => w.app.services.rotations.of(w.accountId).filter((r) => r.finishedAt === null)

async function withOldKey(w: World, name: string): Promise<{ id: number; name: string }> {
  sandbox.seedKey(w.token, { name, createdAt: Date.now() - 200 * 86_400_000, lastUsedAt: Date.now() - 86_400_000 })
  const old = sandbox.listKeysOf(w.token).find((k) => k.name === name)!
  valueOf(await w.app.services.handlers['keys:list']({ accountId: w.accountId }))
  valueOf(await w.app.services.handlers['notes:set']({ accountId: w.accountId, keyId: old.id, note: 'Used by the billing webhook', reviewBy: null }))
  w.wire.reset()
  return { id: old.id, name: old.name }
}

async function openRotation(w: World, old: { id: number; name: string }): Promise<number> {
  const created = valueOf(await w.app.services.handlers['rotation:start']({ accountId: w.accountId, keyId: old.id, name: old.name, requestId: randomUUID() }))
  expect(openRotations(w)).toHaveLength(1)
  await w.app.services.keys.settle()
  w.wire.reset()
  return created.key!.id
}

const errorOf = (result: { ok: boolean }): AppError => {
  expect(result.ok, JSON.stringify(result)).toBe(false)
  return (result as { ok: false; error: AppError }).error
}

describe('rotation under faults', () => {
  for (const lost of [
    { id: 'start-drop-after-commit', fault: { type: 'drop-after-commit' } as Fault, label: 'Create’s answer lost after the server made the key', injected: 'sandbox fault `drop-after-commit` on the POST' },
    { id: 'start-drop-mid-response', fault: { type: 'drop-mid-response' } as Fault, label: 'Create’s answer cut half-way', injected: 'sandbox fault `drop-mid-response` on the POST (made, then half the body)' }
  ]) {
    it(`start, ${lost.label}: no rotation opened, the list shows the key once, the message points at the replacement`, async () => {
      const w = await world(`rotate-${lost.id}`, false)
      const old = await withOldKey(w, 'Billing webhook')
      sandbox.faults.add({ method: 'POST', path: '/user/api-keys', times: Infinity, fault: lost.fault })
      const requestId = randomUUID()
      const error = errorOf(await w.app.services.handlers['rotation:start']({ accountId: w.accountId, keyId: old.id, name: old.name, requestId }))
      sandbox.faults.clear()
      expect(error.kind).toBe('create_outcome_unknown')
      // One POST, never retried.
      expect(w.wire.log.filter((r) => r.method === 'POST')).toHaveLength(1)
      expect(w.wire.sleeps).toEqual([])
      // The server made the replacement once; no rotation is open, the old key and its note stay.
      const sameName = sandbox.listKeysOf(w.token).filter((k) => k.name === old.name)
      expect(sameName).toHaveLength(2)
      const replacement = sameName.find((k) => k.id !== old.id)!
      expect(openRotations(w)).toEqual([])
      expect(w.app.services.notes.of(w.accountId)[String(old.id)]?.note).toBe('Used by the billing webhook')
      // The message says the replacement may exist, and how to tell it from the old key.
      expect(error.message).toContain(`“${old.name}”`)
      expect(error.message).toMatch(/replacement/)
      expect(error.message).toContain(`#${old.id}`)
      expect(error.message).toMatch(/no rotation was opened/i)
      expect(error.message).toMatch(new RegExp(`\\(the connection to ${HOST} was lost before the answer arrived\\)`))
      expect(error.message).toContain('It may have been created anyway, so do not simply try again')
      // The window refreshes: the replacement shows once, with no rotation attached.
      const list = valueOf(await w.app.services.handlers['keys:list']({ accountId: w.accountId }))
      expect(list.keys.filter((k) => k.id === replacement.id)).toHaveLength(1)
      expect(list.keys.some((k) => k.id === old.id)).toBe(true)
      expect(list.rotations).toEqual([])
      // No token is held for a key whose answer never came.
      expect(valueOf(await w.app.services.handlers['token:list-pending'](undefined))).toEqual([])
      const activity = valueOf(await w.app.services.handlers['activity:list']({ accountId: w.accountId }))
      expect(activity.entries.find((e) => e.action === 'key-create')).toMatchObject({ outcome: 'may-exist', relatedKeyId: old.id })
      expect(activity.entries.some((e) => e.action === 'rotation-started')).toBe(false)
      // Usable afterwards: a new attempt (a new request id) opens the rotation.
      const created = valueOf(await w.app.services.handlers['rotation:start']({ accountId: w.accountId, keyId: old.id, name: old.name, requestId: randomUUID() }))
      expect(openRotations(w).map((r) => r.newKey.id)).toEqual([created.key!.id])
      rotationRows.set(lost.id, {
        id: lost.id,
        step: 'start',
        fault: lost.label,
        injected: lost.injected,
        kind: error.kind,
        message: error.message.replaceAll(new URL(w.baseUrl).host, '127.0.0.1:PORT').replaceAll(`#${old.id}`, '#OLD'),
        requestsSent: 1,
        rotationOpen: false,
        oldKeyOnServer: true,
        replacementsOnServer: 1,
        signedOut: false,
        after: 'the refreshed list shows the replacement once; starting again (a new submission) opens the rotation'
      })
    })
  }

  for (const broken of [
    { id: 'finish-500', label: 'Old key’s DELETE answers 500', injected: 'sandbox fault `status` 500 on DELETE of the old key', fault: { type: 'status', status: 500 } as Fault, kind: 'server' as const, message: /^The Autocalls server had a problem \(HTTP 500\)/ },
    { id: 'finish-refused', label: 'Old key’s DELETE: connection refused', injected: 'the TCP proxy in front of the sandbox stops listening', fault: null, kind: 'network' as const, message: new RegExp(`^Could not reach ${HOST}: the connection was refused`) },
    {
      id: 'finish-drop-after-commit',
      label: 'Old key’s DELETE: answer lost after the server deleted',
      injected: 'sandbox fault `drop-after-commit` on every DELETE of the old key',
      fault: { type: 'drop-after-commit' } as Fault,
      kind: 'network' as const,
      message: new RegExp(`^The connection to ${HOST} was lost before the answer arrived`)
    }
  ]) {
    it(`finish, ${broken.label}: the rotation stays open and can be finished later`, async () => {
      const w = await world(`rotate-${broken.id}`, broken.fault === null)
      const old = await withOldKey(w, 'Billing webhook')
      const newKeyId = await openRotation(w, old)
      if (broken.fault) sandbox.faults.add({ method: 'DELETE', path: `/user/api-keys/${old.id}`, times: Infinity, fault: broken.fault })
      else {
        await proxy.stop()
        await new Promise((resolve) => setTimeout(resolve, 50)) // the client has seen its idle sockets close
      }
      const error = errorOf(await within(w.app.services.handlers['rotation:finish']({ accountId: w.accountId, newKeyId }), 15_000, 'finish'))
      sandbox.faults.clear()
      await proxy.start()
      expect(error.kind).toBe(broken.kind)
      expect(error.message).toMatch(broken.message)
      const deletes = w.wire.deletes()
      expect(deletes).toHaveLength(ATTEMPTS) // DELETE is idempotent: the client's usual retries
      expect(deletes.every((r) => r.path === `/user/api-keys/${old.id}`)).toBe(true)
      // Still open, as stored, and the replacement untouched.
      expect(openRotations(w).map((r) => [r.oldKey.id, r.newKey.id])).toEqual([[old.id, newKeyId]])
      expect(w.app.services.state.state.rotations[w.accountId]).toHaveLength(1)
      const live = sandbox.listKeysOf(w.token).map((k) => k.id)
      expect(live).toContain(newKeyId)
      const processed = broken.id === 'finish-drop-after-commit'
      expect(live.includes(old.id)).toBe(!processed)
      const activity = valueOf(await w.app.services.handlers['activity:list']({ accountId: w.accountId, action: 'rotation-finished' }))
      expect(activity.entries[0]).toMatchObject({ outcome: 'failed', errorKind: broken.kind, keyId: old.id })
      let after: string
      if (processed) {
        // The old key is gone after all: the next list closes the rotation by itself.
        const list = valueOf(await w.app.services.handlers['keys:list']({ accountId: w.accountId }))
        expect(list.rotations.filter((r) => r.finishedAt === null)).toEqual([])
        expect(openRotations(w)).toEqual([])
        after = 'the next list sees the old key gone and closes the rotation by itself (“completed elsewhere”)'
      } else {
        const ended = valueOf(await w.app.services.handlers['rotation:finish']({ accountId: w.accountId, newKeyId }))
        expect(ended).toMatchObject({ outcome: 'finished' })
        expect(openRotations(w)).toEqual([])
        expect(sandbox.listKeysOf(w.token).map((k) => k.id)).not.toContain(old.id)
        after = 'once the server answers, “Delete old key” again finishes it (one DELETE)'
      }
      rotationRows.set(broken.id, {
        id: broken.id,
        step: 'finish',
        fault: broken.label,
        injected: broken.injected,
        kind: error.kind,
        message: error.message.replaceAll(new URL(w.baseUrl).host, '127.0.0.1:PORT'),
        requestsSent: deletes.length,
        rotationOpen: true,
        oldKeyOnServer: !processed,
        replacementsOnServer: 1,
        signedOut: false,
        after
      })
    })
  }

  it('finish, a 401: signed out, the rotation is kept and finishes after the next sign-in', async () => {
    const w = await world('rotate-finish-401', false)
    const old = await withOldKey(w, 'Billing webhook')
    const newKeyId = await openRotation(w, old)
    sandbox.faults.add({ method: 'DELETE', path: `/user/api-keys/${old.id}`, times: 1, fault: { type: 'unauthenticated' } })
    const error = errorOf(await w.app.services.handlers['rotation:finish']({ accountId: w.accountId, newKeyId }))
    expect(error.kind).toBe('unauthenticated')
    expect(error.message).toMatch(/^The API key was not accepted/)
    expect(w.wire.deletes()).toHaveLength(1) // a 401 is not retried
    await expectSignedOutByRevocation(w)
    // Kept on this computer, both keys still on the server.
    expect(openRotations(w).map((r) => [r.oldKey.id, r.newKey.id])).toEqual([[old.id, newKeyId]])
    expect(sandbox.listKeysOf(w.token).map((k) => k.id)).toEqual(expect.arrayContaining([old.id, newKeyId]))
    // While signed out, finishing says why instead of trying.
    const meanwhile = errorOf(await w.app.services.handlers['rotation:finish']({ accountId: w.accountId, newKeyId }))
    expect(meanwhile.kind).toBe('not_signed_in')
    expect(w.wire.deletes()).toHaveLength(1)
    // After signing in again (and after a restart) the rotation is there and finishes.
    await signInAgain(w)
    const list = valueOf(await w.app.services.handlers['keys:list']({ accountId: w.accountId }))
    expect(list.rotations.map((r) => r.newKey.id)).toEqual([newKeyId])
    app = await w.app.restart()
    const restarted: World = { ...w, app }
    expect(openRotations(restarted).map((r) => r.newKey.id)).toEqual([newKeyId])
    const ended = valueOf(await restarted.app.services.handlers['rotation:finish']({ accountId: w.accountId, newKeyId }))
    expect(ended).toMatchObject({ outcome: 'finished' })
    expect(sandbox.listKeysOf(w.token).map((k) => k.id)).not.toContain(old.id)
    rotationRows.set('finish-401', {
      id: 'finish-401',
      step: 'finish',
      fault: 'HTTP 401 on the old key’s DELETE',
      injected: 'sandbox fault `unauthenticated` on the DELETE',
      kind: error.kind,
      message: error.message,
      requestsSent: 1,
      rotationOpen: true,
      oldKeyOnServer: true,
      replacementsOnServer: 1,
      signedOut: true,
      after: `the account reads “${REVOKED_REASON}”; finishing meanwhile answers \`not_signed_in\` without a request; after signing in again (and a restart) the rotation is listed and finishes`
    })
  })
})

afterAll(async () => {
  const missingBulk = BULK_CASES.filter((c) => !bulkRows.has(c.id)).map((c) => ({ id: c.id, fault: c.label, injected: c.injected, missing: true }))
  const report = {
    generatedAt: new Date().toISOString(),
    batch: { selected: N, faultAfter: K, unselected: UNSELECTED, maxInFlight: 4, retryAttempts: ATTEMPTS },
    bulkDelete: [...BULK_CASES.map((c) => bulkRows.get(c.id)).filter(Boolean), ...missingBulk],
    rotation: [...rotationRows.values()]
  }
  writeResult('batch-faults.json', report)
  writeResult('batch-faults.md', `${renderBulkDeleteFaults(report)}\n${renderRotationFaults(report)}`)
  await proxy.close()
  await sandbox.close()
})
