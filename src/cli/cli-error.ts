/**
 * Failures of a command: the app's own error (kind and message) plus the exit code it maps to,
 * and for usage errors about accounts, the accounts to choose from.
 */
import type { AppError, AppErrorKind } from '../shared/errors'
import { toAppError } from '../main/services/app-error'
import { EXIT, exitCodeOf, type ExitCode } from './exit-codes'

export interface CliFailure {
  error: AppError
  exitCode: ExitCode
  /** Extra fields for the JSON form (for example `accounts` to choose from). */
  details?: Record<string, unknown>
}

/** An error the command line raises itself; the message is for the person at the terminal. */
export class CliError extends Error {
  constructor(
    readonly kind: AppErrorKind,
    message: string,
    readonly details?: Record<string, unknown>,
    readonly exitCode: ExitCode = exitCodeOf(kind)
  ) {
    super(message)
    this.name = 'CliError'
  }
}

/** A wrong command, option, argument or account: exit 1, nothing changed. */
export const usageError = (message: string, details?: Record<string, unknown>): CliError => new CliError('invalid_request', message, details, EXIT.usage)

/** Stopped at a prompt (Ctrl+C, or the end of input before an answer). */
export class InterruptedError extends CliError {
  constructor(message = 'Stopped: nothing was changed.') {
    super('invalid_request', message, undefined, EXIT.interrupted)
  }
}

export function toCliFailure(error: unknown): CliFailure {
  if (error instanceof CliError) {
    const failure: CliFailure = { error: { kind: error.kind, message: error.message }, exitCode: error.exitCode }
    if (error.details) failure.details = error.details
    return failure
  }
  const appError = toAppError(error)
  return { error: appError, exitCode: exitCodeOf(appError.kind) }
}
