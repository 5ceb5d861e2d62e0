/**
 * Guided key rotation: the record main stores per account, and where a rotation stands, read from
 * the key list. Pure: used by main (watching, the activity log), the renderer (rows, the
 * rotations panel) and the command line. No Node or browser APIs.
 *
 * The API has no "roll" endpoint, so a rotation is create → deploy → watch → delete, and the
 * server's `last_used_at` is the only witness that the replacement is in use and the old key is
 * not. Two things make that witness tricky:
 * - It has second precision (`2026-12-02T03:58:13.000000Z`): a use shown at 13 s happened in
 *   [13 s, 14 s). Every comparison below takes the reading that keeps the old key longer.
 * - It is on the server's clock, and `now` is on ours. Pass the server's time when you know it
 *   (`serverClockOffsetMs` gives a safe correction from an answer's `Date` header); a server
 *   timestamp later than `now` counts as "just now", never as a negative age.
 */
import type { AccountId, ApiKey } from './domain'

export type RotationState =
  /** The replacement exists but has not been used yet. */
  | 'waiting-for-first-use'
  /** The replacement is in use, and the old key was used after that too: something still has it. */
  | 'new-key-in-use'
  /** The replacement is in use and the old key has been silent since, for less than the quiet period. */
  | 'old-key-quiet'
  /** The old key has been silent for the quiet period while the replacement is in use. */
  | 'safe-to-finish'
  /** The old key is no longer listed: it was deleted elsewhere, so the rotation completed itself. */
  | 'old-key-gone'
  /** The replacement is no longer listed (deleted elsewhere): the person should cancel. */
  | 'replacement-gone'

export type RotationOutcome =
  /** The old key was deleted by this app. */
  | 'finished'
  /** The person cancelled; both keys were kept (or the replacement deleted). */
  | 'cancelled'
  /** The old key disappeared elsewhere. */
  | 'completed-elsewhere'

export interface RotationKeyRef {
  id: number
  name: string
}

/** One rotation, as stored per account (it survives a restart). Nothing here is secret. */
export interface RotationRecord {
  accountId: AccountId
  oldKey: RotationKeyRef
  newKey: RotationKeyRef
  /** ISO 8601: when the replacement was created (this computer's clock). */
  startedAt: string
  /** ISO 8601, once the rotation is over; null while it is open. */
  finishedAt: string | null
  outcome: RotationOutcome | null
  /** The state as last read from a list (shown at once after a restart). */
  state: RotationState
  /** The rotation replaces the key this app signs in with. */
  ownKey: boolean
  /**
   * The earliest `last_used_at` of the replacement seen so far (server time, ISO), null until it
   * has been used. The list only ever shows the latest use, so the first one must be remembered:
   * without it a replacement in constant use would keep moving "quiet since" forward forever.
   */
  newKeyFirstUsedAt: string | null
}

export const DEFAULT_QUIET_PERIOD_MS = 15 * 60 * 1000

/** What the list says about a key: only its times matter here. */
export type KeyTimes = Pick<ApiKey, 'createdAt' | 'lastUsedAt'> & { lastUsedUnreadable?: true }

export interface RotationInput {
  /** The old key as listed now, or null when the list no longer has it. */
  oldKey: KeyTimes | null
  /** The replacement as listed now, or null when the list no longer has it. */
  newKey: KeyTimes | null
  /** `RotationRecord.newKeyFirstUsedAt`. */
  newKeyFirstUsedAt: string | null
  /** Epoch ms, on the server's clock if known. */
  now: number
  quietPeriodMs?: number
}

export interface RotationReading {
  state: RotationState
  /** The replacement's first use as far as known (epoch ms, server clock), or null. */
  newKeyFirstUsedAt: number | null
  /** From when the old key counts as silent (epoch ms), when the replacement is in use and that is known. */
  quietSince: number | null
  /** How long the old key has been silent (ms, never negative), alongside `quietSince`. */
  quietForMs: number | null
  /** When the rotation becomes safe to finish, for `new-key-in-use` and `old-key-quiet`. */
  safeAt: number | null
}

const SECOND = 1000

