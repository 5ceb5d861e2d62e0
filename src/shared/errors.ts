/** Error shapes that cross the IPC bridge. Messages are for people and never contain a secret. */

/** Failures of a call to the Autocalls API. */
export type ApiErrorKind =
  | 'unauthenticated'
  | 'not_found'
  | 'validation'
  | 'rate_limited'
  | 'server'
  | 'network'
  | 'timeout'
  | 'bad_response'

export type AppErrorKind =
  | ApiErrorKind
  /** The OS keychain cannot be used; the message says what is missing and how to fix it. */
  | 'keychain_unavailable'
  /** The renderer sent a payload that does not fit the contract. */
  | 'invalid_request'
  /** An action that needs a session was asked for while signed out. */
  | 'not_signed_in'
  /** A create whose answer was lost: the key may or may not exist. Never retried automatically. */
  | 'create_outcome_unknown'
  /** The copy-once token is no longer held (confirmed, expired or never existed). */
  | 'token_gone'
  /** An external link outside the allowlist. */
  | 'not_allowed'
  /** Work the person stopped (a batch cancelled before it reached this item). */
  | 'cancelled'
  | 'internal'

export interface AppError {
  kind: AppErrorKind
  message: string
  /** Per-field messages from a 422 (or from local validation), keyed by field name. */
  fieldErrors?: Record<string, string[]>
  /** For rate_limited: seconds the server asked us to wait. */
  retryAfterSeconds?: number
  /** HTTP status, when there was one. */
  status?: number
}

/** Every IPC answer: a value or a typed error, never a throw across the bridge. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError }

export const ok = <T>(value: T): Result<T> => ({ ok: true, value })
export const fail = (error: AppError): Result<never> => ({ ok: false, error })
