/**
 * The key list as an ARIA table, virtualised: only the rows in view (plus an overscan) are in the
 * DOM, so 10,000 keys scroll as smoothly as ten. Rows have a fixed height set in CSS
 * (`--row-height`), which makes the windowing plain arithmetic (see use-row-window.ts).
 *
 * Each row says its key's state in words under its last use (the exact times are in its
 * tooltip), its note and markers, and can be ticked for a bulk delete. Keyboard, on the table:
 * arrows / Home / End /
 * Page Up / Page Down move between rows, Space ticks the focused row, Shift+Space or Shift+arrows
 * extend from the last ticked row, Ctrl/⌘+A ticks what the filters show, Escape unticks all,
 * N opens the row's notes, R its rotation, Delete its delete dialog.
 */
import { memo, useCallback, useLayoutEffect, useRef, type KeyboardEvent as ReactKeyboardEvent } from 'react'
import type { KeyListItem } from '../../../shared/domain'
import { classifyKey, isReviewDue, KEY_STATE_LABELS, keyTooltip, type HygieneSettings } from '../../../shared/key-hygiene'
import { noteExcerpt } from '../../../shared/key-note-excerpt'
import type { StoredKeyNote } from '../../../shared/key-notes'
import { KEY_TABLE_ID } from '../lib/dom'
import type { SortColumn, SortOrder } from '../lib/key-list'
import type { KeySelection } from '../lib/key-selection'
import type { RotationLink } from '../lib/key-view'
import { formatDate, formatExactTime, formatRelativeTime } from '../lib/time-format'
import { useRowWindow, type RowWindowOptions } from '../lib/use-row-window'

/** Must match `--row-height` and `--header-height` in styles.css. */
export const ROW_HEIGHT = 44
export const HEADER_HEIGHT = 34
const WINDOW: RowWindowOptions = { rowHeight: ROW_HEIGHT, offsetTop: HEADER_HEIGHT, overscan: 10, fallbackHeight: 600 }

/** What a row (or the keyboard on the table) can ask for. One stable object per list. */
export interface KeyRowActions {
  toggle: (id: number) => void
  /** Shift: tick from the anchor (or `fromId`) to `id`. */
  extend: (id: number, fromId?: number) => void
  /** Ctrl/⌘+A: exactly the rows shown. */
  selectShown: () => void
  /** The header checkbox: tick or untick the rows shown, keeping the others. */
  tickShown: (selected: boolean) => void
  clear: () => void
  delete: (key: KeyListItem) => void
  notes: (key: KeyListItem) => void
  rotate: (key: KeyListItem) => void
  /** An open rotation, by its replacement's id. */
  openRotation: (newKeyId: number) => void
}

export interface KeyTableProps {
  keys: readonly KeyListItem[]
  sort: SortOrder
  onSort: (column: SortColumn) => void
  /** Dims the rows while they may be out of date (cached list being refreshed). */
  stale?: boolean
  now: number
  /** The person's local date, `YYYY-MM-DD`. */
  today: string
  settings: Readonly<HygieneSettings>
  notes: Record<string, StoredKeyNote>
  rotations: ReadonlyMap<number, RotationLink>
  selection: KeySelection
  /** How many of `keys` are ticked (for the header checkbox). */
  selectedShown: number
  actions: KeyRowActions
}

const KEYBOARD_HELP_ID = 'key-table-keyboard'
const NAVIGATION_KEYS = new Set(['ArrowDown', 'ArrowUp', 'Home', 'End', 'PageDown', 'PageUp'])

