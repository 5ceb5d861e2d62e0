/**
 * The shown account's open rotations, each with its age and where it stands, opening the
 * rotation's dialog (finish or cancel). Loaded on demand: only accounts with a rotation need it.
 */
import '../styles/rotation.css'
import { useId, useMemo } from 'react'
import type { AccountId } from '../../../shared/domain'
import { describeRotation, rotationAgeText } from '../../../shared/rotation'
import { rotationPair, rotationReading, shownRotations } from '../lib/rotation-view'
import { useNow } from '../lib/use-now'
import { useAppShallow } from '../store/store-context'

const NO_RECORDS: never[] = []
const NO_IDS: number[] = []

export default function RotationsPanel({ accountId }: { accountId: AccountId }) {
  const { records, items, quietMinutes, dismissed, openDialog, dismissRotation } = useAppShallow((state) => ({
    records: state.rotations[accountId]?.records ?? NO_RECORDS,
    items: state.lists[accountId]?.items ?? null,
    quietMinutes: state.preferences.quietPeriodMinutes,
    dismissed: state.dismissedRotations[accountId] ?? NO_IDS,
    openDialog: state.openDialog,
    dismissRotation: state.dismissRotation
  }))
  // Ages and "safe in" figures move by the minute; the list itself moves them on too.
  const now = useNow(30_000)
  const ids = useId()
  const shown = useMemo(() => shownRotations(records, new Set(dismissed)), [records, dismissed])
  if (shown.length === 0) return null
  const quietMs = quietMinutes * 60_000
  const open = shown.filter((record) => record.finishedAt === null).length
  return (
    <section className="rotations-panel" aria-labelledby={`${ids}-title`}>
      <h2 className="rotations-title" id={`${ids}-title`}>
        {open === 0 ? 'Rotations' : open === 1 ? '1 open rotation' : `${open} open rotations`}
      </h2>
      <ul className="rotations-list">
        {shown.map((record) => {
          const reading = rotationReading(record, items, now, quietMs)
          const text = describeRotation(reading, now, quietMs)
          const done = record.finishedAt !== null
          return (
            <li key={record.newKey.id} className={`rotation-item rotation-${reading.state}`}>
              <span className="rotation-pair" id={`${ids}-${record.newKey.id}`}>
                {rotationPair(record)}
              </span>
              <span className="rotation-state">{text.title}</span>
              {!done && <span className="rotation-age muted">{rotationAgeText(record, now)}</span>}
              {done ? (
                <button
                  type="button"
                  className="button small"
                  aria-describedby={`${ids}-${record.newKey.id}`}
                  onClick={() => dismissRotation(accountId, record.newKey.id)}
                >
                  Dismiss
                </button>
              ) : (
                <button
                  type="button"
                  className="button small"
                  data-opens-dialog="rotation"
                  aria-describedby={`${ids}-${record.newKey.id}`}
                  onClick={() => openDialog({ kind: 'rotation', accountId, newKeyId: record.newKey.id })}
                >
                  {reading.state === 'safe-to-finish' ? 'Finish…' : 'Details…'}
                </button>
              )}
            </li>
          )
        })}
      </ul>
    </section>
  )
}
