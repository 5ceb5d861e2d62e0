/**
 * The key list as an ARIA table, virtualised: only the rows in view (plus an overscan) are in the
 * DOM, so 10,000 keys scroll as smoothly as ten. Rows have a fixed height set in CSS
 * (`--row-height`), which makes the windowing plain arithmetic (see use-row-window.ts).
 */
import { memo, useCallback, useRef } from 'react'
import type { KeyListItem } from '../../../shared/domain'
import { KEY_TABLE_ID } from '../lib/dom'
import type { SortColumn, SortOrder } from '../lib/key-list'
import { formatDate, formatExactTime, formatRelativeTime } from '../lib/time-format'
import { useNow } from '../lib/use-now'
import { useRowWindow, type RowWindowOptions } from '../lib/use-row-window'

/** Must match `--row-height` and `--header-height` in styles.css. */
export const ROW_HEIGHT = 44
export const HEADER_HEIGHT = 34
const WINDOW: RowWindowOptions = { rowHeight: ROW_HEIGHT, offsetTop: HEADER_HEIGHT, overscan: 10, fallbackHeight: 600 }

export interface KeyTableProps {
  keys: readonly KeyListItem[]
  sort: SortOrder
  onSort: (column: SortColumn) => void
  onDelete: (key: KeyListItem) => void
  /** Dims the rows while they may be out of date (cached list being refreshed). */
  stale?: boolean
}

const COLUMNS: ReadonlyArray<{ column: SortColumn; label: string }> = [
  { column: 'name', label: 'Name' },
  { column: 'createdAt', label: 'Created' },
  { column: 'lastUsedAt', label: 'Last used' }
]

/** The virtualised "API keys" table. */
export function KeyTable({ keys, sort, onSort, onDelete, stale = false }: KeyTableProps) {
  const scrollRef = useRef<HTMLDivElement>(null)
  const now = useNow()
  const { start, end, totalHeight } = useRowWindow(scrollRef, keys.length, WINDOW)
  const rows: KeyListItem[] = keys.slice(start, end)

  return (
    <div
      ref={scrollRef}
      id={KEY_TABLE_ID}
      className={stale ? 'key-table is-stale' : 'key-table'}
      role="table"
      aria-label="API keys"
      aria-rowcount={keys.length + 1}
      // Focusable so Page Up/Down and arrows scroll the list from the keyboard.
      tabIndex={0}
    >
      <div role="rowgroup" className="key-table-head">
        <div role="row" aria-rowindex={1} className="key-row key-row-head">
          {COLUMNS.map(({ column, label }) => (
            <SortHeader key={column} column={column} label={label} sort={sort} onSort={onSort} />
          ))}
          <div role="columnheader" className="cell cell-actions">
            <span className="visually-hidden">Actions</span>
          </div>
        </div>
      </div>
      <div role="rowgroup" className="key-table-body" style={{ height: totalHeight }}>
        {rows.map((key, i) => (
          <KeyRow key={key.id} apiKey={key} rowIndex={start + i + 2} offset={(start + i) * ROW_HEIGHT} now={now} onDelete={onDelete} />
        ))}
      </div>
    </div>
  )
}

interface SortHeaderProps {
  column: SortColumn
  label: string
  sort: SortOrder
  onSort: (column: SortColumn) => void
}

function SortHeader({ column, label, sort, onSort }: SortHeaderProps) {
  const active = sort.column === column
  const ariaSort = active ? (sort.direction === 'asc' ? 'ascending' : 'descending') : undefined
  return (
    <div role="columnheader" aria-sort={ariaSort} className={`cell cell-${column}`}>
      <button type="button" className="sort-button" onClick={() => onSort(column)}>
        {label}
        <span className="sort-arrow" aria-hidden="true">
          {active ? (sort.direction === 'asc' ? '▲' : '▼') : ''}
        </span>
      </button>
    </div>
  )
}

interface KeyRowProps {
  apiKey: KeyListItem
  rowIndex: number
  offset: number
  now: number
  onDelete: (key: KeyListItem) => void
}

/** One key. Memoised: scrolling re-renders only rows whose position changed. */
const KeyRow = memo(function KeyRow({ apiKey, rowIndex, offset, now, onDelete }: KeyRowProps) {
  const handleDelete = useCallback(() => onDelete(apiKey), [onDelete, apiKey])
  const createdExact = formatExactTime(apiKey.createdAt)
  return (
    <div role="row" aria-rowindex={rowIndex} className="key-row" style={{ transform: `translateY(${offset}px)` }}>
      <div role="cell" className="cell cell-name">
        <span className="key-name" title={apiKey.name}>
          {apiKey.name}
        </span>
        {apiKey.isAppKey && <span className="badge badge-app">This app</span>}
        {apiKey.unconfirmed && (
          <span className="badge badge-unconfirmed" title="Shown from the server's answer to the create; the list has not confirmed it yet.">
            Not yet confirmed
          </span>
        )}
        <span className="key-id">{`ID ${apiKey.id}`}</span>
      </div>
      <div role="cell" className="cell cell-createdAt">
        <time dateTime={apiKey.createdAt} title={createdExact}>
          {formatDate(apiKey.createdAt)}
        </time>
      </div>
      <div role="cell" className="cell cell-lastUsedAt">
        {apiKey.lastUsedUnreadable ? (
          <span className="muted" title="The server sent a last-used date the app could not read.">
            —
          </span>
        ) : apiKey.lastUsedAt === null ? (
          <span className="muted">Never used</span>
        ) : (
          <time dateTime={apiKey.lastUsedAt} title={formatExactTime(apiKey.lastUsedAt)}>
            {formatRelativeTime(apiKey.lastUsedAt, now)}
          </time>
        )}
      </div>
      <div role="cell" className="cell cell-actions">
        <button type="button" className="button danger subtle small" aria-label={`Delete ${apiKey.name}`} data-opens-dialog="delete" onClick={handleDelete}>
          Delete
        </button>
      </div>
    </div>
  )
})