/** The virtualised "API keys" table. */
export function KeyTable(props: KeyTableProps) {
  const { keys, sort, onSort, stale = false, now, today, settings, notes, rotations, selection, selectedShown, actions } = props
  const scrollRef = useRef<HTMLDivElement>(null)
  const { start, end, totalHeight } = useRowWindow(scrollRef, keys.length, WINDOW)
  const rows: KeyListItem[] = keys.slice(start, end)
  // The row to focus once it is rendered (after a scroll brought it into the window).
  const pendingFocus = useRef<number | null>(null)
  const lastFocusedId = useRef<number | null>(null)

  useLayoutEffect(() => {
    if (pendingFocus.current === null) return
    const row = scrollRef.current?.querySelector<HTMLElement>(`[data-index="${pendingFocus.current}"]`)
    if (row) {
      pendingFocus.current = null
      row.focus({ preventScroll: true })
    }
  })

  const focusRow = useCallback((index: number) => {
    const box = scrollRef.current
    if (!box) return
    const top = index * ROW_HEIGHT
    if (box.clientHeight > 0) {
      // Rows sit below the sticky header: keep the whole row between it and the bottom edge.
      if (top < box.scrollTop) box.scrollTop = top
      else if (HEADER_HEIGHT + top + ROW_HEIGHT > box.scrollTop + box.clientHeight) box.scrollTop = HEADER_HEIGHT + top + ROW_HEIGHT - box.clientHeight
    }
    const row = box.querySelector<HTMLElement>(`[data-index="${index}"]`)
    if (row) row.focus({ preventScroll: true })
    else pendingFocus.current = index
  }, [])

  const onKeyDown = (event: ReactKeyboardEvent<HTMLDivElement>) => {
    const target = event.target as HTMLElement
    const row = target.closest<HTMLElement>('[data-index]')
    const index = row ? Number(row.dataset['index']) : -1
    const key = index >= 0 ? keys[index] : undefined
    const command = event.ctrlKey || event.metaKey
    if (command && !event.altKey && !event.shiftKey && event.key.toLowerCase() === 'a') {
      event.preventDefault()
      actions.selectShown()
      return
    }
    if (command || event.altKey || keys.length === 0) return
    if (NAVIGATION_KEYS.has(event.key)) {
      // From the table box itself (or the header), arrows enter the rows where focus last was.
      if (target === event.currentTarget || (row === null && (event.key === 'ArrowDown' || event.key === 'ArrowUp'))) {
        event.preventDefault()
        const last = keys.findIndex((candidate) => candidate.id === lastFocusedId.current)
        focusRow(last === -1 ? 0 : last)
        return
      }
      if (!key) return
      event.preventDefault()
      const box = scrollRef.current
      const page = Math.max(1, Math.floor(((box?.clientHeight ?? 0) - HEADER_HEIGHT) / ROW_HEIGHT) - 1) || 10
      const next = Math.min(
        keys.length - 1,
        Math.max(0, { ArrowDown: index + 1, ArrowUp: index - 1, Home: 0, End: keys.length - 1, PageDown: index + page, PageUp: index - page }[event.key] ?? index)
      )
      if (event.shiftKey) actions.extend(keys[next]!.id, key.id)
      focusRow(next)
      return
    }
    if (!key || target !== row) return
    switch (event.key) {
      case ' ':
        event.preventDefault()
        if (event.shiftKey) actions.extend(key.id)
        else actions.toggle(key.id)
        break
      case 'Escape':
        if (selection.ids.size > 0) {
          event.preventDefault()
          actions.clear()
        }
        break
      case 'n':
      case 'N':
        event.preventDefault()
        actions.notes(key)
        break
      case 'r':
      case 'R':
        event.preventDefault()
        actions.rotate(key)
        break
      case 'Delete':
        event.preventDefault()
        actions.delete(key)
        break
    }
  }

  const allShown = keys.length > 0 && selectedShown === keys.length
  const setIndeterminate = (box: HTMLInputElement | null) => {
    if (box) box.indeterminate = selectedShown > 0 && !allShown
  }

  return (
    <>
      <p id={KEYBOARD_HELP_ID} className="visually-hidden">
        Arrow keys move between keys. Space ticks a key, Shift extends. Control A ticks all shown. N: notes, R: rotate, Delete: delete.
      </p>
      <div
        ref={scrollRef}
        id={KEY_TABLE_ID}
        className={stale ? 'key-table is-stale' : 'key-table'}
        role="table"
        aria-label="API keys"
        aria-rowcount={keys.length + 1}
        aria-describedby={KEYBOARD_HELP_ID}
        // Focusable so Page Up/Down and arrows scroll the list from the keyboard.
        tabIndex={0}
        onKeyDown={onKeyDown}
        onFocus={(event) => {
          const row = (event.target as HTMLElement).closest<HTMLElement>('[data-key-id]')
          if (row) lastFocusedId.current = Number(row.dataset['keyId'])
        }}
      >
        <div role="rowgroup" className="key-table-head">
          <div role="row" aria-rowindex={1} className="key-row key-row-head">
            <div role="columnheader" className="cell cell-select">
              <input
                ref={setIndeterminate}
                type="checkbox"
                aria-label="Select all shown keys"
                checked={allShown}
                onChange={() => actions.tickShown(!allShown)}
              />
            </div>
            <SortHeader column="name" label="Name" sort={sort} onSort={onSort} />
            <SortHeader column="createdAt" label="Created" sort={sort} onSort={onSort} />
            <SortHeader column="lastUsedAt" label="Last used" sort={sort} onSort={onSort} />
            <div role="columnheader" className="cell cell-actions">
              <span className="visually-hidden">Actions</span>
            </div>
          </div>
        </div>
        <div role="rowgroup" className="key-table-body" style={{ height: totalHeight }}>
          {rows.map((key, i) => (
            <KeyRow
              key={key.id}
              apiKey={key}
              position={start + i}
              selected={selection.ids.has(key.id)}
              note={notes[String(key.id)]}
              link={rotations.get(key.id)}
              now={now}
              today={today}
              settings={settings}
              actions={actions}
            />
          ))}
        </div>
      </div>
    </>
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
  /** 0-based position in the rows shown. */
  position: number
  selected: boolean
  note: StoredKeyNote | undefined
  link: RotationLink | undefined
  now: number
  today: string
  settings: Readonly<HygieneSettings>
  actions: KeyRowActions
}

/** One key. Memoised: scrolling or ticking re-renders only rows whose props changed. */
const KeyRow = memo(function KeyRow({ apiKey, position, selected, note, link, now, today, settings, actions }: KeyRowProps) {
  const hygiene = classifyKey(apiKey, now, settings)
  const reviewBy = note?.reviewBy ?? null
  const excerpt = note && note.note !== '' ? noteExcerpt(note.note) : null
  return (
    <div
      role="row"
      aria-rowindex={position + 2}
      data-index={position}
      data-key-id={apiKey.id}
      tabIndex={-1}
      className={selected ? 'key-row is-selected' : 'key-row'}
      style={{ transform: `translateY(${position * ROW_HEIGHT}px)` }}
      title={keyTooltip(apiKey, hygiene, settings, { reviewBy, today })}
    >
      <div role="cell" className="cell cell-select">
        <input
          type="checkbox"
          // The row takes Space (and Shift+Space) from the keyboard: one tab stop fewer per row.
          tabIndex={-1}
          aria-label={`Select ${apiKey.name}`}
          checked={selected}
          onChange={(event) => {
            if ((event.nativeEvent as MouseEvent).shiftKey) actions.extend(apiKey.id)
            else actions.toggle(apiKey.id)
          }}
        />
      </div>
      <div role="cell" className="cell cell-name">
        <span className="key-line">
          <span className="key-name" title={apiKey.name}>
            {apiKey.name}
          </span>
          {apiKey.isAppKey && <span className="badge badge-app">This app</span>}
          {apiKey.unconfirmed && (
            <span className="badge badge-unconfirmed" title="Shown from the server's answer to the create; the list has not confirmed it yet.">
              Not yet confirmed
            </span>
          )}
          {isReviewDue(reviewBy, today) && <span className="badge badge-due">Review due</span>}
          {hygiene.rotationDue && <span className="badge badge-due">Rotation due</span>}
          {link && (
            <button type="button" className="link-button rotation-link" data-opens-dialog="rotation" onClick={() => actions.openRotation(link.newKeyId)}>
              {link.text}
            </button>
          )}
        </span>
        <span className="key-line key-meta">
          <span className="key-id">{`ID ${apiKey.id}`}</span>
          {excerpt && <span className="key-note">{excerpt}</span>}
        </span>
      </div>
      <div role="cell" className="cell cell-createdAt">
        <time dateTime={apiKey.createdAt} title={formatExactTime(apiKey.createdAt)}>
          {formatDate(apiKey.createdAt)}
        </time>
      </div>
      <div role="cell" className="cell cell-lastUsedAt">
        {apiKey.lastUsedUnreadable ? (
          <span className="muted" title="The server sent a last-used date the app could not read.">
            —
          </span>
        ) : apiKey.lastUsedAt === null ? (
          // "Never used" is both the fact and, past the "new" days, the state: said once.
          <span className={hygiene.state === 'never-used' ? 'key-state' : 'muted'} data-state={hygiene.state === 'never-used' ? hygiene.state : undefined}>
            Never used
          </span>
        ) : (
          <time dateTime={apiKey.lastUsedAt} title={formatExactTime(apiKey.lastUsedAt)}>
            {formatRelativeTime(apiKey.lastUsedAt, now)}
          </time>
        )}
        {hygiene.state !== 'never-used' && (
          <span className="key-state" data-state={hygiene.state}>
            {KEY_STATE_LABELS[hygiene.state]}
          </span>
        )}
      </div>
      <div role="cell" className="cell cell-actions">
        <button type="button" className="button subtle small" aria-label={`Notes on ${apiKey.name}`} data-opens-dialog="notes" onClick={() => actions.notes(apiKey)}>
          Notes…
        </button>
        <button
          type="button"
          className="button subtle small"
          aria-label={`Rotate ${apiKey.name}`}
          data-opens-dialog={apiKey.isAppKey ? 'rotate-own' : 'rotate'}
          onClick={() => actions.rotate(apiKey)}
        >
          Rotate…
        </button>
        <button type="button" className="button danger subtle small" aria-label={`Delete ${apiKey.name}`} data-opens-dialog="delete" onClick={() => actions.delete(apiKey)}>
          Delete
        </button>
      </div>
    </div>
  )
})
