import type { ApiErrorKind, AppError } from '../../shared/errors'

export interface ApiErrorInit {
  kind: ApiErrorKind
  /** What happened, as a sentence. */
  message: string
  /** What the person can do about it, appended to the message. */
  advice?: string
  status?: number
  fieldErrors?: Record<string, string[]>
  retryAfterSeconds?: number
  /**
   * False only when the request certainly never reached the server (connection refused, host
   * not found): a create that failed that way made no key.
   */
  mayHaveReachedServer: boolean
}

/** The one error type of the API client; `kind` says what went wrong. */
export class ApiError extends Error {
  readonly kind: ApiErrorKind
  /** What happened, without the advice: for messages that give advice of their own. */
  readonly reason: string
  readonly status: number | undefined
  readonly fieldErrors: Record<string, string[]> | undefined
  readonly retryAfterSeconds: number | undefined
  readonly mayHaveReachedServer: boolean

  constructor(init: ApiErrorInit) {
    super(init.advice ? `${init.message} ${init.advice}` : init.message)
    this.name = 'ApiError'
    this.reason = init.message
    this.kind = init.kind
    this.status = init.status
    this.fieldErrors = init.fieldErrors
    this.retryAfterSeconds = init.retryAfterSeconds
    this.mayHaveReachedServer = init.mayHaveReachedServer
  }

  toAppError(): AppError {
    const error: AppError = { kind: this.kind, message: this.message }
    if (this.status !== undefined) error.status = this.status
    if (this.fieldErrors) error.fieldErrors = this.fieldErrors
    if (this.retryAfterSeconds !== undefined) error.retryAfterSeconds = this.retryAfterSeconds
    return error
  }
}
