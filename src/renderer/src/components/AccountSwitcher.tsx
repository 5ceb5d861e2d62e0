/**
 * The account switcher: a sidebar that lists every account with its name, host, key count and
 * state. A sidebar rather than a menu button: with one account it is a short column that still
 * says whose keys these are; with twenty it scrolls, and every account's state stays in view
 * without opening anything. Ctrl/Cmd+1…9 show the first nine.
 */
import { memo } from 'react'
import type { AccountView } from '../../../shared/domain'
import { customHost, displayName, statusText } from '../lib/account-display'
import { shortcutLabel } from '../lib/keyboard-shortcuts'
import { formatUsd } from '../lib/money-format'
import { useApp, useAppShallow } from '../store/store-context'
import { AccountAvatar } from './AccountAvatar'
import { AccountBanners } from './AccountBanners'
import { AccountMenu } from './AccountMenu'
import { PlusIcon } from './Icons'

export function AccountSwitcher() {
  const { accounts, shownAccountId, screen, showAccount, showOverview, showActivity, openDialog } = useAppShallow((state) => ({
    accounts: state.accounts,
    shownAccountId: state.shownAccountId,
    screen: state.screen,
    showAccount: state.showAccount,
    showOverview: state.showOverview,
    showActivity: state.showActivity,
    openDialog: state.openDialog
  }))
  return (
    <nav className="sidebar" aria-label="Accounts">
      <button
        type="button"
        className="sidebar-item sidebar-overview"
        aria-current={screen === 'overview' ? 'page' : undefined}
        onClick={showOverview}
        title={`All accounts (${shortcutLabel('Shift+A')})`}
      >
        All accounts <span className="count">{accounts.length}</span>
      </button>
      <ul className="account-list">
        {accounts.map((account, index) => (
          <li key={account.id}>
            <AccountItem account={account} index={index} current={screen === 'keys' && account.id === shownAccountId} onShow={showAccount} />
          </li>
        ))}
      </ul>
      <button type="button" className="sidebar-item sidebar-add" data-opens-dialog="add-account" onClick={() => openDialog({ kind: 'add-account' })}>
        <PlusIcon />
        Add account
      </button>
      <button
        type="button"
        className="sidebar-item sidebar-activity"
        aria-current={screen === 'activity' ? 'page' : undefined}
        onClick={showActivity}
        title={`Activity log (${shortcutLabel('Shift+L')})`}
      >
        Activity log
      </button>
    </nav>
  )
}

interface AccountItemProps {
  account: AccountView
  index: number
  current: boolean
  onShow: (accountId: string) => void
}

const AccountItem = memo(function AccountItem({ account, index, current, onShow }: AccountItemProps) {
  const host = customHost(account)
  const name = displayName(account)
  const status = statusText(account)
  const keys = account.keyCount === null ? '' : `${account.keyCount} ${account.keyCount === 1 ? 'key' : 'keys'}`
  return (
    <button
      type="button"
      className={`sidebar-item account-item status-${account.status}`}
      aria-current={current ? 'page' : undefined}
      onClick={() => onShow(account.id)}
      title={`${account.profile.email}${host ? ` on ${host}` : ''}${index < 9 ? ` (${shortcutLabel(String(index + 1))})` : ''}`}
    >
      <AccountAvatar account={account} />
      <span className="account-item-text">
        <span className="account-item-name">{name}</span>
        <span className="account-item-detail">{host ?? account.profile.email}</span>
        <span className="account-item-meta">
          {keys}
          {keys && ' · '}
          <span className="account-item-status">{status}</span>
        </span>
      </span>
    </button>
  )
})

/** The shown account, always on screen above its keys: name, email, host, state. */
export function AccountHeader({ account }: { account: AccountView }) {
  const openDialog = useApp((state) => state.openDialog)
  const host = customHost(account)
  return (
    <>
      <header className="account-header">
        <AccountAvatar account={account} size="large" />
        <div className="account-header-text">
          <h1 className="account-title">{displayName(account)}</h1>
          <p className="account-subtitle">
            <span>{account.profile.email}</span>
            {host && <span className="mono account-host">{host}</span>}
            {account.isSandbox && <span className="badge badge-sandbox">Sandbox</span>}
            <span>Balance {formatUsd(account.profile.totalBalance)}</span>
            <span className={`account-status status-${account.status}`}>{statusText(account)}</span>
          </p>
        </div>
        <div className="account-header-actions">
          <AccountMenu account={account} />
          <button type="button" className="button" data-opens-dialog="settings" onClick={() => openDialog({ kind: 'settings' })}>
            Settings
          </button>
          <button type="button" className="button" data-opens-dialog="remove-account" onClick={() => openDialog({ kind: 'remove-account', accountId: account.id })}>
            Sign out…
          </button>
        </div>
      </header>
      {/* Pacing, main's notice and open rotations: between the header and the keys, on every keys screen. */}
      <AccountBanners account={account} />
    </>
  )
}
