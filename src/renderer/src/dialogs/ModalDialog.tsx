/**
 * A native `<dialog>` opened with showModal() for as long as it is mounted: the browser makes the
 * rest of the window inert; this wrapper moves focus in (to `[data-autofocus]`) and, on unmount,
 * back to the control that opened it.
 *
 * Escape never closes it by itself: the parent decides, through `onDismiss`. A dialog that must
 * not be dismissed (the copy-once token) is re-opened if the browser closes it anyway — Chromium
 * may ignore preventDefault on a repeated Escape without user activation in between.
 */
import '../styles/dialogs.css'
import { useEffect, useLayoutEffect, useRef, type ReactNode } from 'react'
import { focusFallback } from '../lib/dom'

/**
 * A focus return scheduled by a dialog that just closed. Deferred to a microtask because the
 * opener may be removed later in the same commit (a deleted row); a dialog opening in the same
 * tick (copy-once right after New key) takes it over, so focus ends up where the chain began.
 */
let pendingFocusReturn: { opener: HTMLElement | null; takenOver: boolean } | null = null

export interface ModalDialogProps {
  /** Id of the element holding the title (aria-labelledby). */
  labelledBy: string
  /** Id of the element describing the dialog (aria-describedby). */
  describedBy?: string
  /**
   * Escape, a stray close or (when not dismissible) a click on the backdrop. Dismissible dialogs
   * close themselves in response; others explain why they stay. May be called more than once.
   */
  onDismiss: () => void
  /** False keeps the dialog open whatever the person presses. */
  dismissible?: boolean
  className?: string
  children: ReactNode
}

/** A modal dialog, open while mounted. */
export function ModalDialog({ labelledBy, describedBy, onDismiss, dismissible = true, className, children }: ModalDialogProps) {
  const dialogRef = useRef<HTMLDialogElement>(null)
  const latest = useRef({ onDismiss, dismissible })
  useEffect(() => {
    latest.current = { onDismiss, dismissible }
  }, [onDismiss, dismissible])

  useLayoutEffect(() => {
    const dialog = dialogRef.current
    if (!dialog) return
    let opener = document.activeElement instanceof HTMLElement ? document.activeElement : null
    if (pendingFocusReturn) {
      opener = pendingFocusReturn.opener
      pendingFocusReturn.takenOver = true
      pendingFocusReturn = null
    }
    let closingOnPurpose = false

    const onCancel = (event: Event) => {
      event.preventDefault()
      latest.current.onDismiss()
    }
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return
      // Stops the close request at its source; `cancel` stays as the fallback.
      event.preventDefault()
      latest.current.onDismiss()
    }
    const onClose = () => {
      // `close` is queued: under StrictMode's mount → unmount → mount, the first cleanup's close
      // arrives after the remount has opened the dialog again, and must not dismiss it.
      if (closingOnPurpose || dialog.open) return
      if (!latest.current.dismissible && dialog.isConnected) dialog.showModal()
      latest.current.onDismiss()
    }
    const onClick = (event: MouseEvent) => {
      // The content fills the dialog box, so a click on the <dialog> itself is on the backdrop.
      if (event.target === dialog && !latest.current.dismissible) latest.current.onDismiss()
    }
    dialog.addEventListener('cancel', onCancel)
    dialog.addEventListener('keydown', onKeyDown)
    dialog.addEventListener('close', onClose)
    dialog.addEventListener('click', onClick)
    if (!dialog.open) dialog.showModal()
    const first = dialog.querySelector<HTMLElement>('[data-autofocus]') ?? dialog
    first.focus()

    return () => {
      dialog.removeEventListener('cancel', onCancel)
      dialog.removeEventListener('keydown', onKeyDown)
      dialog.removeEventListener('close', onClose)
      dialog.removeEventListener('click', onClick)
      closingOnPurpose = true
      if (dialog.open) dialog.close()
      const handoff = { opener, takenOver: false }
      pendingFocusReturn = handoff
      queueMicrotask(() => {
        if (pendingFocusReturn === handoff) pendingFocusReturn = null
        if (handoff.takenOver) return
        if (handoff.opener?.isConnected) handoff.opener.focus()
        else focusFallback()
      })
    }
  }, [])

  return (
    <dialog
      ref={dialogRef}
      className={className ? `modal ${className}` : 'modal'}
      aria-labelledby={labelledBy}
      aria-describedby={describedBy}
      aria-modal="true"
      // Where supported (Chromium 134+), the browser itself then ignores Escape for this dialog.
      closedby={dismissible ? 'closerequest' : 'none'}
      tabIndex={-1}
    >
      <div className="modal-body">{children}</div>
    </dialog>
  )
}
