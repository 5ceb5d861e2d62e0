/**
 * Pacing rows and the errors against both Laravel versions, through the real IPC handlers,
 * services, pacer, client and HTTP, against the sandbox's real per-user throttle.
 *
 * Pacing: for bulk delete and "Refresh all", a 429 in the middle (the window spent by a script of
 * the same user), a limit lowered by the server while the batch runs (the headers change), and a
 * server that sends no rate-limit headers. Each row: the 429s the app received, whether the batch
 * completed, requests sent, wall time against the fastest the limit allows, and what the window
 * was shown (the account's pacing view, the batch progress's pause).
 *
 * Errors: the sign-in / list / create / delete error cases against `laravel: 8` and `laravel: 10`,
 * and the message the person reads for each.
 *
 * Results go to test-results/reliability/pacing.json and laravel-errors.json (+ .md).
 */
import { randomUUID } from 'node:crypto'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import type { AutocallsClientOptions } from '../../src/main/api/autocalls-client'
import { startSandbox, type SandboxServer } from '../../src/sandbox/index'
import { laravelDialect, type LaravelVersion } from '../../src/sandbox/laravel-versions'
import { nameMessages } from '../../src/sandbox/validation'
import type { AccountView, BatchProgressView } from '../../src/shared/domain'
import type { AppError, AppErrorKind, Result } from '../../src/shared/errors'
import { createTestApp, type TestApp } from '../support/app-fixture'
import { uniqueEmail, valueOf, within } from './support/harness'
import { writeResult } from './support/results'
import { renderLaravelErrors, renderPacing } from './render-report.mjs'

const LIMIT = 10
const WINDOW_MS = 1_000
const LOWERED = 4
/** Keys in a bulk delete with headers; without them the app's fallback is 1 a second, so fewer. */
const N = 25
const N_NO_HEADERS = 6

// ---- what the client sent -------------------------------------------------------------------

interface WireRecord {
  method: string
  path: string
  sentAt: number
  status: number | null
}

class Wire {
  readonly log: WireRecord[] = []
  afterAnswer: ((record: WireRecord) => Promise<void> | void) | null = null

  /** Real fetch and real back-off sleeps: the timing is what is measured. */
  clientOptions(): Omit<AutocallsClientOptions, 'baseUrl' | 'credential'> {
    return {
      timeoutMs: 5_000,
      random: () => 0.5,
      fetch: async (input, init) => {
        const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url)
        const record: WireRecord = { method: init?.method ?? 'GET', path: url.pathname.replace(/^\/api/, ''), sentAt: Date.now(), status: null }
        this.log.push(record)
        const response = await fetch(input, init)
        record.status = response.status
        await this.afterAnswer?.(record)
        return response
      }
    }
  }
}

let sandbox: SandboxServer | undefined
let app: TestApp | undefined

afterEach(async () => {
  await app?.dispose()
  app = undefined
  await sandbox?.close()
  sandbox = undefined
})

