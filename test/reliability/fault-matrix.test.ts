/**
 * The fault matrix: every fault the sandbox can inject (plus a server that is down), against every
 * operation the window can ask for, through the real IPC handlers, services, client and HTTP.
 *
 * For each fault × operation it proves:
 * - the answer is a typed error of the expected kind with a specific message (host, status, wait),
 *   answered well within the retry budget (no hang), never `internal`;
 * - reads (sign-in, restore, list, delete) recover by themselves when the server comes back while
 *   the client backs off, within the retry budget, for the faults worth retrying;
 * - a create is sent exactly once (client-side count) and reaches the server at most once; when
 *   the server may have made the key the answer is `create_outcome_unknown`, never success;
 * - a failed list does not pass the cached list off as fresh;
 * - the app is usable afterwards: the same operation succeeds once the fault is gone.
 *
 * Each cell is written to test-results/reliability/fault-table.json (+ .md) for the README.
 */
import { NAME_TAKEN_422 } from '../support/sandbox-fixture'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_RETRY_POLICY } from '../../src/main/api/retry-policy'
import { REVOKED_REASON } from '../../src/main/accounts/account-sessions'
import { startSandbox, type Fault, type SandboxServer } from '../../src/sandbox/index'
import type { AppError, AppErrorKind, Result } from '../../src/shared/errors'
import { createTestApp, type TestApp } from '../support/app-fixture'
import { ClientTraffic, uniqueEmail, valueOf, within } from './support/harness'
import { writeResult } from './support/results'
import { startSwitchableProxy, type SwitchableProxy } from './support/switchable-proxy'
import { renderFaultTable } from './render-report.mjs'

type Op = 'sign-in' | 'restore' | 'list' | 'create' | 'delete'
const OPS: Op[] = ['sign-in', 'restore', 'list', 'create', 'delete']

/** What the sandbox sees for each operation. */
const TARGET: Record<Op, { method: string; path: string | RegExp }> = {
  'sign-in': { method: 'GET', path: '/user/me' },
  restore: { method: 'GET', path: '/user/me' },
  list: { method: 'GET', path: '/user/api-keys' },
  create: { method: 'POST', path: '/user/api-keys' },
  delete: { method: 'DELETE', path: /^\/user\/api-keys\/\d+$/ }
}

const NGINX_502 =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n'
const PROXY_403 =
  '<!DOCTYPE html><html><head><title>Access denied</title></head><body><h1>Access denied</h1><p>This site is blocked by your organisation’s web filter.</p></body></html>'

interface FaultCase {
  id: string
  /** The fault's name in the README table. */
  label: string
  /** How it is produced. */
  injected: string
  /** A sandbox fault; absent for "connection refused", which stops a proxy instead. */
  fault?: Fault
  /** Used instead of `fault` while the fault persists (e.g. a Retry-After too long to wait out). */
  persistentFault?: Fault
  ops: Op[]
  /** The kind a read (or delete) answers with while the fault persists. */
  readKind: AppErrorKind
  /** Reads retry it, so they recover by themselves when the server does. */
  retried: boolean
  readMessage: RegExp
  createKind: AppErrorKind
  createMessage: RegExp
  /** The sandbox really processes the request before the fault (the key is made / deleted). */
  processed: boolean
  /** Per-attempt timeout for this case (short for "never answers"). */
  timeoutMs?: number
}

const HOST = String.raw`127\.0\.0\.1:\d+`
const MAY_EXIST = /It may have been created anyway, so do not simply try again: check the refreshed list for “.+”/

/** The parts of an error the table records. */
const errorFacts = (error: AppError) => ({
  kind: error.kind,
  message: error.message,
  ...(error.status === undefined ? {} : { status: error.status }),
  ...(error.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: error.retryAfterSeconds })
})
const ALL: Op[] = OPS

