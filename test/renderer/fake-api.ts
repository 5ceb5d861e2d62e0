/**
 * An in-memory stand-in for `window.autocalls`, typed as the real `AutocallsApi`: a method or an
 * event added to (or removed from) the bridge contract breaks this file at compile time, because
 * both the bridge object and the table of default answers are checked against it.
 *
 * By default it behaves like main with several accounts (see src/main/accounts/): every call that
 * acts on an account names it and answers `not_signed_in` for an account that is gone or needs a
 * sign-in; `event:accounts-changed` goes out before the answer that caused it, as main announces
 * before it replies; a 401 ends that account's session only; a create answers from the POST alone
 * with a provisional ("unconfirmed") row and the next `keys.list` confirms it.
 *
 * Tests script it per method or per account:
 *   fake.next('keys.create', failure(...))   one-shot answer (queue)
 *   fake.always('keys.list', responder)      every answer until fake.reset('keys.list')
 *   fake.defaultOf('keys.list')(request)     what the fake would answer (to wrap in a responder)
 *   const d = fake.defer('accounts.add')     the next call waits: d.resolve(r) / d.fail(e) / d.proceed()
 *   const h = fake.holdServer(accountId)     the next server request of that account waits: h.release()
 *   fake.setFault(accountId, error)          every server request of that account fails, with main's state rules
 *   fake.calls('keys.create')                arguments of every call so far
 *   fake.emitAccountsChanged(), fake.emitMenuCommand('show-account', id), fake.emitTokenWaiting(...)
 */
import type { AutocallsApi } from '../../src/shared/bridge-api'
import {
  accountLabel,
  DEFAULT_BASE_URL,
  DEFAULT_PREFERENCES,
  INITIAL_CACHED_KEYS,
  type AccountId,
  type AccountStatus,
  type AccountView,
  type BulkDeleteResult,
  type KeyListItem,
  type KeyListView,
  type PendingTokenView,
  type Preferences,
  type UserProfile
} from '../../src/shared/domain'
import type { ActivityEntry, ActivityInput } from '../../src/shared/activity'
import { storedKeyNote, type StoredKeyNote } from '../../src/shared/key-notes'
import { cancelRotation, finishRotation, type RotationRecord } from '../../src/shared/rotation'
import type { AppError, AppErrorKind, Result } from '../../src/shared/errors'
import { SHARED_MESSAGES } from '../../src/shared/messages'

type Api = AutocallsApi

export { INITIAL_CACHED_KEYS, SHARED_MESSAGES }

/** "group.method" for every request/response method of the bridge (events excluded). */
export type MethodName = {
  [G in Exclude<keyof Api, 'on'>]: { [M in keyof Api[G]]: `${G & string}.${M & string}` }[keyof Api[G]]
}[Exclude<keyof Api, 'on'>]

type MethodOf<N extends MethodName> = N extends `${infer G}.${infer M}`
  ? G extends Exclude<keyof Api, 'on'>
    ? M extends keyof Api[G]
      ? Api[G][M]
      : never
    : never
  : never

export type ArgsOf<N extends MethodName> = MethodOf<N> extends (...args: infer A) => unknown ? A : never
export type ResultOf<N extends MethodName> = MethodOf<N> extends (...args: never[]) => Promise<infer R> ? R : never
type Handler<N extends MethodName> = (...args: ArgsOf<N>) => ResultOf<N> | Promise<ResultOf<N>>
/** A fixed answer, or a function of the call's arguments. */
export type Responder<N extends MethodName> = ResultOf<N> | Handler<N>

/** The bridge's events, by their `api.on` name. */
export type EventName = keyof Api['on']
export type EventPayloadOf<E extends EventName> = Parameters<Parameters<Api['on'][E]>[0]>[0]
type Listener<E extends EventName> = (payload: EventPayloadOf<E>) => void

/** A call held open by `defer`, to observe busy states and races. */
export interface Deferred<N extends MethodName> {
  /** Resolves with the call's arguments once the call has been made. */
  readonly called: Promise<ArgsOf<N>>
  resolve(result: ResultOf<N>): void
  fail(error: ErrorInput): void
  /** Answers as the fake would have without the deferral (its effects happen now, not at the call). */
  proceed(): void
}

/** The next server request of one account, held until released. */
export interface ServerHold {
  /** Resolves once a request of that account reached the "server". */
  readonly reached: Promise<void>
  release(): void
}

export type ErrorInput = { kind: AppErrorKind; message?: string } & Partial<Omit<AppError, 'kind' | 'message'>>

export const ok = <T>(value: T): Result<T> => ({ ok: true, value })
export const failure = (input: ErrorInput): { ok: false; error: AppError } => ({
  ok: false,
  error: { message: `Fake ${input.kind} error.`, ...input }
})

// ---------- fixtures ----------

/** An account as main reports it; `id` follows main's rule ("email on baseUrl"). */
export function makeAccount(
  profile: Partial<UserProfile> & { email: string },
  overrides: Partial<Omit<AccountView, 'id' | 'profile'>> = {}
): AccountView {
  const baseUrl = overrides.baseUrl ?? DEFAULT_BASE_URL
  return {
    id: `${profile.email} on ${baseUrl}`,
    baseUrl,
    profile: { name: null, totalBalance: null, ...profile },
    isSandbox: false,
    colorIndex: 0,
    status: 'ready',
    problem: null,
    refreshing: false,
    verified: false,
    keyCount: null,
    neverUsedCount: null,
    lastRefreshedAt: null,
    pacing: null,
    notice: null,
    ...overrides
  }
}

