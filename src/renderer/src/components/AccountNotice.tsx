/**
 * Something main has to tell the person about an account once (e.g. how an interrupted
 * replacement of the app's key ended). Dismissed here until main says something else.
 */
import '../styles/account-banners.css'
import type { AccountView } from '../../../shared/domain'
import { useApp } from '../store/store-context'

export function AccountNotice({ account }: { account: Pick<AccountView, 'id' | 'notice'> }) {
  const dismissed = useApp((state) => state.dismissedNotices[account.id])
  const dismiss = useApp((state) => state.dismissAccountNotice)
  const { notice } = account
  if (!notice || dismissed === notice) return null
  return (
    <div role="status" className="banner banner-notice account-notice">
      <span>{notice}</span>
      <button type="button" className="button small" onClick={() => dismiss(account.id, notice)}>
        Dismiss
      </button>
    </div>
  )
}
