/**
 * The signed-in screen: header with the account, a toolbar (filter, status, Refresh, New key),
 * an error banner when a refresh failed, and the key list in whichever state it is.
 */
import { useCallback, useMemo } from 'react'
import type { KeyListItem } from '../../../shared/domain'
import { AccountMenu } from '../components/AccountMenu'
import { PlusIcon, RefreshIcon, SearchIcon } from '../components/Icons'
import { KeyTable } from '../components/KeyTable'
import { ListStatus } from '../components/ListStatus'
import { DeleteKeyDialog } from '../dialogs/DeleteKeyDialog'
import { NewKeyDialog } from '../dialogs/NewKeyDialog'
import { FILTER_INPUT_ID, NEW_KEY_BUTTON_ID } from '../lib/dom'
import { createVisibleKeysSelector } from '../lib/key-list'
import { useKeyboardShortcuts } from '../lib/keyboard-shortcuts'
import { noMatchMessage } from '../lib/messages'
import { useAppCommands } from '../store/use-app-commands'
import { useApp, useAppShallow } from '../store/store-context'

/** The main screen. */
export function KeysScreen() {
  const dialog = useApp((state) => state.dialog)
  const runCommand = useAppCommands()
  useKeyboardShortcuts(runCommand)

  return (
    <div className="keys-screen">
      <header className="app-header">
        <h1>API keys</h1>
        <AccountMenu />
      </header>
      <main className="keys-main">
        <Toolbar />
        <RefreshErrorBanner />
        <KeyListArea />
      </main>
      {dialog?.kind === 'new-key' && <NewKeyDialog />}
      {dialog?.kind === 'delete' && <DeleteKeyDialog key={dialog.key.id} apiKey={dialog.key} />}
    </div>
  )
}

function Toolbar() {
  const { filter, setFilter, refresh, refreshing, openNewKeyDialog } = useAppShallow((state) => ({
    filter: state.filter,
    setFilter: state.setFilter,
    refresh: state.refresh,
    refreshing: state.list.refreshing,
    openNewKeyDialog: state.openNewKeyDialog
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
      <ListStatus />
      <div className="toolbar-actions">
        <button
          type="button"
          className="button"
          onClick={() => void refresh()}
          disabled={refreshing}
          aria-busy={refreshing || undefined}
          title="Refresh (Ctrl+R)"
        >
          <RefreshIcon />
          Refresh
        </button>
        <button id={NEW_KEY_BUTTON_ID} type="button" className="button primary" onClick={openNewKeyDialog} title="New key (Ctrl+N)">
          <PlusIcon />
          New key
        </button>
      </div>
    </div>
  )
}

/** "Could not refresh: …" over rows that are still shown. */
function RefreshErrorBanner() {
  const { error, hasRows, refresh, refreshing } = useAppShallow((state) => ({
    error: state.list.error,
    hasRows: state.list.items !== null,
    refresh: state.refresh,
    refreshing: state.list.refreshing
  }))
  if (!error || !hasRows) return null
  return (
    <div role="alert" className="banner banner-error">
      <span>Could not refresh: {error.message}</span>
      <button type="button" className="button small" onClick={() => void refresh()} disabled={refreshing}>
        Try again
      </button>
    </div>
  )
}

function KeyListArea() {
  const { items, error, fromCache, refreshing, sort, filter, sortBy, openDeleteDialog, openNewKeyDialog, refresh } =
    useAppShallow((state) => ({
      items: state.list.items,
      error: state.list.error,
      fromCache: state.list.fromCache,
      refreshing: state.list.refreshing,
      sort: state.sort,
      filter: state.filter,
      sortBy: state.sortBy,
      openDeleteDialog: state.openDeleteDialog,
      openNewKeyDialog: state.openNewKeyDialog,
      refresh: state.refresh
    }))
  // One memoised selector per mounted list: sorting runs when keys or order change, not per keystroke.
  const selectVisible = useMemo(() => createVisibleKeysSelector(), [])
  const visible = useMemo(() => (items ? selectVisible(items, sort, filter) : []), [items, sort, filter, selectVisible])
  const onDelete = useCallback((key: KeyListItem) => openDeleteDialog(key), [openDeleteDialog])

  if (items === null) {
    if (error && !refreshing) {
      return (
        <div role="alert" className="list-placeholder error">
          <p>Could not load keys: {error.message}</p>
          <button type="button" className="button" onClick={() => void refresh()}>
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
        <button type="button" className="button primary" onClick={openNewKeyDialog}>
          Create your first key
        </button>
      </div>
    )
  }
  if (visible.length === 0) {
    return (
      <div className="list-placeholder">
        <p>{noMatchMessage(filter.trim())}</p>
      </div>
    )
  }
  return <KeyTable keys={visible} sort={sort} onSort={sortBy} onDelete={onDelete} stale={fromCache && refreshing} />
}
