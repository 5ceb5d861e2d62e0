/**
 * An in-memory stand-in for `window.autocalls`, typed as the real `AutocallsApi`: a change to the
 * bridge contract breaks this file at compile time.
 *
 * By default it behaves like a small, consistent app (sign-in with `validApiKey`, keys created
 * and deleted in memory, pending tokens held until confirmed). Tests script it per method:
 *   fake.next('keys.create', failure)      one-shot answer (queue)
 *   fake.always('keys.list', failure)      every answer until fake.reset('keys.list')
 *   const d = fake.defer('session.signIn') the next call waits: d.resolve(r) / d.fail(e) / d.proceed()
 *   fake.calls('keys.create')              arguments of every call so far
 *   fake.emitSessionEnded(reason), fake.emitMenuCommand('new-key')
 */
import type { AutocallsApi } from '../../src/shared/bridge-api'
import {
  DEFAULT_BASE_URL,
  DEFAULT_PREFERENCES,
  INITIAL_CACHED_KEYS,
  type AccountSummary,
  type KeyListItem,
  type KeyListView,
  type MenuCommand,
  type PendingTokenView,
  type Preferences,
  type SessionView
} from '../../src/shared/domain'
import type { AppError, AppErrorKind, Result } from '../../src/shared/errors'

type Api = AutocallsApi

export { INITIAL_CACHED_KEYS }

/** "group.method" for every request/response method of the bridge (events excluded). */
export type MethodName = {
  [G in keyof Api]: {
    [M in keyof Api[G]]: Api[G][M] extends (...args: never[]) => Promise<unknown> ? `${G & string}.${M & string}` : never
  }[keyof Api[G]]
}[keyof Api]

type MethodOf<N extends MethodName> = N extends `${infer G}.${infer M}`
  ? G extends keyof Api
    ? M extends keyof Api[G]
      ? Api[G][M] extends (...args: never[]) => unknown
        ? Api[G][M]
        : never
      : never
    : never
  : never

export type ArgsOf<N extends MethodName> = Parameters<MethodOf<N>>
export type ResultOf<N extends MethodName> = Awaited<ReturnType<MethodOf<N>>>
type Handler<N extends MethodName> = (...args: ArgsOf<N>) => ResultOf<N> | Promise<ResultOf<N>>
/** A fixed answer, or a function of the call's arguments. */
export type Responder<N extends MethodName> = ResultOf<N> | Handler<N>

/** A call held open by `defer`, to observe busy states. */
export interface Deferred<N extends MethodName> {
  /** Resolves with the call's arguments once the call has been made. */
  readonly called: Promise<ArgsOf<N>>
  resolve(result: ResultOf<N>): void
  fail(error: ErrorInput): void
  /** Answers as the fake would have without the deferral. */
  proceed(): void
}

export type ErrorInput = { kind: AppErrorKind; message?: string } & Partial<Omit<AppError, 'kind' | 'message'>>

export const ok = <T>(value: T): Result<T> => ({ ok: true, value })
export const failure = (input: ErrorInput): { ok: false; error: AppError } => ({
  ok: false,
  error: { message: `Fake ${input.kind} error.`, ...input }
})

// ---------- fixtures ----------

export const ACCOUNT: AccountSummary = {
  id: `ada@example.com on ${DEFAULT_BASE_URL}`,
  baseUrl: DEFAULT_BASE_URL,
  profile: { name: 'Ada Lovelace', email: 'ada@example.com', totalBalance: 1234.5 },
  isSandbox: false
}

export const SANDBOX_ACCOUNT: AccountSummary = {
  id: 'demo@sandbox.local on http://127.0.0.1:4010/api',
  baseUrl: 'http://127.0.0.1:4010/api',
  profile: { name: 'Sandbox Demo', email: 'demo@sandbox.local', totalBalance: 50 },
  isSandbox: true
}

export const signedIn = (account: AccountSummary = ACCOUNT, verified = true): SessionView => ({ state: 'signed-in', account, verified })

const DAY = 24 * 3600 * 1000
export const isoAgo = (ms: number, now = Date.now()): string => new Date(now - ms).toISOString()
export const daysAgo = (days: number): string => isoAgo(days * DAY)

