/**
 * What one answer says about the server's rate limit. Laravel's ThrottleRequests sends
 * `X-RateLimit-Limit` and `X-RateLimit-Remaining` on every answer that passed the throttle, and
 * `Retry-After` plus `X-RateLimit-Reset` on a 429. Every value is read tolerantly: anything that
 * is not a plain, plausible number is ignored (null), so no NaN or Infinity reaches the pacer.
 */
import { parseRetryAfterMs } from './retry-policy'

export interface RateLimitObservation {
  status: number
  /** When the request was sent (epoch ms, local clock): the server counted it after this. */
  sentAt: number
  /** When its answer arrived (epoch ms, local clock): the server counted it before this. */
  receivedAt: number
  /** Requests allowed per window, or null when the header is missing or unreadable. */
  limit: number | null
  /** Requests left in the current window after this one, or null when missing or unreadable. */
  remaining: number | null
  /**
   * When the window resets (epoch ms, local clock), from `Retry-After` (preferred: it is relative,
   * so immune to clock skew) or else `X-RateLimit-Reset`. Null when neither is usable.
   */
  resetAt: number | null
}

/** Whole numbers only: "12", " 12 ". Not "12.5", "1e3", "-1", "0x10", "" or 400 digits. */
const wholeNumber = (value: string | null): number | null => {
  if (value === null) return null
  const trimmed = value.trim()
  if (!/^\d{1,15}$/.test(trimmed)) return null
  return Number(trimmed)
}

/**
 * `X-RateLimit-Reset` is epoch seconds in Laravel (and GitHub). Some servers and the IETF draft
 * `RateLimit-Reset` send seconds from now instead; a value too small to be a recent epoch time is
 * read that way. An epoch time further than a day from now is not a window end we can believe.
 */
const MAX_RESET_AHEAD_MS = 24 * 60 * 60 * 1000
const EPOCH_SECONDS_FLOOR = 1_000_000_000 // September 2001: no real reset is earlier

function parseResetAt(value: string | null, receivedAt: number): number | null {
  const seconds = wholeNumber(value)
  if (seconds === null) return null
  const resetAt = seconds >= EPOCH_SECONDS_FLOOR ? seconds * 1000 : receivedAt + seconds * 1000
  const ahead = resetAt - receivedAt
  if (ahead > MAX_RESET_AHEAD_MS) return null
  // A reset slightly in the past is clock skew: the window is over, "now" is the honest reading.
  return Math.max(resetAt, receivedAt)
}

/**
 * `Retry-After` is delta-seconds or an HTTP date (RFC 9110; both date forms servers use end in
 * "GMT"). Anything else goes no further: `Date.parse` reads "-1" or "1.5" as dates in 2001, which
 * would turn garbage into "retry now".
 */
function plausibleRetryAfter(value: string | null): string | null {
  if (value === null) return null
  const trimmed = value.trim()
  return /^\d+$/.test(trimmed) || /^[A-Za-z]{3}[a-z]*, .* GMT$/.test(trimmed) ? trimmed : null
}

/** Reads the rate-limit headers of one answer. */
export function observeRateLimit(headers: Headers, status: number, sentAt: number, receivedAt: number): RateLimitObservation {
  const limitValue = wholeNumber(headers.get('x-ratelimit-limit'))
  const limit = limitValue !== null && limitValue > 0 ? limitValue : null
  const remainingValue = wholeNumber(headers.get('x-ratelimit-remaining'))
  // More left than the limit is impossible: trust the smaller figure.
  const remaining = remainingValue === null ? null : limit === null ? remainingValue : Math.min(remainingValue, limit)
  const retryAfterMs = parseRetryAfterMs(plausibleRetryAfter(headers.get('retry-after')), receivedAt)
  const fromRetryAfter = retryAfterMs !== undefined && retryAfterMs <= MAX_RESET_AHEAD_MS ? receivedAt + retryAfterMs : null
  const resetAt = fromRetryAfter ?? parseResetAt(headers.get('x-ratelimit-reset'), receivedAt)
  return { status, sentAt, receivedAt: Math.max(receivedAt, sentAt), limit, remaining, resetAt }
}
