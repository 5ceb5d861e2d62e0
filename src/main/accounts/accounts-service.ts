/**
 * Adding, removing and refreshing accounts. Adding is verify-first: the credential is stored only
 * after `GET /user/me` accepted it. The list is asked for alongside the verification with the
 * same candidate credential, so a sign-in costs one round trip, and it is shown only once the
 * verification succeeded.
 */
import { checkBaseUrl } from '../../shared/base-url'
import { accountLabel, hostOf, type AccountId, type AccountView, type AddAccountResult, type KeyListView, type RefreshOutcome } from '../../shared/domain'
import type { AutocallsClient } from '../api/autocalls-client'
import { tokenIdPrefix } from '../api/response-schemas'
import { toAppError, UserFacingError } from '../services/app-error'
import type { KeysService } from '../services/keys-service'
import type { AppStateStore } from '../storage/app-state-store'
import type { KeyCacheStore } from '../storage/key-cache-store'
import { log } from '../support/log'
import type { ActivityRecorder } from '../services/activity-recorder'
import { InFlightLimit } from '../services/batch-runner'
import type { AccountSessions, SandboxHandle } from './account-sessions'

/** "Refresh all" never has more than this many requests in flight to one host. */
export const REFRESH_ALL_PER_HOST = 4

export interface AccountsServiceDeps {
  sessions: AccountSessions
  keys: KeysService
  state: AppStateStore
  cache: KeyCacheStore
  createClient: (baseUrl: string, credential: string) => AutocallsClient
  /** Starts the n-th sandbox server of this run (0 first): another loopback host each time. */
  startSandbox: (index: number) => Promise<SandboxHandle>
  activity: ActivityRecorder
}

export class AccountsService {
  readonly #deps: AccountsServiceDeps
  #sandboxCount = 0

  constructor(deps: AccountsServiceDeps) {
    this.#deps = deps
    deps.sessions.onSessionEnded((accountId, reason) => void deps.activity.record(accountId, { action: 'sign-out', outcome: 'ok', detail: reason }))
  }

  list(): AccountView[] {
    return this.#deps.sessions.views()
  }

