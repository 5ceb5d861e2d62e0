/**
 * A simulated Laravel throttle for the pacer's fake-clock tests: per user, a fixed window that
 * starts at the window's first counted hit and lasts `windowMs`; a hit over the limit gets a 429
 * (not counted) with Retry-After (whole seconds, rounded up) and X-RateLimit-Reset (epoch
 * seconds). `truncateToSeconds` makes windows end as Laravel's do: at the first hit's whole
 * second plus the window, so a window lasts anywhere in (W − 1 s, W].
 *
 * Every hit is recorded with its source, so a test can check per window what background work
 * spent, and that the reserve was left alone.
 */
import { vi } from 'vitest'
import { ApiError } from '../../../src/main/api/api-error'
import { observeRateLimit } from '../../../src/main/api/rate-limit-headers'
import type { RequestPacer } from '../../../src/main/services/request-pacer'

export type HitSource = 'background' | 'interactive' | 'external'

export interface SimulatedThrottleOptions {
  limit: number
  windowMs: number
  /** Send X-RateLimit-Limit / -Remaining (Retry-After on a 429 is sent either way). */
  headers?: boolean
  truncateToSeconds?: boolean
}

export interface WindowRecord {
  start: number
  end: number
  /** The limit in force when the window started. */
  limit: number
  counted: Record<HitSource, number>
  rejected: Record<HitSource, number>
}

export interface Hit {
  at: number
  source: HitSource
  status: number
}

export class SimulatedThrottle {
  limit: number
  readonly windowMs: number
  readonly windows: WindowRecord[] = []
  readonly hits: Hit[] = []
  readonly #headers: boolean
  readonly #truncate: boolean

  constructor(options: SimulatedThrottleOptions) {
    this.limit = options.limit
    this.windowMs = options.windowMs
    this.#headers = options.headers ?? true
    this.#truncate = options.truncateToSeconds ?? false
  }

  /** Changes the limit from the next hit on (a redeploy): the running window keeps its count and end. */
  setLimit(limit: number): void {
    this.limit = limit
  }

  get rejectedCount(): number {
    return this.hits.filter((hit) => hit.status === 429).length
  }

  hit(source: HitSource): { status: number; headers: Headers } {
    const now = Date.now()
    let window = this.windows.at(-1)
    if (!window || now >= window.end) {
      const end = this.#truncate ? Math.floor(now / 1000) * 1000 + this.windowMs : now + this.windowMs
      window = { start: now, end, limit: this.limit, counted: zero(), rejected: zero() }
      this.windows.push(window)
    }
    const used = window.counted.background + window.counted.interactive + window.counted.external
    const headers = new Headers()
    if (used >= this.limit) {
      window.rejected[source]++
      this.hits.push({ at: now, source, status: 429 })
      headers.set('Retry-After', String(Math.max(1, Math.ceil((window.end - now) / 1000))))
      if (this.#headers) {
        headers.set('X-RateLimit-Limit', String(this.limit))
        headers.set('X-RateLimit-Remaining', '0')
        headers.set('X-RateLimit-Reset', String(Math.ceil(window.end / 1000)))
      }
      return { status: 429, headers }
    }
    window.counted[source]++
    this.hits.push({ at: now, source, status: 200 })
    if (this.#headers) {
      headers.set('X-RateLimit-Limit', String(this.limit))
      headers.set('X-RateLimit-Remaining', String(Math.max(0, this.limit - used - 1)))
    }
    return { status: 200, headers }
  }

  /** Another client of the same user (a script elsewhere) spends `count` requests now. */
  spendElsewhere(count: number): void {
    for (let i = 0; i < count; i++) this.hit('external')
  }
}

const zero = (): Record<HitSource, number> => ({ background: 0, interactive: 0, external: 0 })

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Latency of one request: `up` ms until the server counts it, `down` ms until its answer arrives. */
export interface Latency {
  up: number
  down: number
}

/**
 * One request as the API client would make it: sent, counted by the server, answered, observed
 * by the pacer (as the client's `onResponse` hook will), and a 429 thrown as the client's ApiError.
 */
export async function simulatedRequest(
  server: SimulatedThrottle,
  pacer: RequestPacer,
  source: HitSource,
  latency: Latency = { up: 25, down: 25 }
): Promise<{ sentAt: number; status: number }> {
  const sentAt = Date.now()
  await sleep(latency.up)
  const answer = server.hit(source)
  await sleep(latency.down)
  pacer.observe(observeRateLimit(answer.headers, answer.status, sentAt, Date.now()))
  if (answer.status === 429) {
    throw new ApiError({ kind: 'rate_limited', message: 'Too Many Attempts.', status: 429, mayHaveReachedServer: true })
  }
  return { sentAt, status: answer.status }
}

/**
 * Advances vitest's fake clock timer by timer until `promise` settles; fails instead of hanging
 * when nothing is left to wake it (a pacer that waits forever is a bug worth seeing).
 */
export async function runUntilSettled<T>(promise: Promise<T>, { maxSimulatedMs = 24 * 60 * 60 * 1000 } = {}): Promise<T> {
  let settled = false
  promise.then(
    () => (settled = true),
    () => (settled = true)
  )
  const deadline = Date.now() + maxSimulatedMs
  await vi.advanceTimersByTimeAsync(0)
  while (!settled) {
    // Let promise chains that need no timer run to their end first.
    for (let i = 0; i < 100 && !settled && vi.getTimerCount() === 0; i++) await Promise.resolve()
    if (settled) break
    if (vi.getTimerCount() === 0) throw new Error('Nothing is scheduled, yet the work has not finished: it waits forever.')
    if (Date.now() > deadline) throw new Error(`Still not finished after ${maxSimulatedMs} simulated ms.`)
    await vi.advanceTimersToNextTimerAsync()
  }
  return promise
}
