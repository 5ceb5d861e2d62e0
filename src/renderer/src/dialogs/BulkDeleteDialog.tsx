/**
 * Deletes the ticked keys of one account as one batch. Asks once, naming the keys (the first ten
 * and how many more) and, for ten or more, asking for their number to be typed. The app's own
 * key stays out unless the person ticks it here and types its name (the single delete's rule);
 * then main deletes it last and the account signs out. The ids are fixed when the dialog opens.
 *
 * While the batch runs: a progress bar with done / failed / remaining, the wait when main pauses
 * for the server's rate limit, and Cancel (requests in flight finish, none starts after). It ends
 * with a line per key.
 */
import { useCallback, useEffect, useId, useRef, useState } from 'react'
import { accountLabel, type BulkDeleteItem, type BulkDeleteResult, type KeyListItem } from '../../../shared/domain'
import { keysWord } from '../components/SelectionBar'
import { MESSAGES } from '../lib/messages'
import { secondsUntil, useCountdownNow } from '../lib/use-countdown'
import { newRequestId } from '../lib/request-id'
import { useApp } from '../store/store-context'
import { ModalDialog } from './ModalDialog'

const NAMES_SHOWN = 10
/** From this many keys on, the person types the number to confirm. */
export const TYPE_COUNT_FROM = 10

type Phase = 'confirm' | 'running' | 'done'
type ChosenKey = Pick<KeyListItem, 'id' | 'name' | 'isAppKey'>

const were = (count: number): string => (count === 1 ? 'was' : 'were')

/** The batch's outcome in a sentence or two. */
export function batchSummary(result: BulkDeleteResult): string[] {
  const count = (outcome: BulkDeleteItem['outcome']) => result.items.filter((item) => item.outcome === outcome).length
  const deleted = count('deleted')
  const gone = count('already-gone')
  const failed = count('failed')
  const skipped = count('skipped')
  const lines: string[] = []
  if (result.ended === 'stopped') {
    lines.push(
      `Stopped: the server no longer accepts this account’s credential, so the account was signed out. ${keysWord(deleted)} ${were(deleted)} deleted before that.`
    )
  } else if (result.ended === 'cancelled') {
    lines.push(`Cancelled: ${keysWord(deleted)} ${were(deleted)} deleted; ${skipped} not started.`)
  } else {
    lines.push(`Deleted ${deleted} of ${keysWord(result.items.length)}.`)
  }
  if (gone > 0) lines.push(`${keysWord(gone)} ${were(gone)} already gone (deleted elsewhere).`)
  if (failed > 0) lines.push(`${keysWord(failed)} failed and ${failed === 1 ? 'stays' : 'stay'} selected to try again.`)
  if (result.signedOut && result.ended !== 'stopped') lines.push('The key this app signed in with was deleted, so the account is signed out.')
  return lines
}

function outcomeText(item: BulkDeleteItem, ended: BulkDeleteResult['ended']): string {
  switch (item.outcome) {
    case 'deleted':
      return 'Deleted'
    case 'already-gone':
      return 'Already gone'
    case 'failed':
      return `Failed: ${item.error?.message ?? 'unknown error'}`
    case 'skipped':
      return ended === 'stopped' ? 'Not started (the batch stopped)' : 'Not started (cancelled)'
  }
}

/** "Pausing N s…" while the whole batch waits (keyed by the pause, so each starts afresh). */
function PauseNotice({ until }: { until: string }) {
  const seconds = secondsUntil(until, useCountdownNow(until))
  if (seconds === null) return null
  return (
    <p className="notice batch-pause" role="status">
      {seconds > 0 ? `Pausing ${seconds} s to stay within the server's limit` : 'Resuming…'}
    </p>
  )
}

