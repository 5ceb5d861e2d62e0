/**
 * One account's request pacer. Every background and batch request of an account (refresh all,
 * bulk delete, rotation watching, the command line's batch commands) waits here for its turn, so
 * that together they stay inside the server's rate limit and leave room for what the person
 * clicks. The person's own requests never wait: they run at once through `runInteractive`, and
 * every answer (theirs too) is reported through `observe`.
 *
 * What the server tells us, and what we have to estimate (Laravel's ThrottleRequests):
 * - The limit is a fixed window per user (across all their tokens) that starts at the window's
 *   first hit and lasts the decay time (`throttle:60,1`: 60 a minute). Normal answers carry only
 *   `X-RateLimit-Limit` and `X-RateLimit-Remaining`; the reset time comes only with a 429.
 * - So the pacer estimates the window's end as "the first answer seen in this window + the window
 *   length". That answer arrived after the server counted it, and the server counted it after the
 *   window started, so the estimate is never early as long as the assumed length is not too short.
 *   The length is assumed (60 s, Laravel's default, or what the owner configured) and learned from
 *   the server: a 429's Retry-After, and a window seen to roll over before we expected, each give
 *   an upper bound on it (see `#learnUpperBound`).
 * - A new window shows as Remaining going up. Answers can arrive out of order (four requests in
 *   flight), so a rise proves a new window only for a request *sent after* an answer with as much
 *   or less left had arrived: counted after it, in the same window it would show less. A late
 *   answer to an older request may be about the old window; it only counts as one more request
 *   possibly spent in this one.
 * - Safety does not rest on the time estimate: background work only ever spends what the server
 *   said is left, minus everything still in flight, minus the reserve. The estimate decides when
 *   one request goes out, alone, to find out whether the window has reset once the budget is
 *   used up, and how to spread the budget over the window when the queue is longer than it.
 *
 * Limits of the model: another client of the same user (a script, another computer, another
 * pacer for the same user) spends the same budget unseen until the next answer shows it, and can
 * cause a 429, which pauses us for the Retry-After. If the assumed window is shorter than the real
 * one, the request sent when it runs out spends one unit of the reserve before the pacer notices
 * and doubles its guess. Learned lengths are rounded up to whole seconds (Laravel's unit), which
 * costs up to a second per window on a server with exact sub-second windows.
 */
import { ApiError } from '../api/api-error'
import type { RateLimitObservation } from '../api/rate-limit-headers'
import { systemClock, type Clock, type TimerHandle } from '../support/clock'

/** Why queued work is not starting right now. */
export type PacerWaitReason =
  /** The server answered 429: everything waits until `pausedUntil` (its Retry-After). */
  | 'rate-limited'
  /** What is left in this window is kept for the person's clicks: waiting for the window to reset (`pausedUntil`, an estimate). */
  | 'reserve'
  /** More work is queued than the window has left: requests are spaced out over the window. */
  | 'spreading'
  /** The server sends no rate-limit headers: a conservative fixed rate applies. */
  | 'no-headers'

export interface PacerStatus {
  /** Requests per window, as the server last said; null until it has said. */
  limit: number | null
  /** Requests left in the current window (the server's last figure, less answers without one). */
  remaining: number | null
  /** How many of `remaining` background work leaves for the person. */
  reserve: number
  /** When waiting work resumes (epoch ms), for `rate-limited` and `reserve`; null otherwise. */
  pausedUntil: number | null
  reason: PacerWaitReason | null
  /** Background tasks waiting for their turn. */
  queued: number
  /** Requests running now, the person's included. */
  inFlight: number
  /** The window length the pacer currently assumes (ms). */
  windowMs: number
}

/**
 * A limit on how many tasks of one group (a batch) run at once, shared between pacers: "Refresh
 * all" spans accounts, each with its own pacer, and still keeps at most 4 in flight in all.
 */
