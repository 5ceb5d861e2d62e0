/**
 * Confirms a delete. Cancel is focused first; the app's own key also needs its name typed,
 * because deleting it signs the app out.
 */
import { useCallback, useId, useState } from 'react'
import { accountLabel, type KeyListItem } from '../../../shared/domain'
import { deleteQuestion, MESSAGES } from '../lib/messages'
import { useApp } from '../store/store-context'
import { ModalDialog } from './ModalDialog'

/** The "Delete API key?" dialog for one key of one account (named in the dialog). */
export function DeleteKeyDialog({ accountId, apiKey }: { accountId: string; apiKey: KeyListItem }) {
  const account = useApp((state) => state.accounts.find((candidate) => candidate.id === accountId))
  const deleteKey = useApp((state) => state.deleteKey)
  const closeDialog = useApp((state) => state.closeDialog)
  const [typedName, setTypedName] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const ids = useId()
  const titleId = `${ids}-title`
  const questionId = `${ids}-question`
  const confirmId = `${ids}-confirm`

  const confirmed = !apiKey.isAppKey || typedName === apiKey.name
  const dismiss = useCallback(() => {
    if (!busy) closeDialog()
  }, [busy, closeDialog])

  const remove = async () => {
    if (!confirmed || busy) return
    setBusy(true)
    setError(null)
    const failure = await deleteKey(accountId, apiKey)
    // On success the store closes this dialog (or leaves the screen); only failures stay here.
    if (failure) {
      setBusy(false)
      setError(failure.message)
    }
  }

  return (
    <ModalDialog labelledBy={titleId} describedBy={questionId} onDismiss={dismiss} dismissible={!busy} className="delete-key">
      <h2 id={titleId}>Delete API key?</h2>
      {account && <p className="dialog-account">From {accountLabel(account)}</p>}
      <p id={questionId} className="dialog-lead">
        {deleteQuestion(apiKey.name, apiKey.id)}
      </p>
      {apiKey.isAppKey && (
        <>
          <p className="warning">
            <strong>{MESSAGES.ownKeyWarning}</strong>
          </p>
          <label className="field-label" htmlFor={confirmId}>
            Type the key name to confirm
          </label>
          <input
            id={confirmId}
            className="text-field"
            type="text"
            value={typedName}
            onChange={(event) => setTypedName(event.currentTarget.value)}
            onKeyDown={(event) => {
              if (event.key === 'Enter') {
                event.preventDefault()
                void remove()
              }
            }}
            autoComplete="off"
            spellCheck={false}
            disabled={busy}
          />
        </>
      )}
      {error && (
        <p role="alert" className="error-text">
          {error}
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" className="button" onClick={dismiss} disabled={busy} data-autofocus>
          Cancel
        </button>
        <button
          type="button"
          className="button danger"
          onClick={() => void remove()}
          disabled={!confirmed || busy}
          aria-busy={busy || undefined}
        >
          {busy ? 'Deleting…' : 'Delete key'}
        </button>
      </div>
    </ModalDialog>
  )
}

// React.lazy loads a module's default export.
export default DeleteKeyDialog
