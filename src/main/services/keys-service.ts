/**
 * The account's API keys: list (cached on disk for the next start), create (never duplicated,
 * never retried) and delete (once per key, signing out when it removes the app's own key).
 */
import type { ApiKey, CreatedKeyView, DeleteResultView, KeyListItem, KeyListView } from '../../shared/domain'
import { checkKeyName } from '../../shared/key-name'
import { ApiError } from '../api/api-error'
import type { EventSink } from '../ipc/event-sink'
import type { AppStateStore } from '../storage/app-state-store'
import { UserFacingError } from './app-error'
import type { PendingTokens } from './pending-tokens'
import type { SessionService } from './session-service'

export const OWN_KEY_DELETED_REASON =
  'You deleted the API key this app signed in with, so Autocalls Keys has signed out. Sign in with another key to continue.'

export interface KeysServiceDeps {
  session: SessionService
  state: AppStateStore
  pending: PendingTokens
  events: EventSink
  now?: () => Date
}

export class KeysService {
  readonly #deps: KeysServiceDeps
  readonly #now: () => Date
  #listInFlight: Promise<KeyListView> | null = null
  readonly #createsInFlight = new Map<string, Promise<CreatedKeyView>>()
  /** requestId → pendingId of creates that finished, so a late duplicate cannot make a second key. */
  readonly #createsDone = new Map<string, string>()
  readonly #deletesInFlight = new Map<number, Promise<DeleteResultView>>()

  constructor(deps: KeysServiceDeps) {
    this.#deps = deps
    this.#now = deps.now ?? (() => new Date())
  }

  /**
   * The last list fetched for the active account, from disk: no network. With `newest`, only
   * that many keys, newest first (the window's default order), for the first paint.
   */
  cached(newest?: number): KeyListView | null {
    const cached = this.#cachedEntry()
    if (!cached) return null
    const keys = newest === undefined ? cached.keys : newestFirst(cached.keys).slice(0, newest)
    return { keys: this.#decorate(keys), fetchedAt: cached.fetchedAt, fromCache: true }
  }

  /** How many keys the cached list has (0 without one). */
  cachedCount(): number {
    return this.#cachedEntry()?.keys.length ?? 0
  }

  #cachedEntry() {
    const accountId = this.#deps.session.activeAccountId
    return accountId ? this.#deps.state.state.keyCache[accountId] : undefined
  }

  /** Fetches the list. Concurrent callers share one request. */
  list(): Promise<KeyListView> {
    this.#listInFlight ??= this.#fetchList().finally(() => (this.#listInFlight = null))
    return this.#listInFlight
  }

  /** One create per `requestId`, whatever the number of calls. */
  create(rawName: unknown, requestId: string): Promise<CreatedKeyView> {
    const inFlight = this.#createsInFlight.get(requestId)
    if (inFlight) return inFlight
    const done = this.#createsDone.get(requestId)
    if (done !== undefined) return Promise.reject(this.#alreadyCreated(done))
    const check = checkKeyName(rawName)
    if (!check.ok) return Promise.reject(new UserFacingError('validation', check.message, { name: [check.message] }))
    const work = this.#create(check.name, requestId).finally(() => this.#createsInFlight.delete(requestId))
    this.#createsInFlight.set(requestId, work)
    return work
  }

  /** Deletes a key once, however many times it is asked at the same moment. */
  delete(id: number): Promise<DeleteResultView> {
    const inFlight = this.#deletesInFlight.get(id)
    if (inFlight) return inFlight
    const work = this.#delete(id).finally(() => this.#deletesInFlight.delete(id))
    this.#deletesInFlight.set(id, work)
    return work
  }

  async #fetchList(): Promise<KeyListView> {
    const session = this.#deps.session
    const keys = await session.withClient((client) => client.listKeys())
    const fetchedAt = this.#now().toISOString()
    await this.#saveCache(keys, fetchedAt)
    return { keys: this.#decorate(keys), fetchedAt, fromCache: false }
  }

  async #create(name: string, requestId: string): Promise<CreatedKeyView> {
    let created
    try {
      created = await this.#deps.session.withClient((client) => client.createKey(name))
    } catch (error) {
      throw this.#explainCreateFailure(error, name)
    }
    const pending = this.#deps.pending.add(created.token, created.name, created.idHint)
    this.#createsDone.set(requestId, pending.pendingId)
    // A window reloaded while this create was in flight never gets its answer: let it ask.
    this.#deps.events.emit('event:token-waiting', { pendingId: pending.pendingId })
    // The answer has no id: take it from the token prefix and confirm it in a fresh list
    // (fetched after the POST, never one that was already in flight before it).
    let list: KeyListView | null = null
    try {
      list = await this.#fetchList()
    } catch {
      list = null // the key exists and its token is safe in `pending`; the list can be refreshed later
    }
    const fromList = list?.keys.find((key) =>
      created.idHint !== null
        ? key.id === created.idHint && key.name === created.name
        : key.name === created.name && key.createdAt === created.createdAt
    )
    const key: KeyListItem | null =
      fromList ??
      (created.idHint === null
        ? null
        : { id: created.idHint, name: created.name, createdAt: created.createdAt, lastUsedAt: null, isAppKey: false })
    if (key && !list) {
      const { id, name, createdAt, lastUsedAt } = key
      await this.#patchCache((keys) => [...keys.filter((k) => k.id !== id), { id, name, createdAt, lastUsedAt }])
    }
    if (key) pending.keyId = key.id // the view object is the one `pending` holds
    return { key, pendingId: pending.pendingId, token: created.token, idConfirmed: fromList !== undefined, list }
  }

