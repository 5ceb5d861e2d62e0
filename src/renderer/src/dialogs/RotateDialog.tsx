/**
 * Starts the rotation of a key: names its replacement (the old key's name by default) and creates
 * it with the same rules as "New key": the server's name rule checked first, one request id per
 * submission so a double click or double Enter makes one key at most, never retried. The token
 * then shows in the copy-once dialog, labelled as the replacement.
 */
import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react'
import { accountLabel, type AccountId } from '../../../shared/domain'
import type { AppError } from '../../../shared/errors'
import { checkKeyName } from '../../../shared/key-name'
import { newRequestId } from '../lib/request-id'
import { useApp } from '../store/store-context'
import { prefetchCopyOnceDialog, useOfferTokens } from './CopyOnceHost'
import { ModalDialog } from './ModalDialog'

/**
 * A failed start as a message under the field, or an alert for the dialog. A lost answer
 * (`create_outcome_unknown`) is main's own sentence: it says which key to look for in the list
 * (refreshed meanwhile), and that no rotation was opened. Nothing is retried.
 */
function describeStartError(error: AppError): { field: string | null; alert: string | null } {
  if (error.kind === 'validation') return { field: error.fieldErrors?.name?.[0] ?? error.message, alert: null }
  if (error.kind === 'rate_limited' && error.retryAfterSeconds !== undefined && !/\d/.test(error.message)) {
    return { field: null, alert: `${error.message} Try again in ${error.retryAfterSeconds} seconds.` }
  }
  return { field: null, alert: error.message }
}

/** The "Rotate key" dialog for one key of one account. */
export function RotateDialog({ accountId, keyId }: { accountId: AccountId; keyId: number }) {
  const account = useApp((state) => state.accounts.find((candidate) => candidate.id === accountId))
  const oldKey = useApp((state) => state.lists[accountId]?.items?.find((item) => item.id === keyId) ?? null)
  const startRotation = useApp((state) => state.startRotation)
  const closeDialog = useApp((state) => state.closeDialog)
  const openDialog = useApp((state) => state.openDialog)
  const offerTokens = useOfferTokens()
  useEffect(() => prefetchCopyOnceDialog(), [])
  // The old key as it was when the dialog opened: the name proposed and shown stays put while the list refreshes.
  const [original] = useState(() => oldKey)
  const [name, setName] = useState(() => oldKey?.name ?? '')
  const [fieldError, setFieldError] = useState<string | null>(null)
  const [alert, setAlert] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  // After a lost answer the replacement may exist: the person checks the list before any new try.
  const [mayExist, setMayExist] = useState(false)
  const inFlight = useRef(false)
  const inputRef = useRef<HTMLInputElement>(null)
  const ids = useId()
  const titleId = `${ids}-title`
  const nameId = `${ids}-name`
  const errorId = `${ids}-name-error`
  const hintId = `${ids}-name-hint`

  const dismiss = useCallback(() => {
    if (!inFlight.current) closeDialog()
  }, [closeDialog])

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    if (inFlight.current || !original || mayExist) return
    const check = checkKeyName(name)
    if (!check.ok) {
      setFieldError(check.message)
      setAlert(null)
      inputRef.current?.focus()
      return
    }
    inFlight.current = true
    setBusy(true)
    setFieldError(null)
    setAlert(null)
    const result = await startRotation(accountId, original.id, check.name, newRequestId())
    inFlight.current = false
    setBusy(false)
    if (result.ok) {
      const created = result.value
      closeDialog()
      offerTokens([
        {
          pendingId: created.pendingId,
          token: created.token,
          keyName: created.key?.name ?? check.name,
          accountLabel: account ? accountLabel(account) : accountId,
          replaces: created.replaces ?? { id: original.id, name: original.name }
        }
      ])
      return
    }
    setMayExist(result.error.kind === 'create_outcome_unknown')
    const described = describeStartError(result.error)
    setFieldError(described.field)
    setAlert(described.alert)
    if (described.field) inputRef.current?.focus()
  }

  if (!original) {
    return (
      <ModalDialog labelledBy={titleId} onDismiss={dismiss} className="rotate">
        <h2 id={titleId}>Rotate key</h2>
        <p role="alert" className="error-text">
          That key is not in the list any more. Refresh the list and try again.
        </p>
        <div className="dialog-actions">
          <button type="button" className="button primary" onClick={dismiss} data-autofocus>
            Close
          </button>
        </div>
      </ModalDialog>
    )
  }

  if (original.isAppKey) {
    // Main refuses a plain rotation of the app's own key: it has its own, crash-safe path.
    return (
      <ModalDialog labelledBy={titleId} onDismiss={dismiss} className="rotate">
        <h2 id={titleId}>Rotate key</h2>
        <p className="dialog-lead">
          <strong className="key-name-inline">{original.name}</strong> is the key Autocalls Keys signs in with. Replace it with “Replace this app’s
          key…”, so the app always keeps a working key.
        </p>
        <div className="dialog-actions">
          <button type="button" className="button" onClick={dismiss}>
            Cancel
          </button>
          <button
            type="button"
            className="button primary"
            data-autofocus
            onClick={() => {
              closeDialog()
              openDialog({ kind: 'rotate-own', accountId })
            }}
          >
            Replace this app’s key…
          </button>
        </div>
      </ModalDialog>
    )
  }

  return (
    <ModalDialog labelledBy={titleId} onDismiss={dismiss} dismissible={!busy} className="rotate">
      <form onSubmit={(event) => void submit(event)} noValidate>
        <h2 id={titleId}>Rotate key</h2>
        {account && <p className="dialog-account">In {accountLabel(account)}</p>}
        <p className="dialog-lead">
          Creates a replacement for <strong className="key-name-inline">{original.name}</strong> (#{original.id}). Both keys work until you delete the
          old one: put the new key where the old one is used, and the app tells you when the old key has gone quiet.
        </p>
        <label className="field-label" htmlFor={nameId}>
          Name of the replacement
        </label>
        <input
          ref={inputRef}
          id={nameId}
          className="text-field"
          type="text"
          value={name}
          onChange={(event) => {
            setName(event.currentTarget.value)
            setFieldError(null)
          }}
          aria-invalid={fieldError ? true : undefined}
          aria-describedby={fieldError ? errorId : hintId}
          autoComplete="off"
          spellCheck={false}
          data-autofocus
        />
        {fieldError ? (
          <p id={errorId} className="field-error">
            {fieldError}
          </p>
        ) : (
          <p id={hintId} className="field-hint">
            The old key’s name by default; its note and review date move to the replacement.
          </p>
        )}
        {alert && (
          <p role="alert" className="error-text">
            {alert}
          </p>
        )}
        <div className="dialog-actions">
          {mayExist ? (
            <button type="button" className="button primary" onClick={dismiss}>
              Close
            </button>
          ) : (
            <>
              <button type="button" className="button" onClick={dismiss} disabled={busy}>
                Cancel
              </button>
              <button type="submit" className="button primary" disabled={busy} aria-busy={busy || undefined}>
                {busy ? 'Creating…' : 'Create replacement'}
              </button>
            </>
          )}
        </div>
      </form>
    </ModalDialog>
  )
}

// React.lazy loads a module's default export.
export default RotateDialog
