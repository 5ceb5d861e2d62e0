/**
 * Every account's runtime: its credential (read from the keychain the first time the account is
 * used, never before), its API client, whether the server has accepted it in this run, and what
 * went wrong last. Calls name their account; nothing here is "the current account", so a switch
 * in the window can never redirect a call that is already running.
 */
import { ACCOUNT_COLOR_COUNT, type AccountId, type AccountStatus, type AccountView, type UserProfile } from '../../shared/domain'
import type { AppError } from '../../shared/errors'
import { SHARED_MESSAGES } from '../../shared/messages'
import { ApiError } from '../api/api-error'
import type { AutocallsClient } from '../api/autocalls-client'
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
  createClient: (baseUrl: string, credential: string) => AutocallsClient
  events: EventSink
}

/** What only this run knows about an account. */
interface Runtime {
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

  /** Tells every window the accounts changed. */
  announce(): void {
    this.#deps.events.emit('event:accounts-changed', { accounts: this.views() })
  }

  /**
   * Runs an API call with the account's client. A 401 ends that account's session (its
   * credential leaves the keychain) before the error goes back; other accounts are untouched.
   */
  async withClient<T>(accountId: AccountId, call: (client: AutocallsClient) => Promise<T>): Promise<T> {
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
  async signedIn(input: { baseUrl: string; profile: UserProfile; credential: string; client: AutocallsClient; appKeyId: number | null }): Promise<{ accountId: AccountId; alreadyExisted: boolean }> {
    const accountId = accountIdFor(input.baseUrl, input.profile.email)
    const alreadyExisted = this.record(accountId) !== null
    await this.#deps.vault.set(accountId, input.credential)
    this.#runtime.set(accountId, { client: input.client, loading: null, verified: true, transient: null, refreshing: this.#runtime.get(accountId)?.refreshing ?? 0 })
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
  addSandbox(input: { profile: UserProfile; client: AutocallsClient; handle: SandboxHandle; appKeyId: number | null }): AccountId {
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
    this.#runtime.set(accountId, { client: input.client, loading: null, verified: true, transient: null, refreshing: 0 })
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
    this.#runtime.delete(accountId)
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
      this.#runtime.delete(accountId)
      await sandbox.handle.close()
    } else {
      if (!this.#deps.state.state.accounts[accountId]) throw unknownAccount()
      await this.#deps.vault.delete(accountId)
      this.#runtime.delete(accountId)
      await this.#deps.state.update((draft) => {
        delete draft.accounts[accountId]
        draft.accountOrder = draft.accountOrder.filter((id) => id !== accountId)
        if (draft.shownAccountId === accountId) draft.shownAccountId = draft.accountOrder[0] ?? null
        if (draft.defaultAccountId === accountId) draft.defaultAccountId = draft.accountOrder[0] ?? null
      })
    }
    this.announce()
  }

  /** Forgets what this run knows of accounts that another process removed from the state file. */
  prune(): void {
    for (const accountId of this.#runtime.keys()) if (!this.record(accountId)) this.#runtime.delete(accountId)
  }

  /** Stops the sandbox servers (app quit). */
  async dispose(): Promise<void> {
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
    const client = this.#deps.createClient(record.baseUrl, credential)
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
      runtime = { client: null, loading: null, verified: false, transient: null, refreshing: 0 }
      this.#runtime.set(accountId, runtime)
    }
    return runtime
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
      lastRefreshedAt: record.lastRefreshedAt
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