const CASES: FaultCase[] = [
  {
    id: 'refused',
    label: 'Connection refused (server down)',
    injected: 'a TCP proxy in front of the sandbox stops listening',
    ops: ALL,
    readKind: 'network',
    retried: true,
    readMessage: new RegExp(`^Could not reach ${HOST}: the connection was refused\\. Check your internet connection and the API base URL\\.$`),
    createKind: 'network',
    createMessage: new RegExp(`^Could not reach ${HOST}: the connection was refused`),
    processed: false
  },
  {
    id: 'drop-mid-response',
    label: 'Connection dropped mid-response',
    injected: "sandbox fault `drop-mid-response` (processed, then half the body and the socket is cut)",
    fault: { type: 'drop-mid-response' },
    ops: ALL,
    readKind: 'network',
    retried: true,
    readMessage: new RegExp(`^The connection to ${HOST} was lost before the answer arrived\\. Check your internet connection\\.$`),
    createKind: 'create_outcome_unknown',
    createMessage: new RegExp(`was lost before the answer arrived.*${MAY_EXIST.source}`),
    processed: true
  },
  {
    id: 'lost-create',
    label: 'Answer lost after the server acted',
    injected: 'sandbox fault `drop-after-commit` (processed for real, then the socket is cut before any answer)',
    fault: { type: 'drop-after-commit' },
    ops: ALL,
    readKind: 'network',
    retried: true,
    readMessage: new RegExp(`^The connection to ${HOST} was lost before the answer arrived`),
    createKind: 'create_outcome_unknown',
    createMessage: new RegExp(`was lost before the answer arrived.*${MAY_EXIST.source}`),
    processed: true
  },
  {
    id: 'hang',
    label: 'Server never answers',
    injected: 'sandbox fault `hang` (socket open, no answer), client timeout 600 ms per attempt',
    fault: { type: 'hang' },
    ops: ALL,
    readKind: 'timeout',
    retried: true,
    readMessage: new RegExp(`^${HOST} did not answer within (\\d+ ms|\\d+ seconds?)\\.$`),
    createKind: 'create_outcome_unknown',
    createMessage: new RegExp(`did not answer within.*${MAY_EXIST.source}`),
    processed: false,
    timeoutMs: 600
  },
  {
    id: '500',
    label: 'HTTP 500',
    injected: 'sandbox fault `status` 500 with Laravel’s `{"message":"Server Error"}`',
    fault: { type: 'status', status: 500 },
    ops: ALL,
    readKind: 'server',
    retried: true,
    readMessage: /^The Autocalls server had a problem \(HTTP 500\)\. Try again in a moment\.$/,
    createKind: 'create_outcome_unknown',
    createMessage: new RegExp(`HTTP 500.*${MAY_EXIST.source}`),
    processed: false
  },
  {
    id: '502',
    label: 'HTTP 502 (proxy HTML page)',
    injected: 'sandbox fault `status` 502 with nginx’s HTML error page',
    fault: { type: 'status', status: 502, body: NGINX_502, contentType: 'text/html' },
    ops: ALL,
    readKind: 'server',
    retried: true,
    readMessage: /^The Autocalls server had a problem \(HTTP 502\)\. Try again in a moment\.$/,
    createKind: 'create_outcome_unknown',
    createMessage: new RegExp(`HTTP 502.*${MAY_EXIST.source}`),
    processed: false
  },
  {
    id: '503-retry-after',
    label: 'HTTP 503 with Retry-After: 2',
    injected: 'sandbox fault `status` 503, `Retry-After: 2` (Laravel maintenance mode)',
    fault: { type: 'status', status: 503, body: '{"message":"Service Unavailable"}', headers: { 'Retry-After': '2' } },
    ops: ALL,
    readKind: 'server',
    retried: true,
    readMessage: /^The Autocalls server had a problem \(HTTP 503\) and asked us to wait 2 seconds\.$/,
    createKind: 'create_outcome_unknown',
    createMessage: new RegExp(`HTTP 503.*${MAY_EXIST.source}`),
    processed: false
  },
  {
    id: '429-retry-after',
    label: 'HTTP 429 with Retry-After',
    injected: 'sandbox fault `rate-limit`: `Retry-After: 1` (transient), `Retry-After: 30` (persistent)',
    fault: { type: 'rate-limit', retryAfterSeconds: 1 },
    persistentFault: { type: 'rate-limit', retryAfterSeconds: 30 },
    ops: ALL,
    readKind: 'rate_limited',
    retried: true,
    readMessage: /^Too many requests: the server asked us to wait 30 seconds\.$/,
    createKind: 'rate_limited',
    createMessage: /^Too many requests: the server asked us to wait 30 seconds\.$/,
    processed: false
  },
  {
    id: 'html-page',
    label: 'HTML error page (proxy, HTTP 403)',
    injected: 'sandbox fault `status` 403 with a web filter’s HTML page',
    fault: { type: 'status', status: 403, body: PROXY_403, contentType: 'text/html; charset=utf-8' },
    ops: ALL,
    readKind: 'bad_response',
    retried: false,
    readMessage: /^The server answered HTTP 403, which the Autocalls API does not send here\. If you use a custom API base URL, check that it points at the Autocalls API\.$/,
    createKind: 'create_outcome_unknown',
    createMessage: new RegExp(`HTTP 403.*${MAY_EXIST.source}`),
    processed: false
  },
  {
    id: 'invalid-json',
    label: 'Invalid JSON',
    injected: 'sandbox fault `malformed`: `{"api_keys": [{"id": 1,` with status 200',
    fault: { type: 'malformed', body: '{"api_keys": [{"id": 1,' },
    ops: ALL,
    readKind: 'bad_response',
    retried: false,
    readMessage: /^The server's answer was not JSON \(HTTP 200, application\/json\)\. If you use a custom API base URL, check that it points at the Autocalls API\.$/,
    createKind: 'create_outcome_unknown',
    createMessage: new RegExp(`was not JSON.*${MAY_EXIST.source}`),
    processed: false
  },
  {
    id: 'wrong-shape',
    label: 'JSON of the wrong shape',
    injected: 'sandbox fault `malformed`: `{"data":[{"id":"7","title":"x"}]}` with status 200',
    fault: { type: 'malformed', body: '{"data":[{"id":"7","title":"x"}]}' },
    ops: ALL,
    readKind: 'bad_response',
    retried: false,
    readMessage: /^The server's answer did not have the expected shape \(problem at [\w.]+\)\. If you use a custom API base URL, check that it points at the Autocalls API\.$/,
    createKind: 'create_outcome_unknown',
    createMessage: new RegExp(`expected shape.*${MAY_EXIST.source}`),
    processed: false
  },
  {
    id: '401',
    label: 'HTTP 401 on any call',
    injected: 'sandbox fault `unauthenticated` (Laravel’s `{"message":"Unauthenticated."}`)',
    fault: { type: 'unauthenticated' },
    ops: ALL,
    readKind: 'unauthenticated',
    retried: false,
    readMessage: /^The API key was not accepted: it is wrong, or it was deleted or revoked\.$/,
    createKind: 'unauthenticated',
    createMessage: /^The API key was not accepted/,
    processed: false
  },
  {
    id: '404-delete',
    label: 'HTTP 404 on delete',
    injected: 'the key is deleted elsewhere first, so the server answers `{"message":"API key not found."}`',
    ops: ['delete'],
    readKind: 'not_found',
    retried: false,
    readMessage: /./,
    createKind: 'not_found',
    createMessage: /./,
    processed: false
  },
  {
    id: '422-create',
    label: 'HTTP 422 on create',
    injected: 'sandbox fault `status` 422 with Laravel’s validation body for `name`',
    fault: NAME_TAKEN_422,
    ops: ['create'],
    readKind: 'validation',
    retried: false,
    readMessage: /./,
    createKind: 'validation',
    createMessage: /^The name has already been taken\.$/,
    processed: false
  }
]