export interface InFlightGate {
  tryAcquire(): boolean
  release(): void
  /** Called after every release, so a pacer holding the group's waiting tasks can start one. */
  onRelease(listener: () => void): void
}

export interface PacerOptions {
  clock?: Clock
  /** The window length to assume until the server shows otherwise (ms). Laravel's default: 60 s. */
  windowMs?: number
  /** Background requests of this account running at once. */
  maxInFlight?: number
  /** Without rate-limit headers: at most one background request per this many ms. */
  noHeadersIntervalMs?: number
  /** How much of the window's budget background work leaves untouched. */
  reserveFor?: (limit: number | null) => number
  /** Whether a task's failure was the server's 429 (then the task may be run again after the pause). */
  isRateLimited?: (error: unknown) => boolean
  /** Times one task is run again after a 429 before its error is returned. */
  maxRateLimitRetries?: number
  /** The longest pause a 429 can impose (ms); a longer Retry-After is cut to this. */
  maxPauseMs?: number
}

export interface ScheduleOptions {
  /** Aborting removes the task if it has not started (it then rejects with the signal's reason). */
  signal?: AbortSignal
  /** The task also needs a place in this group's in-flight limit. */
  gate?: InFlightGate
  /**
   * The task may be run again after a 429 (GET, DELETE: idempotent, and a throttled request never
   * reached the controller). Never set it for a POST.
   */
  retryWhenRateLimited?: boolean
}

export const DEFAULT_WINDOW_MS = 60_000
export const DEFAULT_MAX_IN_FLIGHT = 4
/** One a second: Laravel's default limit (60 a minute) exactly, for a server that does not say. */
export const DEFAULT_NO_HEADERS_INTERVAL_MS = 1_000
/** A Laravel `perHour` limit is the longest window in common use. */
export const DEFAULT_MAX_PAUSE_MS = 60 * 60 * 1000
const MIN_WINDOW_MS = 1_000
/** Far more answers than can be in flight at once (4 background plus the person's clicks). */
const RECENT_ANSWERS = 64

/**
 * The reserve: 5 left for the person at Laravel's default of 60 (a click is one or two requests:
 * a delete and the list after it), but a tenth of the limit below 50, and never less than 1, so a
 * small limit (10 a minute) is not halved for background work and a click still always fits.
 */
export function defaultReserve(limit: number | null): number {
  if (limit === null) return 5
  return Math.min(5, Math.max(1, Math.floor(limit / 10)))
}

const isApiRateLimited = (error: unknown): boolean => error instanceof ApiError && error.kind === 'rate_limited'

type Mode =
  /** No answer yet said whether the server sends rate-limit headers: one request at a time. */
  | 'unknown'
  | 'headers'
  | 'no-headers'

interface Entry {
  run: () => Promise<unknown>
  resolve: (value: unknown) => void
  reject: (reason: unknown) => void
  options: ScheduleOptions
  retriesLeft: number
  state: 'queued' | 'running' | 'settled'
  detach: () => void
}

interface Decision {
  /** When the next task may start; Infinity: when something in flight finishes or answers. */
  at: number
  reason: PacerWaitReason | null
}

export class RequestPacer {
  readonly #clock: Clock
  readonly #initialWindowMs: number
  readonly #maxInFlight: number
  readonly #noHeadersIntervalMs: number
  readonly #reserveFor: (limit: number | null) => number
  readonly #isRateLimited: (error: unknown) => boolean
  readonly #maxRateLimitRetries: number
  readonly #maxPauseMs: number

  #queue: Entry[] = []
  /** Send times of every request in flight, background and interactive. */
  readonly #inFlight = new Set<{ sentAt: number }>()
  #backgroundInFlight = 0
  #lastStartAt: number | null = null
  #pausedUntil: number | null = null
  #mode: Mode = 'unknown'

