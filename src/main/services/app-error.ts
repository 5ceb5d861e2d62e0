/** Turns anything thrown inside main into the AppError that crosses the bridge. */
import type { AppError, AppErrorKind } from '../../shared/errors'
import { ApiError } from '../api/api-error'
import { KeychainUnavailableError } from '../vault/secret-store'
import { log } from '../support/log'
import { redact } from '../support/redact'

/** An error whose message is already written for the person using the app. */
export class UserFacingError extends Error {
  constructor(
    readonly kind: AppErrorKind,
    message: string,
    readonly fieldErrors?: Record<string, string[]>
  ) {
    super(message)
    this.name = 'UserFacingError'
  }
}

export function toAppError(error: unknown): AppError {
  if (error instanceof ApiError) return error.toAppError()
  if (error instanceof KeychainUnavailableError) return { kind: 'keychain_unavailable', message: redact(error.message) }
  if (error instanceof UserFacingError) {
    const appError: AppError = { kind: error.kind, message: error.message }
    if (error.fieldErrors) appError.fieldErrors = error.fieldErrors
    return appError
  }
  // The reference is in the log line too, so a support request that quotes it finds the stack trace.
  const reference = log.unexpected('Unexpected error in the main process:', error)
  return { kind: 'internal', message: `Something went wrong inside Autocalls Keys. Try again; if it keeps happening, restart the app. Reference: ${reference}` }
}