/** One cell of the table: what one operation did under one fault. */
export interface FaultCell {
  applicable: boolean
  /** Error kind while the fault persists (or `ok` when the operation succeeds regardless). */
  kind: AppErrorKind | 'ok'
  message: string | null
  status?: number
  retryAfterSeconds?: number
  /** Requests the client sent / the server received while the fault persisted. */
  requestsSent: number
  requestsReceived: number
  /** Back-off waits the client asked for (ms), e.g. a Retry-After honoured. */
  waitsMs: number[]
  /** Reads: the server came back during the back-off and the call succeeded without the person. */
  recoveredByItself: boolean | null
  /** Requests it took to recover by itself. */
  recoveryRequests: number | null
  /** The same operation succeeds once the fault is gone. */
  usableAfter: boolean
  /** Create: the key exists on the server (exactly once) after the failed create. */
  keyOnServer?: boolean
  /** List: after the failure the window's initial state offers the older list marked as cached. */
  cacheMarkedStale?: boolean
  /** Restore: the session stays signed in but marked unverified. */
  staysUnverified?: boolean
  /** 401: the session ended and the credential left the keychain. */
  signedOut?: boolean
  /** Milliseconds until the answer came, while the fault persisted. */
  answeredInMs: number
  note?: string
}

const cells = new Map<string, Partial<Record<Op, FaultCell>>>()
const record = (id: string, op: Op, cell: FaultCell) => cells.set(id, { ...cells.get(id), [op]: cell })

let sandbox: SandboxServer
let proxy: SwitchableProxy

beforeAll(async () => {
  sandbox = await startSandbox()
  proxy = await startSwitchableProxy(sandbox.baseUrl)
})
afterAll(async () => {
  const rows = CASES.map((c) => ({
    id: c.id,
    fault: c.label,
    injected: c.injected,
    ops: Object.fromEntries(OPS.map((op) => [op, cells.get(c.id)?.[op] ?? { applicable: c.ops.includes(op), missing: c.ops.includes(op) }]))
  }))
  const table = { generatedAt: new Date().toISOString(), retryPolicy: DEFAULT_RETRY_POLICY, ops: OPS, rows }
  writeResult('fault-table.json', table)
  writeResult('fault-table.md', renderFaultTable(table))
  await proxy.close()
  await sandbox.close()
})

let app: TestApp | undefined
afterEach(async () => {
  sandbox.faults.clear()
  await proxy.start()
  await app?.dispose()
  app = undefined
})

/** Installs the case's fault on the operation's request until removed (or, for "refused", stops the proxy). */
async function inject(c: FaultCase, op: Op, fault: Fault | undefined): Promise<() => Promise<void>> {
  if (c.id === 'refused') {
    await proxy.stop()
    // "Down" for a moment, as in life: the client has seen its idle keep-alive sockets close.
    // (Right at the instant of the cut, reusing such a socket fails as "connection lost", which
    // the app rightly treats as "may have reached the server".)
    await new Promise((resolve) => setTimeout(resolve, 50))
    return () => proxy.start()
  }
  if (!fault) throw new Error(`case ${c.id} has no fault`)
  const handle = sandbox.faults.add({ ...TARGET[op], times: Infinity, fault })
  return async () => handle.remove()
}

const received = (op: Op, since: number) =>
  sandbox.requests.filter((r) => r.at >= since && r.method === TARGET[op].method && (typeof TARGET[op].path === 'string' ? r.path === TARGET[op].path : TARGET[op].path.test(r.path))).length

