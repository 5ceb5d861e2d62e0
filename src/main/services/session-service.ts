/**
 * The signed-in session: verifies a credential before storing it, restores it from the keychain,
 * ends it on sign-out or when the server stops accepting it. The credential stays in here.
 */
import { checkBaseUrl } from '../../shared/base-url'
import type { AccountSummary, SessionView, UserProfile } from '../../shared/domain'
import { ApiError } from '../api/api-error'
import type { AutocallsClient } from '../api/autocalls-client'
import { tokenIdPrefix } from '../api/response-schemas'
import type { EventSink } from '../ipc/event-sink'
import type { AppStateStore, StoredAccount } from '../storage/app-state-store'
import type { SecretStore } from '../vault/secret-store'
import { log } from '../support/log'
import { UserFacingError } from './app-error'

export interface SandboxHandle {
  baseUrl: string
  /** The demo account's sign-in token. */
  token: string
  close(): Promise<void>
}

export interface SessionServiceDeps {
  vault: SecretStore
  state: AppStateStore
  createClient: (baseUrl: string, credential: string) => AutocallsClient
  events: EventSink
  startSandbox: () => Promise<SandboxHandle>
}

interface ActiveSession {
  account: AccountSummary
  client: AutocallsClient
  appKeyId: number | null
  verified: boolean
  sandbox: SandboxHandle | null
}

export const REVOKED_REASON =
  'The API key this app signs in with was rejected by the server: it was deleted or revoked elsewhere. Sign in again with a valid key.'

/** Keychain entries are per account and per server, so two hosts never share or overwrite one. */
export const accountIdFor = (baseUrl: string, email: string): string => `${email} on ${baseUrl}`

export class SessionService {
  readonly #deps: SessionServiceDeps
  #active: ActiveSession | null = null
  #endedReason: string | undefined

  constructor(deps: SessionServiceDeps) {
    this.#deps = deps
  }

