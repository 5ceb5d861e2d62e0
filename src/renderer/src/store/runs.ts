/**
 * The store's coordination state: work in flight and the epochs that tell a late answer from a
 * current one. Kept in one named object inside the store (not in closure variables), so tests
 * can inspect and reset it.
 */
import type { AccountId, InitialStateView, KeyListView, PendingTokenView } from '../../../shared/domain'
import type { Result } from '../../../shared/errors'

export class StoreRuns {
  /** The initial state asked for before the first render; used once by start(). */
  earlyInitialState: Promise<Result<InitialStateView>> | null = null
  /** The shown account's list asked for along with the initial state; used once, by that account's first fetch. */
  earlyList: { accountId: AccountId; result: Promise<Result<KeyListView>> } | null = null
  start: Promise<PendingTokenView[]> | null = null
  /** One list fetch per account at a time; concurrent refreshes share it. */
  readonly lists = new Map<AccountId, Promise<void>>()
  /** Bumped when an account's session changes (signed in again, removed): older answers are dropped. */
  readonly #epochs = new Map<AccountId, number>()
  /** Creates this window is waiting on: their tokens arrive in the answer, not by event. */
  createsInFlight = 0
  /**
   * Tokens this window got in its own create's answer. Main's "token waiting" event for one of
   * them may arrive after that answer (the preview carries events apart from answers): it is
   * not fetched a second time.
   */
  readonly ownTokens = new Set<string>()
  refreshAll: Promise<void> | null = null

  epochOf(accountId: AccountId): number {
    return this.#epochs.get(accountId) ?? 0
  }

  /** The early list of `accountId`, once (null for any other account, or once taken). */
  takeEarlyList(accountId: AccountId): Promise<Result<KeyListView>> | null {
    const early = this.earlyList
    if (!early || early.accountId !== accountId) return null
    this.earlyList = null
    return early.result
  }

  bump(accountId: AccountId): void {
    this.#epochs.set(accountId, this.epochOf(accountId) + 1)
    this.lists.delete(accountId)
    if (this.earlyList?.accountId === accountId) this.earlyList = null
  }

  /** Forgets everything in flight (tests, and a window whose app restarted). */
  reset(): void {
    this.earlyInitialState = null
    this.earlyList = null
    this.start = null
    this.lists.clear()
    this.#epochs.clear()
    this.createsInFlight = 0
    this.ownTokens.clear()
    this.refreshAll = null
  }
}