/** Epoch ms of an ISO timestamp, truncated to the second the server meant; null if unreadable. */
function seconds(iso: string | null | undefined): number | null {
  if (typeof iso !== 'string') return null
  const ms = Date.parse(iso)
  return Number.isFinite(ms) ? Math.floor(ms / SECOND) * SECOND : null
}

/**
 * The replacement's latest use, if it counts as one. Sanctum leaves `last_used_at` null until a
 * key authenticates, so any value is a use, including one in the same second as the creation.
 * A value a whole second or more before the creation cannot be a use of this key: ignored.
 */
function useOf(key: KeyTimes): number | null {
  if (key.lastUsedUnreadable) return null
  const used = seconds(key.lastUsedAt)
  const created = seconds(key.createdAt)
  if (used === null) return null
  if (created !== null && used < created) return null
  return used
}

/** Where a rotation stands, from the two keys as listed now. */
export function readRotation(input: RotationInput): RotationReading {
  const quietPeriodMs = input.quietPeriodMs ?? DEFAULT_QUIET_PERIOD_MS
  const none = { quietSince: null, quietForMs: null, safeAt: null }
  const recorded = seconds(input.newKeyFirstUsedAt)
  if (input.newKey === null) return { state: 'replacement-gone', newKeyFirstUsedAt: recorded, ...none }
  const latest = useOf(input.newKey)
  const firstUse = recorded === null ? latest : latest === null ? recorded : Math.min(recorded, latest)
  if (input.oldKey === null) return { state: 'old-key-gone', newKeyFirstUsedAt: firstUse, ...none }
  if (firstUse === null) return { state: 'waiting-for-first-use', newKeyFirstUsedAt: null, ...none }

  // When the old key was last used is unknowable from an unreadable value: never call it quiet.
  if (input.oldKey.lastUsedUnreadable) return { state: 'new-key-in-use', newKeyFirstUsedAt: firstUse, ...none }
  const oldUse = seconds(input.oldKey.lastUsedAt)
  // A use shown in the same second as the replacement's first one may have come after it.
  const oldUsedSince = oldUse !== null && oldUse >= firstUse
  // Each shown second stands for anything up to its end: silence starts at the later one's end.
  const quietSince = Math.max(firstUse, oldUse ?? firstUse) + SECOND
  const quietForMs = Math.max(0, input.now - quietSince)
  const safeAt = quietSince + quietPeriodMs
  const reading = { newKeyFirstUsedAt: firstUse, quietSince, quietForMs }
  if (quietForMs >= quietPeriodMs) return { state: 'safe-to-finish', ...reading, safeAt: null }
  return { state: oldUsedSince ? 'new-key-in-use' : 'old-key-quiet', ...reading, safeAt }
}

/**
 * A correction to add to this computer's clock to get a time the server has certainly reached:
 * the server wrote its `Date` header (whole seconds, rounded down) before the answer arrived, so
 * `date − receivedAt` never overstates the offset. Quiet periods measured with it are never long
 * by a fast local clock. Null when the header is missing or unreadable.
 */
export function serverClockOffsetMs(dateHeader: string | null, receivedAt: number): number | null {
  if (dateHeader === null) return null
  const date = Date.parse(dateHeader)
  return Number.isFinite(date) ? date - receivedAt : null
}

export interface ListSnapshot {
  keys: readonly ApiKey[]
  /** ISO 8601, this computer's clock. */
  fetchedAt: string
}

/**
 * The record after a list refresh. Returns the same object when nothing changed, so callers can
 * tell a refresh that moved the rotation on (the watcher backs off after ones that did not).
 * A list fetched before the rotation started cannot show the replacement and is ignored.
 */
