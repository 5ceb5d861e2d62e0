/**
 * Shows a new key's token the one time it exists in the window. It cannot be dismissed: the
 * person copies it (main puts it on the clipboard and clears it later), ticks "I have saved this
 * key", and presses Done, which tells main to wipe its copy.
 */
import { useCallback, useId, useState } from 'react'
import { copiedMessage, MESSAGES } from '../lib/messages'
import { useApp } from '../store/store-context'
import type { TokenToShow } from './CopyOnceHost'
import { ModalDialog } from './ModalDialog'

export interface CopyOnceDialogProps {
  pending: TokenToShow
  /** Called after Done, with the pendingId; the host then drops the token. */
  onDone: (pendingId: string) => void
}

/** "Replacement for Old name (#12)": the token belongs to the key that replaces that one. */
const replacementLabel = (replaces: { id: number; name: string }): string => `Replacement for ${replaces.name} (#${replaces.id})`

/** The copy-once dialog for one pending token. */
export function CopyOnceDialog({ pending, onDone }: CopyOnceDialogProps) {
  const copyToken = useApp((state) => state.copyToken)
  const confirmTokenSaved = useApp((state) => state.confirmTokenSaved)
  const [copyStatus, setCopyStatus] = useState('')
  const [copyError, setCopyError] = useState<string | null>(null)
  const [copying, setCopying] = useState(false)
  const [saved, setSaved] = useState(false)
  const [finishing, setFinishing] = useState(false)
  const [showHint, setShowHint] = useState(false)
  const ids = useId()
  const titleId = `${ids}-title`
  const warningId = `${ids}-warning`
  const tokenId = `${ids}-token`

  const explainWhyOpen = useCallback(() => setShowHint(true), [])

  const copy = async () => {
    if (copying) return
    setCopying(true)
    setCopyError(null)
    setCopyStatus('')
    const result = await copyToken(pending.pendingId)
    setCopying(false)
    if (result.ok) setCopyStatus(copiedMessage(result.value.clearsInSeconds))
    else setCopyError(result.error.message)
  }

  const done = async () => {
    if (!saved || finishing) return
    setFinishing(true)
    // Whatever main answers, the person has the key: close. Main also wipes tokens after a while.
    await confirmTokenSaved(pending.pendingId)
    onDone(pending.pendingId)
  }

  return (
    <ModalDialog labelledBy={titleId} describedBy={warningId} onDismiss={explainWhyOpen} dismissible={false} className="copy-once">
      <h2 id={titleId}>Copy your new API key</h2>
      <p className="dialog-lead">
        Key <strong className="key-name-inline">{pending.keyName}</strong> was created in{' '}
        <strong className="dialog-account-inline">{pending.accountLabel}</strong>.
      </p>
      {pending.replaces && <p className="replaces-label">{replacementLabel(pending.replaces)}</p>}
      <p id={warningId} className="warning">
        <strong>{MESSAGES.copyOnceWarning}</strong> Copy it now and keep it somewhere safe, such as a password manager.
      </p>
      <label className="field-label" htmlFor={tokenId}>
        New API key token
      </label>
      <div className="input-row">
        <input
          id={tokenId}
          className="token-field mono"
          type="text"
          readOnly
          value={pending.token}
          spellCheck={false}
          autoComplete="off"
          onFocus={(event) => event.currentTarget.select()}
        />
        <button type="button" className="button" data-autofocus onClick={() => void copy()}
          // aria-disabled, not disabled: a disabled button drops focus to <body>, where Escape and
          // Tab no longer reach the dialog.
          aria-disabled={copying || undefined} aria-busy={copying || undefined}>
          Copy
        </button>
      </div>
      <p role="status" className="status-text">
        {copyStatus}
      </p>
      {copyError && (
        <p role="alert" className="error-text">
          {copyError}
        </p>
      )}
      <label className="checkbox">
        <input type="checkbox" checked={saved} onChange={(event) => setSaved(event.currentTarget.checked)} />
        I have saved this key
      </label>
      {showHint && (
        <p role="alert" className="error-text">
          {MESSAGES.confirmBeforeClosing}
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" className="button primary" disabled={!saved || finishing} aria-busy={finishing || undefined} onClick={() => void done()}>
          Done
        </button>
      </div>
    </ModalDialog>
  )
}
