/**
 * Where a rotation stands for the window: read from the two keys in the list as shown (so the
 * figures, "quiet for 12 min of 15 min", move with every list), or from the state main stored
 * when the list is not known yet (just after a restart).
 */
import type { KeyListItem } from '../../../shared/domain'
import { readRotation, type RotationReading, type RotationRecord } from '../../../shared/rotation'

export function rotationReading(record: RotationRecord, items: readonly KeyListItem[] | null, now: number, quietPeriodMs: number): RotationReading {
  if (record.outcome === 'completed-elsewhere') return { ...NO_FIGURES, state: 'old-key-gone' }
  if (items === null) return { ...NO_FIGURES, state: record.state }
  const oldKey = items.find((item) => item.id === record.oldKey.id) ?? null
  const newKey = items.find((item) => item.id === record.newKey.id) ?? null
  return readRotation({ oldKey, newKey, newKeyFirstUsedAt: record.newKeyFirstUsedAt, now, quietPeriodMs })
}

const NO_FIGURES = { newKeyFirstUsedAt: null, quietSince: null, quietForMs: null, safeAt: null } as const

/** “Old name” (#12) → “New name” (#101) */
export const rotationPair = (record: Pick<RotationRecord, 'oldKey' | 'newKey'>): string =>
  `“${record.oldKey.name}” (#${record.oldKey.id}) → “${record.newKey.name}” (#${record.newKey.id})`

/** The rotations a panel lists: the open ones, and those main just saw complete elsewhere (until dismissed). */
export const shownRotations = (records: readonly RotationRecord[], dismissed: ReadonlySet<number>): RotationRecord[] =>
  records.filter((record) => (record.finishedAt === null || record.outcome === 'completed-elsewhere') && !dismissed.has(record.newKey.id))
