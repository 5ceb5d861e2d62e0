/**
 * The key list as an ARIA table, virtualised: only the rows in view (plus an overscan) are in the
 * DOM, so 10,000 keys scroll as smoothly as ten. Rows have a fixed height set in CSS
 * (`--row-height`), which keeps the virtualiser's arithmetic exact without measuring.
 */
import { observeElementRect, useVirtualizer, type Virtualizer } from '@tanstack/react-virtual'
import { memo, useCallback, useRef } from 'react'
import type { KeyListItem } from '../../../shared/domain'
import { KEY_TABLE_ID } from '../lib/dom'
import type { SortColumn, SortOrder } from '../lib/key-list'
import { formatDate, formatExactTime, formatRelativeTime } from '../lib/time-format'
import { useNow } from '../lib/use-now'

/** Must match `--row-height` and `--header-height` in styles.css. */
export const ROW_HEIGHT = 44
export const HEADER_HEIGHT = 34
const OVERSCAN = 10
/**
 * Used until the scroll box has a measured size. Without layout (happy-dom in tests, a hidden
 * window) every box measures 0×0; keeping this rect then still renders the first screenful.
 */
const INITIAL_RECT = { width: 960, height: 600 }

type Observe = typeof observeElementRect<HTMLDivElement>
/** Passes real sizes through, but ignores 0×0 readings from an element without layout. */
const observeLaidOutRect: Observe = (instance, callback) =>
  observeElementRect(instance, (rect) => {
    if (rect.height > 0) callback(rect)
  })

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
  // Stable per list: a new function each render would make the virtualiser rebuild its offsets.
  const getItemKey = useCallback((index: number) => keys[index]?.id ?? index, [keys])
  const virtualizer: Virtualizer<HTMLDivElement, Element> = useVirtualizer({
    count: keys.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: OVERSCAN,
    // The sticky header sits above the rows inside the same scroll box.
    scrollMargin: HEADER_HEIGHT,
    initialRect: INITIAL_RECT,
    observeElementRect: observeLaidOutRect,
    getItemKey
  })

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
      <div role="rowgroup" className="key-table-body" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((item) => {
          const key = keys[item.index]
          if (!key) return null
          return (
            <KeyRow
              key={item.key}
              apiKey={key}
              rowIndex={item.index + 2}
              offset={item.start - HEADER_HEIGHT}
              now={now}
              onDelete={onDelete}
            />
          )
        })}
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
        <button type="button" className="button danger subtle small" aria-label={`Delete ${apiKey.name}`} onClick={handleDelete}>
          Delete
        </button>
      </div>
    </div>
  )
})