/** A script of the same user elsewhere spends what is left of the window, up to its first 429. */
async function spendRestOfWindow(server: SandboxServer, token: string): Promise<number> {
  let sent = 0
  for (;;) {
    const response = await fetch(`${server.baseUrl}/user/me`, { headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' } })
    await response.arrayBuffer()
    sent++
    if (response.status === 429 || sent > 1_000) return sent
  }
}

/** What the window was shown while the batch ran: pacing views of the accounts and batch pauses. */
function watchWindow(a: TestApp): { seen: () => string[]; stop: () => void } {
  const shown = new Set<string>()
  const events = a.events
  events.push = (...items) => {
    for (const item of items) {
      if (item.channel === 'event:accounts-changed') {
        for (const account of (item.payload as { accounts: AccountView[] }).accounts) {
          const p = account.pacing
          if (p) shown.add(`pacing: ${p.reason}${p.remaining === null ? '' : `, ${p.remaining} of ${p.limit ?? '?'} left`}${p.resumesAt ? ', resumes at a time shown' : ''}`)
        }
      }
      if (item.channel === 'event:batch-progress') {
        const view = item.payload as BatchProgressView
        if (view.pausedUntil !== null) shown.add(`batch paused (${view.pauseReason}) until a time shown`)
      }
    }
    return Array.prototype.push.apply(events, items)
  }
  return { seen: () => [...shown], stop: () => void delete (events as { push?: unknown }).push }
}

type Scenario = '429-mid' | 'limit-lowered' | 'no-headers'
const SCENARIOS: Record<Scenario, string> = {
  '429-mid': 'a 429 in the middle (a script of the same user spends the window)',
  'limit-lowered': `the server lowers the limit from ${LIMIT} to ${LOWERED} per ${WINDOW_MS / 1000} s mid-batch`,
  'no-headers': 'the server sends no X-RateLimit-* headers (Retry-After only on a 429)'
}

interface PacingRow {
  batch: 'bulk-delete' | 'refresh-all'
  scenario: Scenario
  situation: string
  items: number
  completed: boolean
  /** Items that ended failed. */
  failed: number
  received429: number
  appRequests: number
  outsideRequests: number
  wallMs: number
  /** floor((requests the server counted − 1) / limit in force at the end) × window. */
  fastestMs: number
  shown: string[]
}
const pacingRows: PacingRow[] = []

/**
 * The fastest the server's fixed windows allow (ms): `before` requests at `limit`, then `after` at
 * `lowered` (the window running at the switch accepts up to `lowered` in all, as the sandbox does).
 */
function fastest(before: number, limit: number, after = 0, lowered = limit): number {
  let windows = Math.ceil(before / limit)
  const inLast = before - Math.max(0, windows - 1) * limit
  const roomLeft = windows === 0 ? 0 : Math.max(0, lowered - inLast)
  windows += Math.ceil(Math.max(0, after - roomLeft) / lowered)
  return Math.max(0, windows - 1) * WINDOW_MS
}

async function signedIn(label: string, scenario: Scenario, wire: Wire) {
  sandbox = await startSandbox({ throttle: { limit: LIMIT, windowMs: WINDOW_MS }, rateLimitHeaders: scenario !== 'no-headers' })
  app = await createTestApp({ client: wire.clientOptions(), pacing: { windowMs: WINDOW_MS } })
  const email = uniqueEmail(label)
  const { token } = sandbox.createAccount({ name: 'Pacing Tester', email, totalBalance: 10 })
  return { server: sandbox, a: app, token, email }
}

describe.each(Object.keys(SCENARIOS) as Scenario[])('pacing: %s', (scenario) => {
  it('bulk delete: completes, and the window is told why it waits', async () => {
    const wire = new Wire()
    const { server, a, token, email } = await signedIn(`pace-bulk-${scenario}`, scenario, wire)
    const accountId = `${email} on ${server.baseUrl}`
    valueOf(await a.services.handlers['accounts:add']({ baseUrl: server.baseUrl, apiKey: token }), 'sign-in')
    const items = scenario === 'no-headers' ? N_NO_HEADERS : N
    server.seedKeys(token, items, 'Paced')
    const ids = server.listKeysOf(token).filter((k) => k.name.startsWith('Paced')).map((k) => k.id)
    valueOf(await a.services.handlers['keys:list']({ accountId }), 'list')
    server.resetRateLimits()
    wire.log.length = 0

    let outside = 0
    let deletesAnswered = 0
    /** Requests sent before the limit was lowered (those in flight may have been counted at the old limit). */
    let sentBeforeSwitch = 0
    wire.afterAnswer = async (record) => {
      if (record.method !== 'DELETE' || ++deletesAnswered !== 5) return
      if (scenario === '429-mid') outside = await spendRestOfWindow(server, token)
      if (scenario === 'limit-lowered') {
        sentBeforeSwitch = wire.log.length
        server.setThrottle({ limit: LOWERED, windowMs: WINDOW_MS })
      }
    }
    const window = watchWindow(a)
    const start = Date.now()
    const result = valueOf(
      await within(a.services.handlers['keys:bulk-delete']({ accountId, batchId: randomUUID(), ids, includeOwnKey: false }), 60_000, 'bulk delete'),
      'bulk delete'
    )
    const wallMs = Date.now() - start
    window.stop()
    wire.afterAnswer = null

    const received429 = wire.log.filter((r) => r.status === 429).length
    const failed = result.items.filter((i) => i.outcome === 'failed' || i.outcome === 'skipped').length
    expect(result.ended).toBe('completed')
    expect(failed).toBe(0)
    expect(server.listKeysOf(token).filter((k) => ids.includes(k.id))).toEqual([])
    if (scenario === '429-mid') {
      expect(outside).toBeGreaterThan(0)
      expect(window.seen().some((s) => s.includes('rate-limited'))).toBe(true)
    }
    if (scenario === 'limit-lowered') {
      // The answers' headers changed, and the window was shown the new limit.
      expect(window.seen().some((seen) => seen.includes(`of ${LOWERED} left`))).toBe(true)
    }
    if (scenario === 'no-headers') {
      // The conservative fallback: at most about one background request a second.
      expect(wallMs).toBeGreaterThanOrEqual((items - 2) * 1_000)
      expect(window.seen().some((s) => s.includes('no-headers'))).toBe(true)
    }
    const counted = wire.log.filter((r) => r.status !== 429).length
    const fastestMs =
      scenario === 'limit-lowered' ? fastest(sentBeforeSwitch, LIMIT, counted - sentBeforeSwitch, LOWERED) : fastest(counted + Math.max(0, outside - 1), LIMIT)
    pacingRows.push({
      batch: 'bulk-delete',
      scenario,
      situation: SCENARIOS[scenario],
      items,
      completed: result.ended === 'completed' && failed === 0,
      failed,
      received429,
      appRequests: wire.log.length,
      outsideRequests: outside,
      wallMs,
      fastestMs,
      shown: window.seen()
    })
  })

  it('refresh all over two accounts of one user (127.0.0.1 and localhost): every list arrives', async () => {
    const wire = new Wire()
    const { server, a, token, email } = await signedIn(`pace-refresh-${scenario}`, scenario, wire)
    // The app names an account "email on base URL", so one user on one sandbox is two accounts
    // only under two loopback names; both share the user's one budget on the server.
    const urls = [server.baseUrl, server.baseUrl.replace('127.0.0.1', 'localhost')]
    for (const baseUrl of urls) valueOf(await a.services.handlers['accounts:add']({ baseUrl, apiKey: token }), `sign-in on ${baseUrl}`)
    expect(a.services.accounts.list().map((x) => x.id).sort()).toEqual(urls.map((u) => `${email} on ${u}`).sort())
    server.resetRateLimits()
    wire.log.length = 0

    let outside = 0
    if (scenario === '429-mid') outside = await spendRestOfWindow(server, token)
    // Both lists leave at once, so "mid-batch" is the moment after the app's last answer (limit 10).
    if (scenario === 'limit-lowered') server.setThrottle({ limit: 1, windowMs: WINDOW_MS })
    const window = watchWindow(a)
    const start = Date.now()
    const outcomes = valueOf(await within(a.services.handlers['accounts:refresh-all'](undefined), 60_000, 'refresh all'), 'refresh all')
    const wallMs = Date.now() - start
    window.stop()

    const failed = outcomes.filter((o) => !o.ok).length
    expect(outcomes).toHaveLength(2)
    expect(failed, JSON.stringify(outcomes)).toBe(0)
    if (scenario === '429-mid') expect(wire.log.some((r) => r.status === 429)).toBe(true)
    const counted = wire.log.filter((r) => r.status !== 429).length
    pacingRows.push({
      batch: 'refresh-all',
      scenario,
      situation:
        scenario === 'limit-lowered'
          ? `the server lowers the limit from ${LIMIT} to 1 per ${WINDOW_MS / 1000} s after the app's last answer (before both lists leave)`
          : scenario === '429-mid'
            ? 'a 429 on the first lists (a script of the same user spent the window just before; both lists leave at once, so there is no later “middle”)'
            : SCENARIOS[scenario],
      items: 2,
      completed: failed === 0,
      failed,
      received429: wire.log.filter((r) => r.status === 429).length,
      appRequests: wire.log.length,
      outsideRequests: outside,
      wallMs,
      fastestMs: scenario === 'limit-lowered' ? fastest(counted, 1) : fastest(counted + Math.max(0, outside - 1), LIMIT),
      shown: window.seen()
    })
  })
})

// ---- errors against Laravel 8 and 10 -----------------------------------------------------------

type Op = 'sign-in' | 'list' | 'create' | 'delete'

interface ErrorCell {
  /** The error kind, or `ok` with what the answer says. */
  kind: AppErrorKind | 'ok'
  message: string
  requestsSent: number
  status: number | null
}

interface ErrorCase {
  id: string
  op: Op
  label: string
  kind: AppErrorKind | 'ok'
  /** Sets up the fault (and returns the call to make). */
  run: (ctx: VersionWorld) => Promise<Result<unknown>>
}

interface VersionWorld {
  server: SandboxServer
  a: TestApp
  wire: Wire
  token: string
  accountId: string
  version: LaravelVersion
}

const OVER_LONG = 'k'.repeat(256)

/** Spends the user's whole window (60 s) so the next request meets a real 429 from the throttle. */
async function throttled(ctx: VersionWorld): Promise<void> {
  ctx.server.setThrottle({ limit: 2, windowMs: 60_000 })
  ctx.server.resetRateLimits()
  await spendRestOfWindow(ctx.server, ctx.token)
}

const ERROR_CASES: ErrorCase[] = [
  {
    id: 'sign-in-401',
    op: 'sign-in',
    label: 'Sign-in, HTTP 401 (a wrong key)',
    kind: 'unauthenticated',
    run: (ctx) => ctx.a.services.handlers['accounts:add']({ baseUrl: ctx.server.baseUrl, apiKey: `999|${'x'.repeat(40)}` })
  },
  {
    id: 'sign-in-404-route',
    op: 'sign-in',
    label: 'Sign-in, HTTP 404 unknown route (base URL with a wrong path)',
    kind: 'bad_response',
    run: (ctx) => ctx.a.services.handlers['accounts:add']({ baseUrl: `${ctx.server.baseUrl}/v2`, apiKey: ctx.token })
  },
  {
    id: 'sign-in-429',
    op: 'sign-in',
    label: 'Sign-in, HTTP 429 (the throttle, window spent)',
    kind: 'rate_limited',
    run: async (ctx) => {
      await throttled(ctx)
      return ctx.a.services.handlers['accounts:add']({ baseUrl: ctx.server.baseUrl, apiKey: ctx.token })
    }
  },
  {
    id: 'list-401',
    op: 'list',
    label: 'List, HTTP 401 (key revoked)',
    kind: 'unauthenticated',
    run: (ctx) => {
      ctx.server.faults.add({ method: 'GET', path: '/user/api-keys', times: 1, fault: { type: 'unauthenticated' } })
      return ctx.a.services.handlers['keys:list']({ accountId: ctx.accountId })
    }
  },
  {
    id: 'list-429',
    op: 'list',
    label: 'List, HTTP 429 (the throttle, window spent)',
    kind: 'rate_limited',
    run: async (ctx) => {
      await throttled(ctx)
      return ctx.a.services.handlers['keys:list']({ accountId: ctx.accountId })
    }
  },
  {
    id: 'list-500',
    op: 'list',
    label: 'List, HTTP 500',
    kind: 'server',
    run: (ctx) => {
      ctx.server.faults.add({ method: 'GET', path: '/user/api-keys', times: Infinity, fault: { type: 'status', status: 500 } })
      return ctx.a.services.handlers['keys:list']({ accountId: ctx.accountId })
    }
  },
  {
    id: 'create-422-long',
    op: 'create',
    label: 'Create, a 256-character name',
    kind: 'validation',
    run: (ctx) => ctx.a.services.handlers['keys:create']({ accountId: ctx.accountId, name: OVER_LONG, requestId: randomUUID() })
  },
  {
    id: 'create-422-empty',
    op: 'create',
    label: 'Create, an empty (blank) name',
    kind: 'validation',
    run: (ctx) => ctx.a.services.handlers['keys:create']({ accountId: ctx.accountId, name: '   ', requestId: randomUUID() })
  },
  {
    id: 'create-422-server',
    op: 'create',
    label: 'Create, the server’s own 422 for the length rule (its body in this version’s wording, injected)',
    kind: 'validation',
    run: (ctx) => {
      const dialect = laravelDialect(ctx.version)
      const max = nameMessages(dialect).max
      const body = JSON.stringify({ message: dialect.validationMessage([max]), errors: { name: [max] } })
      ctx.server.faults.add({ method: 'POST', path: '/user/api-keys', times: 1, fault: { type: 'status', status: 422, contentType: 'application/json', body } })
      return ctx.a.services.handlers['keys:create']({ accountId: ctx.accountId, name: 'Fits the app', requestId: randomUUID() })
    }
  },
  {
    id: 'create-429',
    op: 'create',
    label: 'Create, HTTP 429 (the throttle, window spent)',
    kind: 'rate_limited',
    run: async (ctx) => {
      await throttled(ctx)
      return ctx.a.services.handlers['keys:create']({ accountId: ctx.accountId, name: 'Throttled', requestId: randomUUID() })
    }
  },
  {
    id: 'create-500',
    op: 'create',
    label: 'Create, HTTP 500',
    kind: 'create_outcome_unknown',
    run: (ctx) => {
      ctx.server.faults.add({ method: 'POST', path: '/user/api-keys', times: 1, fault: { type: 'status', status: 500 } })
      return ctx.a.services.handlers['keys:create']({ accountId: ctx.accountId, name: 'Server error', requestId: randomUUID() })
    }
  },
  {
    id: 'delete-404',
    op: 'delete',
    label: 'Delete, HTTP 404 (the key was deleted elsewhere)',
    kind: 'ok',
    run: async (ctx) => {
      ctx.server.seedKeys(ctx.token, 1, 'Gone elsewhere')
      const key = ctx.server.listKeysOf(ctx.token).find((k) => k.name.startsWith('Gone elsewhere'))!
      valueOf(await ctx.a.services.handlers['keys:list']({ accountId: ctx.accountId }))
      // Deleted on the server by another client: the app's DELETE meets the real 404.
      await fetch(`${ctx.server.baseUrl}/user/api-keys/${key.id}`, { method: 'DELETE', headers: { Authorization: `Bearer ${ctx.token}`, Accept: 'application/json' } })
      ctx.wire.log.length = 0
      return ctx.a.services.handlers['keys:delete']({ accountId: ctx.accountId, id: key.id })
    }
  },
  {
    id: 'delete-429',
    op: 'delete',
    label: 'Delete, HTTP 429 (the throttle, window spent)',
    kind: 'rate_limited',
    run: async (ctx) => {
      ctx.server.seedKeys(ctx.token, 1, 'Throttled delete')
      const key = ctx.server.listKeysOf(ctx.token).find((k) => k.name.startsWith('Throttled delete'))!
      valueOf(await ctx.a.services.handlers['keys:list']({ accountId: ctx.accountId }))
      await throttled(ctx)
      ctx.wire.log.length = 0
      return ctx.a.services.handlers['keys:delete']({ accountId: ctx.accountId, id: key.id })
    }
  },
  {
    id: 'delete-401',
    op: 'delete',
    label: 'Delete, HTTP 401 (key revoked)',
    kind: 'unauthenticated',
    run: async (ctx) => {
      ctx.server.seedKeys(ctx.token, 1, 'Revoked delete')
      const key = ctx.server.listKeysOf(ctx.token).find((k) => k.name.startsWith('Revoked delete'))!
      ctx.server.faults.add({ method: 'DELETE', path: /^\/user\/api-keys\/\d+$/, times: 1, fault: { type: 'unauthenticated' } })
      return ctx.a.services.handlers['keys:delete']({ accountId: ctx.accountId, id: key.id })
    }
  }
]

const VERSIONS: LaravelVersion[] = [8, 10]
const errorCells = new Map<string, Partial<Record<`laravel${LaravelVersion}`, ErrorCell>>>()

describe.each(VERSIONS)('errors against Laravel %s', (version) => {
  it.each(ERROR_CASES)('$label', async (c) => {
    const wire = new Wire()
    sandbox = await startSandbox({ laravel: version, throttle: { limit: 1_000, windowMs: 60_000 } })
    app = await createTestApp({ client: { ...wire.clientOptions(), sleep: async () => {} } })
    const email = uniqueEmail(`laravel${version}-${c.id}`)
    const { token } = sandbox.createAccount({ name: 'Version Tester', email, totalBalance: 10 })
    const accountId = `${email} on ${sandbox.baseUrl}`
    if (c.op !== 'sign-in') valueOf(await app.services.handlers['accounts:add']({ baseUrl: sandbox.baseUrl, apiKey: token }), 'sign-in')
    wire.log.length = 0
    const ctx: VersionWorld = { server: sandbox, a: app, wire, token, accountId, version }
    const answer = await within(c.run(ctx), 20_000, c.label)
    const status = wire.log.at(-1)?.status ?? null
    let cell: ErrorCell
    if (answer.ok) {
      const value = answer.value as { alreadyGone?: boolean }
      cell = { kind: 'ok', message: value.alreadyGone ? 'no error: the key is shown as already gone' : 'succeeded', requestsSent: wire.log.length, status }
    } else {
      const error: AppError = answer.error
      cell = { kind: error.kind, message: error.message.replaceAll(new URL(sandbox.baseUrl).host, '127.0.0.1:PORT'), requestsSent: wire.log.length, status }
    }
    expect(cell.kind, cell.message).toBe(c.kind)
    expect(cell.message).toMatch(/\S/)
    if (c.kind === 'ok') expect(cell.message).toMatch(/already gone/)
    if (c.id === 'create-422-long' || c.id === 'create-422-empty') expect(cell.requestsSent).toBe(0) // refused before sending
    if (c.id.startsWith('create') && c.id !== 'create-422-long' && c.id !== 'create-422-empty') expect(cell.requestsSent).toBe(1) // never retried
    if (c.id.endsWith('-429')) expect(status).toBe(429)
    errorCells.set(c.id, { ...errorCells.get(c.id), [`laravel${version}`]: cell })
  })
})

afterAll(() => {
  const pacing = {
    generatedAt: new Date().toISOString(),
    throttle: { limit: LIMIT, windowMs: WINDOW_MS, lowered: LOWERED },
    rows: pacingRows.sort((x, y) => x.batch.localeCompare(y.batch) || Object.keys(SCENARIOS).indexOf(x.scenario) - Object.keys(SCENARIOS).indexOf(y.scenario))
  }
  writeResult('pacing.json', pacing)
  writeResult('pacing.md', renderPacing(pacing))
  const errors = {
    generatedAt: new Date().toISOString(),
    versions: VERSIONS,
    rows: ERROR_CASES.map((c) => ({ id: c.id, op: c.op, label: c.label, ...(errorCells.get(c.id) ?? {}) })),
    notReachable: ['HTTP 405 (wrong method): the app sends only GET /user/me, GET and POST /user/api-keys and DELETE /user/api-keys/{id}, so no handler can meet it']
  }
  writeResult('laravel-errors.json', errors)
  writeResult('laravel-errors.md', renderLaravelErrors(errors))
})
