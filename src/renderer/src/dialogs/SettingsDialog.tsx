/** Settings kept by main (not secret). Loaded on demand: most sessions never open it. */
import { useCallback, useId, useState } from 'react'
import type { AppError } from '../../../shared/errors'
import { useApp } from '../store/store-context'
import { ModalDialog } from './ModalDialog'

/** Choices for how long a copied token may stay on the clipboard (main accepts 5–600 s). */
const CLIPBOARD_DELAYS = [15, 30, 60, 120, 300] as const

const delayLabel = (seconds: number): string => (seconds < 60 ? `${seconds} seconds` : seconds === 60 ? '1 minute' : `${seconds / 60} minutes`)

export default function SettingsDialog() {
  const closeDialog = useApp((state) => state.closeDialog)
  const titleId = useId()
  const dismiss = useCallback(() => closeDialog(), [closeDialog])
  return (
    <ModalDialog labelledBy={titleId} onDismiss={dismiss} className="settings">
      <h2 id={titleId}>Settings</h2>
      <ClipboardDelaySetting />
      <div className="dialog-actions">
        <button type="button" className="button primary" onClick={dismiss} data-autofocus>
          Done
        </button>
      </div>
    </ModalDialog>
  )
}

/** The clipboard-clearing delay. */
function ClipboardDelaySetting() {
  const seconds = useApp((state) => state.preferences.clipboardClearSeconds)
  const setSeconds = useApp((state) => state.setClipboardClearSeconds)
  const [error, setError] = useState<AppError | null>(null)
  const id = useId()
  // A value set elsewhere (an older version, a hand edit) is shown as it is, not silently changed.
  const choices = CLIPBOARD_DELAYS.includes(seconds as (typeof CLIPBOARD_DELAYS)[number]) ? CLIPBOARD_DELAYS : [...CLIPBOARD_DELAYS, seconds].sort((a, b) => a - b)
  return (
    <div className="setting">
      <label htmlFor={id}>Clear copied keys from the clipboard after</label>
      <select
        id={id}
        value={seconds}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(event) => {
          setError(null)
          void setSeconds(Number(event.target.value)).then(setError)
        }}
      >
        {choices.map((choice) => (
          <option key={choice} value={choice}>
            {delayLabel(choice)}
          </option>
        ))}
      </select>
      {error && (
        <p id={`${id}-error`} role="alert" className="error-text">
          {error.message}
        </p>
      )}
    </div>
  )
}
