/**
 * Every account's runtime: its credential (read from the keychain the first time the account is
 * used, never before), its API client, whether the server has accepted it in this run, and what
 * went wrong last. Calls name their account; nothing here is "the current account", so a switch
 * in the window can never redirect a call that is already running.
 */
import { ACCOUNT_COLOR_COUNT, type AccountId, type AccountStatus, type AccountView, type PacingView, type UserProfile } from '../../shared/domain'
import type { AppError } from '../../shared/errors'
import { SHARED_MESSAGES } from '../../shared/messages'
import { ApiError } from '../api/api-error'
import type { AutocallsClient, ResponseObservation } from '../api/autocalls-client'
import { observeRateLimit } from '../api/rate-limit-headers'
import type { BatchTask } from '../services/batch-runner'
import { RequestPacer, type PacerOptions, type PacerStatus, type ScheduleOptions } from '../services/request-pacer'
import type { EventSink } from '../ipc/event-sink'
import { toAppError, UserFacingError } from '../services/app-error'
import type { AppStateStore, StoredAccount } from '../storage/app-state-store'
import type { KeyCacheStore } from '../storage/key-cache-store'
import { log } from '../support/log'
import { KeychainUnavailableError, type SecretStore } from '../vault/secret-store'

export interface SandboxHandle {
  baseUrl: string
  /** The demo account's sign-in token. */
  token: string
  close(): Promise<void>
}

export interface AccountSessionsDeps {
  vault: SecretStore
  state: AppStateStore
  /** An ended session's key list goes with it: nothing stale stays around to be shown as current. */
  cache: KeyCacheStore
  /** `observe` hears every HTTP answer (for the account's rate-limit pacing). */
  createClient: (baseUrl: string, credential: string, observe?: (observation: ResponseObservation) => void) => AutocallsClient
  events: EventSink
  /** Pacing settings for every account's pacer (tests and the bench shorten the window). */
  pacing?: PacerOptions
}

/** What only this run knows about an account. */
interface Runtime {
  /** All background work for the account goes through it; clicks only tell it what they spent. */
  pacer: RequestPacer
  pacing: PacingView | null
  client: AutocallsClient | null
  /** The keychain read in flight, shared by concurrent callers. */
  loading: Promise<AutocallsClient> | null
  verified: boolean
  /** A problem seen in this run (unreachable, keychain); cleared by the next success. */
  transient: { status: Extract<AccountStatus, 'unreachable' | 'keychain-locked'>; problem: AppError } | null
  refreshing: number
}

/** A sandbox account: nothing about it is stored, so its record lives here. */
interface SandboxAccount {
  record: StoredAccount
  handle: SandboxHandle
}

export const REVOKED_REASON = SHARED_MESSAGES.credentialRevoked
export const CREDENTIAL_MISSING_REASON = SHARED_MESSAGES.credentialMissing

/** Keychain entries are per account and per server, so two hosts never share or overwrite one. */
export const accountIdFor = (baseUrl: string, email: string): AccountId => `${email} on ${baseUrl}`

export class AccountSessions {
  readonly #deps: AccountSessionsDeps
  readonly #runtime = new Map<AccountId, Runtime>()
  readonly #sandboxes = new Map<AccountId, SandboxAccount>()
  /** Something the window should tell the person about an account once (an interrupted key rotation's end). */
  readonly #notices = new Map<AccountId, string>()

  constructor(deps: AccountSessionsDeps) {
    this.#deps = deps
  }

  /** Every account, in the switcher's order (stored ones, then this run's sandbox accounts). */
  views(): AccountView[] {
    return this.#records().map((record) => this.#viewOf(record))
  }

  view(accountId: AccountId): AccountView | null {
    const record = this.record(accountId)
    return record ? this.#viewOf(record) : null
  }

  /** The stored (or sandbox) record of an account, null when there is no such account. */
  record(accountId: AccountId): StoredAccount | null {
    return this.#deps.state.state.accounts[accountId] ?? this.#sandboxes.get(accountId)?.record ?? null
  }

  isSandbox(accountId: AccountId): boolean {
    return this.#sandboxes.has(accountId)
  }

  appKeyId(accountId: AccountId): number | null {
    return this.record(accountId)?.appKeyId ?? null
  }