const maxAnswerMs = (c: FaultCase) => DEFAULT_RETRY_POLICY.maxAttempts * (c.timeoutMs ?? 2_000) + 3_000

function expectError(result: Result<unknown>, kind: AppErrorKind, message: RegExp): AppError {
  expect(result.ok, JSON.stringify(result)).toBe(false)
  const error = (result as { ok: false; error: AppError }).error
  expect(error.kind, error.message).toBe(kind)
  expect(error.message).toMatch(message)
  expect(error.kind).not.toBe('internal')
  return error
}

interface World {
  app: TestApp
  traffic: ClientTraffic
  baseUrl: string
  token: string
  email: string
  accountId: string
}

async function world(c: FaultCase, options: { signIn: boolean }): Promise<World> {
  const traffic = new ClientTraffic()
  app = await createTestApp({ client: traffic.clientOptions(c.timeoutMs) })
  const email = uniqueEmail(`fault-${c.id}`)
  const { token } = sandbox.createAccount({ name: 'Fault Tester', email, totalBalance: 10 })
  const baseUrl = c.id === 'refused' ? proxy.baseUrl : sandbox.baseUrl
  if (options.signIn) valueOf(await app.services.handlers['accounts:add']({ baseUrl, apiKey: token }), 'sign-in')
  traffic.reset()
  return { app, traffic, baseUrl, token, email, accountId: `${email} on ${baseUrl}` }
}

/** Brings the server back at the client's last back-off before its final attempt. */
function recoverDuringBackoff(traffic: ClientTraffic, remove: () => Promise<void>): void {
  traffic.onSleep = async (count) => {
    if (count === DEFAULT_RETRY_POLICY.maxAttempts - 1) await remove()
  }
}

const handlerCall = {
  'sign-in': (w: World) => w.app.services.handlers['accounts:add']({ baseUrl: w.baseUrl, apiKey: w.token }),
  // At start-up the stored credential is re-verified alongside the first list (GET /user/me is the target).
  restore: (w: World) => w.app.services.handlers['keys:list']({ accountId: w.accountId }),
  list: (w: World) => w.app.services.handlers['keys:list']({ accountId: w.accountId })
} as const

/** After a 401 the session is over: the person signs in again, which must work. */
async function signInAgain(w: World): Promise<void> {
  valueOf(await w.app.services.handlers['accounts:add']({ baseUrl: w.baseUrl, apiKey: w.token }), 'signing in again')
}

const accountOf = (w: World) => w.app.services.accounts.list().find((account) => account.id === w.accountId)

async function expectSignedOutByRevocation(w: World): Promise<void> {
  expect(accountOf(w)).toMatchObject({ status: 'needs-sign-in', problem: { kind: 'not_signed_in', message: REVOKED_REASON } })
  expect(await w.app.vault.listAccounts()).toEqual([])
  const told = w.app.events.filter((event) => event.channel === 'event:accounts-changed').map((event) => JSON.stringify(event.payload))
  expect(told.some((payload) => payload.includes(REVOKED_REASON))).toBe(true)
}