  /** The session as known without any I/O (from memory, else from the stored state). */
  view(): SessionView {
    if (this.#active) return { state: 'signed-in', account: this.#active.account, verified: this.#active.verified }
    const stored = this.#storedActive()
    if (stored) return { state: 'signed-in', account: summary(stored, false), verified: false }
    return this.#endedReason ? { state: 'signed-out', reason: this.#endedReason } : { state: 'signed-out' }
  }

  get activeAccountId(): string | null {
    return this.#active?.account.id ?? this.#storedActive()?.id ?? null
  }

  get appKeyId(): number | null {
    return this.#active?.appKeyId ?? this.#storedActive()?.appKeyId ?? null
  }

  /** Loads the stored credential and re-verifies it with `GET /user/me`. */
  async restore(): Promise<SessionView> {
    const session = await this.#ensureActive()
    if (!session) return this.view()
    const profile = await this.#call(session, (client) => client.getMe())
    session.verified = true
    await this.#saveProfile(session, profile)
    return this.view()
  }

  /** Verifies first; only a credential the server accepted is ever stored. */
  async signIn(rawBaseUrl: string, rawApiKey: string): Promise<SessionView> {
    const baseUrl = checkBaseUrl(rawBaseUrl)
    if (!baseUrl.ok) throw new UserFacingError('validation', baseUrl.message, { baseUrl: [baseUrl.message] })
    const credential = rawApiKey.trim()
    if (credential === '') {
      throw new UserFacingError('validation', 'Enter your Autocalls API key.', { apiKey: ['Enter your Autocalls API key.'] })
    }
    if (/[\s\u0000-\u001f\u007f]/.test(credential) || credential.length > 1024) {
      const message = 'That does not look like an API key: it contains spaces or control characters, or is far too long.'
      throw new UserFacingError('validation', message, { apiKey: [message] })
    }
    const client = this.#deps.createClient(baseUrl.url, credential)
    const profile = await client.getMe()
    const account: StoredAccount = {
      id: accountIdFor(baseUrl.url, profile.email),
      baseUrl: baseUrl.url,
      profile,
      appKeyId: tokenIdPrefix(credential)
    }
    await this.#deps.vault.set(account.id, credential)
    await this.#replaceActive({ account: summary(account, false), client, appKeyId: account.appKeyId, verified: true, sandbox: null })
    await this.#deps.state.update((draft) => {
      draft.accounts[account.id] = account
      draft.activeAccountId = account.id
    })
    return this.view()
  }

  /** A fresh in-process sandbox, signed in to its demo account. Nothing goes to the keychain. */
  async startSandbox(): Promise<SessionView> {
    const sandbox = await this.#deps.startSandbox()
    try {
      const client = this.#deps.createClient(sandbox.baseUrl, sandbox.token)
      const profile = await client.getMe()
      const account: AccountSummary = {
        id: accountIdFor(sandbox.baseUrl, profile.email),
        baseUrl: sandbox.baseUrl,
        profile,
        isSandbox: true
      }
      await this.#replaceActive({ account, client, appKeyId: tokenIdPrefix(sandbox.token), verified: true, sandbox })
      return this.view()
    } catch (error) {
      await sandbox.close()
      throw error
    }
  }

  /** Signs out by choice: the credential leaves the keychain, the account's cached data goes too. */
  async signOut(): Promise<SessionView> {
    await this.#end(undefined)
    return this.view()
  }

  /**
   * Runs an API call with the session's client. A 401 ends the session (the credential was
   * revoked elsewhere) before the error goes back to the caller.
   */
  async withClient<T>(call: (client: AutocallsClient) => Promise<T>): Promise<T> {
    const session = await this.#ensureActive()
    if (!session) throw new UserFacingError('not_signed_in', 'You are signed out. Sign in to manage your API keys.')
    return this.#call(session, call)
  }

  /** Ends the session without the person asking, and tells every window why. */
  async endSession(reason: string): Promise<void> {
    await this.#end(reason)
    this.#deps.events.emit('event:session-ended', { reason })
  }

  /** Stops the sandbox server, if one runs (app quit). */
  async dispose(): Promise<void> {
    await this.#active?.sandbox?.close()
  }

  async #call<T>(session: ActiveSession, call: (client: AutocallsClient) => Promise<T>): Promise<T> {
    try {
      return await call(session.client)
    } catch (error) {
      if (error instanceof ApiError && error.kind === 'unauthenticated' && this.#active === session) {
        await this.endSession(REVOKED_REASON)
      }
      throw error
    }
  }

  async #ensureActive(): Promise<ActiveSession | null> {
    if (this.#active) return this.#active
    const stored = this.#storedActive()
    if (!stored) return null
    const credential = await this.#deps.vault.get(stored.id)
    if (this.#active) return this.#active // another call restored it while we waited on the keychain
    if (credential === null) {
      await this.#forget(stored.id)
      this.#endedReason = 'The saved API key is no longer in the system keychain. Sign in again.'
      return null
    }
    this.#active = {
      account: summary(stored, false),
      client: this.#deps.createClient(stored.baseUrl, credential),
      appKeyId: tokenIdPrefix(credential),
      verified: false,
      sandbox: null
    }
    return this.#active
  }

  async #replaceActive(next: ActiveSession): Promise<void> {
    const previous = this.#active
    this.#active = next
    this.#endedReason = undefined
    if (previous?.sandbox && previous.sandbox !== next.sandbox) await previous.sandbox.close()
  }

  async #end(reason: string | undefined): Promise<void> {
    const session = this.#active
    const accountId = this.activeAccountId
    if (accountId && !session?.account.isSandbox) {
      try {
        await this.#deps.vault.delete(accountId)
      } catch (error) {
        // Signing out by choice must not pretend the credential is gone when it is not.
        if (reason === undefined) throw error
        // A revoked credential is useless anyway: end the session and say so in the log.
        log.warn('Could not remove a revoked credential from the keychain:', error)
      }
    }
    this.#active = null
    this.#endedReason = reason
    if (accountId) await this.#forget(accountId)
    await session?.sandbox?.close()
  }

  async #forget(accountId: string): Promise<void> {
    await this.#deps.state.update((draft) => {
      delete draft.accounts[accountId]
      delete draft.keyCache[accountId]
      if (draft.activeAccountId === accountId) draft.activeAccountId = null
    })
  }

  async #saveProfile(session: ActiveSession, profile: UserProfile): Promise<void> {
    session.account = { ...session.account, profile }
    if (session.account.isSandbox) return
    await this.#deps.state.update((draft) => {
      const stored = draft.accounts[session.account.id]
      if (stored) stored.profile = profile
    })
  }

  #storedActive(): StoredAccount | null {
    const { activeAccountId, accounts } = this.#deps.state.state
    return activeAccountId ? (accounts[activeAccountId] ?? null) : null
  }
}

const summary = (stored: StoredAccount, isSandbox: boolean): AccountSummary => ({
  id: stored.id,
  baseUrl: stored.baseUrl,
  profile: stored.profile,
  isSandbox
})
