/**
 * All accounts together: one row per account (name, email, host, keys, never-used keys, when it
 * was last refreshed, state) and "Refresh all", which fetches every account's list in parallel
 * and reports each account's error on its own row. Loaded on demand.
 */
import '../styles/overview.css'
import type { AccountView, RefreshOutcome } from '../../../shared/domain'
import { AccountAvatar } from '../components/AccountAvatar'
import { RefreshIcon } from '../components/Icons'
import { customHost, displayName, statusText } from '../lib/account-display'
import { formatExactTime, formatRelativeTime } from '../lib/time-format'
import { useNow } from '../lib/use-now'
import { useAppShallow } from '../store/store-context'

export default function OverviewScreen() {
  const { accounts, refreshAll, refreshingAll, outcomes, showAccount, openDialog } = useAppShallow((state) => ({
    accounts: state.accounts,
    refreshAll: state.refreshAll,
    refreshingAll: state.refreshingAll,
    outcomes: state.refreshOutcomes,
    showAccount: state.showAccount,
    openDialog: state.openDialog
  }))
  const now = useNow()
  const refreshing = accounts.filter((account) => account.refreshing).length
  return (
    <div className="keys-screen overview">
      <header className="account-header">
        <div className="account-header-text">
          <h1 className="account-title">All accounts</h1>
          <p className="account-subtitle">
            <span>
              {accounts.length} {accounts.length === 1 ? 'account' : 'accounts'}
            </span>
          </p>
        </div>
        <div className="account-header-actions">
          <button type="button" className="button" data-opens-dialog="remove-all" onClick={() => openDialog({ kind: 'remove-all' })}>
            Sign out of all…
          </button>
          <button type="button" className="button primary" onClick={() => void refreshAll()} disabled={refreshingAll} aria-busy={refreshingAll || undefined}>
            <RefreshIcon />
            Refresh all
          </button>
        </div>
      </header>
      <main className="keys-main">
        <p role="status" className="list-status overview-status">
          {refreshingAll ? `Refreshing ${refreshing} of ${accounts.length}…` : ''}
        </p>
        <table className="overview-table">
          <thead>
            <tr>
              <th scope="col">Account</th>
              <th scope="col">Host</th>
              <th scope="col" className="numeric">
                Keys
              </th>
              <th scope="col" className="numeric">
                Never used
              </th>
              <th scope="col">Last refreshed</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {accounts.map((account) => (
              <OverviewRow key={account.id} account={account} outcome={outcomes[account.id]} now={now} onShow={showAccount} />
            ))}
          </tbody>
        </table>
      </main>
    </div>
  )
}

function OverviewRow({ account, outcome, now, onShow }: { account: AccountView; outcome: RefreshOutcome | undefined; now: number; onShow: (id: string) => void }) {
  const error = account.problem ?? (outcome && !outcome.ok ? outcome.error : null)
  return (
    <tr className={`status-${account.status}`}>
      <th scope="row">
        <button type="button" className="link-button overview-account" onClick={() => onShow(account.id)}>
          <AccountAvatar account={account} />
          <span className="account-item-text">
            <span className="account-item-name">{displayName(account)}</span>
            <span className="account-item-detail">{account.profile.email}</span>
          </span>
        </button>
      </th>
      <td className="mono">{customHost(account) ?? 'app.autocalls.ai'}</td>
      <td className="numeric">{account.keyCount ?? '—'}</td>
      <td className="numeric">{account.neverUsedCount ?? '—'}</td>
      <td>
        {account.lastRefreshedAt ? (
          <time dateTime={account.lastRefreshedAt} title={formatExactTime(account.lastRefreshedAt)}>
            {formatRelativeTime(account.lastRefreshedAt, now)}
          </time>
        ) : (
          <span className="muted">Never</span>
        )}
      </td>
      <td>
        <span className={`account-status status-${account.status}`}>
          {account.refreshing && <span className="spinner small" aria-hidden="true" />}
          {statusText(account)}
        </span>
        {error && !account.refreshing && <p className="error-text row-error">{error.message}</p>}
      </td>
    </tr>
  )
}
