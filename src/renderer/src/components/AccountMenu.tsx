/**
 * The "Account" button and its popover: who is signed in, on which server, the balance, a
 * "Sandbox" badge for the demo account, and "Sign out". Escape or a click outside closes it.
 */
import { useEffect, useId, useRef, useState } from 'react'
import type { AppError } from '../../../shared/errors'
import { DEFAULT_BASE_URL } from '../../../shared/domain'
import { formatUsd } from '../lib/money-format'
import { useApp, useAppShallow } from '../store/store-context'

/** The account area of the header. Renders nothing when signed out. */
export function AccountMenu() {
  const session = useApp((state) => state.session)
  const { signOut, signOutBusy, signOutError } = useAppShallow((state) => ({
    signOut: state.signOut,
    signOutBusy: state.signOutBusy,
    signOutError: state.signOutError
  }))
  const [open, setOpen] = useState(false)
  const buttonRef = useRef<HTMLButtonElement>(null)
  const popoverRef = useRef<HTMLDivElement>(null)
  const popoverId = useId()

  useEffect(() => {
    if (!open) return
    popoverRef.current?.focus()
    const onPointerDown = (event: PointerEvent) => {
      const target = event.target as Node | null
      if (target && !popoverRef.current?.contains(target) && !buttonRef.current?.contains(target)) setOpen(false)
    }
    document.addEventListener('pointerdown', onPointerDown)
    return () => document.removeEventListener('pointerdown', onPointerDown)
  }, [open])

  if (session.state !== 'signed-in') return null
  const { account } = session
  const close = () => {
    setOpen(false)
    buttonRef.current?.focus()
  }

  return (
    <div className="account">
      <button
        ref={buttonRef}
        type="button"
        className="button account-button"
        aria-expanded={open}
        aria-controls={open ? popoverId : undefined}
        aria-haspopup="dialog"
        onClick={() => setOpen((value) => !value)}
      >
        <span className="avatar" aria-hidden="true">
          {initialOf(account.profile.name)}
        </span>
        Account
      </button>
      {open && (
        <div
          ref={popoverRef}
          id={popoverId}
          className="popover"
          role="dialog"
          aria-label="Account"
          tabIndex={-1}
          onKeyDown={(event) => {
            if (event.key === 'Escape') {
              event.preventDefault()
              close()
            }
          }}
          onBlur={(event) => {
            // Focus moved to something else (Tab away, a dialog opened by a shortcut): close.
            // A null target (window lost focus, a button became disabled) keeps it open.
            const next = event.relatedTarget as Node | null
            if (next && !event.currentTarget.contains(next) && next !== buttonRef.current) setOpen(false)
          }}
        >
          <div className="account-who">
            <span className="account-name">{account.profile.name}</span>
            {account.isSandbox && <span className="badge badge-sandbox">Sandbox</span>}
          </div>
          <div className="account-email muted">{account.profile.email}</div>
          <dl className="account-facts">
            <dt>Balance</dt>
            <dd>{formatUsd(account.profile.totalBalance)}</dd>
            {account.baseUrl !== DEFAULT_BASE_URL && (
              <>
                <dt>Server</dt>
                <dd className="mono">{account.baseUrl}</dd>
              </>
            )}
          </dl>
          <ClipboardDelaySetting />
          {signOutError && (
            <p role="alert" className="error-text">
              {signOutError.message}
            </p>
          )}
          <button
            type="button"
            className="button"
            onClick={() => void signOut()}
            disabled={signOutBusy}
            aria-busy={signOutBusy || undefined}
          >
            {signOutBusy ? 'Signing out…' : 'Sign out'}
          </button>
        </div>
      )}
    </div>
  )
}

const initialOf = (name: string): string => (name.trim()[0] ?? '?').toUpperCase()

/** Choices for how long a copied token may stay on the clipboard (main accepts 5–600 s). */
const CLIPBOARD_DELAYS = [15, 30, 60, 120, 300] as const

const delayLabel = (seconds: number): string => (seconds < 60 ? `${seconds} seconds` : seconds === 60 ? '1 minute' : `${seconds / 60} minutes`)

/** The clipboard-clearing delay, a preference kept by main (not secret). */
function ClipboardDelaySetting() {
  const seconds = useApp((state) => state.preferences.clipboardClearSeconds)
  const setSeconds = useApp((state) => state.setClipboardClearSeconds)
  const [error, setError] = useState<AppError | null>(null)
  const id = useId()
  // A value set elsewhere (an older version, a hand edit) is shown as it is, not silently changed.
  const choices = CLIPBOARD_DELAYS.includes(seconds as (typeof CLIPBOARD_DELAYS)[number]) ? CLIPBOARD_DELAYS : [...CLIPBOARD_DELAYS, seconds].sort((a, b) => a - b)
  return (
    <div className="account-setting">
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