  #limit: number | null = null
  /** Send time of the answer that set `#limit`: an older answer's limit is stale. */
  #limitSentAt = Number.NEGATIVE_INFINITY
  /** What is left to spend: the lowest Remaining any answer reported in the current window. */
  #serverRemaining: number | null = null
  /**
   * Arrival times of answers whose request may have been counted in this window without its
   * figure telling us (a headerless 404 or 401, or a late answer that could be about the old
   * window): each counts as one spent, until a newer answer's figure includes it.
   */
  #unreported: number[] = []
  /**
   * The answer that opened the current window as far as we can tell. The window started before
   * it arrived; if the request was the window's first hit (Remaining = Limit − 1), after it was sent.
   */
  #anchor: { sentAt: number; receivedAt: number; remaining: number; firstHit: boolean } | null = null
  /**
   * Answers to requests sent after the anchor arrived (and the anchor's own), in arrival order,
   * each with the lowest Remaining up to it. Those were counted after the anchor, so they are in
   * its window or a later one: the only answers a rollover can be measured against. (An older
   * answer that arrives late could belong to an earlier window.)
   */
  #ordered: { receivedAt: number; lowest: number }[] = []
  /** The latest answers with figures, for settling what a newly found window has spent already. */
  #recent: { sentAt: number; receivedAt: number; remaining: number }[] = []
  /** The current window's end as a 429 told it, overriding the estimate. */
  #knownWindowEnd: number | null = null
  #windowMs: number

  #timer: TimerHandle | null = null
  #timerAt = Number.POSITIVE_INFINITY
  #pumping = false
  readonly #listeners = new Set<(status: PacerStatus) => void>()
  readonly #gatesWatched = new WeakSet<InFlightGate>()
  #lastStatus: PacerStatus | null = null

  constructor(options: PacerOptions = {}) {
    this.#clock = options.clock ?? systemClock
    this.#initialWindowMs = Math.max(MIN_WINDOW_MS, options.windowMs ?? DEFAULT_WINDOW_MS)
    this.#windowMs = this.#initialWindowMs
    this.#maxInFlight = Math.max(1, options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT)
    this.#noHeadersIntervalMs = options.noHeadersIntervalMs ?? DEFAULT_NO_HEADERS_INTERVAL_MS
    this.#reserveFor = options.reserveFor ?? defaultReserve
    this.#isRateLimited = options.isRateLimited ?? isApiRateLimited
    this.#maxRateLimitRetries = options.maxRateLimitRetries ?? 3
    this.#maxPauseMs = options.maxPauseMs ?? DEFAULT_MAX_PAUSE_MS
  }

  /** Queues a background task; it starts when the pacer says so. */
  schedule<T>(run: () => Promise<T>, options: ScheduleOptions = {}): Promise<T> {
    const { signal } = options
    if (signal?.aborted) return Promise.reject(signal.reason)
    return new Promise<T>((resolve, reject) => {
      const entry: Entry = {
        run,
        resolve: resolve as (value: unknown) => void,
        reject,
        options,
        retriesLeft: options.retryWhenRateLimited ? this.#maxRateLimitRetries : 0,
        state: 'queued',
        detach: () => undefined
      }
      if (signal) {
        const onAbort = (): void => {
          if (entry.state !== 'queued') return // in flight: it finishes
          this.#queue = this.#queue.filter((queued) => queued !== entry)
          this.#settle(entry)
          reject(signal.reason)
          this.#pump()
        }
        signal.addEventListener('abort', onAbort, { once: true })
        entry.detach = () => signal.removeEventListener('abort', onAbort)
      }
      this.#queue.push(entry)
      this.#pump()
    })
  }