export function BulkDeleteDialog({ accountId, ids }: { accountId: string; ids: number[] }) {
  const account = useApp((state) => state.accounts.find((candidate) => candidate.id === accountId))
  const items = useApp((state) => state.lists[accountId]?.items ?? null)
  const bulkDelete = useApp((state) => state.bulkDelete)
  const cancelBatch = useApp((state) => state.cancelBatch)
  const closeDialog = useApp((state) => state.closeDialog)
  // The keys as they were when the dialog opened: the batch deletes these ids and no others.
  const [keys] = useState<ChosenKey[]>(() => {
    const byId = new Map((items ?? []).map((key) => [key.id, key]))
    return ids.map((id) => byId.get(id) ?? { id, name: `#${id}`, isAppKey: false })
  })
  const [batchId] = useState(newRequestId)
  const progress = useApp((state) => state.batches[batchId])
  const [includeOwn, setIncludeOwn] = useState(false)
  const [typedName, setTypedName] = useState('')
  const [typedCount, setTypedCount] = useState('')
  const [phase, setPhase] = useState<Phase>('confirm')
  const [cancelling, setCancelling] = useState(false)
  const [result, setResult] = useState<BulkDeleteResult | null>(null)
  const [error, setError] = useState<string | null>(null)
  const stopRef = useRef<HTMLButtonElement>(null)
  const closeRef = useRef<HTMLButtonElement>(null)
  const pausedUntil = phase === 'running' ? (progress?.pausedUntil ?? null) : null
  const uid = useId()
  const titleId = `${uid}-title`
  const leadId = `${uid}-lead`
  const countId = `${uid}-count`
  const nameId = `${uid}-name`

  const own = keys.find((key) => key.isAppKey)
  const others = keys.filter((key) => !key.isAppKey)
  // The app's own key goes last (main orders it so too): everything else is done while signed in.
  const chosen = includeOwn && own ? [...others, own] : others
  const count = chosen.length
  const needsCount = count >= TYPE_COUNT_FROM
  const confirmed = count > 0 && (!needsCount || typedCount.trim() === String(count)) && (!includeOwn || typedName === own?.name)

  useEffect(() => {
    if (phase === 'running') stopRef.current?.focus()
    if (phase === 'done') closeRef.current?.focus()
  }, [phase])

  const dismiss = useCallback(() => {
    if (phase !== 'running') closeDialog()
  }, [phase, closeDialog])

  const run = async () => {
    if (!confirmed || phase !== 'confirm') return
    setPhase('running')
    setError(null)
    const answer = await bulkDelete({ accountId, batchId, ids: chosen.map((key) => key.id), includeOwnKey: includeOwn })
    if (answer.ok) {
      setResult(answer.value)
      setPhase('done')
    } else {
      setError(answer.error.message)
      setPhase('confirm')
    }
  }

  const stop = async () => {
    setCancelling(true)
    const answer = await cancelBatch(batchId)
    if (!answer.ok) {
      setCancelling(false)
      setError(answer.error.message)
    }
  }

  const title = count === 0 && own ? 'Delete the key this app signs in with?' : `Delete ${keysWord(count)}?`
  const total = progress?.total ?? count
  const finished = (progress?.done ?? 0) + (progress?.failed ?? 0)

  return (
    <ModalDialog labelledBy={titleId} describedBy={leadId} onDismiss={dismiss} dismissible={phase !== 'running'} className="bulk-delete">
      <h2 id={titleId}>{phase === 'done' ? 'Bulk delete finished' : title}</h2>
      {account && <p className="dialog-account">From {accountLabel(account)}</p>}

      {phase === 'confirm' && (
        <>
          <p id={leadId} className="dialog-lead">
            {count > 0
              ? `Anything using ${count === 1 ? 'this key' : 'these keys'} loses access at once. This cannot be undone.`
              : 'Only the key this app signs in with is selected. Tick it below to delete it.'}
          </p>
          {count > 0 && (
            <ul className="account-names bulk-names" aria-label="Keys to delete">
              {chosen.slice(0, NAMES_SHOWN).map((key) => (
                <li key={key.id}>
                  <span className="key-name-inline">{key.name}</span> <span className="muted">{`(ID ${key.id})`}</span>
                </li>
              ))}
              {count > NAMES_SHOWN && <li className="muted">{`and ${count - NAMES_SHOWN} more`}</li>}
            </ul>
          )}
          {own && (
            <>
              <label className="checkbox">
                <input
                  type="checkbox"
                  checked={includeOwn}
                  onChange={(event) => {
                    setIncludeOwn(event.currentTarget.checked)
                    setTypedName('')
                  }}
                />
                <span>
                  Also delete <span className="key-name-inline">“{own.name}”</span>, the key this app signs in with
                </span>
              </label>
              {!includeOwn ? (
                <p className="field-hint">It is selected, but stays out of the batch unless you tick this.</p>
              ) : (
                <>
                  <p className="warning">
                    <strong>{MESSAGES.ownKeyWarning}</strong> It is deleted last.
                  </p>
                  <label className="field-label" htmlFor={nameId}>
                    Type the key name to confirm
                  </label>
                  <input
                    id={nameId}
                    className="text-field"
                    type="text"
                    value={typedName}
                    onChange={(event) => setTypedName(event.currentTarget.value)}
                    autoComplete="off"
                    spellCheck={false}
                  />
                </>
              )}
            </>
          )}
          {needsCount && (
            <>
              <label className="field-label" htmlFor={countId}>
                {`Type ${count} to confirm`}
              </label>
              <input
                id={countId}
                className="text-field"
                type="text"
                inputMode="numeric"
                value={typedCount}
                onChange={(event) => setTypedCount(event.currentTarget.value)}
                onKeyDown={(event) => {
                  if (event.key === 'Enter') {
                    event.preventDefault()
                    void run()
                  }
                }}
                autoComplete="off"
              />
            </>
          )}
          {error && (
            <p role="alert" className="error-text">
              {error}
            </p>
          )}
          <div className="dialog-actions">
            <button type="button" className="button" onClick={dismiss} data-autofocus>
              Cancel
            </button>
            <button type="button" className="button danger" onClick={() => void run()} disabled={!confirmed}>
              {`Delete ${keysWord(count)}`}
            </button>
          </div>
        </>
      )}

      {phase === 'running' && (
        <>
          <p id={leadId} className="dialog-lead">
            {cancelling ? 'Stopping: requests already sent finish, no others start.' : `Deleting ${keysWord(total)}…`}
          </p>
          <progress className="batch-progress" max={total} value={finished} aria-label="Bulk delete progress" />
          <p className="batch-counts" role="status">
            {`${progress?.done ?? 0} done · ${progress?.failed ?? 0} failed · ${progress?.remaining ?? total} remaining`}
          </p>
          {pausedUntil !== null && <PauseNotice key={pausedUntil} until={pausedUntil} />}
          {error && (
            <p role="alert" className="error-text">
              {error}
            </p>
          )}
          <div className="dialog-actions">
            <button ref={stopRef} type="button" className="button" onClick={() => void stop()} disabled={cancelling} aria-busy={cancelling || undefined}>
              {cancelling ? 'Cancelling…' : 'Cancel'}
            </button>
          </div>
        </>
      )}

      {phase === 'done' && result && (
        <>
          <div id={leadId} role="status" className="dialog-lead">
            {batchSummary(result).map((line) => (
              <p key={line}>{line}</p>
            ))}
          </div>
          <ul className="account-names batch-results" aria-label="Result per key">
            {result.items.map((item) => (
              <li key={item.id} data-outcome={item.outcome}>
                <span className="key-name-inline">{item.name}</span> <span className="muted">{`(ID ${item.id})`}</span>: {outcomeText(item, result.ended)}
              </li>
            ))}
          </ul>
          <div className="dialog-actions">
            <button ref={closeRef} type="button" className="button primary" onClick={dismiss}>
              Close
            </button>
          </div>
        </>
      )}
    </ModalDialog>
  )
}

// React.lazy loads a module's default export.
export default BulkDeleteDialog
