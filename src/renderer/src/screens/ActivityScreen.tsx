/**
 * The activity log: every change this app (and its command line) made, newest first, filtered
 * by account and action, a page at a time; exported as CSV or JSON. Key names are as they were
 * at the time, so entries of deleted keys still say which key it was. Loaded on demand.
 */
import '../styles/activity.css'
import { useEffect, useId, useState } from 'react'
import { ACTIVITY_ACTION_LABELS, ACTIVITY_ACTIONS, type ActivityAction, type ActivityEntry, type ActivityReadResult } from '../../../shared/activity'
import { accountLabel, type AccountId } from '../../../shared/domain'
import { finishExport } from '../lib/export-file'
import { formatExactTime, formatRelativeTime } from '../lib/time-format'
import { useNow } from '../lib/use-now'
import { useAppShallow } from '../store/store-context'

/** Entries per page ("Load more" asks for one more page). */
export const ACTIVITY_PAGE_SIZE = 100

const OUTCOME_LABELS: Readonly<Record<ActivityEntry['outcome'], string>> = {
  ok: 'Done',
  failed: 'Failed',
  'may-exist': 'May exist',
  'already-gone': 'Already gone',
  cancelled: 'Cancelled'
}

export default function ActivityScreen() {
  const { accounts, listActivity, exportActivity } = useAppShallow((state) => ({
    accounts: state.accounts,
    listActivity: state.listActivity,
    exportActivity: state.exportActivity
  }))
  const [accountId, setAccountId] = useState<AccountId>('') // '' is every account
  const [action, setAction] = useState<ActivityAction | ''>('')
  const [limit, setLimit] = useState(ACTIVITY_PAGE_SIZE)
  // Bumped by "Try again": the same filters, asked again.
  const [attempt, setAttempt] = useState(0)
  const [answer, setAnswer] = useState<{ query: string; log: ActivityReadResult | null; error: string | null } | null>(null)
  const [exportMessage, setExportMessage] = useState<string | null>(null)
  const [exporting, setExporting] = useState(false)
  const now = useNow()
  const ids = useId()
  const query = JSON.stringify([accountId, action, limit, attempt])

  useEffect(() => {
    let current = true // only the latest query's answer is shown: filters change faster than the log is read
    void listActivity({ ...(accountId ? { accountId } : {}), ...(action ? { action } : {}), limit }).then((result) => {
      if (!current) return
      // A failed read keeps the entries shown so far.
      setAnswer((previous) => (result.ok ? { query, log: result.value, error: null } : { query, log: previous?.log ?? null, error: result.error.message }))
    })
    return () => {
      current = false
    }
  }, [listActivity, accountId, action, limit, query])

  const loading = answer?.query !== query
  const log = answer?.log ?? null
  const error = answer?.error ?? null
  const load = () => setAttempt((value) => value + 1)

  const exportAs = async (format: 'csv' | 'json') => {
    if (exporting) return
    setExporting(true)
    setExportMessage(null)
    const message = finishExport(await exportActivity(format, accountId || undefined))
    setExporting(false)
    setExportMessage(message)
  }

  const entries = log?.entries ?? []
  return (
    <div className="keys-screen activity-screen">
      <header className="account-header">
        <div className="account-header-text">
          <h1 className="account-title">Activity log</h1>
          <p className="account-subtitle">
            <span>Every change this app made, kept on this computer. Never a key’s token.</span>
          </p>
        </div>
        <div className="account-header-actions">
          <button type="button" className="button" onClick={() => void exportAs('csv')} disabled={exporting}>
            Export CSV…
          </button>
          <button type="button" className="button" onClick={() => void exportAs('json')} disabled={exporting}>
            Export JSON…
          </button>
        </div>
      </header>
      <main className="keys-main activity-main" aria-label="Activity log">
        <div className="toolbar activity-filters">
          <label htmlFor={`${ids}-account`}>Account</label>
          <select
            id={`${ids}-account`}
            value={accountId}
            onChange={(event) => {
              setAccountId(event.currentTarget.value)
              setLimit(ACTIVITY_PAGE_SIZE)
            }}
          >
            <option value="">All accounts</option>
            {accounts.map((account) => (
              <option key={account.id} value={account.id}>
                {accountLabel(account)}
              </option>
            ))}
          </select>
          <label htmlFor={`${ids}-action`}>Action</label>
          <select
            id={`${ids}-action`}
            value={action}
            onChange={(event) => {
              setAction(event.currentTarget.value as ActivityAction | '')
              setLimit(ACTIVITY_PAGE_SIZE)
            }}
          >
            <option value="">All actions</option>
            {ACTIVITY_ACTIONS.map((name) => (
              <option key={name} value={name}>
                {ACTIVITY_ACTION_LABELS[name]}
              </option>
            ))}
          </select>
          <p role="status" className="list-status activity-status">
            {loading ? 'Loading…' : log ? `${entries.length}${log.more ? '+' : ''} ${entries.length === 1 ? 'entry' : 'entries'}` : ''}
          </p>
        </div>
        {exportMessage && (
          <div role="status" className="banner banner-notice">
            <span>{exportMessage}</span>
            <button type="button" className="button small" onClick={() => setExportMessage(null)}>
              Dismiss
            </button>
          </div>
        )}
        {error && (
          <div role="alert" className="banner banner-error">
            <span>Could not read the activity log: {error}</span>
            <button type="button" className="button small" onClick={load}>
              Try again
            </button>
          </div>
        )}
        {log && (log.damagedLines > 0 || log.unrecognisedLines > 0) && (
          <p className="banner banner-notice">
            {log.damagedLines > 0 && `${log.damagedLines} damaged ${log.damagedLines === 1 ? 'line was' : 'lines were'} skipped. `}
            {log.unrecognisedLines > 0 && `${log.unrecognisedLines} ${log.unrecognisedLines === 1 ? 'line' : 'lines'} from a newer version of the app skipped.`}
          </p>
        )}
        <div className="activity-scroll">
          {log === null ? null : entries.length === 0 ? (
            <p className="list-placeholder">{accountId || action ? 'No entries match these filters.' : 'Nothing recorded yet.'}</p>
          ) : (
            <table className="activity-table" aria-label="Activity entries">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Account</th>
                  <th scope="col">Action</th>
                  <th scope="col">Key</th>
                  <th scope="col">Outcome</th>
                </tr>
              </thead>
              <tbody>
                {entries.map((entry) => (
                  <ActivityRow key={entry.id} entry={entry} now={now} />
                ))}
              </tbody>
            </table>
          )}
          {log?.more && (
            <div className="activity-more">
              <button type="button" className="button" onClick={() => setLimit((value) => value + ACTIVITY_PAGE_SIZE)} disabled={loading}>
                Load more
              </button>
            </div>
          )}
          {log?.cut && !log.more && (
            <p className="muted activity-cut">
              Older entries (before {formatExactTime(log.cut.cutBefore ?? log.cut.at)}) were moved to {log.cut.archive} in the app’s data folder.
            </p>
          )}
        </div>
      </main>
    </div>
  )
}

function ActivityRow({ entry, now }: { entry: ActivityEntry; now: number }) {
  const key = entry.keyName === null ? (entry.keyId === null ? '—' : `#${entry.keyId}`) : `${entry.keyName}${entry.keyId === null ? '' : ` (#${entry.keyId})`}`
  return (
    <tr className={`activity-row outcome-${entry.outcome}`}>
      <td>
        <time dateTime={entry.at} title={formatExactTime(entry.at)}>
          {formatRelativeTime(entry.at, now)}
        </time>
      </td>
      <td className="activity-account">{entry.accountLabel}</td>
      <td>
        {ACTIVITY_ACTION_LABELS[entry.action]}
        {entry.source === 'cli' && <span className="badge activity-source">command line</span>}
      </td>
      <td className="activity-key">
        {key}
        {entry.relatedKeyId !== null && <span className="muted"> · with #{entry.relatedKeyId}</span>}
      </td>
      <td>
        {OUTCOME_LABELS[entry.outcome]}
        {entry.errorKind && <span className="muted"> ({entry.errorKind})</span>}
        {entry.detail && <p className="activity-detail muted">{entry.detail}</p>}
      </td>
    </tr>
  )
}