describe.each(CASES)('fault: $label', (c) => {
  const applicable = (op: Op) => c.ops.includes(op)

  if (applicable('sign-in')) it('sign-in: typed, specific error; nothing stored; recovers by itself when transient', async () => {
    const w = await world(c, { signIn: false })
    const start = Date.now()
    let remove = await inject(c, 'sign-in', c.persistentFault ?? c.fault)
    const result = await within(handlerCall['sign-in'](w), maxAnswerMs(c), 'sign-in')
    const answeredInMs = Date.now() - start
    const error = expectError(result, c.readKind, c.readMessage)
    expect(w.traffic.count('GET', '/user/me')).toBe(c.retried && !c.persistentFault ? DEFAULT_RETRY_POLICY.maxAttempts : 1)
    const requestsSent = w.traffic.count('GET', '/user/me')
    const waitsMs = [...w.traffic.sleeps]
    const requestsReceived = received('sign-in', start)
    // Nothing stored, no account added.
    expect(await w.app.vault.listAccounts()).toEqual([])
    expect(w.app.services.accounts.list()).toEqual([])
    await remove()

    // Transient: the server comes back while the client backs off.
    w.traffic.reset()
    let recoveredByItself: boolean | null = null
    let recoveryRequests: number | null = null
    if (c.retried) {
      remove = await inject(c, 'sign-in', c.fault)
      recoverDuringBackoff(w.traffic, remove)
      const recovered = await within(handlerCall['sign-in'](w), maxAnswerMs(c), 'sign-in (transient)')
      expect(recovered, JSON.stringify(recovered)).toMatchObject({ ok: true, value: { account: { status: 'ready', verified: true } } })
      recoveryRequests = w.traffic.count('GET', '/user/me')
      expect(recoveryRequests).toBeLessThanOrEqual(DEFAULT_RETRY_POLICY.maxAttempts)
      recoveredByItself = true
      await remove()
      valueOf(await w.app.services.handlers['accounts:remove']({ accountId: w.accountId }))
    }
    // Usable afterwards.
    const again = await handlerCall['sign-in'](w)
    expect(again).toMatchObject({ ok: true, value: { account: { status: 'ready', verified: true } } })
    record(c.id, 'sign-in', {
      applicable: true,
      ...errorFacts(error),
      requestsSent,
      requestsReceived,
      waitsMs,
      recoveredByItself,
      recoveryRequests,
      usableAfter: true,
      answeredInMs
    })
  })

  if (applicable('restore')) it('restore at start-up: typed error, session kept unverified (or ended on 401), recovers by itself', async () => {
    const first = await world(c, { signIn: true })
    app = await first.app.restart()
    const w: World = { ...first, app }
    w.traffic.reset()
    const start = Date.now()
    let remove = await inject(c, 'restore', c.persistentFault ?? c.fault)
    const result = await within(handlerCall.restore(w), maxAnswerMs(c), 'restore')
    const answeredInMs = Date.now() - start
    const error = expectError(result, c.readKind, c.readMessage)
    const requestsSent = w.traffic.count('GET', '/user/me')
    expect(requestsSent).toBe(c.retried && !c.persistentFault ? DEFAULT_RETRY_POLICY.maxAttempts : 1)
    const waitsMs = [...w.traffic.sleeps]
    const requestsReceived = received('restore', start)
    let staysUnverified: boolean | undefined
    let signedOut: boolean | undefined
    if (c.readKind === 'unauthenticated') {
      await expectSignedOutByRevocation(w)
      signedOut = true
    } else {
      // Not verified in this run, and the window is told so; the credential stays in the keychain.
      expect(accountOf(w)).toMatchObject({ verified: false })
      expect(accountOf(w)?.status).not.toBe('needs-sign-in')
      expect(await w.app.vault.get(w.accountId)).toBe(w.token)
      const initial = valueOf(await w.app.services.handlers['app:get-initial-state'](undefined))
      expect(initial.accounts).toMatchObject([{ id: w.accountId, verified: false }])
      staysUnverified = true
      // The initial state starts the shown account's list; it ends (under the fault) before the
      // recovery below, or that recovery would join it.
      await w.app.services.keys.settle()
    }
    await remove()

    w.traffic.reset()
    let recoveredByItself: boolean | null = null
    let recoveryRequests: number | null = null
    if (c.retried) {
      remove = await inject(c, 'restore', c.fault)
      recoverDuringBackoff(w.traffic, remove)
      const recovered = await within(handlerCall.restore(w), maxAnswerMs(c), 'restore (transient)')
      expect(recovered, JSON.stringify(recovered)).toMatchObject({ ok: true, value: { accountId: w.accountId, fromCache: false } })
      expect(accountOf(w)).toMatchObject({ status: 'ready', verified: true })
      recoveryRequests = w.traffic.count('GET', '/user/me')
      recoveredByItself = true
      await remove()
    }
    if (signedOut) await signInAgain(w)
    expect(await handlerCall.restore(w)).toMatchObject({ ok: true, value: { accountId: w.accountId } })
    expect(accountOf(w)).toMatchObject({ status: 'ready', verified: true })
    record(c.id, 'restore', {
      applicable: true,
      ...errorFacts(error),
      requestsSent,
      requestsReceived,
      waitsMs,
      recoveredByItself,
      recoveryRequests,
      usableAfter: true,
      ...(staysUnverified ? { staysUnverified } : {}),
      ...(signedOut ? { signedOut } : {}),
      answeredInMs
    })
  })

  if (applicable('list')) it('list: typed error, the cached list is not passed off as fresh, recovers by itself', async () => {
    const w = await world(c, { signIn: true })
    const before = valueOf(await handlerCall.list(w), 'first list')
    expect(before.fromCache).toBe(false)
    await new Promise((resolve) => setTimeout(resolve, 5)) // fetchedAt has millisecond resolution
    w.traffic.reset()
    const start = Date.now()
    let remove = await inject(c, 'list', c.persistentFault ?? c.fault)
    const result = await within(handlerCall.list(w), maxAnswerMs(c), 'list')
    const answeredInMs = Date.now() - start
    const error = expectError(result, c.readKind, c.readMessage)
    const requestsSent = w.traffic.count('GET', '/user/api-keys')
    expect(requestsSent).toBe(c.retried && !c.persistentFault ? DEFAULT_RETRY_POLICY.maxAttempts : 1)
    const waitsMs = [...w.traffic.sleeps]
    const requestsReceived = received('list', start)
    let cacheMarkedStale: boolean | undefined
    let signedOut: boolean | undefined
    const initial = valueOf(await w.app.services.handlers['app:get-initial-state'](undefined))
    if (c.readKind === 'unauthenticated') {
      await expectSignedOutByRevocation(w)
      expect(initial.cachedKeys).toBeNull() // the revoked account's data is gone, not shown as current
      signedOut = true
    } else {
      // What the window can show is the earlier list, flagged as cached with its old time.
      expect(initial.cachedKeys).toMatchObject({ fromCache: true, fetchedAt: before.fetchedAt })
      expect(initial.cachedKeys?.keys.map((k) => k.id).sort((a, b) => a - b)).toEqual(before.keys.map((k) => k.id).sort((a, b) => a - b))
      cacheMarkedStale = true
    }
    // The initial state started the account's list; it ends (under the fault) before the recovery.
    await w.app.services.keys.settle()
    await remove()

    w.traffic.reset()
    let recoveredByItself: boolean | null = null
    let recoveryRequests: number | null = null
    if (c.retried) {
      remove = await inject(c, 'list', c.fault)
      recoverDuringBackoff(w.traffic, remove)
      const recovered = valueOf(await within(handlerCall.list(w), maxAnswerMs(c), 'list (transient)'), 'list (transient)')
      expect(recovered.fromCache).toBe(false)
      expect(Date.parse(recovered.fetchedAt)).toBeGreaterThan(Date.parse(before.fetchedAt))
      expect(recovered.keys.map((k) => k.id)).toEqual(sandbox.listKeysOf(w.token).map((k) => k.id))
      recoveryRequests = w.traffic.count('GET', '/user/api-keys')
      recoveredByItself = true
      await remove()
    }
    if (signedOut) await signInAgain(w)
    const after = valueOf(await handlerCall.list(w), 'list after the fault')
    expect(after).toMatchObject({ fromCache: false })
    expect(after.keys.map((k) => k.id)).toEqual(sandbox.listKeysOf(w.token).map((k) => k.id))
    record(c.id, 'list', {
      applicable: true,
      ...errorFacts(error),
      requestsSent,
      requestsReceived,
      waitsMs,
      recoveredByItself,
      recoveryRequests,
      usableAfter: true,
      ...(cacheMarkedStale ? { cacheMarkedStale } : {}),
      ...(signedOut ? { signedOut } : {}),
      answeredInMs
    })
  })

  if (applicable('create')) it('create: one POST, never retried, never a claimed success; honest when the key may exist', async () => {
    const w = await world(c, { signIn: true })
    const name = `Fault ${c.id} ${Math.random().toString(36).slice(2, 8)}`
    const start = Date.now()
    const remove = await inject(c, 'create', c.persistentFault ?? c.fault)
    const result = await within(
      w.app.services.handlers['keys:create']({ accountId: w.accountId, name, requestId: `fault-${c.id}-create-1` }),
      maxAnswerMs(c),
      'create'
    )
    const answeredInMs = Date.now() - start
    const error = expectError(result, c.createKind, c.createMessage)
    if (c.createKind === 'create_outcome_unknown') expect(error.message).toContain(`“${name}”`)
    if (c.createKind === 'validation') expect(error.fieldErrors).toEqual({ name: ['The name has already been taken.'] })
    // Exactly one POST left the client: never retried, whatever the failure.
    const postsSent = w.traffic.count('POST', '/user/api-keys')
    expect(postsSent).toBe(1)
    expect(w.traffic.sleeps).toEqual([])
    const postsReceived = received('create', start)
    expect(postsReceived).toBeLessThanOrEqual(1)
    // The key exists on the server at most once, and only if the server processed the request.
    const onServer = sandbox.listKeysOf(w.token).filter((k) => k.name === name)
    expect(onServer).toHaveLength(c.processed ? 1 : 0)
    // A create known to have made no key must not say "may exist"; one that may have must say so.
    if (c.processed) expect(error.kind).toBe('create_outcome_unknown')
    // No token was received, so none is held or offered.
    const initial = valueOf(await w.app.services.handlers['app:get-initial-state'](undefined))
    expect(initial.pendingTokens).toEqual([])
    let signedOut: boolean | undefined
    if (c.createKind === 'unauthenticated') {
      await expectSignedOutByRevocation(w)
      signedOut = true
    }
    await remove()
    if (signedOut) await signInAgain(w)

    // What the window does next (it refreshes the list): the truth from the server, the key once if made.
    const refreshed = valueOf(await w.app.services.handlers['keys:list']({ accountId: w.accountId }), 'refresh after the create')
    expect(refreshed.keys.filter((k) => k.name === name)).toHaveLength(c.processed ? 1 : 0)
    // Usable afterwards: a new create (a new submission, so a new request id) works, once.
    const postsBefore = sandbox.requests.filter((r) => r.method === 'POST').length
    const created = valueOf(await w.app.services.handlers['keys:create']({ accountId: w.accountId, name: `${name} again`, requestId: `fault-${c.id}-create-2` }))
    expect(created.token).toMatch(/^\d+\|[A-Za-z0-9]{40}(?:[0-9a-f]{8})?$/)
    expect(sandbox.requests.filter((r) => r.method === 'POST').length - postsBefore).toBe(1)
    record(c.id, 'create', {
      applicable: true,
      kind: error.kind,
      message: error.message.replaceAll(name, 'NAME'),
      ...(error.status === undefined ? {} : { status: error.status }),
      ...(error.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: error.retryAfterSeconds }),
      requestsSent: postsSent,
      requestsReceived: postsReceived,
      waitsMs: [],
      recoveredByItself: null,
      recoveryRequests: null,
      usableAfter: true,
      keyOnServer: onServer.length === 1,
      ...(signedOut ? { signedOut } : {}),
      answeredInMs
    })
  })

  if (applicable('delete')) it('delete: deletes at most once, typed error while the fault lasts, recovers by itself', async () => {
    const w = await world(c, { signIn: true })
    sandbox.seedKeys(w.token, 2, `Delete target ${c.id}`)
    const [target, second] = sandbox.listKeysOf(w.token).filter((k) => k.name.startsWith(`Delete target ${c.id}`))
    if (!target || !second) throw new Error('seeding failed')
    valueOf(await w.app.services.handlers['keys:list']({ accountId: w.accountId })) // the window shows the key before deleting it
    w.traffic.reset()

    if (c.id === '404-delete') {
      // Deleted elsewhere (another device, the dashboard) between the list and the click.
      const other = await fetch(`${sandbox.baseUrl}/user/api-keys/${target.id}`, {
        method: 'DELETE',
        headers: { Authorization: `Bearer ${w.token}`, Accept: 'application/json' }
      })
      expect(other.status).toBe(200)
      const start = Date.now()
      const logged = sandbox.requests.length
      const result = valueOf(await within(w.app.services.handlers['keys:delete']({ accountId: w.accountId, id: target.id }), maxAnswerMs(c), 'delete'))
      expect(result).toEqual({ accountId: w.accountId, id: target.id, alreadyGone: true, signedOut: false })
      expect(w.traffic.count('DELETE', new RegExp(`/${target.id}$`))).toBe(1)
      expect(sandbox.requests.slice(logged).filter((r) => r.method === 'DELETE').map((r) => r.status)).toEqual([404])
      expect((await w.app.services.keys.cached(w.accountId))?.keys.some((k) => k.id === target.id)).toBe(false)
      // Still usable: another delete works normally.
      expect(valueOf(await w.app.services.handlers['keys:delete']({ accountId: w.accountId, id: second.id }))).toEqual({
        accountId: w.accountId,
        id: second.id,
        alreadyGone: false,
        signedOut: false
      })
      record(c.id, 'delete', {
        applicable: true,
        kind: 'ok',
        message: null,
        status: 404,
        requestsSent: 1,
        requestsReceived: 1,
        waitsMs: [],
        recoveredByItself: null,
        recoveryRequests: null,
        usableAfter: true,
        answeredInMs: Date.now() - start,
        note: 'answered as deleted (alreadyGone: true); the row leaves the list and the cache'
      })
      return
    }

    const start = Date.now()
    let remove = await inject(c, 'delete', c.persistentFault ?? c.fault)
    const result = await within(w.app.services.handlers['keys:delete']({ accountId: w.accountId, id: target.id }), maxAnswerMs(c), 'delete')
    const answeredInMs = Date.now() - start
    const error = expectError(result, c.readKind, c.readMessage)
    const requestsSent = w.traffic.count('DELETE')
    expect(requestsSent).toBe(c.retried && !c.persistentFault ? DEFAULT_RETRY_POLICY.maxAttempts : 1)
    const waitsMs = [...w.traffic.sleeps]
    const requestsReceived = received('delete', start)
    // Never more than the one key deleted, and only when the server processed the request.
    const live = sandbox.listKeysOf(w.token).map((k) => k.id)
    expect(live).toContain(second.id)
    expect(live.includes(target.id)).toBe(!c.processed)
    let signedOut: boolean | undefined
    if (c.readKind === 'unauthenticated') {
      await expectSignedOutByRevocation(w)
      signedOut = true
    } else {
      // Not claimed as deleted: the cached list still has it until the server says otherwise.
      expect((await w.app.services.keys.cached(w.accountId))?.keys.some((k) => k.id === target.id)).toBe(true)
    }
    await remove()
    if (signedOut) await signInAgain(w)

    w.traffic.reset()
    let recoveredByItself: boolean | null = null
    let recoveryRequests: number | null = null
    let deletedSecond = false
    if (c.retried) {
      remove = await inject(c, 'delete', c.fault)
      recoverDuringBackoff(w.traffic, remove)
      const recovered = valueOf(await within(w.app.services.handlers['keys:delete']({ accountId: w.accountId, id: second.id }), maxAnswerMs(c), 'delete (transient)'))
      expect(recovered).toEqual({ accountId: w.accountId, id: second.id, alreadyGone: false, signedOut: false })
      recoveryRequests = w.traffic.count('DELETE')
      expect(recoveryRequests).toBeLessThanOrEqual(DEFAULT_RETRY_POLICY.maxAttempts)
      recoveredByItself = true
      deletedSecond = true
      await remove()
    }
    // Usable afterwards: deleting the first key again succeeds (it may already be gone).
    const again = valueOf(await w.app.services.handlers['keys:delete']({ accountId: w.accountId, id: target.id }))
    expect(again).toMatchObject({ id: target.id, alreadyGone: c.processed, signedOut: false })
    if (!deletedSecond) valueOf(await w.app.services.handlers['keys:delete']({ accountId: w.accountId, id: second.id }))
    const remaining = sandbox.listKeysOf(w.token).map((k) => k.id)
    expect(remaining).not.toContain(target.id)
    expect(remaining).not.toContain(second.id)
    const list = valueOf(await w.app.services.handlers['keys:list']({ accountId: w.accountId }))
    expect(list.keys.map((k) => k.id)).toEqual(remaining)
    record(c.id, 'delete', {
      applicable: true,
      ...errorFacts(error),
      requestsSent,
      requestsReceived,
      waitsMs,
      recoveredByItself,
      recoveryRequests,
      usableAfter: true,
      ...(signedOut ? { signedOut } : {}),
      answeredInMs,
      ...(c.processed ? { note: 'the first attempt deleted the key; the error does not claim otherwise and a retry answers “already gone”' } : {})
    })
  })
})

