/**
 * Watching open rotations: while an account has an open rotation and the window is visible, its
 * key list is refreshed on its own, gently, so the rotation's state moves on without the person
 * pressing refresh. Every 60 s at first, twice as long after each refresh that changed nothing,
 * up to every 10 minutes; never within a minute of any refresh of that account (the person's
 * included); nothing while the window is hidden or the computer sleeps, and one refresh soon
 * after it comes back, not a burst. The refresh itself goes through the account's request pacer.
 *
 * `nextRefreshAt` is the policy as a pure function; `RotationWatcher` runs it on injected timers.
 */
import type { AccountId } from '../../shared/domain'
import { systemClock, type Clock, type TimerHandle } from '../support/clock'

export interface WatchPolicy {
  /** The interval after a refresh that changed something (and the first one). */
  baseIntervalMs: number
  /** The longest interval the backoff reaches. */
  maxIntervalMs: number
  /** The interval grows by this factor after each refresh that changed nothing. */
  backoffFactor: number
  /** No automatic refresh within this long of any refresh of the same account. */
  minGapMs: number
  /** After the window shows again or the computer wakes: the one refresh comes this soon… */
  resumeDelayMs: number
  /** …and the accounts' refreshes are this far apart, so several open rotations are no burst. */
  resumeStaggerMs: number
}

export const DEFAULT_WATCH_POLICY: WatchPolicy = {
  baseIntervalMs: 60_000,
  maxIntervalMs: 10 * 60_000,
  backoffFactor: 2,
  minGapMs: 60_000,
  resumeDelayMs: 5_000,
  resumeStaggerMs: 2_000
}

/** What the policy knows about one watched account. */
export interface AccountWatchState {
  /** When watching began (the first refresh is an interval after it, if the list's last fetch is unknown). */
  since: number
  /** The interval now in force (grows with refreshes that changed nothing). */
  intervalMs: number
  /** When the last refresh of this account (automatic or not) was sent; null if none yet. */
  lastRefreshAt: number | null
  /** When the window last came back (visible and awake) after being away; null if it never left. */
  resumedAt: number | null
  /** This account's place among the watched ones, for staggering after a resume. */
  resumeSlot: number
}

/** The interval after a refresh: back to the base after a change, else grown, within the bounds. */
export function intervalAfterRefresh(policy: WatchPolicy, intervalMs: number, changed: boolean): number {
  if (changed) return policy.baseIntervalMs
  return Math.min(policy.maxIntervalMs, Math.max(policy.baseIntervalMs, intervalMs * policy.backoffFactor))
}

/** When the next automatic refresh of an account is due (epoch ms). */
export function nextRefreshAt(policy: WatchPolicy, state: AccountWatchState): number {
  // Never below the minimum gap, so no refresh comes within a minute of the last one.
  const regular = (state.lastRefreshAt ?? state.since) + Math.max(state.intervalMs, policy.minGapMs)
  // Back from hidden or asleep: whatever fell due while away collapses into one refresh a few
  // seconds later (staggered across accounts); one not yet due keeps its time.
  const resumed = state.resumedAt !== null && (state.lastRefreshAt === null || state.lastRefreshAt < state.resumedAt)
  const resumeAt = resumed ? state.resumedAt! + policy.resumeDelayMs + state.resumeSlot * policy.resumeStaggerMs : Number.NEGATIVE_INFINITY
  return Math.max(regular, resumeAt)
}

export interface RotationWatcherOptions {
  /**
   * Refreshes the account's key list (through its pacer) and says whether anything about its open
   * rotations changed. A failure counts as no change (so an unreachable server is asked less often).
   */
  refresh: (accountId: AccountId) => Promise<{ changed: boolean }>
  clock?: Clock
  policy?: Partial<WatchPolicy>
}

interface Watched extends AccountWatchState {
  inFlight: boolean
}

export class RotationWatcher {
  readonly #refresh: (accountId: AccountId) => Promise<{ changed: boolean }>
  readonly #clock: Clock
  readonly #policy: WatchPolicy
  readonly #accounts = new Map<AccountId, Watched>()
  #visible = true
  #awake = true
  #timer: TimerHandle | null = null
  #stopped = false

