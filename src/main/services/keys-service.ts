/**
 * An account's API keys: list (cached on disk for the next start), create (never duplicated,
 * never retried, answered from the POST alone) and delete (once per key, signing that account out
 * when it removes the account's own key). Every call names its account.
 */
import { accountLabel, type AccountId, type ApiKey, type CreatedKeyView, type DeleteResultView, type KeyListItem, type KeyListView } from '../../shared/domain'
import { checkKeyName } from '../../shared/key-name'
import { SHARED_MESSAGES } from '../../shared/messages'
import type { AccountSessions } from '../accounts/account-sessions'
import { ApiError } from '../api/api-error'
import type { AutocallsClient } from '../api/autocalls-client'
import type { EventSink } from '../ipc/event-sink'
import type { KeyCacheStore } from '../storage/key-cache-store'
import { log } from '../support/log'
import { UserFacingError } from './app-error'
import type { PendingTokens } from './pending-tokens'

export const OWN_KEY_DELETED_REASON = SHARED_MESSAGES.ownKeyDeleted

export interface KeysServiceDeps {
  sessions: AccountSessions
  cache: KeyCacheStore
  pending: PendingTokens
  events: EventSink
  now?: () => Date
}

/** A list fetch in flight, and the order in which it started (to tell older fetches from newer). */
interface ListRun {
  promise: Promise<KeyListView>
  seq: number
}

const DAY_MS = 86_400_000
/** A never-used key younger than this is "new", not "never used" (issue 10's default). */
const NEW_FOR_MS = 7 * DAY_MS

export class KeysService {
  readonly #deps: KeysServiceDeps
  readonly #now: () => Date
  readonly #lists = new Map<AccountId, ListRun>()
  #listSeq = 0
  readonly #createsInFlight = new Map<string, Promise<CreatedKeyView>>()
  /** requestId → pendingId of creates that finished, so a late duplicate cannot make a second key. */
  readonly #createsDone = new Map<string, string>()
  readonly #deletesInFlight = new Map<string, Promise<DeleteResultView>>()

  constructor(deps: KeysServiceDeps) {
    this.#deps = deps
    this.#now = deps.now ?? (() => new Date())
  }