/** An agency's own account on the default host. */
export const ADA = makeAccount({ name: 'Ada Lovelace', email: 'ada@example.com', totalBalance: 1234.5 }, { colorIndex: 0 })
/** A client account on a white-label host. */
export const GRACE = makeAccount(
  { name: 'Grace Hopper', email: 'grace@client.example', totalBalance: 20 },
  { baseUrl: 'https://voice.agency.example/api', colorIndex: 1 }
)
/** A third account without a name, on the default host. */
export const LIN = makeAccount({ email: 'lin@example.org', totalBalance: 0 }, { colorIndex: 2 })

/** The API keys the fake's "servers" accept at sign-in, and whose they are. */
export const API_KEYS = { ada: 'ak_live_ada', grace: 'ak_live_grace', lin: 'ak_live_lin' } as const

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

/** `count` keys with distinct names and dates (key `first` is the oldest). */
export const makeKeys = (count: number, first = 1, prefix = 'Key'): KeyListItem[] =>
  Array.from({ length: count }, (_, index) => {
    const id = first + index
    return makeKey(id, {
      name: `${prefix} ${String(id).padStart(5, '0')}`,
      createdAt: isoAgo((count - index) * 60_000),
      lastUsedAt: id % 3 === 0 ? null : isoAgo(id * 1000)
    })
  })

/** What an account of the fake is made of: what main reports, the server's keys, the disk cache. */
export interface AccountSeed {
  account: AccountView
  /** The server's keys. */
  keys?: KeyListItem[]
  /** The on-disk cache from an earlier run (what the initial state and keys.getCached report). */
  cached?: { keys: KeyListItem[]; fetchedAt: string } | null
  notes?: Record<string, StoredKeyNote>
  rotations?: RotationRecord[]
}

/** One account in the fake's "main process". Tests may edit it (then call emitAccountsChanged). */
export interface FakeAccount {
  view: AccountView
  keys: KeyListItem[]
  cached: { keys: KeyListItem[]; fetchedAt: string } | null
  /** Every server request of this account fails with this, until cleared. */
  fault: ErrorInput | null
  /** This computer's notes on the account's keys, by key id. */
  notes: Record<string, StoredKeyNote>
  rotations: RotationRecord[]
}

/** Someone the fake's servers know: what `accounts.add` verifies an API key against. */
export interface KnownPerson {
  profile: UserProfile
  /** Their keys on the server, for an account not yet in the app. */
  keys: KeyListItem[]
}

/** The in-memory "main process" the default handlers act on. Tests may edit it directly. */
export interface FakeModel {
  /** In the switcher's order. */
  accounts: FakeAccount[]
  /** The account the window showed last (what the initial state reports). */
  shownAccountId: AccountId | null
  preferences: Preferences
  pendingTokens: PendingTokenView[]
  /** API key → whose it is: the only keys `accounts.add` accepts (on any base URL). */
  people: Record<string, KnownPerson>
  /** How many sandbox servers were started. */
  sandboxCount: number
  nextKeyId: number
  /** The activity log, newest first. */
  activity: ActivityEntry[]
  /** What app.setVisibility last said. */
  visible: boolean | null
}

export interface FakeOptions {
  accounts?: Array<AccountSeed | AccountView>
  shownAccountId?: AccountId | null
  pendingTokens?: PendingTokenView[]
  preferences?: Preferences
  /** Keys for the accounts added at sign-in (by the default people: Ada, Grace and Lin). */
  signInKeys?: Partial<Record<keyof typeof API_KEYS, KeyListItem[]>>
}

/** The keys and the token of the built-in sandbox account. */
export const SANDBOX_KEYS = (): KeyListItem[] => [
  makeKey(1, { name: 'Sandbox demo', isAppKey: true, createdAt: daysAgo(30) }),
  makeKey(2, { name: 'Staging CRM', createdAt: daysAgo(20), lastUsedAt: daysAgo(1) }),
  makeKey(3, { name: 'Old import script', createdAt: daysAgo(200) })
]

export interface FakeApi {
  /** Pass this as `window.autocalls`. */
  readonly api: AutocallsApi
  readonly model: FakeModel
  /** The account's record in the fake (throws for an unknown one). */
  account(accountId: AccountId): FakeAccount
  next<N extends MethodName>(method: N, responder: Responder<N>): void
  /** Shorthand for `next(method, failure(error))`. */
  failNext<N extends MethodName>(method: N, error: ErrorInput): void
  always<N extends MethodName>(method: N, responder: Responder<N>): void
  reset(method: MethodName): void
  /** The fake's own behaviour for a method, to call from a responder. */
  defaultOf<N extends MethodName>(method: N): Handler<N>
  defer<N extends MethodName>(method: N): Deferred<N>
  /** Holds the next server request (list, create, delete, refresh-all) of one account. */
  holdServer(accountId: AccountId): ServerHold
  /** Makes every server request of the account fail (null: the server works again). */
  setFault(accountId: AccountId, error: ErrorInput | null): void
  /** Ends an account's session as main does after a 401 (needs sign-in, event sent). */
  endSession(accountId: AccountId, reason?: string): void
  calls<N extends MethodName>(method: N): ArgsOf<N>[]
  callCount(method: MethodName): number
  /** Requests that named this account, over every method (e.g. "B's list was never asked for"). */
  callsFor(accountId: AccountId): Array<{ method: MethodName; args: unknown[] }>
  /** Sends `event:accounts-changed` with the model's accounts, as main does after a change. */
  emitAccountsChanged(): void
  emit<E extends EventName>(event: E, payload: EventPayloadOf<E>): void
  emitMenuCommand(command: EventPayloadOf<'menuCommand'>['command'], accountId?: AccountId): void
  emitTokenWaiting(pendingId: string, accountId: AccountId): void
  /** Live subscriptions per event (to check that the app unsubscribes). */
  listenerCount(event: EventName): number
}