/** One key; by default created 10 days ago and never used. */
export const makeKey = (id: number, overrides: Partial<KeyListItem> = {}): KeyListItem => ({
  id,
  name: `Key ${id}`,
  createdAt: daysAgo(10),
  lastUsedAt: null,
  isAppKey: false,
  ...overrides
})

/** `count` keys with distinct names and dates (key 1 is the oldest). */
export const makeKeys = (count: number): KeyListItem[] =>
  Array.from({ length: count }, (_, index) => {
    const id = index + 1
    return makeKey(id, {
      name: `Key ${String(id).padStart(5, '0')}`,
      createdAt: isoAgo((count - index) * 60_000),
      lastUsedAt: id % 3 === 0 ? null : isoAgo(id * 1000)
    })
  })

export const REVOKED_REASON = 'The API key this app signs in with was rejected by the server.'
export const OWN_KEY_REASON_FROM_MAIN = 'You deleted the API key this app signed in with, so Autocalls Keys has signed out.'

/** The in-memory "main process" the default handlers act on. Tests may edit it directly. */
export interface FakeModel {
  session: SessionView
  /** The server's keys. */
  keys: KeyListItem[]
  /** What `app.getInitialState` reports as the on-disk cache. */
  cachedKeys: KeyListView | null
  preferences: Preferences
  pendingTokens: PendingTokenView[]
  /** The only API key `session.signIn` accepts. */
  validApiKey: string
  nextKeyId: number
}

export interface FakeOptions {
  session?: SessionView
  keys?: KeyListItem[]
  cachedKeys?: KeyListView | null
  pendingTokens?: PendingTokenView[]
  preferences?: Preferences
}

export interface FakeApi {
  /** Pass this as `window.autocalls`. */
  readonly api: AutocallsApi
  readonly model: FakeModel
  next<N extends MethodName>(method: N, responder: Responder<N>): void
  /** Shorthand for `next(method, failure(error))`. */
  failNext<N extends MethodName>(method: N, error: ErrorInput): void
  always<N extends MethodName>(method: N, responder: Responder<N>): void
  reset(method: MethodName): void
  defer<N extends MethodName>(method: N): Deferred<N>
  calls<N extends MethodName>(method: N): ArgsOf<N>[]
  callCount(method: MethodName): number
  emitSessionEnded(reason: string): void
  emitMenuCommand(command: MenuCommand): void
  emitTokenWaiting(pendingId: string): void
  /** Live subscriptions per event (to check that the app unsubscribes). */
  listenerCount(event: 'session-ended' | 'menu-command' | 'token-waiting'): number
}

