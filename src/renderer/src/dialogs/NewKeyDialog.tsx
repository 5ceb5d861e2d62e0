/**
 * Names and creates one key. The name is checked with the server's own rule before sending; one
 * request id per submission makes a double click or double Enter create one key at most.
 */
import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react'
import { accountLabel } from '../../../shared/domain'
import type { AppError } from '../../../shared/errors'
import { checkKeyName } from '../../../shared/key-name'
import { newRequestId } from '../lib/request-id'
import { useApp } from '../store/store-context'
import { prefetchCopyOnceDialog, useOfferTokens } from './CopyOnceHost'
import { ModalDialog } from './ModalDialog'

/** Splits a failed create into a message under the field or an alert for the dialog. */
function describeCreateError(error: AppError): { field: string | null; alert: string | null } {
  if (error.kind === 'validation') return { field: error.fieldErrors?.name?.[0] ?? error.message, alert: null }
  if (error.kind === 'rate_limited' && error.retryAfterSeconds !== undefined && !/\d/.test(error.message)) {
    return { field: null, alert: `${error.message} Try again in ${error.retryAfterSeconds} seconds.` }
  }
  return { field: null, alert: error.message }
}

/** The "New API key" dialog, for one account (named in the dialog). */
export function NewKeyDialog({ accountId }: { accountId: string }) {
  const account = useApp((state) => state.accounts.find((candidate) => candidate.id === accountId))
  const createKey = useApp((state) => state.createKey)
  const closeDialog = useApp((state) => state.closeDialog)
  const offerTokens = useOfferTokens()
  // The token must appear the moment the answer does: its dialog's code loads while the person types.
  useEffect(() => prefetchCopyOnceDialog(), [])
  const [name, setName] = useState('')
  const [fieldError, setFieldError] = useState<string | null>(null)
  const [alert, setAlert] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  // Set synchronously, before React re-renders the disabled button, so a second event is ignored.
  const inFlight = useRef(false)
  const inputRef = useRef<HTMLInputElement>(null)
  const ids = useId()
  const titleId = `${ids}-title`
  const nameId = `${ids}-name`
  const errorId = `${ids}-name-error`

  const dismiss = useCallback(() => {
    if (!inFlight.current) closeDialog()
  }, [closeDialog])

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    if (inFlight.current) return
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
    const result = await createKey(accountId, check.name, newRequestId())
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
          accountLabel: account ? accountLabel(account) : accountId
        }
      ])
      return
    }
    const described = describeCreateError(result.error)
    setFieldError(described.field)
    setAlert(described.alert)
    if (described.field) inputRef.current?.focus()
  }

  return (
    <ModalDialog labelledBy={titleId} onDismiss={dismiss} dismissible={!busy} className="new-key">
      <form onSubmit={(event) => void submit(event)} noValidate>
        <h2 id={titleId}>New API key</h2>
        {account && <p className="dialog-account">For {accountLabel(account)}</p>}
        <label className="field-label" htmlFor={nameId}>
          Name
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
          aria-describedby={fieldError ? errorId : undefined}
          autoComplete="off"
          spellCheck={false}
          data-autofocus
        />
        {fieldError ? (
          <p id={errorId} className="field-error">
            {fieldError}
          </p>
        ) : (
          <p className="field-hint">A name that says where the key is used, e.g. “Production CRM”.</p>
        )}
        {alert && (
          <p role="alert" className="error-text">
            {alert}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="button" onClick={dismiss} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="button primary" disabled={busy} aria-busy={busy || undefined}>
            {busy ? 'Creating…' : 'Create key'}
          </button>
        </div>
      </form>
    </ModalDialog>
  )
}

// React.lazy loads a module's default export.
export default NewKeyDialog
