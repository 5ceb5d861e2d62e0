/**
 * An open rotation as `keys rotations` and `keys rotate` show it: the stored record, and where it
 * stands read from the list just fetched (the app's `readRotation` and its words), so a script and
 * the rotations panel see the same state.
 */
import type { KeyListItem } from '../../shared/domain'
import { describeRotation, readRotation, type RotationReading, type RotationRecord, type RotationState } from '../../shared/rotation'

export interface RotationView {
  record: RotationRecord
  reading: RotationReading
  title: string
  detail: string
}

export function viewRotation(record: RotationRecord, keys: readonly KeyListItem[], nowMs: number, quietPeriodMinutes: number): RotationView {
  const quietPeriodMs = quietPeriodMinutes * 60_000
  const oldKey = keys.find((key) => key.id === record.oldKey.id) ?? null
  const newKey = keys.find((key) => key.id === record.newKey.id) ?? null
  const reading = readRotation({ oldKey, newKey, newKeyFirstUsedAt: record.newKeyFirstUsedAt, now: nowMs, quietPeriodMs })
  // The stored state is the one the app shows (it was just moved on by this list); the reading adds its figures.
  const words = describeRotation({ ...reading, state: record.state }, nowMs, quietPeriodMs)
  return { record, reading, ...words }
}

export interface RotationJson {
  oldKey: { id: number; name: string }
  newKey: { id: number; name: string }
  startedAt: string
  state: RotationState
  /** The state in words, and what to do. */
  summary: string
  detail: string
  safeToFinish: boolean
  /** When it becomes safe to finish if nothing uses the old key again (ISO), else null. */
  safeAt: string | null
  newKeyFirstUsedAt: string | null
}

export const rotationJson = ({ record, reading, title, detail }: RotationView): RotationJson => ({
  oldKey: record.oldKey,
  newKey: record.newKey,
  startedAt: record.startedAt,
  state: record.state,
  summary: title,
  detail,
  safeToFinish: record.state === 'safe-to-finish',
  safeAt: reading.safeAt === null || record.state === 'safe-to-finish' ? null : new Date(reading.safeAt).toISOString(),
  newKeyFirstUsedAt: record.newKeyFirstUsedAt
})