const toSeed = (input: AccountSeed | AccountView): AccountSeed => ('account' in input ? input : { account: input })
const NEW_FOR_MS = 7 * DAY
const countNeverUsed = (keys: readonly KeyListItem[], now = Date.now()): number =>
  keys.filter((key) => key.lastUsedAt === null && !key.lastUsedUnreadable && Date.parse(key.createdAt) <= now - NEW_FOR_MS).length
const newestFirst = (keys: readonly KeyListItem[]): KeyListItem[] =>
  [...keys].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id - a.id)
const copyView = (view: AccountView): AccountView => ({ ...view, profile: { ...view.profile }, problem: view.problem && { ...view.problem } })

/** Creates a fake; without accounts (the first-run sign-in screen) unless told otherwise. */
export function createFakeApi(options: FakeOptions = {}): FakeApi {
  const seeds = (options.accounts ?? []).map(toSeed)
  const model: FakeModel = {
    accounts: seeds.map((seed) => ({
      view: copyView(seed.account),
      keys: seed.keys ?? [],
      cached: seed.cached ?? null,
      fault: null,
      notes: { ...(seed.notes ?? {}) },
      rotations: [...(seed.rotations ?? [])]
    })),
    shownAccountId: options.shownAccountId === undefined ? (seeds[0]?.account.id ?? null) : options.shownAccountId,
    preferences: options.preferences ?? DEFAULT_PREFERENCES,
    pendingTokens: options.pendingTokens ?? [],
    people: {
      [API_KEYS.ada]: { profile: { ...ADA.profile }, keys: options.signInKeys?.ada ?? [] },
      [API_KEYS.grace]: { profile: { ...GRACE.profile }, keys: options.signInKeys?.grace ?? [] },
      [API_KEYS.lin]: { profile: { ...LIN.profile }, keys: options.signInKeys?.lin ?? [] }
    },
    sandboxCount: 0,
    activity: [],
    visible: null,
    nextKeyId: Math.max(100, ...seeds.flatMap((seed) => (seed.keys ?? []).map((key) => key.id + 1)))
  }

  const listeners: { [E in EventName]: Set<Listener<E>> } = {
    accountsChanged: new Set(),
    menuCommand: new Set(),
    tokenWaiting: new Set(),
    keysUpdated: new Set(),
    batchProgress: new Set()
  }
  const emit = <E extends EventName>(event: E, payload: EventPayloadOf<E>): void => {
    for (const listener of [...listeners[event]]) listener(payload)
  }
  const subscribe =
    <E extends EventName>(event: E) =>
    (listener: Listener<E>) => {
      listeners[event].add(listener)
      return () => {
        listeners[event].delete(listener)
      }
    }

  const views = (): AccountView[] => model.accounts.map((record) => copyView(record.view))
  const emitAccountsChanged = () => emit('accountsChanged', { accounts: views() })
  const find = (accountId: AccountId): FakeAccount | undefined => model.accounts.find((record) => record.view.id === accountId)
  const account = (accountId: AccountId): FakeAccount => {
    const record = find(accountId)
    if (!record) throw new Error(`The fake has no account ${accountId}`)
    return record
  }
  const setStatus = (record: FakeAccount, status: AccountStatus, problem: AppError | null) => {
    record.view = { ...record.view, status, problem }
  }
  const endSession = (accountId: AccountId, reason: string = SHARED_MESSAGES.credentialRevoked) => {
    const record = account(accountId)
    setStatus(record, 'needs-sign-in', { kind: 'not_signed_in', message: reason })
    record.view = { ...record.view, verified: false }
    // Like main: an ended session's cached list goes with it.
    record.cached = null
    emitAccountsChanged()
  }

  /** Like main's withClient: the account must exist and be signed in. */
  const signedInAccount = (accountId: AccountId): FakeAccount | AppError => {
    const record = find(accountId)
    if (!record) return { kind: 'not_signed_in', message: SHARED_MESSAGES.unknownAccount }
    if (record.view.status === 'needs-sign-in') return { kind: 'not_signed_in', message: record.view.problem?.message ?? 'Sign in again.' }
    return record
  }

  const holds = new Map<AccountId, Array<{ wait: Promise<void>; reach: () => void }>>()
  /** One request to the account's server: waits for a hold, applies a fault with main's state rules. */
  const server = async (record: FakeAccount): Promise<AppError | null> => {
    const hold = holds.get(record.view.id)?.shift()
    if (hold) {
      hold.reach()
      await hold.wait
    }
    const fault = record.fault && failure(record.fault).error
    if (!fault) {
      if (record.view.status === 'unreachable' || record.view.status === 'keychain-locked') setStatus(record, 'ready', null)
      record.view = { ...record.view, verified: true }
      return null
    }
    if (fault.kind === 'unauthenticated') {
      setStatus(record, 'needs-sign-in', { kind: 'not_signed_in', message: SHARED_MESSAGES.credentialRevoked })
      record.cached = null
    } else if (fault.kind === 'network' || fault.kind === 'timeout' || fault.kind === 'server') {
      setStatus(record, 'unreachable', fault)
    } else if (fault.kind === 'keychain_unavailable') {
      setStatus(record, 'keychain-locked', fault)
    }
    return fault
  }

  const listView = (record: FakeAccount, fetchedAt: string): KeyListView => ({
    accountId: record.view.id,
    keys: record.keys.map((key) => ({ ...key })),
    fetchedAt,
    fromCache: false,
    notes: { ...record.notes },
    rotations: record.rotations.map((rotation) => ({ ...rotation }))
  })
  /** Main's list: refreshing announced, the server asked, the summary and the cache recorded. */
  const fetchList = async (record: FakeAccount): Promise<Result<KeyListView>> => {
    record.view = { ...record.view, refreshing: true }
    emitAccountsChanged()
    const error = await server(record)
    record.view = { ...record.view, refreshing: false }
    if (error) {
      emitAccountsChanged()
      return { ok: false, error }
    }
    const fetchedAt = new Date().toISOString()
    record.cached = { keys: record.keys.map((key) => ({ ...key })), fetchedAt }
    record.view = { ...record.view, keyCount: record.keys.length, neverUsedCount: countNeverUsed(record.keys), lastRefreshedAt: fetchedAt }
    emitAccountsChanged()
    return ok(listView(record, fetchedAt))
  }

  const nextColor = (): number => {
    const used = new Set(model.accounts.map((record) => record.view.colorIndex))
    for (let index = 0; ; index++) if (!used.has(index)) return index
  }
  const createdByRequest = new Set<string>()
  let pendingCounter = 0
  let activityCounter = 0
  /** Like main's activity recorder: newest first. */
  const record_ = (record: FakeAccount, input: Omit<ActivityInput, 'accountId' | 'accountLabel' | 'outcome'> & { outcome?: ActivityInput['outcome'] }) => {
    model.activity.unshift({
      type: 'entry',
      v: 1,
      id: `activity-${++activityCounter}`,
      at: new Date().toISOString(),
      accountId: record.view.id,
      accountLabel: accountLabel(record.view),
      action: input.action,
      keyId: input.keyId ?? null,
      keyName: input.keyName ?? null,
      relatedKeyId: input.relatedKeyId ?? null,
      outcome: input.outcome ?? 'ok',
      errorKind: input.errorKind ?? null,
      detail: input.detail ?? null,
      source: 'app'
    })
  }
  const forgetKey = (record: FakeAccount, id: number) => {
    record.keys = record.keys.filter((item) => item.id !== id)
    delete record.notes[String(id)]
    if (record.cached) {
      record.cached = { ...record.cached, keys: record.cached.keys.filter((item) => item.id !== id) }
      record.view = { ...record.view, keyCount: record.cached.keys.length, neverUsedCount: countNeverUsed(record.cached.keys) }
    }
  }
  const cancelledBatches = new Set<string>()
  const openRotation = (record: FakeAccount, newKeyId: number): RotationRecord | AppError => {
    const rotation = record.rotations.find((item) => item.newKey.id === newKeyId && item.finishedAt === null)
    return rotation ?? { kind: 'not_found', message: 'There is no open rotation for that key.' }
  }
  const replaceRotation = (record: FakeAccount, next: RotationRecord) => {
    record.rotations = record.rotations.map((item) => (item.newKey.id === next.newKey.id ? next : item))
  }

  // The default behaviour of every method. A method added to the contract must be added here.
  const defaults: { [N in MethodName]: Handler<N> } = {
    'app.getInitialState': () => {
      const shown = find(model.shownAccountId ?? '') ?? model.accounts[0]
      const cached = shown?.cached ?? null
      return ok({
        accounts: views(),
        shownAccountId: shown?.view.id ?? null,
        // Like main: only the first screenful, newest first; the rest comes from keys.getCached.
        cachedKeys:
          shown && cached
            ? {
                accountId: shown.view.id,
                keys: newestFirst(cached.keys).slice(0, INITIAL_CACHED_KEYS),
                fetchedAt: cached.fetchedAt,
                fromCache: true,
                notes: { ...shown.notes },
                rotations: shown.rotations.map((rotation) => ({ ...rotation }))
              }
            : null,
        cachedKeyCount: cached?.keys.length ?? 0,
        preferences: model.preferences,
        pendingTokens: model.pendingTokens.map((item) => ({ ...item }))
      })
    },
    'accounts.list': () => ok(views()),
    'accounts.add': ({ baseUrl, apiKey }) => {
      const person = model.people[apiKey.trim()]
      if (!person) return failure({ kind: 'unauthenticated', message: 'The server did not accept the API key (HTTP 401).', status: 401 })
      const id = `${person.profile.email} on ${baseUrl}`
      let record = find(id)
      const alreadyExisted = record !== undefined
      if (record) {
        setStatus(record, 'ready', null)
      } else {
        const view = makeAccount(person.profile, { baseUrl, colorIndex: nextColor() })
        record = { view, keys: person.keys.map((key) => ({ ...key })), cached: null, fault: null, notes: {}, rotations: [] }
        model.accounts.push(record)
      }
      record.view = { ...record.view, verified: true }
      model.shownAccountId ??= id
      emitAccountsChanged()
      const fetchedAt = new Date().toISOString()
      record.cached = { keys: record.keys.map((key) => ({ ...key })), fetchedAt }
      record.view = { ...record.view, keyCount: record.keys.length, neverUsedCount: countNeverUsed(record.keys), lastRefreshedAt: fetchedAt }
      emitAccountsChanged()
      return ok({ account: copyView(record.view), alreadyExisted, list: listView(record, fetchedAt) })
    },
    'accounts.addSandbox': () => {
      const baseUrl = `http://127.0.0.1:${4010 + model.sandboxCount++}/api`
      const view = makeAccount({ name: 'Sandbox Demo', email: 'demo@sandbox.local', totalBalance: 50 }, { baseUrl, isSandbox: true, colorIndex: nextColor(), verified: true })
      const record: FakeAccount = { view, keys: SANDBOX_KEYS(), cached: null, fault: null, notes: {}, rotations: [] }
      model.accounts.push(record)
      const fetchedAt = new Date().toISOString()
      record.cached = { keys: record.keys.map((key) => ({ ...key })), fetchedAt }
      record.view = { ...record.view, keyCount: record.keys.length, neverUsedCount: countNeverUsed(record.keys), lastRefreshedAt: fetchedAt }
      emitAccountsChanged()
      return ok({ account: copyView(record.view), alreadyExisted: false, list: listView(record, fetchedAt) })
    },
    'accounts.remove': ({ accountId }) => {
      if (!find(accountId)) return failure({ kind: 'not_signed_in', message: SHARED_MESSAGES.unknownAccount })
      model.accounts = model.accounts.filter((record) => record.view.id !== accountId)
      if (model.shownAccountId === accountId) model.shownAccountId = model.accounts[0]?.view.id ?? null
      emitAccountsChanged()
      return ok(views())
    },
    'accounts.removeAll': () => {
      model.accounts = []
      model.shownAccountId = null
      emitAccountsChanged()
      return ok([])
    },
    'accounts.show': ({ accountId }) => {
      if (!find(accountId)) return failure({ kind: 'not_signed_in', message: SHARED_MESSAGES.unknownAccount })
      model.shownAccountId = accountId
      return ok(null)
    },
    'accounts.refreshAll': async () => {
      const eligible = model.accounts.filter((record) => record.view.status !== 'needs-sign-in')
      const outcomes = await Promise.all(
        eligible.map(async (record) => {
          const listed = await fetchList(record)
          return { accountId: record.view.id, ok: listed.ok, error: listed.ok ? null : listed.error }
        })
      )
      return ok(outcomes)
    },
    'keys.list': ({ accountId }) => {
      const record = signedInAccount(accountId)
      return 'view' in record ? fetchList(record) : { ok: false, error: record }
    },
    'keys.getCached': ({ accountId }) => {
      const record = find(accountId)
      if (!record?.cached) return ok(null)
      const { keys, fetchedAt } = record.cached
      // Like main: always "from the cache"; the window compares fetchedAt with what it shows.
      return ok({
        accountId,
        keys: keys.map((key) => ({ ...key })),
        fetchedAt,
        fromCache: true,
        notes: { ...record.notes },
        rotations: record.rotations.map((rotation) => ({ ...rotation }))
      })
    },
    'keys.create': async ({ accountId, name, requestId }) => {
      const record = signedInAccount(accountId)
      if (!('view' in record)) return { ok: false, error: record }
      if (createdByRequest.has(requestId)) {
        return failure({ kind: 'invalid_request', message: 'This key was already created; its token is shown in the open dialog.' })
      }
      const error = await server(record)
      if (error) {
        emitAccountsChanged()
        return { ok: false, error }
      }
      createdByRequest.add(requestId)
      const id = model.nextKeyId++
      const key: KeyListItem = { id, name: name.trim(), createdAt: new Date().toISOString(), lastUsedAt: null, isAppKey: false }
      record.keys = [key, ...record.keys]
      const pendingId = `pending-${++pendingCounter}`
      const token = `${id}|fakeSecretToken${id}xyz`
      model.pendingTokens.push({
        pendingId,
        token,
        accountId,
        accountLabel: accountLabel(record.view),
        keyName: key.name,
        keyId: id,
        replaces: null,
        expiresAt: new Date(Date.now() + 1_800_000).toISOString()
      })
      record_(record, { action: 'key-create', keyId: id, keyName: key.name })
      // Like main: a window that reloaded meanwhile is told before the answer goes back.
      emit('tokenWaiting', { pendingId, accountId })
      // Like main: the list that confirms the new row is fetched after the POST and announced.
      void Promise.resolve().then(async () => {
        const confirmed = await fetchList(record)
        if (confirmed.ok) emit('keysUpdated', { accountId, fetchedAt: confirmed.value.fetchedAt })
      })
      return ok({ accountId, key: { ...key, unconfirmed: true }, pendingId, token, replaces: null })
    },
    'keys.delete': async ({ accountId, id }) => {
      const record = signedInAccount(accountId)
      if (!('view' in record)) return { ok: false, error: record }
      const error = await server(record)
      if (error) {
        emitAccountsChanged()
        return { ok: false, error }
      }
      const key = record.keys.find((item) => item.id === id)
      record.keys = record.keys.filter((item) => item.id !== id)
      if (record.cached) {
        record.cached = { ...record.cached, keys: record.cached.keys.filter((item) => item.id !== id) }
        // Like main: the switcher's and the overview's counts drop at once.
        record.view = { ...record.view, keyCount: record.cached.keys.length, neverUsedCount: countNeverUsed(record.cached.keys) }
        emitAccountsChanged()
      }
      if (!key) return ok({ accountId, id, alreadyGone: true, signedOut: false })
      // Like main: deleting the account's own key ends that account's session before the answer.
      if (key.isAppKey) endSession(accountId, SHARED_MESSAGES.ownKeyDeleted)
      return ok({ accountId, id, alreadyGone: false, signedOut: key.isAppKey })
    },
    'keys.bulkDelete': async ({ accountId, batchId, ids, includeOwnKey }) => {
      const record = signedInAccount(accountId)
      if (!('view' in record)) return { ok: false, error: record }
      const own = record.keys.find((key) => key.isAppKey)
      if (own && ids.includes(own.id) && !includeOwnKey) {
        return failure({ kind: 'invalid_request', message: 'The key this app signs in with is only deleted when you confirm it on purpose.' })
      }
      // Like main: the app's own key goes last.
      const order = [...ids.filter((id) => id !== own?.id), ...ids.filter((id) => id === own?.id)]
      const items: BulkDeleteResult['items'] = []
      let done = 0
      let failed = 0
      let ended: BulkDeleteResult['ended'] = 'completed'
      let signedOut = false
      const progress = () =>
        emit('batchProgress', { accountId, batchId, total: ids.length, done, failed, remaining: ids.length - done - failed, pausedUntil: null, pauseReason: null })
      progress()
      for (const id of order) {
        const key = record.keys.find((item) => item.id === id)
        const name = key?.name ?? record.cached?.keys.find((item) => item.id === id)?.name ?? `#${id}`
        if (ended !== 'completed' || cancelledBatches.has(batchId)) {
          if (ended === 'completed') ended = 'cancelled'
          items.push({ id, name, outcome: 'skipped', error: null })
          continue
        }
        const error = await server(record)
        if (error) {
          failed++
          items.push({ id, name, outcome: 'failed', error })
          if (error.kind === 'unauthenticated') ended = 'stopped'
        } else {
          done++
          forgetKey(record, id)
          items.push({ id, name, outcome: key ? 'deleted' : 'already-gone', error: null })
          record_(record, { action: 'bulk-delete', keyId: id, keyName: name, outcome: key ? 'ok' : 'already-gone' })
          if (key?.isAppKey) {
            signedOut = true
            endSession(accountId, SHARED_MESSAGES.ownKeyDeleted)
          }
        }
        progress()
      }
      cancelledBatches.delete(batchId)
      emitAccountsChanged()
      return ok({ accountId, batchId, ended, items: ids.map((id) => items.find((item) => item.id === id)!), signedOut })
    },
    'keys.cancelBatch': ({ batchId }) => {
      cancelledBatches.add(batchId)
      return ok(null)
    },
    'notes.set': ({ accountId, keyId, note, reviewBy }) => {
      const record = find(accountId)
      if (!record) return failure({ kind: 'not_signed_in', message: SHARED_MESSAGES.unknownAccount })
      const key = record.keys.find((item) => item.id === keyId) ?? record.cached?.keys.find((item) => item.id === keyId)
      if (!key) return failure({ kind: 'not_found', message: 'That key is no longer in the list.' })
      if (note.trim() === '' && reviewBy === null) {
        delete record.notes[String(keyId)]
        record_(record, { action: 'note-removed', keyId, keyName: key.name })
        return ok(null)
      }
      const stored = storedKeyNote({ note: note.trim(), reviewBy })
      record.notes[String(keyId)] = stored
      record_(record, { action: 'note-changed', keyId, keyName: key.name })
      return ok(stored)
    },
    'activity.list': ({ accountId, action, limit = 500 }) => {
      const matching = model.activity.filter((entry) => (!accountId || entry.accountId === accountId) && (!action || entry.action === action))
      return ok({ entries: matching.slice(0, limit), more: matching.length > limit, damagedLines: 0, unrecognisedLines: 0, cut: null })
    },
    'export.keys': ({ accountId, format }) => {
      const record = find(accountId)
      if (!record) return failure({ kind: 'not_signed_in', message: SHARED_MESSAGES.unknownAccount })
      const keys = record.cached?.keys ?? record.keys
      const content =
        format === 'json'
          ? JSON.stringify({ version: 1, account: accountLabel(record.view), keys: keys.map((key) => ({ ...key, note: record.notes[String(key.id)]?.note ?? null })) })
          : ['id,name,created_at,last_used_at,note', ...keys.map((key) => `${key.id},${key.name},${key.createdAt},${key.lastUsedAt ?? ''},${record.notes[String(key.id)]?.note ?? ''}`)].join('\r\n')
      return ok({ outcome: 'download', fileName: `keys.${format}`, mimeType: format === 'json' ? 'application/json' : 'text/csv', content })
    },
    'export.activity': ({ format }) =>
      ok({ outcome: 'download', fileName: `activity.${format}`, mimeType: format === 'json' ? 'application/json' : 'text/csv', content: JSON.stringify(model.activity) }),
    'rotation.start': async ({ accountId, keyId, name, requestId }) => {
      const record = signedInAccount(accountId)
      if (!('view' in record)) return { ok: false, error: record }
      const old = record.keys.find((item) => item.id === keyId)
      if (!old) return failure({ kind: 'not_found', message: 'That key is no longer in the list.' })
      if (createdByRequest.has(requestId)) return failure({ kind: 'invalid_request', message: 'This key was already created; its token is shown in the open dialog.' })
      const error = await server(record)
      if (error) {
        emitAccountsChanged()
        return { ok: false, error }
      }
      createdByRequest.add(requestId)
      const id = model.nextKeyId++
      const key: KeyListItem = { id, name: name.trim(), createdAt: new Date().toISOString(), lastUsedAt: null, isAppKey: false }
      record.keys = [key, ...record.keys]
      const replaces = { id: old.id, name: old.name }
      record.rotations.push({
        accountId,
        oldKey: replaces,
        newKey: { id, name: key.name },
        startedAt: key.createdAt,
        finishedAt: null,
        outcome: null,
        state: 'waiting-for-first-use',
        ownKey: false,
        newKeyFirstUsedAt: null
      })
      record_(record, { action: 'rotation-started', keyId: old.id, keyName: old.name, relatedKeyId: id })
      const pendingId = `pending-${++pendingCounter}`
      const token = `${id}|fakeSecretToken${id}xyz`
      model.pendingTokens.push({ pendingId, token, accountId, accountLabel: accountLabel(record.view), keyName: key.name, keyId: id, replaces, expiresAt: new Date(Date.now() + 1_800_000).toISOString() })
      emit('tokenWaiting', { pendingId, accountId })
      return ok({ accountId, key: { ...key, unconfirmed: true }, pendingId, token, replaces })
    },
    'rotation.finish': async ({ accountId, newKeyId }) => {
      const record = signedInAccount(accountId)
      if (!('view' in record)) return { ok: false, error: record }
      const rotation = openRotation(record, newKeyId)
      if ('kind' in rotation) return { ok: false, error: rotation }
      const error = await server(record)
      if (error) return { ok: false, error }
      forgetKey(record, rotation.oldKey.id)
      const finished = finishRotation(rotation, new Date().toISOString())
      replaceRotation(record, finished)
      record_(record, { action: 'rotation-finished', keyId: rotation.oldKey.id, keyName: rotation.oldKey.name, relatedKeyId: newKeyId })
      emitAccountsChanged()
      return ok(finished)
    },
    'rotation.cancel': async ({ accountId, newKeyId, deleteReplacement }) => {
      const record = signedInAccount(accountId)
      if (!('view' in record)) return { ok: false, error: record }
      const rotation = openRotation(record, newKeyId)
      if ('kind' in rotation) return { ok: false, error: rotation }
      if (deleteReplacement) {
        const error = await server(record)
        if (error) return { ok: false, error }
        forgetKey(record, newKeyId)
      }
      const cancelled = cancelRotation(rotation, new Date().toISOString())
      replaceRotation(record, cancelled)
      record_(record, { action: 'rotation-cancelled', keyId: rotation.oldKey.id, keyName: rotation.oldKey.name, relatedKeyId: newKeyId })
      emitAccountsChanged()
      return ok(cancelled)
    },
    'rotation.rotateOwn': async ({ accountId, reveal }) => {
      const record = signedInAccount(accountId)
      if (!('view' in record)) return { ok: false, error: record }
      const old = record.keys.find((item) => item.isAppKey)
      if (!old) return failure({ kind: 'not_found', message: "The key this app signs in with is not in the account's list." })
      const error = await server(record)
      if (error) return { ok: false, error }
      const id = model.nextKeyId++
      const key: KeyListItem = { id, name: old.name, createdAt: new Date().toISOString(), lastUsedAt: new Date().toISOString(), isAppKey: true }
      forgetKey(record, old.id)
      record.keys = [key, ...record.keys]
      record_(record, { action: 'own-key-rotation-finished', keyId: old.id, keyName: old.name, relatedKeyId: id })
      emitAccountsChanged()
      let revealed: { pendingId: string; token: string } | null = null
      if (reveal) {
        revealed = { pendingId: `pending-${++pendingCounter}`, token: `${id}|fakeSecretToken${id}xyz` }
        model.pendingTokens.push({ ...revealed, accountId, accountLabel: accountLabel(record.view), keyName: key.name, keyId: id, replaces: { id: old.id, name: old.name }, expiresAt: new Date(Date.now() + 1_800_000).toISOString() })
      }
      return ok({ account: copyView(record.view), oldKey: { id: old.id, name: old.name }, newKey: { id, name: key.name }, reveal: revealed })
    },
    'token.listPending': () => ok(model.pendingTokens.map((item) => ({ ...item }))),
    'token.copy': ({ pendingId }) =>
      model.pendingTokens.some((item) => item.pendingId === pendingId)
        ? ok({ clearsInSeconds: model.preferences.clipboardClearSeconds })
        : failure({ kind: 'token_gone', message: 'This token is no longer held by the app.' }),
    'token.confirmSaved': ({ pendingId }) => {
      model.pendingTokens = model.pendingTokens.filter((item) => item.pendingId !== pendingId)
      return ok(null)
    },
    'preferences.update': (changes) => {
      model.preferences = { ...model.preferences, ...changes }
      return ok(model.preferences)
    },
    'app.setVisibility': ({ visible }) => {
      model.visible = visible
      return ok(null)
    },
    'shell.openExternal': () => ok(null)
  }

  const oneShot = new Map<MethodName, /* a Responder or a Deferred (both typed by the method they were queued for) */ unknown[]>()
  const persistent = new Map<MethodName, Responder<never>>()
  const callLog: Array<{ method: MethodName; args: unknown[] }> = []
  const deferredCalls = new WeakMap<object, (args: unknown[], fallback: () => Promise<unknown>) => Promise<unknown>>()

  const answer = <N extends MethodName>(responder: Responder<N>, args: ArgsOf<N>): Promise<ResultOf<N>> =>
    Promise.resolve(typeof responder === 'function' ? (responder as (...a: ArgsOf<N>) => ResultOf<N>)(...args) : responder)

  function dispatch<N extends MethodName>(method: N, args: ArgsOf<N>): Promise<ResultOf<N>> {
    callLog.push({ method, args: [...args] })
    const queued = oneShot.get(method)?.shift() as Responder<N> | Deferred<N> | undefined
    const fallback = () => answer((persistent.get(method) as Responder<N> | undefined) ?? (defaults[method] as Responder<N>), args)
    if (queued !== undefined && typeof queued === 'object' && queued !== null && deferredCalls.has(queued)) {
      return deferredCalls.get(queued)!(args, fallback) as Promise<ResultOf<N>>
    }
    if (queued !== undefined) return answer(queued as Responder<N>, args)
    return fallback()
  }

  // Checked against the bridge type: a missing or extra method, or a wrong request, fails tsc.
  const api: AutocallsApi = {
    app: {
      getInitialState: () => dispatch('app.getInitialState', []),
      setVisibility: (request) => dispatch('app.setVisibility', [request])
    },
    accounts: {
      list: () => dispatch('accounts.list', []),
      add: (request) => dispatch('accounts.add', [request]),
      addSandbox: () => dispatch('accounts.addSandbox', []),
      remove: (request) => dispatch('accounts.remove', [request]),
      removeAll: () => dispatch('accounts.removeAll', []),
      show: (request) => dispatch('accounts.show', [request]),
      refreshAll: () => dispatch('accounts.refreshAll', [])
    },
    keys: {
      list: (request) => dispatch('keys.list', [request]),
      getCached: (request) => dispatch('keys.getCached', [request]),
      create: (request) => dispatch('keys.create', [request]),
      delete: (request) => dispatch('keys.delete', [request]),
      bulkDelete: (request) => dispatch('keys.bulkDelete', [request]),
      cancelBatch: (request) => dispatch('keys.cancelBatch', [request])
    },
    token: {
      listPending: () => dispatch('token.listPending', []),
      copy: (request) => dispatch('token.copy', [request]),
      confirmSaved: (request) => dispatch('token.confirmSaved', [request])
    },
    notes: {
      set: (request) => dispatch('notes.set', [request])
    },
    activity: {
      list: (request) => dispatch('activity.list', [request])
    },
    export: {
      keys: (request) => dispatch('export.keys', [request]),
      activity: (request) => dispatch('export.activity', [request])
    },
    rotation: {
      start: (request) => dispatch('rotation.start', [request]),
      finish: (request) => dispatch('rotation.finish', [request]),
      cancel: (request) => dispatch('rotation.cancel', [request]),
      rotateOwn: (request) => dispatch('rotation.rotateOwn', [request])
    },
    preferences: {
      update: (request) => dispatch('preferences.update', [request])
    },
    shell: {
      openExternal: (request) => dispatch('shell.openExternal', [request])
    },
    on: {
      accountsChanged: subscribe('accountsChanged'),
      menuCommand: subscribe('menuCommand'),
      tokenWaiting: subscribe('tokenWaiting'),
      keysUpdated: subscribe('keysUpdated'),
      batchProgress: subscribe('batchProgress')
    }
  }

  const enqueue = (method: MethodName, item: unknown) => {
    const queue = oneShot.get(method) ?? []
    queue.push(item)
    oneShot.set(method, queue)
  }

  return {
    api,
    model,
    account,
    next: (method, responder) => enqueue(method, responder),
    failNext: (method, error) => enqueue(method, failure(error)),
    always: (method, responder) => persistent.set(method, responder),
    reset: (method) => {
      persistent.delete(method)
      oneShot.delete(method)
    },
    defaultOf: (method) => defaults[method],
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
      enqueue(method, deferred)
      return deferred
    },
    holdServer: (accountId) => {
      let release!: () => void
      let reach!: () => void
      const wait = new Promise<void>((resolve) => (release = resolve))
      const reached = new Promise<void>((resolve) => (reach = resolve))
      holds.set(accountId, [...(holds.get(accountId) ?? []), { wait, reach }])
      return { reached, release }
    },
    setFault: (accountId, error) => {
      account(accountId).fault = error
    },
    endSession,
    calls: <N extends MethodName>(method: N) => callLog.filter((entry) => entry.method === method).map((entry) => entry.args as ArgsOf<N>),
    callCount: (method) => callLog.filter((entry) => entry.method === method).length,
    callsFor: (accountId) =>
      callLog.filter((entry) => entry.args.some((arg) => typeof arg === 'object' && arg !== null && (arg as { accountId?: unknown }).accountId === accountId)),
    emitAccountsChanged,
    emit,
    emitMenuCommand: (command, accountId) => emit('menuCommand', accountId === undefined ? { command } : { command, accountId }),
    emitTokenWaiting: (pendingId, accountId) => emit('tokenWaiting', { pendingId, accountId }),
    listenerCount: (event) => listeners[event].size
  }
}

/** A pending token as main holds it (for tests that start with one waiting). */
export function pendingToken(account: AccountView, overrides: Partial<PendingTokenView> = {}): PendingTokenView {
  return {
    pendingId: 'p-1',
    token: '11|pendingTokenValue',
    accountId: account.id,
    accountLabel: accountLabel(account),
    keyName: 'Pending key',
    keyId: 11,
    replaces: null,
    expiresAt: new Date(Date.now() + 60_000).toISOString(),
    ...overrides
  }
}
