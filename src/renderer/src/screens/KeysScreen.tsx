/**
 * One account's keys: the account header (always naming whose keys these are), a toolbar
 * (filter, quick filters, status, Refresh, New key), an error banner when a refresh failed, the
 * selection bar, and the key list in whichever state it is. An account that needs a new sign-in
 * shows that instead.
 */
import { useEffect, useLayoutEffect, useMemo, useRef, type ReactNode } from 'react'
import { calendarDateIn } from '../../../shared/dates'
import type { AccountView, KeyListItem } from '../../../shared/domain'
import { QUICK_FILTER_LABELS, type QuickFilter } from '../../../shared/key-hygiene'
import { AccountHeader } from '../components/AccountSwitcher'
import { PlusIcon, RefreshIcon, SearchIcon } from '../components/Icons'
import { KeyTable, type KeyRowActions } from '../components/KeyTable'
import { ListStatus } from '../components/ListStatus'
import { QuickFilters } from '../components/QuickFilters'
import { SelectionBar } from '../components/SelectionBar'
import { FILTER_INPUT_ID, isModalOpen, NEW_KEY_BUTTON_ID } from '../lib/dom'
import { NO_SELECTION, selectedIn } from '../lib/key-selection'
import { isTypingTarget } from '../lib/keyboard-shortcuts'
import { createKeyViewSelector, rotationLinks } from '../lib/key-view'
import { noMatchMessage } from '../lib/messages'
import { useNow } from '../lib/use-now'
import { EMPTY_LIST } from '../store/lists-slice'
import { useApp, useAppShallow, useAppStoreApi } from '../store/store-context'

/** The main screen for the shown account. */
export function KeysScreen({ account }: { account: AccountView }) {
  const forgetKeyView = useApp((state) => state.forgetKeyView)
  // Ticked rows and the quick filter belong to the account on screen: switching away drops them.
  useEffect(() => () => forgetKeyView(account.id), [account.id, forgetKeyView])
  return (
    <div className="keys-screen">
      <AccountHeader account={account} />
      <main className="keys-main" aria-label={`API keys of ${account.profile.email}`}>
        <KeychainOrNotice account={account} />
        {account.status === 'needs-sign-in' ? (
          <NeedsSignIn account={account} />
        ) : (
          <KeyListPanel accountId={account.id} />
        )}
      </main>
    </div>
  )
}

/** The server stopped accepting this account's credential (or it was removed): sign in again. */
function NeedsSignIn({ account }: { account: AccountView }) {
  const openDialog = useApp((state) => state.openDialog)
  return (
    <div role="alert" className="list-placeholder needs-sign-in">
      <p className="placeholder-title">Signed out of this account</p>
      <p>{account.problem?.message}</p>
      <div className="placeholder-actions">
        <button
          type="button"
          className="button primary"
          data-opens-dialog="add-account"
          onClick={() => openDialog({ kind: 'add-account', baseUrl: account.baseUrl, email: account.profile.email })}
        >
          Sign in again
        </button>
        <button type="button" className="button" data-opens-dialog="remove-account" onClick={() => openDialog({ kind: 'remove-account', accountId: account.id })}>
          Remove account…
        </button>
      </div>
    </div>
  )
}

/** A notice (e.g. "that account was already here") or the keychain problem, once for all accounts. */
function KeychainOrNotice({ account }: { account: AccountView }) {
  const { notice, setNotice } = useAppShallow((state) => ({ notice: state.notice, setNotice: state.setNotice }))
  return (
    <>
      {account.status === 'keychain-locked' && account.problem && (
        <div role="alert" className="banner banner-error">
          <span>{account.problem.message}</span>
        </div>
      )}
      {notice && (
        <div role="status" className="banner banner-notice">
          <span>{notice}</span>
          <button type="button" className="button small" onClick={() => setNotice(null)}>
            Dismiss
          </button>
        </div>
      )}
    </>
  )
}

