/**
 * The account header's "More" menu: export the keys (CSV or JSON), the activity log, and
 * replacing the key this app signs in with. A disclosure: Escape or a click elsewhere closes it.
 */
import { useEffect, useId, useRef, useState } from 'react'
import type { AccountView } from '../../../shared/domain'
import { finishExport } from '../lib/export-file'
import { useAppShallow } from '../store/store-context'

export function AccountMenu({ account }: { account: AccountView }) {
  const { exportKeys, setNotice, showActivity, openDialog } = useAppShallow((state) => ({
    exportKeys: state.exportKeys,
    setNotice: state.setNotice,
    showActivity: state.showActivity,
    openDialog: state.openDialog
  }))
  const [open, setOpen] = useState(false)
  const [exporting, setExporting] = useState(false)
  const rootRef = useRef<HTMLDivElement>(null)
  const buttonRef = useRef<HTMLButtonElement>(null)
  const menuId = useId()

  useEffect(() => {
    if (!open) return
    const onPointerDown = (event: PointerEvent) => {
      if (!rootRef.current?.contains(event.target as Node)) setOpen(false)
    }
    window.addEventListener('pointerdown', onPointerDown)
    return () => window.removeEventListener('pointerdown', onPointerDown)
  }, [open])

  const close = () => {
    setOpen(false)
    buttonRef.current?.focus()
  }
  const exportAs = async (format: 'csv' | 'json') => {
    close()
    if (exporting) return
    setExporting(true)
    const message = finishExport(await exportKeys(account.id, format))
    setExporting(false)
    if (message) setNotice(message)
  }
  const signedIn = account.status !== 'needs-sign-in'

  return (
    <div
      ref={rootRef}
      className="header-menu"
      onKeyDown={(event) => {
        if (event.key === 'Escape' && open) {
          event.preventDefault()
          close()
        }
      }}
    >
      <button
        ref={buttonRef}
        type="button"
        className="button"
        aria-expanded={open}
        aria-controls={menuId}
        aria-busy={exporting || undefined}
        onClick={() => setOpen((value) => !value)}
      >
        More
      </button>
      <div id={menuId} className="header-menu-items" hidden={!open}>
        <button type="button" className="menu-item" onClick={() => void exportAs('csv')} disabled={exporting}>
          Export keys as CSV…
        </button>
        <button type="button" className="menu-item" onClick={() => void exportAs('json')} disabled={exporting}>
          Export keys as JSON…
        </button>
        <button
          type="button"
          className="menu-item"
          onClick={() => {
            setOpen(false)
            showActivity()
          }}
        >
          Activity log
        </button>
        <button
          type="button"
          className="menu-item"
          data-opens-dialog="rotate-own"
          disabled={!signedIn}
          onClick={() => {
            // The dialog returns focus to what had it when it opened: the menu's button, not a hidden item.
            close()
            openDialog({ kind: 'rotate-own', accountId: account.id })
          }}
        >
          Replace this app’s key…
        </button>
      </div>
    </div>
  )
}
