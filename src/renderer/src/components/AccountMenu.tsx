/**
 * The "Account" button and its popover: who is signed in, on which server, the balance, a
 * "Sandbox" badge for the demo account, and "Sign out". Escape or a click outside closes it.
 */
import { useEffect, useId, useRef, useState } from 'react'
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