  isVerified(accountId: AccountId): boolean {
    return this.#runtime.get(accountId)?.verified ?? false
  }

  readonly #endedListeners = new Set<(accountId: AccountId, reason: string) => void>()

  /** Told when an account's session ends without the person asking (401, own key deleted). */
  onSessionEnded(listener: (accountId: AccountId, reason: string) => void): () => void {
    this.#endedListeners.add(listener)
    return () => this.#endedListeners.delete(listener)
  }

  /** Says something about an account in its view (until the app quits). */
  setNotice(accountId: AccountId, notice: string): void {
    this.#notices.set(accountId, notice)
    this.announce()
  }

  /** Tells every window the accounts changed. */
  announce(): void {
    this.#deps.events.emit('event:accounts-changed', { accounts: this.views() })
  }

  /**
   * Runs an API call with the account's client. A 401 ends that account's session (its
   * credential leaves the keychain) before the error goes back; other accounts are untouched.
   */
  withClient<T>(accountId: AccountId, call: (client: AutocallsClient) => Promise<T>): Promise<T> {
    // A click never waits for the pacer; it only keeps its counts right.
    return this.#runtimeOf(accountId).pacer.runInteractive(() => this.#call(accountId, call))
  }

  /**
   * Runs an API call as background work (refresh all, rotation watching): it waits its turn in the
   * account's pacer, which keeps a reserve for clicks and pauses everything on a 429. The call
   * gets no retry of its own on 429 (pass `{ retryRateLimited: false }` to the client): the
   * pacer runs it again after the pause.
   */
  inBackground<T>(accountId: AccountId, call: (client: AutocallsClient) => Promise<T>, options: Omit<ScheduleOptions, 'retryWhenRateLimited'> = {}): Promise<T> {
    return this.#runtimeOf(accountId).pacer.schedule(() => this.#call(accountId, call), { ...options, retryWhenRateLimited: true })
  }

  /** One task of a batch (bulk delete): paced like background work, with the account's usual 401 handling. */
  batchTask<T>(accountId: AccountId, call: (client: AutocallsClient) => Promise<T>): BatchTask<T> {
    return { pacer: this.#runtimeOf(accountId).pacer, run: () => this.#call(accountId, call) }
  }

  async #call<T>(accountId: AccountId, call: (client: AutocallsClient) => Promise<T>): Promise<T> {
    const client = await this.#clientOf(accountId)
    try {
      const value = await call(client)
      this.#clearTransient(accountId, client)
      return value
    } catch (error) {
      await this.#afterFailure(accountId, client, error)
      throw error
    }
  }

  /** Counts a list fetch in flight, for the "refreshing" state the window shows. */
  async trackRefresh<T>(accountId: AccountId, work: () => Promise<T>): Promise<T> {
    const runtime = this.#runtimeOf(accountId)
    runtime.refreshing++
    if (runtime.refreshing === 1) this.announce()
    try {
      return await work()
    } finally {
      runtime.refreshing--
      if (runtime.refreshing === 0) this.announce()
    }
  }

