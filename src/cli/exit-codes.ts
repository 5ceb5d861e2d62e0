/**
 * The command line's exit codes: one per thing a script can act on. Each app error kind maps to
 * one of them, so a script tells "sign in again" from "try later" without reading messages.
 */
import type { AppErrorKind } from '../shared/errors'

export const EXIT = {
  ok: 0,
  usage: 1,
  notSignedIn: 2,
  notFound: 3,
  network: 4,
  keychain: 5,
  createOutcomeUnknown: 6,
  /** A bug in autocalls-keys: none of the above explains it. */
  internal: 70,
  /** Stopped with Ctrl+C, at a prompt or during a batch (128 + SIGINT, as shells report it). */
  interrupted: 130
} as const

export type ExitCode = (typeof EXIT)[keyof typeof EXIT]

const BY_KIND: Readonly<Record<AppErrorKind, ExitCode>> = {
  invalid_request: EXIT.usage,
  validation: EXIT.usage,
  not_allowed: EXIT.usage,
  unauthenticated: EXIT.notSignedIn,
  not_signed_in: EXIT.notSignedIn,
  not_found: EXIT.notFound,
  network: EXIT.network,
  timeout: EXIT.network,
  server: EXIT.network,
  rate_limited: EXIT.network,
  bad_response: EXIT.network,
  keychain_unavailable: EXIT.keychain,
  create_outcome_unknown: EXIT.createOutcomeUnknown,
  token_gone: EXIT.internal,
  internal: EXIT.internal,
  // Interrupted before it ran (a batch stopped by the person): like a prompt interrupted.
  cancelled: EXIT.interrupted
}

export const exitCodeOf = (kind: AppErrorKind): ExitCode => BY_KIND[kind]

/** The table printed at the end of `--help` (and copied into the README). */
export const EXIT_CODES_HELP = `Exit codes:
  0    done
  1    usage: a wrong command, option, argument or account, a declined
       confirmation, or a refusal (a rotation not yet safe to finish); nothing
       was changed
  2    not signed in, or the server rejected the stored API key (sign in again)
  3    not found (a key id, or an open rotation, that the account does not have)
  4    network or server: unreachable, timed out, rate limited, or an unexpected answer
  5    the system keychain cannot be used (locked or missing)
  6    a create that gave no usable token: the key may exist (check \`keys list\`, never
       just retry)
  70   internal error (a bug in autocalls-keys)
  130  interrupted with Ctrl+C: at a prompt (nothing was changed), or during a batch
       delete (the deletes already sent finished; see the per-key results)`
