/**
 * One account's keys: the account header (always naming whose keys these are), a toolbar
 * (filter, status, Refresh, New key), an error banner when a refresh failed, and the key list in
 * whichever state it is. An account that needs a new sign-in shows that instead.
 */
import { useCallback, useMemo } from 'react'
import type { AccountView, KeyListItem } from '../../../shared/domain'
import { AccountHeader } from '../components/AccountSwitcher'
import { PlusIcon, RefreshIcon, SearchIcon } from '../components/Icons'
import { KeyTable } from '../components/KeyTable'
import { ListStatus } from '../components/ListStatus'
import { FILTER_INPUT_ID, NEW_KEY_BUTTON_ID } from '../lib/dom'
import { createVisibleKeysSelector } from '../lib/key-list'
import { noMatchMessage } from '../lib/messages'
import { EMPTY_LIST } from '../store/lists-slice'
import { useApp, useAppShallow } from '../store/store-context'

/** The main screen for the shown account. */
export function KeysScreen({ account }: { account: AccountView }) {
  return (
    <div className="keys-screen">
      <AccountHeader account={account} />
      <main className="keys-main" aria-label={`API keys of ${account.profile.email}`}>
        <KeychainOrNotice account={account} />
        {account.status === 'needs-sign-in' ? (
          <NeedsSignIn account={account} />
        ) : (
          <>
            <Toolbar accountId={account.id} />
            <RefreshErrorBanner accountId={account.id} />
            <KeyListArea accountId={account.id} />
          </>
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

function Toolbar({ accountId }: { accountId: string }) {
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

// One memoised selector for the window: it keeps each list's sort, so switching back to an
// account does not sort its keys again.
const selectVisible = createVisibleKeysSelector()

function KeyListArea({ accountId }: { accountId: string }) {
  const { list, sort, filter, sortBy, openDialog, refresh } = useAppShallow((state) => ({
    list: state.lists[accountId] ?? EMPTY_LIST,
    sort: state.sort,
    filter: state.filter,
    sortBy: state.sortBy,
    openDialog: state.openDialog,
    refresh: state.refresh
  }))
  const { items, error, fromCache, refreshing } = list
  const visible = useMemo(() => (items ? selectVisible(items, sort, filter) : []), [items, sort, filter])
  const onDelete = useCallback((key: KeyListItem) => openDialog({ kind: 'delete', accountId, key }), [openDialog, accountId])

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
  if (visible.length === 0) {
    return (
      <div className="list-placeholder">
        <p>{noMatchMessage(filter.trim())}</p>
      </div>
    )
  }
  return <KeyTable key={accountId} keys={visible} sort={sort} onSort={sortBy} onDelete={onDelete} stale={fromCache && refreshing} />
}
