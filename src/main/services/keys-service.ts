/**
 * An account's API keys: list (cached on disk for the next start), create (never duplicated,
 * never retried, answered from the POST alone) and delete (once per key, signing that account out
 * when it removes the account's own key). Every call names its account. Each list carries this
 * computer's notes and rotations of the account, and is announced to whoever watches lists.
 */
import { accountLabel, type AccountId, type ApiKey, type CreatedKeyView, type DeleteResultView, type KeyListItem, type KeyListView } from '../../shared/domain'
import { classifyKey, DEFAULT_HYGIENE_SETTINGS, type HygieneSettings } from '../../shared/key-hygiene'
import { checkKeyName } from '../../shared/key-name'
import type { StoredKeyNote } from '../../shared/key-notes'
import { SHARED_MESSAGES } from '../../shared/messages'
import type { RotationKeyRef, RotationRecord } from '../../shared/rotation'
import type { AccountSessions } from '../accounts/account-sessions'
import { ApiError } from '../api/api-error'
import type { AutocallsClient, CreatedKey } from '../api/autocalls-client'
import type { EventSink } from '../ipc/event-sink'
import type { KeyCacheStore } from '../storage/key-cache-store'
import { log } from '../support/log'
import type { ActivityRecorder } from './activity-recorder'
import { toAppError, UserFacingError } from './app-error'
import type { PendingTokens } from './pending-tokens'
import type { InFlightGate } from './request-pacer'

export const OWN_KEY_DELETED_REASON = SHARED_MESSAGES.ownKeyDeleted

/** What this computer keeps about an account's keys, shown with every list. */
export interface LocalKeyData {
  notes: Record<string, StoredKeyNote>
  rotations: RotationRecord[]
}

/** Told about every list fetched (notes drop deleted keys, rotations move on). */
export type ListListener = (accountId: AccountId, keys: readonly ApiKey[], fetchedAt: string) => Promise<void> | void

export interface KeysServiceDeps {
  sessions: AccountSessions
  cache: KeyCacheStore
  pending: PendingTokens
  events: EventSink
  activity: ActivityRecorder
  /** Notes and rotations of an account (empty by default). */
  localData?: (accountId: AccountId) => LocalKeyData
  /** The thresholds of "never used" for the account summaries. */
  settings?: () => HygieneSettings
  now?: () => Date
}

/** A list fetch in flight, and the order in which it started (to tell older fetches from newer). */
interface ListRun {
  promise: Promise<KeyListView>
  seq: number
}

/** How long a list fetched ahead of the window's request stands in for that request. */
const PREFETCH_HANDOFF_MS = 5_000

export interface CreateOptions {
  /** The key this one replaces (a rotation): the token's dialog says so. */
  replaces?: RotationKeyRef
}

export class KeysService {
  readonly #deps: KeysServiceDeps
  readonly #now: () => Date
  readonly #lists = new Map<AccountId, ListRun>()
  /** Background fetches (paced), apart from the person's: a click never waits behind one. */
  readonly #backgroundLists = new Map<AccountId, Promise<KeyListView>>()
  #listSeq = 0
  /** Lists started ahead of the window's first request (see `prefetch`), until it asks or they age. */
  /** The last list started for each account (a prefetched one that is not the last is stale). */
  readonly #listSeqOf = new Map<AccountId, number>()
  readonly #prefetched = new Map<AccountId, { run: ListRun; until: number; fetched: boolean }>()
  readonly #createsInFlight = new Map<string, Promise<CreatedKeyView>>()
  /** requestId → pendingId of creates that finished, so a late duplicate cannot make a second key. */
  readonly #createsDone = new Map<string, string>()
  readonly #deletesInFlight = new Map<string, Promise<DeleteResultView>>()
  readonly #listeners = new Set<ListListener>()
  readonly #deletedListeners = new Set<(accountId: AccountId, ids: readonly number[]) => Promise<void> | void>()
  /** Disk writes started after an answer was sent (the stores changed their memory already). */
  readonly #writes = new Set<Promise<void>>()

  constructor(deps: KeysServiceDeps) {
    this.#deps = deps
    this.#now = deps.now ?? (() => new Date())
  }