describe('Retry-After with real time (no stubbed sleep)', () => {
  it('a read waits out a 429 and a 503 Retry-After of 1 s before retrying, then succeeds', async () => {
    const traffic = new ClientTraffic()
    const options = traffic.clientOptions(2_000)
    delete options.sleep // the client's real setTimeout sleep
    app = await createTestApp({ client: options })
    const email = uniqueEmail('retry-after')
    const { token } = sandbox.createAccount({ name: 'Patient', email, totalBalance: 1 })
    valueOf(await app.services.handlers['accounts:add']({ baseUrl: sandbox.baseUrl, apiKey: token }))
    const accountId = `${email} on ${sandbox.baseUrl}`

    for (const fault of [{ type: 'rate-limit', retryAfterSeconds: 1 }, { type: 'status', status: 503, headers: { 'Retry-After': '1' } }] as Fault[]) {
      traffic.reset()
      sandbox.faults.add({ method: 'GET', path: '/user/api-keys', times: 1, fault })
      const started = Date.now()
      const list = valueOf(await app.services.handlers['keys:list']({ accountId }))
      const elapsed = Date.now() - started
      expect(list.fromCache).toBe(false)
      const gets = traffic.sent.filter((r) => r.method === 'GET')
      expect(gets).toHaveLength(2)
      // The second attempt left at least the asked second after the first.
      expect(gets[1]!.at - gets[0]!.at).toBeGreaterThanOrEqual(990)
      expect(elapsed).toBeGreaterThanOrEqual(990)
      expect(elapsed).toBeLessThan(4_000)
    }
  })
})