  #explainCreateFailure(error: unknown, name: string): unknown {
    if (!(error instanceof ApiError)) return error
    const unsure =
      error.mayHaveReachedServer &&
      (error.kind === 'network' || error.kind === 'timeout' || error.kind === 'server' || error.kind === 'bad_response')
    if (!unsure) return error
    const reason = error.reason.replace(/\.$/, '')
    const inSentence = /^[A-Z][a-z]/.test(reason) ? reason.charAt(0).toLowerCase() + reason.slice(1) : reason
    return new UserFacingError(
      'create_outcome_unknown',
      `The server did not confirm the new key (${inSentence}). It may have been created anyway, so do not simply try again: check the refreshed list for “${name}”. If it is there, its token was lost, so delete it and create a new one.`
    )
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

  async #delete(id: number): Promise<DeleteResultView> {
    const session = this.#deps.session
    const isAppKey = id === session.appKeyId
    const { alreadyGone } = await session.withClient((client) => client.deleteKey(id))
    await this.#patchCache((keys) => keys.filter((key) => key.id !== id))
    if (isAppKey && session.view().state === 'signed-in') {
      await session.endSession(OWN_KEY_DELETED_REASON)
      return { id, alreadyGone, signedOut: true }
    }
    return { id, alreadyGone, signedOut: isAppKey }
  }

  #decorate(keys: ApiKey[]): KeyListItem[] {
    const appKeyId = this.#deps.session.appKeyId
    return keys.map((key) => ({ ...key, isAppKey: key.id === appKeyId }))
  }

  async #saveCache(keys: ApiKey[], fetchedAt: string): Promise<void> {
    const accountId = this.#persistentAccountId()
    if (!accountId) return
    await this.#deps.state.update((draft) => {
      draft.keyCache[accountId] = { fetchedAt, keys: keys.map(({ id, name, createdAt, lastUsedAt }) => ({ id, name, createdAt, lastUsedAt })) }
    })
  }

  async #patchCache(change: (keys: ApiKey[]) => ApiKey[]): Promise<void> {
    const accountId = this.#persistentAccountId()
    if (!accountId) return
    await this.#deps.state.update((draft) => {
      const cached = draft.keyCache[accountId]
      if (cached) cached.keys = change(cached.keys)
    })
  }

  /** Sandbox sessions are throwaway: their lists are not written to disk. */
  #persistentAccountId(): string | null {
    const view = this.#deps.session.view()
    return view.state === 'signed-in' && !view.account.isSandbox ? view.account.id : null
  }
}

/** Newest first, ties by id: timestamps are stored as ISO strings in UTC, so they sort as text. */
const newestFirst = (keys: readonly ApiKey[]): ApiKey[] =>
  [...keys].sort((a, b) => (a.createdAt === b.createdAt ? b.id - a.id : a.createdAt < b.createdAt ? 1 : -1))