/** Creates a fake; signed out with no keys unless told otherwise. */
export function createFakeApi(options: FakeOptions = {}): FakeApi {
  const model: FakeModel = {
    session: options.session ?? { state: 'signed-out' },
    keys: options.keys ?? [],
    cachedKeys: options.cachedKeys ?? null,
    preferences: options.preferences ?? DEFAULT_PREFERENCES,
    pendingTokens: options.pendingTokens ?? [],
    validApiKey: 'ak_live_good',
    nextKeyId: Math.max(100, ...(options.keys ?? []).map((key) => key.id + 1))
  }
  const endedListeners = new Set<(payload: { reason: string }) => void>()
  const menuListeners = new Set<(payload: { command: MenuCommand }) => void>()
  const waitingListeners = new Set<(payload: { pendingId: string }) => void>()
  const createdByRequest = new Map<string, string>()
  let pendingCounter = 0

  const emitSessionEnded = (reason: string) => {
    for (const listener of [...endedListeners]) listener({ reason })
  }
  const listView = (): KeyListView => ({ keys: model.keys.map((key) => ({ ...key })), fetchedAt: new Date().toISOString(), fromCache: false })
  const requireSession = (): AppError | null =>
    model.session.state === 'signed-in' ? null : { kind: 'not_signed_in', message: 'You are signed out. Sign in to manage your API keys.' }

  // The default behaviour of every method. A method added to the contract must be added here.
  const defaults: { [N in MethodName]: Handler<N> } = {
    'app.getInitialState': () =>
      ok({
        session: model.session,
        // Like main: only the first screenful, newest first; the rest comes from keys.getCached.
        cachedKeys: model.cachedKeys && {
          ...model.cachedKeys,
          keys: [...model.cachedKeys.keys].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id - a.id).slice(0, INITIAL_CACHED_KEYS)
        },
        cachedKeyCount: model.cachedKeys?.keys.length ?? 0,
        preferences: model.preferences,
        pendingTokens: model.pendingTokens.map((item) => ({ ...item }))
      }),
    'keys.getCached': () => ok(model.cachedKeys),
    'session.restore': () => {
      if (model.session.state === 'signed-in') model.session = { ...model.session, verified: true }
      return ok(model.session)
    },
    'session.signIn': (baseUrl, apiKey) => {
      if (apiKey.trim() !== model.validApiKey) {
        return failure({ kind: 'unauthenticated', message: 'The server did not accept the API key (HTTP 401).', status: 401 })
      }
      model.session = signedIn({ ...ACCOUNT, baseUrl, id: `ada@example.com on ${baseUrl}` })
      return ok(model.session)
    },
    'session.startSandbox': () => {
      model.session = signedIn(SANDBOX_ACCOUNT)
      return ok(model.session)
    },
    'session.signOut': () => {
      model.session = { state: 'signed-out' }
      return ok(model.session)
    },
    'keys.list': () => {
      const error = requireSession()
      return error ? { ok: false, error } : ok(listView())
    },
    'keys.create': (name, requestId) => {
      const error = requireSession()
      if (error) return { ok: false, error }
      if (createdByRequest.has(requestId)) {
        return failure({ kind: 'invalid_request', message: 'This key was already created; its token is shown in the open dialog.' })
      }
      const trimmed = name.trim()
      const id = model.nextKeyId++
      const key: KeyListItem = { id, name: trimmed, createdAt: new Date().toISOString(), lastUsedAt: null, isAppKey: false }
      model.keys = [key, ...model.keys]
      const pendingId = `pending-${++pendingCounter}`
      const token = `${id}|fakeSecretToken${id}xyz`
      model.pendingTokens.push({ pendingId, token, keyName: trimmed, keyId: id, expiresAt: new Date(Date.now() + 1_800_000).toISOString() })
      createdByRequest.set(requestId, pendingId)
      return ok({ key, pendingId, token, idConfirmed: true, list: listView() })
    },
    'keys.delete': (id) => {
      const error = requireSession()
      if (error) return { ok: false, error }
      const key = model.keys.find((item) => item.id === id)
      if (!key) return ok({ id, alreadyGone: true, signedOut: false })
      model.keys = model.keys.filter((item) => item.id !== id)
      if (key.isAppKey) {
        // Like main: the session ends (and the event goes out) before the answer.
        model.session = { state: 'signed-out', reason: OWN_KEY_REASON_FROM_MAIN }
        emitSessionEnded(OWN_KEY_REASON_FROM_MAIN)
        return ok({ id, alreadyGone: false, signedOut: true })
      }
      return ok({ id, alreadyGone: false, signedOut: false })
    },
    'token.listPending': () => ok(model.pendingTokens.map((item) => ({ ...item }))),
    'token.copy': (pendingId) =>
      model.pendingTokens.some((item) => item.pendingId === pendingId)
        ? ok({ clearsInSeconds: model.preferences.clipboardClearSeconds })
        : failure({ kind: 'token_gone', message: 'This token is no longer held by the app.' }),
    'token.confirmSaved': (pendingId) => {
      model.pendingTokens = model.pendingTokens.filter((item) => item.pendingId !== pendingId)
      return ok(null)
    },
    'preferences.update': (changes) => {
      model.preferences = { ...model.preferences, ...changes }
      return ok(model.preferences)
    },
    'shell.openExternal': () => ok(null)
  }

  const oneShot = new Map<MethodName, Array<Responder<never> | Deferred<never>>>()
  const persistent = new Map<MethodName, Responder<never>>()
  const callLog = new Map<MethodName, unknown[][]>()
  const deferredCalls = new WeakMap<object, (args: unknown[], fallback: () => Promise<unknown>) => Promise<unknown>>()

  const answer = <N extends MethodName>(responder: Responder<N>, args: ArgsOf<N>): Promise<ResultOf<N>> =>
    Promise.resolve(typeof responder === 'function' ? (responder as Handler<N>)(...args) : responder)

  function dispatch<N extends MethodName>(method: N, args: ArgsOf<N>): Promise<ResultOf<N>> {
    const log = callLog.get(method) ?? []
    log.push([...args])
    callLog.set(method, log)
    const queued = oneShot.get(method)?.shift() as Responder<N> | Deferred<N> | undefined
    const fallback = () => answer(persistent.get(method) ?? (defaults[method] as Handler<N>), args)
    if (queued !== undefined && typeof queued === 'object' && queued !== null && deferredCalls.has(queued)) {
      return deferredCalls.get(queued)!(args, fallback) as Promise<ResultOf<N>>
    }
    if (queued !== undefined) return answer(queued as Responder<N>, args)
    return fallback()
  }

  const api: AutocallsApi = {
    app: {
      getInitialState: () => dispatch('app.getInitialState', [])
    },
    session: {
      restore: () => dispatch('session.restore', []),
      signIn: (baseUrl, apiKey) => dispatch('session.signIn', [baseUrl, apiKey]),
      startSandbox: () => dispatch('session.startSandbox', []),
      signOut: () => dispatch('session.signOut', []),
      onEnded: (listener) => {
        endedListeners.add(listener)
        return () => {
          endedListeners.delete(listener)
        }
      }
    },
    keys: {
      list: () => dispatch('keys.list', []),
      getCached: () => dispatch('keys.getCached', []),
      create: (name, requestId) => dispatch('keys.create', [name, requestId]),
      delete: (id) => dispatch('keys.delete', [id])
    },
    token: {
      listPending: () => dispatch('token.listPending', []),
      copy: (pendingId) => dispatch('token.copy', [pendingId]),
      confirmSaved: (pendingId) => dispatch('token.confirmSaved', [pendingId]),
      onWaiting: (listener) => {
        waitingListeners.add(listener)
        return () => {
          waitingListeners.delete(listener)
        }
      }
    },
    preferences: {
      update: (changes) => dispatch('preferences.update', [changes])
    },
    shell: {
      openExternal: (url) => dispatch('shell.openExternal', [url])
    },
    menu: {
      onCommand: (listener) => {
        menuListeners.add(listener)
        return () => {
          menuListeners.delete(listener)
        }
      }
    }
  }

  const enqueue = (method: MethodName, item: Responder<never> | Deferred<never>) => {
    const queue = oneShot.get(method) ?? []
    queue.push(item)
    oneShot.set(method, queue)
  }

  return {
    api,
    model,
    next: (method, responder) => enqueue(method, responder as Responder<never>),
    failNext: (method, error) => enqueue(method, failure(error) as never),
    always: (method, responder) => persistent.set(method, responder as Responder<never>),
    reset: (method) => {
      persistent.delete(method)
      oneShot.delete(method)
    },
    defer: <N extends MethodName>(method: N): Deferred<N> => {
      let settle!: (value: ResultOf<N>) => void
      let markCalled!: (args: ArgsOf<N>) => void
      let runFallback: (() => Promise<unknown>) | null = null
      const called = new Promise<ArgsOf<N>>((resolve) => (markCalled = resolve))
      const result = new Promise<ResultOf<N>>((resolve) => (settle = resolve))
      const deferred: Deferred<N> = {
        called,
        resolve: (value) => settle(value),
        fail: (error) => settle(failure(error) as ResultOf<N>),
        proceed: () => {
          if (!runFallback) throw new Error(`proceed() before ${method} was called`)
          void runFallback().then((value) => settle(value as ResultOf<N>))
        }
      }
      deferredCalls.set(deferred, (args, fallback) => {
        runFallback = fallback
        markCalled(args as ArgsOf<N>)
        return result
      })
      enqueue(method, deferred as unknown as Deferred<never>)
      return deferred
    },
    calls: <N extends MethodName>(method: N) => (callLog.get(method) ?? []) as ArgsOf<N>[],
    callCount: (method) => callLog.get(method)?.length ?? 0,
    emitSessionEnded,
    emitMenuCommand: (command) => {
      for (const listener of [...menuListeners]) listener({ command })
    },
    emitTokenWaiting: (pendingId) => {
      for (const listener of [...waitingListeners]) listener({ pendingId })
    },
    listenerCount: (event) =>
      event === 'session-ended' ? endedListeners.size : event === 'menu-command' ? menuListeners.size : waitingListeners.size
  }
}