  /** The server accepted the account's credential in this run (and said who it belongs to). */
  async markVerified(accountId: AccountId, profile: UserProfile): Promise<void> {
    this.#runtimeOf(accountId).verified = true
    const sandbox = this.#sandboxes.get(accountId)
    if (sandbox) sandbox.record.profile = profile
    else
      await this.#deps.state.update((draft) => {
        const stored = draft.accounts[accountId]
        if (stored) stored.profile = profile
      })
  }

  /**
   * Starts using a credential the server has just accepted: a new account, or a new sign-in to
   * one that is here already. The credential goes to the keychain first; nothing is stored if
   * that fails.
   */
  async signedIn(input: { baseUrl: string; profile: UserProfile; credential: string; appKeyId: number | null }): Promise<{ accountId: AccountId; alreadyExisted: boolean }> {
    const accountId = accountIdFor(input.baseUrl, input.profile.email)
    const alreadyExisted = this.record(accountId) !== null
    await this.#deps.vault.set(accountId, input.credential)
    const runtime = this.#runtimeOf(accountId)
    Object.assign(runtime, { client: this.#observedClient(accountId, input.baseUrl, input.credential), loading: null, verified: true, transient: null })
    await this.#deps.state.update((draft) => {
      const existing = draft.accounts[accountId]
      draft.accounts[accountId] = {
        id: accountId,
        baseUrl: input.baseUrl,
        profile: input.profile,
        appKeyId: input.appKeyId,
        addedAt: existing?.addedAt ?? new Date().toISOString(),
        colorIndex: existing?.colorIndex ?? nextColor(draft.accounts, this.#sandboxColors()),
        signedOutReason: null,
        lastRefreshedAt: existing?.lastRefreshedAt ?? null,
        keyCount: existing?.keyCount ?? null,
        neverUsedCount: existing?.neverUsedCount ?? null
      }
      if (!draft.accountOrder.includes(accountId)) draft.accountOrder.push(accountId)
      draft.defaultAccountId ??= accountId
      draft.shownAccountId ??= accountId
    })
    this.announce()
    return { accountId, alreadyExisted }
  }

  /** Registers a sandbox account (kept in memory only; its server stops with the app or on removal). */
  addSandbox(input: { profile: UserProfile; handle: SandboxHandle; appKeyId: number | null }): AccountId {
    const accountId = accountIdFor(input.handle.baseUrl, input.profile.email)
    const record: StoredAccount = {
      id: accountId,
      baseUrl: input.handle.baseUrl,
      profile: input.profile,
      appKeyId: input.appKeyId,
      addedAt: new Date().toISOString(),
      colorIndex: nextColor(this.#deps.state.state.accounts, this.#sandboxColors()),
      signedOutReason: null,
      lastRefreshedAt: null,
      keyCount: null,
      neverUsedCount: null
    }
    this.#sandboxes.set(accountId, { record, handle: input.handle })
    Object.assign(this.#runtimeOf(accountId), {
      client: this.#observedClient(accountId, input.handle.baseUrl, input.handle.token),
      loading: null,
      verified: true,
      transient: null
    })
    this.announce()
    return accountId
  }

  /** Records what the last list said about the account (for the switcher and the overview). */
  async recordListSummary(accountId: AccountId, summary: { fetchedAt: string; keyCount: number; neverUsedCount: number }): Promise<void> {
    const sandbox = this.#sandboxes.get(accountId)
    const apply = (record: StoredAccount) => {
      record.lastRefreshedAt = summary.fetchedAt
      record.keyCount = summary.keyCount
      record.neverUsedCount = summary.neverUsedCount
    }
    if (sandbox) apply(sandbox.record)
    else
      await this.#deps.state.update((draft) => {
        const stored = draft.accounts[accountId]
        if (stored) apply(stored)
      })
  }

  /**
   * Ends one account's session without the person asking (401, own key deleted): the credential
   * leaves the keychain, the account stays listed as "needs sign-in" with the reason.
   */
  async endSession(accountId: AccountId, reason: string): Promise<void> {
    this.#forgetRuntime(accountId, reason)
    const sandbox = this.#sandboxes.get(accountId)
    if (sandbox) {
      sandbox.record.signedOutReason = reason
    } else {
      try {
        await this.#deps.vault.delete(accountId)
      } catch (error) {
        // A rejected credential is useless anyway: end the session and say so in the log.
        log.warn('Could not remove a rejected credential from the keychain:', error)
      }
      await this.#deps.state.update((draft) => {
        const stored = draft.accounts[accountId]
        if (stored) stored.signedOutReason = reason
      })
    }
    await this.#deps.cache.delete(accountId)
    for (const listener of this.#endedListeners) listener(accountId, reason)
    this.announce()
  }

  /**
   * Signs out of an account by choice: the credential leaves the keychain first (if that fails,
   * nothing else changes and the error says why), then its record goes.
   */
  async remove(accountId: AccountId): Promise<void> {
    const sandbox = this.#sandboxes.get(accountId)
    if (sandbox) {
      this.#sandboxes.delete(accountId)
      this.#forgetRuntime(accountId, 'The account was removed.')
      await sandbox.handle.close()
    } else {
      if (!this.#deps.state.state.accounts[accountId]) throw unknownAccount()
      await this.#deps.vault.delete(accountId)
      this.#forgetRuntime(accountId, 'The account was removed.')
      await this.#deps.state.update((draft) => {
        delete draft.accounts[accountId]
        delete draft.notes[accountId]
        delete draft.rotations[accountId]
        delete draft.ownKeyRotations[accountId]
        draft.accountOrder = draft.accountOrder.filter((id) => id !== accountId)
        if (draft.shownAccountId === accountId) draft.shownAccountId = draft.accountOrder[0] ?? null
        if (draft.defaultAccountId === accountId) draft.defaultAccountId = draft.accountOrder[0] ?? null
      })
    }
    this.announce()
  }

  /** Forgets what this run knows of accounts that another process removed from the state file. */
  prune(): void {
    for (const accountId of this.#runtime.keys()) if (!this.record(accountId)) this.#forgetRuntime(accountId, 'The account was removed.')
  }

  /**
   * Starts using a new credential for a signed-in account (its own key was rotated): later calls
   * send the new one; calls already running finish with the old.
   */
  replaceCredential(accountId: AccountId, credential: string, appKeyId: number | null): Promise<void> {
    const record = this.record(accountId)
    if (!record) throw unknownAccount()
    const runtime = this.#runtimeOf(accountId)
    runtime.client = this.#observedClient(accountId, record.baseUrl, credential)
    runtime.verified = true
    const sandbox = this.#sandboxes.get(accountId)
    if (sandbox) {
      sandbox.record.appKeyId = appKeyId
      return Promise.resolve()
    }
    return this.#deps.state.update((draft) => {
      const stored = draft.accounts[accountId]
      if (stored) stored.appKeyId = appKeyId
    })
  }

  /** A client for `credential` on the account's host, whose answers feed the account's pacer. */
  clientFor(accountId: AccountId, credential: string): AutocallsClient {
    const record = this.record(accountId)
    if (!record) throw unknownAccount()
    return this.#observedClient(accountId, record.baseUrl, credential)
  }

  /** Stops the sandbox servers (app quit). */
  async dispose(): Promise<void> {
    for (const runtime of this.#runtime.values()) runtime.pacer.dispose(new Error('The app is shutting down.'))
    await Promise.all([...this.#sandboxes.values()].map((sandbox) => sandbox.handle.close().catch(() => undefined)))
  }

  async #clientOf(accountId: AccountId): Promise<AutocallsClient> {
    const record = this.record(accountId)
    if (!record) throw unknownAccount()
    if (record.signedOutReason !== null) throw new UserFacingError('not_signed_in', record.signedOutReason)
    const runtime = this.#runtimeOf(accountId)
    if (runtime.client) return runtime.client
    runtime.loading ??= this.#loadCredential(accountId, record).finally(() => (runtime.loading = null))
    return runtime.loading
  }

  async #loadCredential(accountId: AccountId, record: StoredAccount): Promise<AutocallsClient> {
    const runtime = this.#runtimeOf(accountId)
    let credential: string | null
    try {
      credential = await this.#deps.vault.get(accountId)
    } catch (error) {
      if (error instanceof KeychainUnavailableError) {
        runtime.transient = { status: 'keychain-locked', problem: toAppError(error) }
        this.announce()
      }
      throw error
    }
    if (credential === null) {
      await this.endSession(accountId, CREDENTIAL_MISSING_REASON)
      throw new UserFacingError('not_signed_in', CREDENTIAL_MISSING_REASON)
    }
    const client = this.#observedClient(accountId, record.baseUrl, credential)
    runtime.client = client
    if (runtime.transient?.status === 'keychain-locked') {
      runtime.transient = null
      this.announce()
    }
    return client
  }

  #clearTransient(accountId: AccountId, client: AutocallsClient): void {
    const runtime = this.#runtime.get(accountId)
    if (runtime?.client === client && runtime.transient) {
      runtime.transient = null
      this.announce()
    }
  }

  async #afterFailure(accountId: AccountId, client: AutocallsClient, error: unknown): Promise<void> {
    const runtime = this.#runtime.get(accountId)
    // The session may have been replaced meanwhile (a new sign-in): an old client's 401 says nothing about it.
    if (runtime?.client !== client || !(error instanceof ApiError)) return
    if (error.kind === 'unauthenticated') {
      await this.endSession(accountId, REVOKED_REASON)
    } else if (error.kind === 'network' || error.kind === 'timeout' || error.kind === 'server') {
      runtime.transient = { status: 'unreachable', problem: error.toAppError() }
      this.announce()
    }
  }

  #runtimeOf(accountId: AccountId): Runtime {
    let runtime = this.#runtime.get(accountId)
    if (!runtime) {
      const pacer = new RequestPacer(this.#deps.pacing)
      const created: Runtime = { pacer, pacing: null, client: null, loading: null, verified: false, transient: null, refreshing: 0 }
      pacer.onStatus((status) => this.#pacingChanged(created, status))
      runtime = created
      this.#runtime.set(accountId, runtime)
    }
    return runtime
  }

  #observedClient(accountId: AccountId, baseUrl: string, credential: string): AutocallsClient {
    return this.#deps.createClient(baseUrl, credential, (observation) =>
      this.#runtime.get(accountId)?.pacer.observe(observeRateLimit(observation.headers, observation.status, observation.sentAt, Date.now()))
    )
  }

  /** The window hears about waits it should show ("pausing 23 s…"), not about every count. */
  #pacingChanged(runtime: Runtime, status: PacerStatus): void {
    const waiting = status.queued > 0 && status.reason !== null
    const next: PacingView | null = waiting
      ? {
          reason: status.reason!,
          resumesAt: status.pausedUntil === null ? null : new Date(status.pausedUntil).toISOString(),
          remaining: status.remaining,
          limit: status.limit
        }
      : null
    const before = runtime.pacing
    runtime.pacing = next
    if (before?.reason !== next?.reason || before?.resumesAt !== next?.resumesAt) this.announce()
  }

  /** Drops what this run knows of an account; its queued background work is cancelled. */
  #forgetRuntime(accountId: AccountId, reason: string): void {
    const runtime = this.#runtime.get(accountId)
    if (!runtime) return
    runtime.pacer.dispose(new UserFacingError('not_signed_in', reason))
    this.#runtime.delete(accountId)
  }

  #records(): StoredAccount[] {
    const { accounts, accountOrder } = this.#deps.state.state
    const ordered = accountOrder.map((id) => accounts[id]).filter((record): record is StoredAccount => record !== undefined)
    // Accounts missing from the order (a hand edit, an older writer) still show, last.
    const rest = Object.values(accounts).filter((record) => !accountOrder.includes(record.id))
    return [...ordered, ...rest, ...[...this.#sandboxes.values()].map((sandbox) => sandbox.record)]
  }

  #sandboxColors(): number[] {
    return [...this.#sandboxes.values()].map((sandbox) => sandbox.record.colorIndex)
  }

  #viewOf(record: StoredAccount): AccountView {
    const runtime = this.#runtime.get(record.id)
    const signedOut = record.signedOutReason !== null
    const status: AccountStatus = signedOut ? 'needs-sign-in' : (runtime?.transient?.status ?? 'ready')
    const problem = signedOut ? { kind: 'not_signed_in' as const, message: record.signedOutReason ?? '' } : (runtime?.transient?.problem ?? null)
    return {
      id: record.id,
      baseUrl: record.baseUrl,
      profile: record.profile,
      isSandbox: this.#sandboxes.has(record.id),
      colorIndex: record.colorIndex,
      status,
      problem,
      refreshing: (runtime?.refreshing ?? 0) > 0,
      verified: runtime?.verified ?? false,
      keyCount: record.keyCount,
      neverUsedCount: record.neverUsedCount,
      lastRefreshedAt: record.lastRefreshedAt,
      pacing: runtime?.pacing ?? null,
      notice: this.#notices.get(record.id) ?? null
    }
  }
}

const unknownAccount = () => new UserFacingError('not_signed_in', SHARED_MESSAGES.unknownAccount)

function nextColor(accounts: Record<AccountId, StoredAccount>, extra: number[]): number {
  const counts = new Array<number>(ACCOUNT_COLOR_COUNT).fill(0)
  for (const index of [...Object.values(accounts).map((account) => account.colorIndex), ...extra]) {
    if (index >= 0 && index < ACCOUNT_COLOR_COUNT) counts[index] = (counts[index] ?? 0) + 1
  }
  return counts.indexOf(Math.min(...counts))
}

