/**
 * The activity log's shapes, shared by main (which writes and reads the file), the window (which
 * shows it) and the command line. An entry records one change this app made, per account. It
 * never holds a token or a credential: only ids, names, outcomes and error kinds.
 */
import type { AccountId } from './domain'

export const ACTIVITY_ACTIONS = [
  'sign-in',
  'sign-out',
  'account-removed',
  'key-create',
  'key-delete',
  /** One entry per key of a bulk delete. */
  'bulk-delete',
  'rotation-started',
  'rotation-replacement-created',
  'rotation-new-key-in-use',
  'rotation-finished',
  'rotation-cancelled',
  /** The app's own credential: replacement created, verified with GET /user/me, swapped in the keychain, old key deleted. */
  'own-key-rotation-started',
  'own-key-rotation-verified',
  'own-key-rotation-swapped',
  'own-key-rotation-finished',
  /** An own-key rotation interrupted by a crash, finished or rolled back at the next start. */
  'own-key-rotation-resumed',
  'own-key-rotation-rolled-back',
  'note-changed',
  'note-removed'
] as const

export type ActivityAction = (typeof ACTIVITY_ACTIONS)[number]

export const ACTIVITY_ACTION_LABELS: Readonly<Record<ActivityAction, string>> = {
  'sign-in': 'Signed in',
  'sign-out': 'Signed out',
  'account-removed': 'Account removed',
  'key-create': 'Key created',
  'key-delete': 'Key deleted',
  'bulk-delete': 'Key deleted (bulk)',
  'rotation-started': 'Rotation started',
  'rotation-replacement-created': 'Replacement created',
  'rotation-new-key-in-use': 'Replacement in use',
  'rotation-finished': 'Rotation finished',
  'rotation-cancelled': 'Rotation cancelled',
  'own-key-rotation-started': 'App key rotation started',
  'own-key-rotation-verified': 'App key replacement verified',
  'own-key-rotation-swapped': 'App key replaced in the keychain',
  'own-key-rotation-finished': 'App key rotation finished',
  'own-key-rotation-resumed': 'App key rotation completed after a restart',
  'own-key-rotation-rolled-back': 'App key rotation rolled back',
  'note-changed': 'Note changed',
  'note-removed': 'Note removed'
}

export const ACTIVITY_OUTCOMES = ['ok', 'failed', 'may-exist', 'already-gone', 'cancelled'] as const

/** `may-exist`: a create whose answer was lost; `already-gone`: a delete of a key deleted elsewhere. */
export type ActivityOutcome = (typeof ACTIVITY_OUTCOMES)[number]

/** Which program made the change: both write the same log. */
export type ActivitySource = 'app' | 'cli'

/** One line of the log file (`type: "entry"`). */
export interface ActivityEntry {
  type: 'entry'
  /** Format version of the line. */
  v: 1
  /** Unique across processes: for the window's list keys and to tell entries apart in exports. */
  id: string
  /** ISO timestamp, UTC. */
  at: string
  accountId: AccountId
  /** "email on host", as it read when the change was made. */
  accountLabel: string
  action: ActivityAction
  keyId: number | null
  /** The key's name at the time (kept after the key and its note are gone). */
  keyName: string | null
  /** The other key of a rotation (the replacement of the old key, or the other way round). */
  relatedKeyId: number | null
  outcome: ActivityOutcome
  /** The error's kind (`network`, `rate_limited`, …) when the outcome is not `ok`. */
  errorKind: string | null
  /** A short note in words, e.g. "moved from #12" or the error's message. */
  detail: string | null
  source: ActivitySource
}

/** What the app passes to record a change; main adds the id, time and source. */
export interface ActivityInput {
  accountId: AccountId
  accountLabel: string
  action: ActivityAction
  keyId?: number | null
  keyName?: string | null
  relatedKeyId?: number | null
  outcome: ActivityOutcome
  errorKind?: string | null
  detail?: string | null
  /** Defaults to now. */
  at?: Date
}

/**
 * The first line of a trimmed log: where older entries went. Each trim replaces it, carrying the
 * running total, so the log always says what it no longer holds.
 */
export interface ActivityCutMarker {
  type: 'cut'
  v: 1
  /** When the last trim ran. */
  at: string
  /** Entries the last trim moved out. */
  moved: number
  /** Entries moved out by every trim so far. */
  movedTotal: number
  /** The archive file's name, in the same folder. */
  archive: string
  /** The time of the newest entry moved out: the log holds nothing older than this, the archive everything up to it. */
  cutBefore: string | null
}

export interface ActivityQuery {
  accountId?: AccountId
  /** Only these actions (all when omitted or empty). */
  actions?: readonly ActivityAction[]
  keyId?: number
  /** Newest first; at most this many (default 500). */
  limit?: number
  /** Read the archive too (older entries moved out of the log). */
  includeArchive?: boolean
}

export interface ActivityReadResult {
  /** Newest first. */
  entries: ActivityEntry[]
  /** Matching entries beyond the limit. */
  more: boolean
  /** Lines that could not be read (skipped, never a crash). */
  damagedLines: number
  /** Lines written by a newer version of the app (unknown type or action), skipped. */
  unrecognisedLines: number
  /** Where the log was last cut, if it ever was. */
  cut: ActivityCutMarker | null
}

export const isActivityAction = (value: unknown): value is ActivityAction => typeof value === 'string' && (ACTIVITY_ACTIONS as readonly string[]).includes(value)

export const isActivityOutcome = (value: unknown): value is ActivityOutcome =>
  typeof value === 'string' && (ACTIVITY_OUTCOMES as readonly string[]).includes(value)