describe('an HTML 404 page (a proxy, a CDN, or a base URL pointing at a web site)', () => {
  // The API answers 404 as JSON ({"message":"API key not found."}); an HTML 404 page means the
  // request never reached the Autocalls API, so nothing was found, deleted, or not deleted.
  const PAGE = '<!DOCTYPE html><html><head><title>404 Not Found</title></head><body><h1>Not Found</h1><hr><address>nginx</address></body></html>'
  const page404: Fault = { type: 'status', status: 404, body: PAGE, contentType: 'text/html' }
  const direct = CASES.find((c) => c.id === '500')! // any case that talks to the sandbox directly

  it('a delete answered by an HTML 404 page is not reported as done, and the key stays listed', async () => {
    const w = await world(direct, { signIn: true })
    sandbox.seedKeys(w.token, 1, 'Behind a proxy')
    const target = sandbox.listKeysOf(w.token).find((k) => k.name === 'Behind a proxy 1')!
    valueOf(await w.app.services.handlers['keys:list']({ accountId: w.accountId }))
    sandbox.faults.add({ method: 'DELETE', times: Infinity, fault: page404 })
    const result = await w.app.services.handlers['keys:delete']({ accountId: w.accountId, id: target.id })
    // Still on the server, so the app must not say it is gone, nor drop it from the list.
    expect(sandbox.listKeysOf(w.token).some((k) => k.id === target.id)).toBe(true)
    expect(result.ok, JSON.stringify(result)).toBe(false)
    expect((await w.app.services.keys.cached(w.accountId))?.keys.some((k) => k.id === target.id)).toBe(true)
  })

  it('a list or sign-in answered by an HTML 404 page says to check the API base URL', async () => {
    const w = await world(direct, { signIn: false })
    sandbox.faults.add({ method: 'GET', times: Infinity, fault: page404 })
    const signIn = await w.app.services.handlers['accounts:add']({ baseUrl: sandbox.baseUrl, apiKey: w.token })
    expect(signIn).toMatchObject({ ok: false, error: { message: expect.stringMatching(/HTTP 404.*API base URL|API base URL.*HTTP 404/) } })
    sandbox.faults.clear()
    valueOf(await w.app.services.handlers['accounts:add']({ baseUrl: sandbox.baseUrl, apiKey: w.token }))
    sandbox.faults.add({ method: 'GET', times: Infinity, fault: page404 })
    const list = await w.app.services.handlers['keys:list']({ accountId: w.accountId })
    expect(list).toMatchObject({ ok: false, error: { message: expect.stringMatching(/HTTP 404.*API base URL|API base URL.*HTTP 404/) } })
  })
})