  /** Re-reads the state file, so accounts the command line added or removed show up. */
  async reload(): Promise<AccountView[]> {
    if (await this.#deps.state.reload()) this.#deps.sessions.prune()
    return this.list()
  }

  /** The account the window should show: the last shown one if it is still here, else the first. */
  shownAccountId(): AccountId | null {
    const views = this.list()
    const shown = this.#deps.state.state.shownAccountId
    return views.find((view) => view.id === shown)?.id ?? views[0]?.id ?? null
  }

  async add(rawBaseUrl: string, rawApiKey: string): Promise<AddAccountResult> {
    const baseUrl = checkBaseUrl(rawBaseUrl)
    if (!baseUrl.ok) throw new UserFacingError('validation', baseUrl.message, { baseUrl: [baseUrl.message] })
    const credential = checkCredential(rawApiKey)
    const client = this.#deps.createClient(baseUrl.url, credential)
    // Both requests at once; the list is kept apart until /user/me accepted the credential.
    const listing = client.listKeys().then(
      (keys) => ({ ok: true as const, keys }),
      (error: unknown) => ({ ok: false as const, error })
    )
    const profile = await client.getMe() // rejected: nothing was stored, the list is dropped
    const { sessions, keys } = this.#deps
    // Stored while the list (1 MB at 10,000 keys) is still arriving.
    const { accountId, alreadyExisted } = await sessions.signedIn({
      baseUrl: baseUrl.url,
      profile,
      credential,
      appKeyId: tokenIdPrefix(credential)
    })
    const logged = this.#deps.activity.record(accountId, { action: 'sign-in', keyId: tokenIdPrefix(credential), outcome: 'ok', detail: alreadyExisted ? 'signed in again' : 'account added' })
    const list = await listing
    const view = list.ok ? await keys.recordList(accountId, list.keys) : null
    if (!list.ok) log.warn('The list fetched alongside a sign-in failed:', list.error)
    await logged
    return { account: this.#view(accountId), alreadyExisted, list: view }
  }

  /** A fresh built-in sandbox (another loopback host each time), signed in to its demo account. */
  async addSandbox(): Promise<AddAccountResult> {
    const handle = await this.#deps.startSandbox(this.#sandboxCount++)
    try {
      const client = this.#deps.createClient(handle.baseUrl, handle.token)
      const [profile, list] = await Promise.all([client.getMe(), client.listKeys()])
      const accountId = this.#deps.sessions.addSandbox({ profile, handle, appKeyId: tokenIdPrefix(handle.token) })
      this.#deps.cache.markEphemeral(accountId)
      const view: KeyListView = await this.#deps.keys.recordList(accountId, list)
      return { account: this.#view(accountId), alreadyExisted: false, list: view }
    } catch (error) {
      await handle.close()
      throw error
    }
  }

  /** Signs out of one account: its keychain entry goes first, then its cached data. */
  async remove(accountId: AccountId): Promise<AccountView[]> {
    const view = this.#deps.sessions.view(accountId)
    await this.#deps.sessions.remove(accountId)
    if (view) await this.#deps.activity.recordFor(accountId, accountLabel(view), { action: 'account-removed', outcome: 'ok' })
    await this.#deps.cache.delete(accountId)
    return this.list()
  }

  /** Signs out of every account; stops at the first that cannot be removed (the keychain says why). */
  async removeAll(): Promise<AccountView[]> {
    for (const account of this.list()) await this.remove(account.id)
    return this.list()
  }

  async show(accountId: AccountId): Promise<void> {
    if (!this.#deps.sessions.record(accountId)) throw new UserFacingError('not_signed_in', 'That account is not in Autocalls Keys any more.')
    if (this.#deps.sessions.isSandbox(accountId) || this.#deps.state.state.shownAccountId === accountId) return
    await this.#deps.state.update((draft) => {
      draft.shownAccountId = accountId
    })
  }

  /**
   * Fetches every signed-in account's list in parallel, at most REFRESH_ALL_PER_HOST requests in
   * flight per host. Each account's outcome stands on its own: one failing never blocks another.
   */
  async refreshAll(): Promise<RefreshOutcome[]> {
    const accounts = this.list().filter((account) => account.status !== 'needs-sign-in')
    // One limit per host: a server never sees more than REFRESH_ALL_PER_HOST of these at once,
    // and accounts on different hosts proceed in parallel. Each list is background work, paced
    // by its account's pacer (a click of the person's still goes first).
    const gates = new Map<string, InFlightLimit>()
    const gateOf = (baseUrl: string): InFlightLimit => {
      const host = hostOf(baseUrl)
      let gate = gates.get(host)
      if (!gate) gates.set(host, (gate = new InFlightLimit(REFRESH_ALL_PER_HOST)))
      return gate
    }
    return Promise.all(
      accounts.map(async (account): Promise<RefreshOutcome> => {
        try {
          await this.#deps.keys.backgroundList(account.id, { gate: gateOf(account.baseUrl) })
          return { accountId: account.id, ok: true, error: null }
        } catch (error) {
          return { accountId: account.id, ok: false, error: toAppError(error) }
        }
      })
    )
  }

  #view(accountId: AccountId): AccountView {
    const view = this.#deps.sessions.view(accountId)
    if (!view) throw new UserFacingError('internal', 'The account was removed while it was being added.')
    return view
  }
}

/** The pasted key, checked before any request: a person sees a typo without a round trip. */
function checkCredential(raw: string): string {
  const credential = raw.trim()
  if (credential === '') {
    throw new UserFacingError('validation', 'Enter your Autocalls API key.', { apiKey: ['Enter your Autocalls API key.'] })
  }
  if (/[\s\u0000-\u001f\u007f]/.test(credential) || credential.length > 1024) {
    const message = 'That does not look like an API key: it contains spaces or control characters, or is far too long.'
    throw new UserFacingError('validation', message, { apiKey: [message] })
  }
  return credential
}