function Toolbar({ accountId, children }: { accountId: string; children?: ReactNode }) {
  const { filter, setFilter, refresh, refreshing, openDialog } = useAppShallow((state) => ({
    filter: state.filter,
    setFilter: state.setFilter,
    refresh: state.refresh,
    refreshing: state.lists[accountId]?.refreshing ?? false,
    openDialog: state.openDialog
  }))
  return (
    <div className="toolbar">
      <div className="search-field">
        <SearchIcon />
        <label className="visually-hidden" htmlFor={FILTER_INPUT_ID}>
          Filter keys
        </label>
        <input
          id={FILTER_INPUT_ID}
          className="text-field"
          type="search"
          placeholder="Filter by name  ( / )"
          value={filter}
          onChange={(event) => setFilter(event.currentTarget.value)}
          onKeyDown={(event) => {
            if (event.key === 'Escape' && filter !== '') {
              event.preventDefault()
              setFilter('')
            }
          }}
          autoComplete="off"
          spellCheck={false}
        />
      </div>
      {children}
      <ListStatus accountId={accountId} />
      <div className="toolbar-actions">
        <button
          type="button"
          className="button"
          onClick={() => void refresh(accountId)}
          disabled={refreshing}
          aria-busy={refreshing || undefined}
          title="Refresh (Ctrl+R)"
        >
          <RefreshIcon />
          Refresh
        </button>
        <button
          id={NEW_KEY_BUTTON_ID}
          type="button"
          className="button primary"
          data-opens-dialog="new-key"
          onClick={() => openDialog({ kind: 'new-key', accountId })}
          title="New key (Ctrl+N)"
        >
          <PlusIcon />
          New key
        </button>
      </div>
    </div>
  )
}

/** "Could not refresh: …" over rows that are still shown. */
function RefreshErrorBanner({ accountId }: { accountId: string }) {
  const { error, hasRows, refresh, refreshing } = useAppShallow((state) => {
    const list = state.lists[accountId] ?? EMPTY_LIST
    return { error: list.error, hasRows: list.items !== null, refresh: state.refresh, refreshing: list.refreshing }
  })
  if (!error || !hasRows) return null
  return (
    <div role="alert" className="banner banner-error">
      <span>Could not refresh: {error.message}</span>
      <button type="button" className="button small" onClick={() => void refresh(accountId)} disabled={refreshing}>
        Try again
      </button>
    </div>
  )
}

// One memoised selector for the window: it keeps each list's sort and hygiene index, so switching
// back to an account neither sorts nor classifies its keys again.
const selectView = createKeyViewSelector()

