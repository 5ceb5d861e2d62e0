/** The items of the account header's "More" menu (loaded when it first opens). */
import '../styles/account-menu-items.css'
import type { AccountView } from '../../../shared/domain'
import { useAppShallow } from '../store/store-context'

export interface AccountMenuItemsProps {
  account: AccountView
  exporting: boolean
  exportAs: (format: 'csv' | 'json') => Promise<void>
  /** Closes the menu and puts focus back on its button. */
  close: () => void
  /** Closes the menu, leaving focus where the next screen puts it. */
  dismiss: () => void
}

export default function AccountMenuItems({ account, exporting, exportAs, close, dismiss }: AccountMenuItemsProps) {
  const { showActivity, openDialog } = useAppShallow((state) => ({ showActivity: state.showActivity, openDialog: state.openDialog }))
  const signedIn = account.status !== 'needs-sign-in'
  return (
    <>
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
          dismiss()
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
    </>
  )
}
