/** When and how long to wait before retrying an idempotent request. */

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number
  baseDelayMs: number
  maxDelayMs: number
  /** A Retry-After longer than this is not waited out automatically; the error goes to the person. */
  maxRetryAfterMs: number
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 3,
  baseDelayMs: 250,
  maxDelayMs: 4_000,
  maxRetryAfterMs: 10_000
}

/** Capped exponential backoff with full jitter; never shorter than what the server asked for. */
export function retryDelayMs(
  policy: RetryPolicy,
  attempt: number,
  retryAfterMs: number | undefined,
  random: () => number = Math.random
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1))
  const jittered = Math.round(random() * ceiling)
  return Math.max(jittered, retryAfterMs ?? 0)
}

/** Parses `Retry-After` (delta-seconds or an HTTP date) into milliseconds from `now`. */
export function parseRetryAfterMs(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null) return undefined
  const trimmed = header.trim()
  if (/^\d+$/.test(trimmed)) {
    const ms = Number(trimmed) * 1000
    return Number.isFinite(ms) ? ms : undefined // hundreds of digits are not a wait, they are noise
  }
  // Only an HTTP date is a date: V8 would also read "-1", "1.5" or "0" as a year.
  if (!/[A-Za-z]/.test(trimmed)) return undefined
  const date = Date.parse(trimmed)
  if (Number.isNaN(date)) return undefined
  return Math.max(0, date - now)
}
