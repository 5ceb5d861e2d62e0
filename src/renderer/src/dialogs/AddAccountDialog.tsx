/**
 * "Add account" (or "Sign in again" to an account that needs it): the same verify-first form as
 * the first-run screen, in a dialog, without signing out of the accounts already here.
 */
import { useCallback, useEffect, useId } from 'react'
import { SignInForm } from '../components/SignInForm'
import { useApp } from '../store/store-context'
import { ModalDialog } from './ModalDialog'

export function AddAccountDialog({ baseUrl, email }: { baseUrl?: string | undefined; email?: string | undefined }) {
  const closeDialog = useApp((state) => state.closeDialog)
  const busy = useApp((state) => state.addBusy !== null)
  const clearAddError = useApp((state) => state.clearAddError)
  const setNotice = useApp((state) => state.setNotice)
  const titleId = useId()
  // An error from an earlier attempt (or from the first-run screen) is not this dialog's.
  useEffect(() => clearAddError(), [clearAddError])
  const dismiss = useCallback(() => {
    if (!busy) closeDialog()
  }, [busy, closeDialog])

  return (
    <ModalDialog labelledBy={titleId} onDismiss={dismiss} dismissible={!busy} className="add-account">
      <h2 id={titleId}>{email ? `Sign in again to ${email}` : 'Add an account'}</h2>
      <p className="muted">
        {email
          ? 'Paste a valid API key for this account. The app checks it with the server before it replaces anything.'
          : 'Another Autocalls account, on app.autocalls.ai or a white-label host. The accounts already here stay signed in.'}
      </p>
      <SignInForm
        initialBaseUrl={baseUrl}
        sandboxLabel="Add a sandbox account"
        onSignedIn={(alreadyExisted) => {
          closeDialog()
          if (alreadyExisted) setNotice('That account was already here. Its new key was accepted by the server and now replaces the stored one.')
        }}
      />
      <div className="dialog-actions">
        <button type="button" className="button" onClick={dismiss} disabled={busy}>
          Cancel
        </button>
      </div>
    </ModalDialog>
  )
}

// React.lazy loads a module's default export.
export default AddAccountDialog