/** The toolbar, banner, selection bar and list of one account, sharing one view of its keys. */
function KeyListPanel({ accountId }: { accountId: string }) {
  const store = useAppStoreApi()
  const { list, sort, filter, quickFilter, selection, settings, setQuickFilter, sortBy, openDialog } = useAppShallow((state) => ({
    list: state.lists[accountId] ?? EMPTY_LIST,
    sort: state.sort,
    filter: state.filter,
    quickFilter: state.quickFilters[accountId] ?? 'all',
    selection: state.selections[accountId] ?? NO_SELECTION,
    settings: state.preferences,
    setQuickFilter: state.setQuickFilter,
    sortBy: state.sortBy,
    openDialog: state.openDialog
  }))
  const { items, notes } = list
  const now = useNow()
  const today = useMemo(() => calendarDateIn(now), [now])
  const view = useMemo(
    () => (items ? selectView({ keys: items, order: sort, filter, quickFilter, notes, nowMs: now, today, settings }) : null),
    [items, sort, filter, quickFilter, notes, now, today, settings]
  )
  const visible = view?.visible ?? NO_KEYS
  const selectedKeys = useMemo(() => selectedIn(items, selection), [items, selection])
  const selectedShown = useMemo(() => visible.reduce((count, key) => count + (selection.ids.has(key.id) ? 1 : 0), 0), [visible, selection])

  // The actions read the rows shown through a ref, so they stay one object and ticking a row
  // re-renders that row only.
  const visibleRef = useRef(visible)
  useLayoutEffect(() => {
    visibleRef.current = visible
  }, [visible])
  const actions = useMemo<KeyRowActions>(() => {
    const state = () => store.getState()
    const shownIds = () => visibleRef.current.map((key) => key.id)
    return {
      toggle: (id) => state().toggleSelected(accountId, id),
      extend: (id, fromId) => state().extendSelection(accountId, visibleRef.current, id, fromId),
      selectShown: () => state().selectOnly(accountId, shownIds()),
      tickShown: (selected) => state().setSelected(accountId, shownIds(), selected),
      clear: () => state().clearSelection(accountId),
      delete: (key) => state().openDialog({ kind: 'delete', accountId, key }),
      notes: (key) => state().openDialog({ kind: 'notes', accountId, keyId: key.id }),
      // The app's own key has its own, more careful replacement (it must never be left without one).
      rotate: (key) => state().openDialog(key.isAppKey ? { kind: 'rotate-own', accountId } : { kind: 'rotate', accountId, keyId: key.id }),
      openRotation: (newKeyId) => state().openDialog({ kind: 'rotation', accountId, newKeyId })
    }
  }, [store, accountId])

  // Ctrl/⌘+A outside the table too (the table handles its own), but never in a field or a dialog.
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.altKey || event.shiftKey || !(event.ctrlKey || event.metaKey) || event.key.toLowerCase() !== 'a') return
      if (isTypingTarget(event.target) || isModalOpen() || visibleRef.current.length === 0) return
      event.preventDefault()
      actions.selectShown()
    }
    window.addEventListener('keydown', onKeyDown)
    return () => window.removeEventListener('keydown', onKeyDown)
  }, [actions])

  const hasKeys = items !== null && items.length > 0
  return (
    <>
      <Toolbar accountId={accountId}>
        {view && hasKeys && <QuickFilters options={view.options} value={view.quickFilter} onChange={(next) => setQuickFilter(accountId, next)} />}
      </Toolbar>
      <RefreshErrorBanner accountId={accountId} />
      <SelectionBar
        count={selectedKeys.length}
        hidden={selectedKeys.length - selectedShown}
        onDelete={() => openDialog({ kind: 'bulk-delete', accountId, ids: inShownOrder(selectedKeys, visible).map((key) => key.id) })}
        onClear={actions.clear}
      />
      <KeyListArea accountId={accountId}>
        {view && visible.length === 0 && hasKeys ? (
          <div className="list-placeholder">
            <p>{noMatchText(filter.trim(), view.quickFilter)}</p>
          </div>
        ) : (
          <KeyTable
            key={accountId}
            keys={visible}
            sort={sort}
            onSort={sortBy}
            stale={list.fromCache && list.refreshing}
            now={now}
            today={today}
            settings={settings}
            notes={notes}
            rotations={rotationLinks(list.rotations)}
            selection={selection}
            selectedShown={selectedShown}
            actions={actions}
          />
        )}
      </KeyListArea>
    </>
  )
}

const NO_KEYS: readonly KeyListItem[] = []

/** The ticked keys as the person sees them: the rows shown in their order, then those the filters hide. */
function inShownOrder(selected: readonly KeyListItem[], visible: readonly KeyListItem[]): KeyListItem[] {
  const ticked = new Set(selected)
  const shown = visible.filter((key) => ticked.has(key))
  const shownSet = new Set(shown)
  return [...shown, ...selected.filter((key) => !shownSet.has(key))]
}

/** "No keys match “x”", "No keys in “Stale”", or both. */
function noMatchText(filter: string, quick: QuickFilter): string {
  if (quick === 'all') return noMatchMessage(filter)
  const label = QUICK_FILTER_LABELS[quick]
  return filter === '' ? `No keys in “${label}”` : `No keys in “${label}” match “${filter}”`
}

/** The list's placeholder while loading, failed or empty; otherwise the rows given. */
function KeyListArea({ accountId, children }: { accountId: string; children: ReactNode }) {
  const { items, error, refreshing, openDialog, refresh } = useAppShallow((state) => {
    const list = state.lists[accountId] ?? EMPTY_LIST
    return { items: list.items, error: list.error, refreshing: list.refreshing, openDialog: state.openDialog, refresh: state.refresh }
  })

  if (items === null) {
    if (error && !refreshing) {
      return (
        <div role="alert" className="list-placeholder error">
          <p>Could not load keys: {error.message}</p>
          <button type="button" className="button" onClick={() => void refresh(accountId)}>
            Try again
          </button>
        </div>
      )
    }
    return (
      <div className="list-placeholder" aria-hidden="true">
        <span className="spinner" />
      </div>
    )
  }
  if (items.length === 0) {
    return (
      <div className="list-placeholder">
        <p className="placeholder-title">No API keys yet</p>
        <p className="muted">Create a key for each app or integration that calls the Autocalls API.</p>
        <button type="button" className="button primary" data-opens-dialog="new-key" onClick={() => openDialog({ kind: 'new-key', accountId })}>
          Create your first key
        </button>
      </div>
    )
  }
  return children
}
