/**
 * The store's coordination state: work in flight and the epochs that tell a late answer from a
 * current one. Kept in one named object inside the store (not in closure variables), so tests
 * can inspect and reset it.
 */
import type { AccountId, InitialStateView, PendingTokenView } from '../../../shared/domain'
import type { Result } from '../../../shared/errors'

export class StoreRuns {
  /** The initial state asked for before the first render; used once by start(). */
  earlyInitialState: Promise<Result<InitialStateView>> | null = null
  start: Promise<PendingTokenView[]> | null = null
  /** One list fetch per account at a time; concurrent refreshes share it. */
  readonly lists = new Map<AccountId, Promise<void>>()
  /** Bumped when an account's session changes (signed in again, removed): older answers are dropped. */
  readonly #epochs = new Map<AccountId, number>()
  /** Creates this window is waiting on: their tokens arrive in the answer, not by event. */
  createsInFlight = 0
  refreshAll: Promise<void> | null = null

  epochOf(accountId: AccountId): number {
    return this.#epochs.get(accountId) ?? 0
  }

  bump(accountId: AccountId): void {
    this.#epochs.set(accountId, this.epochOf(accountId) + 1)
    this.lists.delete(accountId)
  }

  /** Forgets everything in flight (tests, and a window whose app restarted). */
  reset(): void {
    this.earlyInitialState = null
    this.start = null
    this.lists.clear()
    this.#epochs.clear()
    this.createsInFlight = 0
    this.refreshAll = null
  }
}