  constructor(options: RotationWatcherOptions) {
    this.#refresh = options.refresh
    this.#clock = options.clock ?? systemClock
    const policy = { ...DEFAULT_WATCH_POLICY, ...options.policy }
    // The base interval can never undercut the once-a-minute rule.
    this.#policy = { ...policy, baseIntervalMs: Math.max(policy.baseIntervalMs, policy.minGapMs) }
  }

  /** Starts watching an account (it has an open rotation). `lastRefreshAt`: its list's last fetch, if known. */
  watch(accountId: AccountId, lastRefreshAt: number | null = this.#clock.now()): void {
    if (this.#stopped || this.#accounts.has(accountId)) return
    this.#accounts.set(accountId, {
      since: this.#clock.now(),
      intervalMs: this.#policy.baseIntervalMs,
      lastRefreshAt,
      resumedAt: null,
      resumeSlot: 0,
      inFlight: false
    })
    this.#arm()
  }

  /** Stops watching (its last open rotation was finished or cancelled, or the account left). */
  unwatch(accountId: AccountId): void {
    this.#accounts.delete(accountId)
    this.#arm()
  }

  watching(): AccountId[] {
    return [...this.#accounts.keys()]
  }

  /** The window was shown or hidden (or minimised). */
  setVisible(visible: boolean): void {
    this.#setActive(visible, this.#awake)
  }

  /** The computer is about to sleep (false) or woke up (true). */
  setAwake(awake: boolean): void {
    this.#setActive(this.#visible, awake)
  }

  /** A refresh of the account's list that this watcher did not start (the person's, refresh all) was sent. */
  noteRefreshStarted(accountId: AccountId): void {
    const account = this.#accounts.get(accountId)
    if (!account) return
    account.lastRefreshAt = this.#clock.now()
    this.#arm()
  }

  /** …and finished; `changed`: it moved a rotation on. */
  noteRefreshFinished(accountId: AccountId, changed: boolean): void {
    const account = this.#accounts.get(accountId)
    if (!account) return
    account.intervalMs = intervalAfterRefresh(this.#policy, account.intervalMs, changed)
    this.#arm()
  }

  /** When each watched account's next automatic refresh is due (null while the window is away). */
  schedule(): Map<AccountId, number | null> {
    return new Map([...this.#accounts].map(([id, account]) => [id, this.#active() && !account.inFlight ? nextRefreshAt(this.#policy, account) : null]))
  }

  stop(): void {
    this.#stopped = true
    this.#accounts.clear()
    this.#arm()
  }

  #active(): boolean {
    return this.#visible && this.#awake && !this.#stopped
  }

  #setActive(visible: boolean, awake: boolean): void {
    const wasActive = this.#active()
    this.#visible = visible
    this.#awake = awake
    if (!wasActive && this.#active()) {
      const now = this.#clock.now()
      let slot = 0
      for (const account of this.#accounts.values()) {
        account.resumedAt = now
        account.resumeSlot = slot++
      }
    }
    this.#arm()
  }

  #arm(): void {
    if (this.#timer !== null) this.#clock.clearTimeout(this.#timer)
    this.#timer = null
    if (!this.#active()) return
    const now = this.#clock.now()
    let earliest = Number.POSITIVE_INFINITY
    for (const account of this.#accounts.values()) {
      if (!account.inFlight) earliest = Math.min(earliest, nextRefreshAt(this.#policy, account))
    }
    if (!Number.isFinite(earliest)) return
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = null
      this.#fireDue()
    }, Math.max(0, earliest - now))
  }

  #fireDue(): void {
    if (!this.#active()) return
    const now = this.#clock.now()
    for (const [accountId, account] of this.#accounts) {
      if (account.inFlight || nextRefreshAt(this.#policy, account) > now) continue
      account.inFlight = true
      account.lastRefreshAt = now
      void this.#run(accountId, account)
    }
    this.#arm()
  }

  async #run(accountId: AccountId, account: Watched): Promise<void> {
    let changed = false
    try {
      changed = (await this.#refresh(accountId)).changed
    } catch {
      changed = false // the caller reports the error; here it only means "ask less often"
    }
    account.inFlight = false
    if (this.#accounts.get(accountId) !== account) return // unwatched meanwhile
    account.intervalMs = intervalAfterRefresh(this.#policy, account.intervalMs, changed)
    this.#arm()
  }
}