  /** Subscribes to every list fetched; returns the unsubscribe function. */
  onListFetched(listener: ListListener): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** Told about keys this app deleted (one, or a batch's), before any list shows it. */
  onKeysDeleted(listener: (accountId: AccountId, ids: readonly number[]) => Promise<void> | void): () => void {
    this.#deletedListeners.add(listener)
    return () => this.#deletedListeners.delete(listener)
  }

  /**
   * The last list fetched for the account, from memory or disk: no network. With `newest`, only
   * that many keys, newest first (the window's default order), for the first paint.
   */
  async cached(accountId: AccountId, newest?: number): Promise<KeyListView | null> {
    const cached = await this.#deps.cache.get(accountId)
    if (!cached) return null
    const keys = newest === undefined ? cached.keys : newestFirst(cached.keys).slice(0, newest)
    return this.#view(accountId, keys, cached.fetchedAt, true)
  }

  /** How many keys the account's cached list has (0 without one). */
  async cachedCount(accountId: AccountId): Promise<number> {
    return (await this.#deps.cache.get(accountId))?.keys.length ?? 0
  }

  /**
   * Fetches the account's list. Concurrent callers share one request. An account whose
   * credential was not yet verified in this run sends `GET /user/me` alongside (not before) the
   * list: one round trip, and a 401 on either ends that account's session.
   */
  list(accountId: AccountId): Promise<KeyListView> {
    // Taken also when joining the prefetch in flight: it is handed over once.
    const ahead = this.#takePrefetched(accountId)
    return (this.#lists.get(accountId) ?? ahead ?? this.#startList(accountId)).promise
  }

  /**
   * Starts the account's list ahead of the window's request (at start-up, right after the initial
   * state's answer). The window's next `list` shares this fetch, also when it already came back: one
   * request, not two. A failure, a create, a delete or a newer list in between, or 5 s, end
   * that offer.
   */
  prefetch(accountId: AccountId): void {
    // Sent once the current turn is over: the caller's answer (the initial state) goes out
    // first, and at 10,000 keys a list that comes back at once is not parsed while main still
    // reads the cache. Tracked, so `settle()` (and shutdown) waits for it.
    this.#afterAnswer(new Promise<void>((resolve) => setImmediate(() => resolve(this.#prefetchNow(accountId)))))
  }

  #prefetchNow(accountId: AccountId): void {
    // A list already on its way (the window asked first) needs no help.
    if (this.#lists.has(accountId)) return
    const run = this.#startList(accountId)
    const ahead = { run, until: this.#now().getTime() + PREFETCH_HANDOFF_MS, fetched: false }
    // Only a list that came back is handed over: after a failure the window's request tries again.
    run.promise.then(
      () => (ahead.fetched = true),
      () => undefined
    )
    this.#prefetched.set(accountId, ahead)
  }

  #takePrefetched(accountId: AccountId): ListRun | null {
    const ahead = this.#prefetched.get(accountId)
    if (!ahead) return null
    this.#prefetched.delete(accountId)
    const current = ahead.fetched && ahead.run.seq === this.#listSeqOf.get(accountId) && this.#now().getTime() <= ahead.until
    return current ? ahead.run : null
  }

  /**
   * A list that starts now, never one already in flight: what confirms a create must have been
   * asked for after the POST.
   */
  freshList(accountId: AccountId): Promise<KeyListView> {
    const running = this.#lists.get(accountId)
    if (!running) return this.#startList(accountId).promise
    const seq = running.seq
    return running.promise
      .catch(() => undefined)
      .then(() => {
        const now = this.#lists.get(accountId)
        return now && now.seq > seq ? now.promise : this.#startList(accountId).promise
      })
  }

  /**
   * The list as background work (refresh all, rotation watching): paced through the account's
   * pacer, sharing a fetch the person already started. `gate`: a limit shared by a whole batch.
   */
  backgroundList(accountId: AccountId, options: { gate?: InFlightGate } = {}): Promise<KeyListView> {
    const running = this.#lists.get(accountId)?.promise ?? this.#backgroundLists.get(accountId)
    if (running) return running
    const sessions = this.#deps.sessions
    const work = sessions
      .trackRefresh(accountId, () => this.#fetchKeys(accountId, 'background', options.gate))
      .then((keys) => this.recordList(accountId, keys))
      .finally(() => this.#backgroundLists.delete(accountId))
    this.#backgroundLists.set(accountId, work)
    return work
  }

  /**
   * Resolves when no list fetch is in flight (those started in the background after a create
   * included) and what they and the creates and deletes changed is written.
   */
  async settle(): Promise<void> {
    while (this.#lists.size > 0 || this.#backgroundLists.size > 0 || this.#writes.size > 0) {
      await Promise.allSettled([...[...this.#lists.values()].map((run) => run.promise), ...this.#backgroundLists.values(), ...this.#writes])
    }
  }

  /** Records a list fetched (here, or alongside a sign-in) as the account's fresh list. */
  async recordList(accountId: AccountId, keys: ApiKey[]): Promise<KeyListView> {
    const fetchedAt = this.#now().toISOString()
    // Both stores change their memory at once; the window need not wait for the 1 MB write.
    this.#afterAnswer(this.#deps.cache.set(accountId, { fetchedAt, keys }))
    this.#afterAnswer(this.#saveSummary(accountId, keys, fetchedAt))
    for (const listener of this.#listeners) {
      try {
        await listener(accountId, keys, fetchedAt)
      } catch (error) {
        log.warn('A list listener failed:', error)
      }
    }
    this.#deps.sessions.announce()
    this.#deps.events.emit('event:keys-updated', { accountId, fetchedAt })
    return this.#view(accountId, keys, fetchedAt, false)
  }

  /** One create per `requestId`, whatever the number of calls. */
  create(accountId: AccountId, rawName: unknown, requestId: string, options: CreateOptions = {}): Promise<CreatedKeyView> {
    const inFlight = this.#createsInFlight.get(requestId)
    if (inFlight) return inFlight
    const done = this.#createsDone.get(requestId)
    if (done !== undefined) return Promise.reject(this.#alreadyCreated(done))
    const check = checkKeyName(rawName)
    if (!check.ok) return Promise.reject(new UserFacingError('validation', check.message, { name: [check.message] }))
    this.#prefetched.delete(accountId)
    const work = this.#create(accountId, check.name, requestId, options).finally(() => this.#createsInFlight.delete(requestId))
    this.#createsInFlight.set(requestId, work)
    return work
  }

  /**
   * The POST alone, for the own-key rotation: the token stays in main (no pending token, no
   * event); the caller decides what to do with it. Never retried.
   */
  async createQuietly(accountId: AccountId, name: string): Promise<CreatedKey> {
    const check = checkKeyName(name)
    if (!check.ok) throw new UserFacingError('validation', check.message, { name: [check.message] })
    this.#prefetched.delete(accountId)
    try {
      return await this.#deps.sessions.withClient(accountId, (client) => client.createKey(check.name))
    } catch (error) {
      throw explainCreateFailure(error, check.name)
    }
  }

  /** Deletes a key once, however many times it is asked at the same moment. */
  delete(accountId: AccountId, id: number): Promise<DeleteResultView> {
    const slot = `${accountId}\n${id}`
    const inFlight = this.#deletesInFlight.get(slot)
    if (inFlight) return inFlight
    this.#prefetched.delete(accountId)
    const work = this.#delete(accountId, id).finally(() => this.#deletesInFlight.delete(slot))
    this.#deletesInFlight.set(slot, work)
    return work
  }

  /** Removes deleted keys from the cached list and the account's counts (after a delete or a batch). */
  async forgetDeleted(accountId: AccountId, ids: readonly number[]): Promise<void> {
    if (ids.length === 0) return
    this.#prefetched.delete(accountId)
    const gone = new Set(ids)
    // Loaded first, so the patch below changes memory at once and only its write is left to wait for.
    await this.#deps.cache.get(accountId)
    this.#afterAnswer(this.#deps.cache.patch(accountId, (keys) => keys.filter((key) => !gone.has(key.id))))
    for (const listener of this.#deletedListeners) {
      try {
        await listener(accountId, ids)
      } catch (error) {
        log.warn('A delete listener failed:', error)
      }
    }
    // The switcher and the overview count the account's keys: fewer now, not at the next fetch.
    const cached = this.#deps.cache.peek(accountId)
    if (cached) {
      this.#afterAnswer(this.#saveSummary(accountId, cached.keys, cached.fetchedAt))
      this.#deps.sessions.announce()
    }
  }

  #startList(accountId: AccountId): ListRun {
    const seq = ++this.#listSeq
    this.#listSeqOf.set(accountId, seq)
    const promise = this.#deps.sessions
      .trackRefresh(accountId, () => this.#fetchKeys(accountId, 'interactive'))
      .then((keys) => this.recordList(accountId, keys))
      .finally(() => {
        if (this.#lists.get(accountId)?.seq === seq) this.#lists.delete(accountId)
      })
    const run = { promise, seq }
    this.#lists.set(accountId, run)
    return run
  }

  async #fetchKeys(accountId: AccountId, mode: 'interactive' | 'background', gate?: InFlightGate): Promise<ApiKey[]> {
    const sessions = this.#deps.sessions
    // Background work (refresh all, rotation watching) sends the list alone: a pacer slot and a
    // per-host slot are one request each, and a list that comes back proves the credential just
    // as well (a 401 on it ends the session the same way). The profile is re-read, alongside its
    // list, when the person opens the account.
    const verify = mode === 'interactive' && !sessions.isVerified(accountId)
    // Paced work leaves a 429 to the pacer (it pauses the whole batch and runs the call again).
    const options = mode === 'background' ? { retryRateLimited: false } : {}
    const fetch = async (client: AutocallsClient): Promise<ApiKey[]> => {
      if (!verify) return client.listKeys(options)
      const [profile, list] = await Promise.allSettled([client.getMe(options), client.listKeys(options)])
      // The verification speaks first: its 401 is the one that explains the failure.
      if (profile.status === 'rejected') throw profile.reason
      if (list.status === 'rejected') throw list.reason
      await sessions.markVerified(accountId, profile.value)
      return list.value
    }
    return mode === 'background' ? sessions.inBackground(accountId, fetch, gate ? { gate } : {}) : sessions.withClient(accountId, fetch)
  }

  async #create(accountId: AccountId, name: string, requestId: string, options: CreateOptions): Promise<CreatedKeyView> {
    const sessions = this.#deps.sessions
    const account = sessions.view(accountId)
    const replaces = options.replaces ?? null
    let created: CreatedKey
    try {
      created = await sessions.withClient(accountId, (client) => client.createKey(name))
    } catch (error) {
      const explained = explainCreateFailure(error, name)
      const appError = toAppError(explained)
      await this.#deps.activity.record(accountId, {
        action: 'key-create',
        keyName: name,
        relatedKeyId: replaces?.id ?? null,
        outcome: appError.kind === 'create_outcome_unknown' ? 'may-exist' : 'failed',
        errorKind: appError.kind,
        detail: appError.message
      })
      throw explained
    }
    const pending = this.#deps.pending.add({
      token: created.token,
      keyName: created.name,
      keyId: created.idHint,
      accountId,
      accountLabel: account ? accountLabel(account) : accountId,
      replaces
    })
    this.#createsDone.set(requestId, pending.pendingId)
    // A window reloaded while this create was in flight never gets its answer: let it ask.
    this.#deps.events.emit('event:token-waiting', { pendingId: pending.pendingId, accountId })
    // The log line and the cached row are written while the token is on its way to the window.
    this.#afterAnswer(
      this.#deps.activity.record(accountId, { action: 'key-create', keyId: created.idHint, keyName: created.name, relatedKeyId: replaces?.id ?? null, outcome: 'ok' })
    )
    // The answer is enough to show the token and a provisional row; a fresh list, fetched in the
    // background after the POST, confirms it (announced with event:keys-updated).
    const key: KeyListItem | null =
      created.idHint === null
        ? null
        : { id: created.idHint, name: created.name, createdAt: created.createdAt, lastUsedAt: null, isAppKey: false, unconfirmed: true }
    if (key) {
      const { id, name: keyName, createdAt, lastUsedAt } = key
      this.#afterAnswer(this.#deps.cache.patch(accountId, (keys) => [...keys.filter((k) => k.id !== id), { id, name: keyName, createdAt, lastUsedAt }]))
    }
    this.freshList(accountId).catch((error: unknown) => log.warn('The list that confirms a new key could not be fetched:', error))
    return { accountId, key, pendingId: pending.pendingId, token: created.token, replaces }
  }

  /** Keeps work that the answer does not wait for (writes, a prefetch's start) in view of `settle()`; a failed write is logged. */
  #afterAnswer(write: Promise<void>): void {
    const tracked = write.catch((error: unknown) => log.warn('Could not save a change to the key list:', error)).finally(() => this.#writes.delete(tracked))
    this.#writes.add(tracked)
  }

  #alreadyCreated(pendingId: string): UserFacingError {
    const still = this.#deps.pending.get(pendingId) !== null
    return new UserFacingError(
      'invalid_request',
      still
        ? 'This key was already created; its token is shown in the open dialog.'
        : 'This key was already created. Its token was shown once and cannot be shown again.'
    )
  }

  async #delete(accountId: AccountId, id: number): Promise<DeleteResultView> {
    const sessions = this.#deps.sessions
    const isAppKey = id === sessions.appKeyId(accountId)
    const name = (await this.#deps.cache.get(accountId))?.keys.find((key) => key.id === id)?.name ?? null
    let alreadyGone: boolean
    try {
      ;({ alreadyGone } = await sessions.withClient(accountId, (client) => client.deleteKey(id)))
    } catch (error) {
      const appError = toAppError(error)
      await this.#deps.activity.record(accountId, { action: 'key-delete', keyId: id, keyName: name, outcome: 'failed', errorKind: appError.kind, detail: appError.message })
      throw error
    }
    this.#afterAnswer(this.#deps.activity.record(accountId, { action: 'key-delete', keyId: id, keyName: name, outcome: alreadyGone ? 'already-gone' : 'ok' }))
    await this.forgetDeleted(accountId, [id])
    if (isAppKey) await sessions.endSession(accountId, OWN_KEY_DELETED_REASON)
    return { accountId, id, alreadyGone, signedOut: isAppKey }
  }

  #view(accountId: AccountId, keys: readonly ApiKey[], fetchedAt: string, fromCache: boolean): KeyListView {
    const appKeyId = this.#deps.sessions.appKeyId(accountId)
    const local = this.#deps.localData?.(accountId) ?? { notes: {}, rotations: [] }
    return { accountId, keys: keys.map((key) => ({ ...key, isAppKey: key.id === appKeyId })), fetchedAt, fromCache, notes: local.notes, rotations: local.rotations }
  }

  /** Not async: a write that waits must not keep the whole list alive meanwhile. */
  #saveSummary(accountId: AccountId, keys: readonly ApiKey[], fetchedAt: string): Promise<void> {
    const settings = this.#deps.settings?.() ?? DEFAULT_HYGIENE_SETTINGS
    const now = this.#now().getTime()
    const neverUsedCount = keys.reduce((count, key) => (classifyKey(key, now, settings).state === 'never-used' ? count + 1 : count), 0)
    return this.#deps.sessions.recordListSummary(accountId, { fetchedAt, keyCount: keys.length, neverUsedCount })
  }
}

/**
 * A create whose answer was lost may have made the key: say so, and never retry it. Only a
 * request that certainly never reached the server (refused, name not found) made no key.
 */
export function explainCreateFailure(error: unknown, name: string): unknown {
  if (!(error instanceof ApiError)) return error
  const unsure =
    error.mayHaveReachedServer && (error.kind === 'network' || error.kind === 'timeout' || error.kind === 'server' || error.kind === 'bad_response')
  if (!unsure) return error
  const reason = error.reason.replace(/\.$/, '')
  const inSentence = /^[A-Z][a-z]/.test(reason) ? reason.charAt(0).toLowerCase() + reason.slice(1) : reason
  return new UserFacingError(
    'create_outcome_unknown',
    `The server did not confirm the new key (${inSentence}). It may have been created anyway, so do not simply try again: check the refreshed list for “${name}”. If it is there, its token was lost, so delete it and create a new one.`
  )
}

/** Newest first, ties by id: timestamps are stored as ISO strings in UTC, so they sort as text. */
const newestFirst = (keys: readonly ApiKey[]): ApiKey[] =>
  [...keys].sort((a, b) => (a.createdAt === b.createdAt ? b.id - a.id : a.createdAt < b.createdAt ? 1 : -1))
