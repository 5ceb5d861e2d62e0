/** The account's colour and initials: the same account looks the same everywhere in the window. */
import type { AccountView } from '../../../shared/domain'
import { initialsOf } from '../lib/account-display'

export function AccountAvatar({ account, size = 'normal' }: { account: Pick<AccountView, 'profile' | 'colorIndex'>; size?: 'normal' | 'large' }) {
  return (
    <span className={`avatar account-color-${account.colorIndex}${size === 'large' ? ' avatar-large' : ''}`} aria-hidden="true">
      {initialsOf(account)}
    </span>
  )
}
