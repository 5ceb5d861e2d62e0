/**
 * Signing out of one account, or of all: names the account and its host, and says what goes
 * (the key in this computer's keychain, the cached list) and what does not (the key on the server).
 */
import { useCallback, useId } from 'react'
import { accountLabel, type AccountView } from '../../../shared/domain'
import { displayName } from '../lib/account-display'
import { useAppShallow } from '../store/store-context'
import { ModalDialog } from './ModalDialog'

export function RemoveAccountDialog({ account }: { account: AccountView | null }) {
  const { accounts, removeAccount, removeAllAccounts, busy, error, closeDialog } = useAppShallow((state) => ({
    accounts: state.accounts,
    removeAccount: state.removeAccount,
    removeAllAccounts: state.removeAllAccounts,
    busy: state.removeBusy,
    error: state.removeError,
    closeDialog: state.closeDialog
  }))
  const ids = useId()
  const titleId = `${ids}-title`
  const leadId = `${ids}-lead`
  const dismiss = useCallback(() => {
    if (!busy) closeDialog()
  }, [busy, closeDialog])

  const all = account === null
  const title = all ? `Sign out of all ${accounts.length} accounts?` : `Sign out of ${displayName(account)}?`
  return (
    <ModalDialog labelledBy={titleId} describedBy={leadId} onDismiss={dismiss} dismissible={!busy} className="remove-account">
      <h2 id={titleId}>{title}</h2>
      {all ? (
        <>
          <p id={leadId} className="dialog-lead">
            The saved API keys of these accounts are removed from this computer’s keychain and their cached lists are forgotten:
          </p>
          <ul className="account-names">
            {accounts.map((item) => (
              <li key={item.id}>{accountLabel(item)}</li>
            ))}
          </ul>
        </>
      ) : (
        <p id={leadId} className="dialog-lead">
          <strong>{accountLabel(account)}</strong>: its saved API key is removed from this computer’s keychain and its cached list is
          forgotten.
        </p>
      )}
      <p className="muted">The API keys themselves stay on the server; you can sign in again at any time.</p>
      {error && (
        <p role="alert" className="error-text">
          {error.message}
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" className="button" onClick={dismiss} disabled={busy} data-autofocus>
          Cancel
        </button>
        <button
          type="button"
          className="button danger"
          onClick={() => void (all ? removeAllAccounts() : removeAccount(account.id))}
          disabled={busy}
          aria-busy={busy || undefined}
        >
          {busy ? 'Signing out…' : all ? 'Sign out of all' : 'Sign out'}
        </button>
      </div>
    </ModalDialog>
  )
}

// React.lazy loads a module's default export.
export default RemoveAccountDialog