  /**
   * Runs the person's request at once, whatever is queued or paused ("a click of theirs always
   * goes first"). It is counted as in flight, so background work leaves room for it.
   */
  async runInteractive<T>(run: () => Promise<T>): Promise<T> {
    const request = { sentAt: this.#clock.now() }
    this.#inFlight.add(request)
    this.#emitStatus()
    try {
      return await run()
    } finally {
      this.#inFlight.delete(request)
      this.#pump()
    }
  }

  /** Takes in what one answer (any answer of this account, interactive ones too) said. */
  observe(observation: RateLimitObservation): void {
    if (observation.status === 429) this.#observeRateLimited(observation)
    else if (observation.remaining === null) this.#observeWithoutHeaders(observation)
    else this.#observeHeaders(observation, observation.remaining)
    this.#pump()
  }

  /** Whether `error` is the server's 429, by this pacer's reading (such a task may be run again). */
  isRateLimited(error: unknown): boolean {
    return this.#isRateLimited(error)
  }

  /** Rejects every task that has not started (with `reason`); running ones finish. */
  cancelQueued(reason: unknown = new DOMException('The queued requests were cancelled.', 'AbortError')): void {
    const queued = this.#queue
    this.#queue = []
    for (const entry of queued) {
      this.#settle(entry)
      entry.reject(reason)
    }
    this.#pump()
  }

  /** For an account that is removed or signed out: drops queued work, timers and listeners. */
  dispose(reason?: unknown): void {
    this.cancelQueued(reason)
    if (this.#timer !== null) this.#clock.clearTimeout(this.#timer)
    this.#timer = null
    this.#timerAt = Number.POSITIVE_INFINITY
    this.#pausedUntil = null
    this.#listeners.clear()
  }

  status(): PacerStatus {
    const now = this.#clock.now()
    const remaining = this.#mode === 'headers' ? this.#effectiveRemaining() : null
    const rateLimited = this.#pausedUntil !== null && now < this.#pausedUntil
    const decision = this.#queue.length > 0 ? this.#decide(now) : null
    const reason = rateLimited ? 'rate-limited' : decision && decision.at > now ? decision.reason : null
    const pausedUntil = rateLimited ? this.#pausedUntil : reason === 'reserve' ? decision!.at : null
    return {
      limit: this.#limit,
      remaining,
      reserve: this.#reserveFor(this.#limit),
      pausedUntil,
      reason,
      queued: this.#queue.length,
      inFlight: this.#inFlight.size,
      windowMs: this.#windowMs
    }
  }

  /** Calls `listener` whenever the status changes; returns the unsubscribe function. */
  onStatus(listener: (status: PacerStatus) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  // ---- what answers say -------------------------------------------------------------------

  #observeRateLimited(observation: RateLimitObservation): void {
    const now = observation.receivedAt
    if (observation.limit !== null && observation.sentAt >= this.#limitSentAt) {
      this.#limit = observation.limit
      this.#limitSentAt = observation.sentAt
    }
    if (this.#mode === 'unknown' && observation.limit !== null) this.#mode = 'headers'
    const estimatedEnd = this.#windowEnd()
    const fallback = estimatedEnd !== null && estimatedEnd > now ? estimatedEnd : now + this.#windowMs
    const resetAt = Math.min(observation.resetAt ?? fallback, now + this.#maxPauseMs)
    this.#pausedUntil = Math.max(this.#pausedUntil ?? resetAt, resetAt)
    if (this.#mode !== 'headers') return
    // A 429 to a request sent before the anchor arrived may be about an earlier window: it pauses
    // us, but says nothing about the current one.
    const current = this.#anchor === null || observation.sentAt >= this.#anchor.receivedAt
    if (!current) return
    // The server said when this window ends: that also bounds how long a window lasts.
    if (observation.resetAt !== null && this.#anchor?.firstHit) this.#learnUpperBound(resetAt - this.#anchor.sentAt)
    this.#knownWindowEnd = resetAt
    this.#serverRemaining = 0
    this.#unreported = []
    this.#anchor ??= { sentAt: observation.sentAt, receivedAt: now, remaining: 0, firstHit: false }
    this.#ordered.push({ receivedAt: now, lowest: 0 })
  }

  #observeWithoutHeaders(observation: RateLimitObservation): void {
    const ok = observation.status >= 200 && observation.status < 300
    if (ok) {
      // A server (or a proxy in front of it) that sends no rate-limit headers on a normal answer.
      if (this.#mode !== 'no-headers') this.#forgetWindow()
      this.#mode = 'no-headers'
    } else if (this.#mode === 'headers') {
      // Laravel's 401/404/405 answers carry no headers but may still have been counted.
      this.#unreported.push(observation.receivedAt)
    }
  }

  #observeHeaders(observation: RateLimitObservation, remaining: number): void {
    const { sentAt, receivedAt } = observation
    this.#recent.push({ sentAt, receivedAt, remaining })
    if (this.#recent.length > RECENT_ANSWERS) this.#recent.shift()
    const anchor = this.#anchor
    if (this.#mode !== 'headers' || this.#serverRemaining === null || anchor === null) {
      this.#mode = 'headers'
      if (observation.limit !== null) {
        this.#limit = observation.limit
        this.#limitSentAt = sentAt
      }
      this.#startWindow(observation, remaining, false)
      return
    }
    if (observation.limit !== null && observation.limit !== this.#limit) {
      if (sentAt < this.#limitSentAt) return // sent before the answer that told us the current limit: stale
      // The server's limit changed (a redeploy). Laravel keeps the window's count and end.
      this.#limit = observation.limit
      this.#limitSentAt = sentAt
      this.#serverRemaining = remaining
      this.#unreported = []
      this.#ordered.push({ receivedAt, lowest: remaining })
      return
    }
    // This request was counted after every answer that had arrived when it was sent: in the same
    // window it would show less than all of them.
    const lowestBefore = this.#lowestReceivedBy(sentAt)
    const provenNewWindow = lowestBefore !== null && remaining >= lowestBefore
    const end = this.#windowEnd()
    if (end === null || sentAt >= end) {
      if (remaining >= this.#serverRemaining || provenNewWindow) {
        this.#startWindow(observation, remaining, provenNewWindow)
      } else {
        // Less left than before, though the window should have reset: either it has not (our
        // window length is too short) or someone else spent the new window fast. Assume the worse.
        this.#windowMs = Math.max(this.#initialWindowMs, this.#windowMs * 2)
        this.#startWindow(observation, remaining, false)
      }
      return
    }
    if (provenNewWindow) {
      // The window rolled over before we expected: our length was too long.
      this.#startWindow(observation, remaining, true)
      return
    }
    if (sentAt < anchor.receivedAt) {
      // Sent before the window's first answer arrived: counted before it (perhaps in the old
      // window, whose figures say nothing about this one) or just after it. A higher figure is
      // from before; a lower one is taken as one more request that may have been spent here.
      if (remaining < anchor.remaining) this.#unreported.push(receivedAt)
      return
    }
    if (remaining <= this.#serverRemaining) {
      this.#serverRemaining = remaining
      // Answers that arrived before this request was sent are in its figure already.
      this.#unreported = this.#unreported.filter((at) => at > sentAt)
    }
    const last = this.#ordered.at(-1)
    this.#ordered.push({ receivedAt, lowest: Math.min(last?.lowest ?? remaining, remaining) })
  }

  /** The lowest Remaining among the window's ordered answers that had arrived by `time`. */
  #lowestReceivedBy(time: number): number | null {
    let low = 0
    let high = this.#ordered.length
    while (low < high) {
      const middle = (low + high) >> 1
      if (this.#ordered[middle]!.receivedAt <= time) low = middle + 1
      else high = middle
    }
    return low === 0 ? null : this.#ordered[low - 1]!.lowest
  }

  #startWindow(observation: RateLimitObservation, remaining: number, learn: boolean): void {
    // The old window began after its anchor was sent and ended before this request was counted,
    // which was before its answer arrived.
    if (learn && this.#anchor?.firstHit) this.#learnUpperBound(observation.receivedAt - this.#anchor.sentAt)
    const firstHit = this.#limit !== null && remaining === this.#limit - 1
    this.#anchor = { sentAt: observation.sentAt, receivedAt: observation.receivedAt, remaining, firstHit }
    this.#ordered = [{ receivedAt: observation.receivedAt, lowest: remaining }]
    this.#knownWindowEnd = null
    this.#serverRemaining = remaining
    // Answers that arrived while this request was out, with less left, may be later hits of the
    // new window (or the old one's): each counts as spent until a newer figure includes it.
    this.#unreported = this.#recent
      .filter((answer) => answer.receivedAt >= observation.sentAt && answer.receivedAt < observation.receivedAt && answer.remaining < remaining)
      .map((answer) => answer.receivedAt)
  }

  /**
   * A window was seen to last at most `boundMs` (from a moment at or before its first hit to a
   * moment at or after its end). Laravel's windows are whole seconds, but start at the first hit
   * truncated to the second, so one window can last anywhere in (W − 1 s, W]: a window seen to last
   * at most B means W < B + 1 s, and rounding B up to the next whole second is the smallest
   * length that is still safe for every later window. For a server with exact windows it is safe
   * too, at the cost of up to a second per window.
   */
  #learnUpperBound(boundMs: number): void {
    if (!Number.isFinite(boundMs) || boundMs <= 0) return
    const length = Math.max(MIN_WINDOW_MS, Math.ceil(boundMs / 1000) * 1000)
    this.#windowMs = Math.min(this.#windowMs, length)
  }

  #forgetWindow(): void {
    this.#serverRemaining = null
    this.#unreported = []
    this.#anchor = null
    this.#ordered = []
    this.#knownWindowEnd = null
  }

  #windowEnd(): number | null {
    if (this.#knownWindowEnd !== null) return this.#knownWindowEnd
    return this.#anchor === null ? null : this.#anchor.receivedAt + this.#windowMs
  }

  #effectiveRemaining(): number | null {
    if (this.#serverRemaining === null) return null
    return Math.max(0, this.#serverRemaining - this.#unreported.length)
  }

  // ---- when the next task starts ----------------------------------------------------------

  #decide(now: number): Decision {
    const wait: Decision = { at: Number.POSITIVE_INFINITY, reason: null }
    if (this.#backgroundInFlight >= this.#maxInFlight) return wait
    if (this.#pausedUntil !== null && now < this.#pausedUntil) return { at: this.#pausedUntil, reason: 'rate-limited' }
    if (this.#mode === 'unknown') {
      // Until an answer says how the server limits us, one request at a time.
      if (this.#inFlight.size > 0) return wait
      return this.#lastStartAt === null ? { at: now, reason: null } : { at: this.#lastStartAt + this.#noHeadersIntervalMs, reason: 'no-headers' }
    }
    if (this.#mode === 'no-headers') {
      return { at: this.#lastStartAt === null ? now : this.#lastStartAt + this.#noHeadersIntervalMs, reason: 'no-headers' }
    }
    const end = this.#windowEnd()
    if (end === null || now >= end) {
      // The window has reset (as far as we can tell): one request, alone, finds out what is left.
      // Alone, because a request still in flight from the old window may land in the new one.
      return this.#inFlight.size === 0 ? { at: now, reason: null } : wait
    }
    const available = (this.#effectiveRemaining() ?? 0) - this.#inFlight.size - this.#reserveFor(this.#limit)
    if (available <= 0) return { at: end, reason: 'reserve' }
    if (this.#queue.length <= available) return { at: now, reason: null } // it all fits: no need to slow down
    // Spread what is left evenly over the rest of the window: start the next one a 1/(available+1)
    // share of the way from the last start to the window's end.
    const from = Math.max(this.#lastStartAt ?? Number.NEGATIVE_INFINITY, this.#anchor?.receivedAt ?? now)
    return { at: Math.max(now, (available * from + end) / (available + 1)), reason: 'spreading' }
  }

  #pump(): void {
    if (this.#pumping) return
    this.#pumping = true
    try {
      for (;;) {
        const now = this.#clock.now()
        if (this.#queue.length === 0) break
        const decision = this.#decide(now)
        if (decision.at > now) break
        const entry = this.#takeStartable()
        if (!entry) break
        this.#start(entry, now)
      }
    } finally {
      this.#pumping = false
    }
    this.#armTimer()
    this.#emitStatus()
  }

  /** The first queued task whose group has room; the others keep their places. */
  #takeStartable(): Entry | undefined {
    for (let index = 0; index < this.#queue.length; index++) {
      const entry = this.#queue[index]!
      const gate = entry.options.gate
      if (gate && !gate.tryAcquire()) {
        if (!this.#gatesWatched.has(gate)) {
          this.#gatesWatched.add(gate)
          gate.onRelease(() => this.#pump())
        }
        continue
      }
      this.#queue.splice(index, 1)
      return entry
    }
    return undefined
  }

  #start(entry: Entry, now: number): void {
    entry.state = 'running'
    const request = { sentAt: now }
    this.#inFlight.add(request)
    this.#backgroundInFlight++
    this.#lastStartAt = now
    let running: Promise<unknown>
    try {
      running = Promise.resolve(entry.run())
    } catch (error) {
      running = Promise.reject(error)
    }
    running.then(
      (value) => this.#finish(entry, request, () => entry.resolve(value)),
      (error: unknown) =>
        this.#finish(entry, request, () => {
          if (this.#isRateLimited(error) && entry.retriesLeft > 0 && !entry.options.signal?.aborted) {
            entry.retriesLeft--
            this.#pauseIfUnobserved(error)
            entry.state = 'queued'
            this.#queue.unshift(entry) // first again once the pause is over
          } else {
            entry.reject(error)
          }
        })
    )
  }

  #finish(entry: Entry, request: { sentAt: number }, outcome: () => void): void {
    this.#inFlight.delete(request)
    this.#backgroundInFlight--
    entry.options.gate?.release()
    outcome()
    if (entry.state === 'running') this.#settle(entry)
    this.#pump()
  }

  #settle(entry: Entry): void {
    entry.state = 'settled'
    entry.detach()
  }

  /** A 429 reached a task without its answer being observed (a wiring gap): still pause. */
  #pauseIfUnobserved(error: unknown): void {
    const now = this.#clock.now()
    if (this.#pausedUntil !== null && this.#pausedUntil > now) return
    const seconds = error instanceof ApiError ? error.retryAfterSeconds : undefined
    const waitMs = seconds !== undefined ? seconds * 1000 : this.#windowMs
    this.#pausedUntil = now + Math.min(waitMs, this.#maxPauseMs)
  }

  #armTimer(): void {
    const now = this.#clock.now()
    let at = Number.POSITIVE_INFINITY
    if (this.#queue.length > 0) at = this.#decide(now).at
    // Also wake when a pause ends, so the status stops saying "paused" on time.
    if (this.#pausedUntil !== null && this.#pausedUntil > now) at = Math.min(at, this.#pausedUntil)
    if (at === this.#timerAt && this.#timer !== null) return
    if (this.#timer !== null) this.#clock.clearTimeout(this.#timer)
    this.#timer = null
    this.#timerAt = Number.POSITIVE_INFINITY
    if (!Number.isFinite(at)) return
    this.#timerAt = at
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = null
      this.#timerAt = Number.POSITIVE_INFINITY
      this.#pump()
    }, Math.max(0, Math.ceil(at - now)))
  }

  #emitStatus(): void {
    if (this.#listeners.size === 0) return
    const status = this.status()
    const last = this.#lastStatus
    if (last && (Object.keys(status) as (keyof PacerStatus)[]).every((key) => status[key] === last[key])) return
    this.#lastStatus = status
    for (const listener of this.#listeners) listener(status)
  }
}