export function updateRotation(record: RotationRecord, list: ListSnapshot, now: number, quietPeriodMs = DEFAULT_QUIET_PERIOD_MS): RotationRecord {
  if (record.finishedAt !== null) return record
  const fetchedAt = Date.parse(list.fetchedAt)
  const startedAt = Date.parse(record.startedAt)
  if (!Number.isFinite(fetchedAt) || (Number.isFinite(startedAt) && fetchedAt < startedAt)) return record
  const oldKey = list.keys.find((key) => key.id === record.oldKey.id) ?? null
  const newKey = list.keys.find((key) => key.id === record.newKey.id) ?? null
  const reading = readRotation({ oldKey, newKey, newKeyFirstUsedAt: record.newKeyFirstUsedAt, now, quietPeriodMs })
  const firstUseMoved = reading.newKeyFirstUsedAt !== null && reading.newKeyFirstUsedAt !== seconds(record.newKeyFirstUsedAt)
  const newKeyFirstUsedAt = firstUseMoved ? new Date(reading.newKeyFirstUsedAt!).toISOString() : record.newKeyFirstUsedAt
  const completed = reading.state === 'old-key-gone'
  if (reading.state === record.state && newKeyFirstUsedAt === record.newKeyFirstUsedAt && !completed) return record
  return {
    ...record,
    state: reading.state,
    newKeyFirstUsedAt,
    ...(completed ? { finishedAt: list.fetchedAt, outcome: 'completed-elsewhere' as const } : {})
  }
}

/** The record once this app deleted the old key. */
export function finishRotation(record: RotationRecord, at: string): RotationRecord {
  return { ...record, finishedAt: at, outcome: 'finished' }
}

/** The record once the person cancelled (both keys kept, or the replacement deleted too). */
export function cancelRotation(record: RotationRecord, at: string): RotationRecord {
  return { ...record, finishedAt: at, outcome: 'cancelled' }
}

/** "less than a minute", "1 min", "45 min", "2 h", "3 days". */
export function durationText(ms: number): string {
  const minutes = Math.floor(Math.max(0, ms) / 60_000)
  if (minutes < 1) return 'less than a minute'
  if (minutes < 60) return `${minutes} min`
  const hours = Math.floor(minutes / 60)
  if (hours < 24) return `${hours} h`
  const days = Math.floor(hours / 24)
  return `${days} day${days === 1 ? '' : 's'}`
}

/** "open for 2 h" (for an open rotation), from its start and `now` (both this computer's clock). */
export function rotationAgeText(record: Pick<RotationRecord, 'startedAt'>, now: number): string {
  const started = Date.parse(record.startedAt)
  return `open for ${durationText(Number.isFinite(started) ? now - started : 0)}`
}

export interface RotationStateText {
  /** A short line for the row and the panel. */
  title: string
  /** What it means and what to do. */
  detail: string
}

/** Words for a state, with the figures that make it concrete. */
export function describeRotation(reading: RotationReading, now: number, quietPeriodMs = DEFAULT_QUIET_PERIOD_MS): RotationStateText {
  const quiet = durationText(quietPeriodMs)
  const left = reading.safeAt === null ? '' : durationText(Math.max(0, reading.safeAt - now) + 59_999)
  switch (reading.state) {
    case 'waiting-for-first-use':
      return {
        title: 'Waiting for the new key’s first use',
        detail: 'Put the new key wherever the old one is used. This moves on once the new key has been used.'
      }
    case 'new-key-in-use':
      return {
        title: 'New key in use; the old key is still used too',
        detail:
          reading.safeAt === null
            ? 'The new key is in use. When the old key was last used cannot be read, so it is not known to be safe to delete.'
            : `Something used the old key after the new one went live. Deleting it now would break that. If nothing uses it again, it is safe in ${left}.`
      }
    case 'old-key-quiet':
      return {
        title: `Old key quiet for ${durationText(reading.quietForMs ?? 0)} of ${quiet}`,
        detail: `Nothing has used the old key since the new one went live. Safe to finish in ${left}.`
      }
    case 'safe-to-finish':
      return {
        title: 'Safe to finish',
        detail: `The new key is in use and the old key has not been used for ${durationText(reading.quietForMs ?? 0)}. Delete the old key to finish.`
      }
    case 'old-key-gone':
      return { title: 'Done: the old key was deleted elsewhere', detail: 'The rotation completed itself.' }
    case 'replacement-gone':
      return {
        title: 'The replacement key is gone',
        detail: 'It was deleted outside this app. Cancel the rotation; the old key still works if it is still listed.'
      }
  }
}
