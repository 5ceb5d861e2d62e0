/**
 * Replaces the key this app signs in with. All of it happens in main (create, verify with
 * GET /user/me, swap in the keychain, delete the old key), crash-safe at every step; the new
 * token never leaves main unless the person asks to see it, and then the copy-once rules apply.
 */
import { useCallback, useEffect, useId, useRef, useState } from 'react'
import { accountLabel, type AccountId, type OwnKeyRotationResult } from '../../../shared/domain'
import type { AppError } from '../../../shared/errors'
import { newRequestId } from '../lib/request-id'
import { useApp } from '../store/store-context'
import { prefetchCopyOnceDialog, useOfferTokens } from './CopyOnceHost'
import { ModalDialog } from './ModalDialog'

const doneMessage = (result: OwnKeyRotationResult): string =>
  `Done. Autocalls Keys now signs in with “${result.newKey.name}” (#${result.newKey.id}); the old key “${result.oldKey.name}” (#${result.oldKey.id}) was deleted.`

const STEPS = [
  'Create a replacement key',
  'Check that it works (GET /user/me)',
  'Put it in the system keychain in place of the old one',
  'Delete the old key'
] as const

export function RotateOwnKeyDialog({ accountId }: { accountId: AccountId }) {
  const account = useApp((state) => state.accounts.find((candidate) => candidate.id === accountId))
  const rotateOwnKey = useApp((state) => state.rotateOwnKey)
  const closeDialog = useApp((state) => state.closeDialog)
  const setNotice = useApp((state) => state.setNotice)
  const offerTokens = useOfferTokens()
  const [reveal, setReveal] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<AppError | null>(null)
  const [result, setResult] = useState<OwnKeyRotationResult | null>(null)
  const inFlight = useRef(false)
  const ids = useId()
  const titleId = `${ids}-title`
  useEffect(() => {
    if (reveal) prefetchCopyOnceDialog()
  }, [reveal])

  const dismiss = useCallback(() => {
    if (!inFlight.current) closeDialog()
  }, [closeDialog])

  const replace = async () => {
    if (inFlight.current) return
    inFlight.current = true
    setBusy(true)
    setError(null)
    const answer = await rotateOwnKey(accountId, newRequestId(), reveal)
    inFlight.current = false
    setBusy(false)
    if (!answer.ok) {
      setError(answer.error)
      return
    }
    const shown = answer.value.reveal
    if (!shown) {
      setResult(answer.value)
      return
    }
    // The token goes to the copy-once dialog, which must not sit under this one: the outcome moves to the notice.
    setNotice(doneMessage(answer.value))
    closeDialog()
    offerTokens([
      {
        pendingId: shown.pendingId,
        token: shown.token,
        keyName: answer.value.newKey.name,
        accountLabel: account ? accountLabel(account) : accountId,
        replaces: answer.value.oldKey
      }
    ])
  }

  const mayExist = error?.kind === 'create_outcome_unknown'
  return (
    <ModalDialog labelledBy={titleId} onDismiss={dismiss} dismissible={!busy} className="rotate-own">
      <h2 id={titleId}>Replace this app’s key</h2>
      {account && <p className="dialog-account">For {accountLabel(account)}</p>}
      {result ? (
        <>
          <p role="status" className="dialog-lead">
            {doneMessage(result)}
          </p>
          <div className="dialog-actions">
            <button type="button" className="button primary" onClick={dismiss} data-autofocus>
              Close
            </button>
          </div>
        </>
      ) : (
        <>
          <p className="dialog-lead">The app replaces the key it signs in with, in four steps, and never goes without a working key:</p>
          <ol className="rotation-steps" aria-busy={busy || undefined}>
            {STEPS.map((step) => (
              <li key={step}>{step}</li>
            ))}
          </ol>
          <p className="muted">If the app is interrupted, it finishes or undoes the replacement at its next start and tells you which.</p>
          <label className="checkbox">
            <input type="checkbox" checked={reveal} onChange={(event) => setReveal(event.currentTarget.checked)} disabled={busy} />
            Show me the new key once (it is not needed anywhere else)
          </label>
          <p role="status" className="status-text">
            {busy ? 'Replacing the key… this takes a few seconds.' : ''}
          </p>
          {error && (
            <p role="alert" className="error-text">
              {error.message}
              {mayExist && ' Nothing was swapped: the app still signs in with its old key. Look for the replacement in the list and delete it there.'}
            </p>
          )}
          <div className="dialog-actions">
            <button type="button" className="button" onClick={dismiss} disabled={busy} data-autofocus>
              Cancel
            </button>
            {/* After a lost answer a second try could leave a second orphan key: the person looks first. */}
            {!mayExist && (
              <button type="button" className="button primary" onClick={() => void replace()} disabled={busy} aria-busy={busy || undefined}>
                {busy ? 'Replacing…' : error ? 'Try again' : 'Replace key'}
              </button>
            )}
          </div>
        </>
      )}
    </ModalDialog>
  )
}

// React.lazy loads a module's default export.
export default RotateOwnKeyDialog
