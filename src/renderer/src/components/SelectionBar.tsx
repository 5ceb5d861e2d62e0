/**
 * "N selected · Delete N keys…" above the list while rows are ticked. The count sits in a polite
 * live region that stays mounted, so screen readers hear each change.
 */

export interface SelectionBarProps {
  /** Ticked keys still in the list. */
  count: number
  /** How many of them the current filters hide. */
  hidden: number
  onDelete: () => void
  onClear: () => void
}

export const keysWord = (count: number): string => (count === 1 ? '1 key' : `${count} keys`)

export function SelectionBar({ count, hidden, onDelete, onClear }: SelectionBarProps) {
  return (
    <div className={count > 0 ? 'selection-bar' : 'selection-bar is-empty'}>
      <span aria-live="polite" className="selection-count">
        {count > 0 ? `${count} selected${hidden > 0 ? ` (${hidden} not shown by the filters)` : ''}` : ''}
      </span>
      {count > 0 && (
        <>
          <span aria-hidden="true">·</span>
          <button type="button" className="button danger small" data-opens-dialog="bulk-delete" onClick={onDelete}>
            {`Delete ${keysWord(count)}…`}
          </button>
          <button type="button" className="button subtle small" onClick={onClear}>
            Clear selection
          </button>
        </>
      )}
    </div>
  )
}
