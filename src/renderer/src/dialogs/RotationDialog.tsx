/**
 * One open rotation: where it stands, and its two endings. "Delete old key" is the recommended
 * step once the old key has been quiet long enough; before that it is still possible, with a
 * warning that whatever still uses the old key stops working. The confirmation names the key.
 * "Cancel rotation" keeps both keys (optionally deleting the replacement).
 */
import '../styles/rotation.css'
import { useCallback, useEffect, useId, useRef, useState, type ReactNode } from 'react'
import { accountLabel, type AccountId } from '../../../shared/domain'
import { describeRotation, rotationAgeText } from '../../../shared/rotation'
import { deleteQuestion } from '../lib/messages'
import { rotationReading } from '../lib/rotation-view'
import { useNow } from '../lib/use-now'
import { useAppShallow } from '../store/store-context'
import { ModalDialog } from './ModalDialog'

type Step = 'overview' | 'confirm-finish' | 'confirm-cancel'

export function RotationDialog({ accountId, newKeyId }: { accountId: AccountId; newKeyId: number }) {
  const { account, record, items, quietMinutes, closeDialog, finishRotation, cancelRotation } = useAppShallow((state) => ({
    account: state.accounts.find((candidate) => candidate.id === accountId),
    record: state.lists[accountId]?.rotations.find((candidate) => candidate.newKey.id === newKeyId) ?? null,
    items: state.lists[accountId]?.items ?? null,
    quietMinutes: state.preferences.quietPeriodMinutes,
    closeDialog: state.closeDialog,
    finishRotation: state.finishRotation,
    cancelRotation: state.cancelRotation
  }))
  const now = useNow(15_000)
  const [step, setStep] = useState<Step>('overview')
  const [deleteReplacement, setDeleteReplacement] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  // How it ended, with the title it had: the list that follows may already have dropped the record.
  const [ended, setEnded] = useState<{ text: string; title: string } | null>(null)
  const ids = useId()
  const titleId = `${ids}-title`
  // Each step replaces the buttons, the focused one too: focus goes to the new step's first control.
  const firstStep = useRef(true)
  useEffect(() => {
    if (firstStep.current) {
      firstStep.current = false
      return
    }
    document.querySelector<HTMLElement>('dialog.rotation [data-autofocus]')?.focus()
  }, [step, ended])

  const dismiss = useCallback(() => {
    if (!busy) closeDialog()
  }, [busy, closeDialog])

  if (ended) {
    return (
      <Shell titleId={titleId} title={ended.title} dismiss={dismiss} busy={false}>
        <p role="status" className="dialog-lead">
          {ended.text}
        </p>
        <CloseOnly onClose={dismiss} />
      </Shell>
    )
  }

  if (!record) {
    return (
      <Shell titleId={titleId} title="Rotation" dismiss={dismiss} busy={false}>
        <p className="dialog-lead">This rotation is not open any more.</p>
        <CloseOnly onClose={dismiss} />
      </Shell>
    )
  }

  const quietMs = quietMinutes * 60_000
  const reading = rotationReading(record, items, now, quietMs)
  const text = describeRotation(reading, now, quietMs)
  const { oldKey, newKey } = record
  const title = `Rotation of “${oldKey.name}”`

  const run = async (work: () => Promise<{ message: string } | null>, done: string) => {
    if (busy) return
    setBusy(true)
    setError(null)
    const failure = await work()
    setBusy(false)
    if (failure) setError(failure.message)
    else setEnded({ text: done, title })
  }

  const header = (
    <>
      {account && <p className="dialog-account">In {accountLabel(account)}</p>}
      <dl className="rotation-keys">
        <dt>Old key</dt>
        <dd>
          <span className="key-name-inline">{oldKey.name}</span> (#{oldKey.id})
        </dd>
        <dt>Replacement</dt>
        <dd>
          <span className="key-name-inline">{newKey.name}</span> (#{newKey.id})
        </dd>
      </dl>
    </>
  )

  if (record.finishedAt !== null || reading.state === 'old-key-gone') {
    return (
      <Shell titleId={titleId} title={title} dismiss={dismiss} busy={false}>
        {header}
        <p className="notice">
          <strong>Completed.</strong> {text.title}. {text.detail}
        </p>
        <CloseOnly onClose={dismiss} />
      </Shell>
    )
  }

  if (step === 'confirm-finish') {
    const safe = reading.state === 'safe-to-finish'
    return (
      <Shell titleId={titleId} title="Delete the old key?" dismiss={dismiss} busy={busy}>
        {header}
        <p className="dialog-lead">{deleteQuestion(oldKey.name, oldKey.id)}</p>
        {!safe && (
          <p className="warning">
            <strong>Not yet safe:</strong> {text.title}. Whatever still uses “{oldKey.name}” stops working the moment it is deleted.
          </p>
        )}
        <ErrorText error={error} />
        <div className="dialog-actions">
          <button type="button" className="button" onClick={() => setStep('overview')} disabled={busy} data-autofocus>
            Back
          </button>
          <button
            type="button"
            className="button danger"
            disabled={busy}
            aria-busy={busy || undefined}
            onClick={() => void run(() => finishRotation(accountId, newKey.id), `Done: “${oldKey.name}” (#${oldKey.id}) was deleted; “${newKey.name}” (#${newKey.id}) replaces it.`)}
          >
            {busy ? 'Deleting…' : `Delete “${oldKey.name}”`}
          </button>
        </div>
      </Shell>
    )
  }

  if (step === 'confirm-cancel') {
    const gone = reading.state === 'replacement-gone'
    return (
      <Shell titleId={titleId} title="Cancel this rotation?" dismiss={dismiss} busy={busy}>
        {header}
        <p className="dialog-lead">
          {gone ? `The rotation ends; “${oldKey.name}” stays as it is.` : `The rotation ends and both keys are kept: “${oldKey.name}” and its replacement keep working.`}
        </p>
        {!gone && (
          <label className="checkbox">
            <input type="checkbox" checked={deleteReplacement} onChange={(event) => setDeleteReplacement(event.currentTarget.checked)} disabled={busy} />
            Also delete the replacement “{newKey.name}” (#{newKey.id})
          </label>
        )}
        {!gone && deleteReplacement && <p className="warning">Whatever already uses the replacement stops working.</p>}
        <ErrorText error={error} />
        <div className="dialog-actions">
          <button type="button" className="button" onClick={() => setStep('overview')} disabled={busy} data-autofocus>
            Back
          </button>
          <button
            type="button"
            className={deleteReplacement && !gone ? 'button danger' : 'button primary'}
            disabled={busy}
            aria-busy={busy || undefined}
            onClick={() =>
              void run(
                () => cancelRotation(accountId, newKey.id, deleteReplacement && !gone),
                deleteReplacement && !gone
                  ? `Rotation cancelled: the replacement “${newKey.name}” (#${newKey.id}) was deleted; “${oldKey.name}” is kept.`
                  : `Rotation cancelled: “${oldKey.name}” is kept${gone ? '' : ', and so is its replacement'}.`
              )
            }
          >
            {busy ? 'Cancelling…' : 'Cancel rotation'}
          </button>
        </div>
      </Shell>
    )
  }

  const safe = reading.state === 'safe-to-finish'
  const gone = reading.state === 'replacement-gone'
  return (
    <Shell titleId={titleId} title={title} dismiss={dismiss} busy={busy}>
      {header}
      <p className="rotation-state-line">
        <strong>{text.title}</strong> <span className="muted">({rotationAgeText(record, now)})</span>
      </p>
      <p>{text.detail}</p>
      {!safe && !gone && (
        <p className="warning">You can delete the old key now, but whatever still uses “{oldKey.name}” stops working.</p>
      )}
      <div className="dialog-actions">
        <button type="button" className="button" onClick={dismiss} data-autofocus={gone ? undefined : true}>
          Close
        </button>
        <button type="button" className={gone ? 'button primary' : 'button'} onClick={() => setStep('confirm-cancel')} data-autofocus={gone || undefined}>
          Cancel rotation…
        </button>
        {!gone && (
          <button type="button" className={safe ? 'button primary' : 'button danger'} onClick={() => setStep('confirm-finish')}>
            {safe ? 'Delete old key (recommended)…' : 'Delete old key…'}
          </button>
        )}
      </div>
    </Shell>
  )
}

function Shell({ titleId, title, dismiss, busy, children }: { titleId: string; title: string; dismiss: () => void; busy: boolean; children: ReactNode }) {
  return (
    <ModalDialog labelledBy={titleId} onDismiss={dismiss} dismissible={!busy} className="rotation">
      <h2 id={titleId}>{title}</h2>
      {children}
    </ModalDialog>
  )
}

function CloseOnly({ onClose }: { onClose: () => void }) {
  return (
    <div className="dialog-actions">
      <button type="button" className="button primary" onClick={onClose} data-autofocus>
        Close
      </button>
    </div>
  )
}

function ErrorText({ error }: { error: string | null }) {
  return error ? (
    <p role="alert" className="error-text">
      {error}
    </p>
  ) : null
}

// React.lazy loads a module's default export.
export default RotationDialog