  /**
   * The last list fetched for the account, from memory or disk: no network. With `newest`, only
   * that many keys, newest first (the window's default order), for the first paint.
   */
  async cached(accountId: AccountId, newest?: number): Promise<KeyListView | null> {
    const cached = await this.#deps.cache.get(accountId)
    if (!cached) return null
    const keys = newest === undefined ? cached.keys : newestFirst(cached.keys).slice(0, newest)
    return { accountId, keys: this.#decorate(accountId, keys), fetchedAt: cached.fetchedAt, fromCache: true }
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
    return (this.#lists.get(accountId) ?? this.#startList(accountId)).promise
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

  /** Resolves when no list fetch is in flight (those started in the background after a create included). */
  async settle(): Promise<void> {
    while (this.#lists.size > 0) await Promise.allSettled([...this.#lists.values()].map((run) => run.promise))
  }

  /** Records a list fetched elsewhere (alongside a sign-in) as the account's fresh list. */
  async recordList(accountId: AccountId, keys: ApiKey[]): Promise<KeyListView> {
    const fetchedAt = this.#now().toISOString()
    await this.#deps.cache.set(accountId, { fetchedAt, keys })
    await this.#deps.sessions.recordListSummary(accountId, { fetchedAt, keyCount: keys.length, neverUsedCount: this.#countNeverUsed(keys) })
    this.#deps.sessions.announce()
    return { accountId, keys: this.#decorate(accountId, keys), fetchedAt, fromCache: false }
  }

  /** One create per `requestId`, whatever the number of calls. */
  create(accountId: AccountId, rawName: unknown, requestId: string): Promise<CreatedKeyView> {
    const inFlight = this.#createsInFlight.get(requestId)
    if (inFlight) return inFlight
    const done = this.#createsDone.get(requestId)
    if (done !== undefined) return Promise.reject(this.#alreadyCreated(done))
    const check = checkKeyName(rawName)
    if (!check.ok) return Promise.reject(new UserFacingError('validation', check.message, { name: [check.message] }))
    const work = this.#create(accountId, check.name, requestId).finally(() => this.#createsInFlight.delete(requestId))
    this.#createsInFlight.set(requestId, work)
    return work
  }

  /** Deletes a key once, however many times it is asked at the same moment. */
  delete(accountId: AccountId, id: number): Promise<DeleteResultView> {
    const slot = `${accountId}\n${id}`
    const inFlight = this.#deletesInFlight.get(slot)
    if (inFlight) return inFlight
    const work = this.#delete(accountId, id).finally(() => this.#deletesInFlight.delete(slot))
    this.#deletesInFlight.set(slot, work)
    return work
  }

  #startList(accountId: AccountId): ListRun {
    const seq = ++this.#listSeq
    const promise = this.#deps.sessions
      .trackRefresh(accountId, () => this.#fetchList(accountId))
      .finally(() => {
        if (this.#lists.get(accountId)?.seq === seq) this.#lists.delete(accountId)
      })
    const run = { promise, seq }
    this.#lists.set(accountId, run)
    return run
  }

  async #fetchList(accountId: AccountId): Promise<KeyListView> {
    const sessions = this.#deps.sessions
    const verify = !sessions.isVerified(accountId)
    const keys = await sessions.withClient(accountId, async (client) => {
      if (!verify) return client.listKeys()
      const [profile, list] = await Promise.allSettled([client.getMe(), client.listKeys()])
      // The verification speaks first: its 401 is the one that explains the failure.
      if (profile.status === 'rejected') throw profile.reason
      if (list.status === 'rejected') throw list.reason
      await sessions.markVerified(accountId, profile.value)
      return list.value
    })
    return this.recordList(accountId, keys)
  }

  async #create(accountId: AccountId, name: string, requestId: string): Promise<CreatedKeyView> {
    const sessions = this.#deps.sessions
    const account = sessions.view(accountId)
    let created: Awaited<ReturnType<AutocallsClient['createKey']>>
    try {
      created = await sessions.withClient(accountId, (client) => client.createKey(name))
    } catch (error) {
      throw explainCreateFailure(error, name)
    }
    const pending = this.#deps.pending.add({
      token: created.token,
      keyName: created.name,
      keyId: created.idHint,
      accountId,
      accountLabel: account ? accountLabel(account) : accountId
    })
    this.#createsDone.set(requestId, pending.pendingId)
    // A window reloaded while this create was in flight never gets its answer: let it ask.
    this.#deps.events.emit('event:token-waiting', { pendingId: pending.pendingId, accountId })
    // The answer is enough to show the token and a provisional row; a fresh list, fetched in the
    // background after the POST, confirms it (the window asks for it with keys:list).
    const key: KeyListItem | null =
      created.idHint === null
        ? null
        : { id: created.idHint, name: created.name, createdAt: created.createdAt, lastUsedAt: null, isAppKey: false, unconfirmed: true }
    if (key) {
      const { id, name: keyName, createdAt, lastUsedAt } = key
      await this.#deps.cache.patch(accountId, (keys) => [...keys.filter((k) => k.id !== id), { id, name: keyName, createdAt, lastUsedAt }])
    }
    this.freshList(accountId).catch((error: unknown) => log.warn('The list that confirms a new key could not be fetched:', error))
    return { accountId, key, pendingId: pending.pendingId, token: created.token }
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
    const { alreadyGone } = await sessions.withClient(accountId, (client) => client.deleteKey(id))
    await this.#deps.cache.patch(accountId, (keys) => keys.filter((key) => key.id !== id))
    // The switcher and the overview count the account's keys: one fewer now, not at the next fetch.
    const cached = await this.#deps.cache.get(accountId)
    if (cached) {
      await sessions.recordListSummary(accountId, { fetchedAt: cached.fetchedAt, keyCount: cached.keys.length, neverUsedCount: this.#countNeverUsed(cached.keys) })
      sessions.announce()
    }
    if (isAppKey) await sessions.endSession(accountId, OWN_KEY_DELETED_REASON)
    return { accountId, id, alreadyGone, signedOut: isAppKey }
  }

  #decorate(accountId: AccountId, keys: ApiKey[]): KeyListItem[] {
    const appKeyId = this.#deps.sessions.appKeyId(accountId)
    return keys.map((key) => ({ ...key, isAppKey: key.id === appKeyId }))
  }

  #countNeverUsed(keys: readonly ApiKey[]): number {
    const cutoff = this.#now().getTime() - NEW_FOR_MS
    return keys.filter((key) => key.lastUsedAt === null && !key.lastUsedUnreadable && Date.parse(key.createdAt) <= cutoff).length
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
