/**
 * The account header's "More" menu: export the keys (CSV or JSON), the activity log, and
 * replacing the key this app signs in with. A disclosure: Escape or a click elsewhere closes it.
 */
import { lazy, Suspense, useEffect, useId, useRef, useState } from 'react'
import type { AccountView } from '../../../shared/domain'
import { useAppShallow } from '../store/store-context'

// The items load when the menu first opens (pointing at the button starts it): most sessions never open it.
const AccountMenuItems = lazy(() => import('./AccountMenuItems'))

export function AccountMenu({ account }: { account: AccountView }) {
  const { exportKeys, setNotice } = useAppShallow((state) => ({ exportKeys: state.exportKeys, setNotice: state.setNotice }))
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
    const [result, { finishExport }] = await Promise.all([exportKeys(account.id, format), import('../lib/export-file')])
    const message = finishExport(result)
    setExporting(false)
    if (message) setNotice(message)
  }

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
        onPointerEnter={() => void import('./AccountMenuItems').catch(() => undefined)}
        onClick={() => setOpen((value) => !value)}
      >
        More
      </button>
      <div id={menuId} className="header-menu-items" hidden={!open}>
        {open && (
          <Suspense fallback={<span className="menu-item muted">Loading…</span>}>
            <AccountMenuItems account={account} exporting={exporting} exportAs={exportAs} close={close} dismiss={() => setOpen(false)} />
          </Suspense>
        )}
      </div>
    </div>
  )
}
