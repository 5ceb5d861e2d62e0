/**
 * Deleting many keys of one account at once. The ids are fixed when the person confirms; nothing
 * outside them is ever deleted. The batch goes through the account's pacer (at most 4 in flight,
 * a 429 pauses the whole batch for its Retry-After), can be cancelled (requests in flight finish,
 * none starts after), and a 401 stops it. The app's own key is deleted last, and only when the
 * person asked for it; then the account signs out.
 */
import type { AccountId, BatchProgressView, BulkDeleteItem, BulkDeleteResult } from '../../shared/domain'
import type { AccountSessions } from '../accounts/account-sessions'
import { ApiError } from '../api/api-error'
import type { EventSink } from '../ipc/event-sink'
import type { KeyCacheStore } from '../storage/key-cache-store'
import type { ActivityRecord, ActivityRecorder } from './activity-recorder'
import { toAppError, UserFacingError } from './app-error'
import { startBatch, type BatchProgress, type BatchRun, type TaskOutcome } from './batch-runner'
import { OWN_KEY_DELETED_REASON, type KeysService } from './keys-service'

export interface BulkDeleteDeps {
  sessions: AccountSessions
  keys: KeysService
  cache: KeyCacheStore
  activity: ActivityRecorder
  events: EventSink
}

/** A bulk delete larger than this is refused: a person never selects more in one go by accident. */
export const BULK_DELETE_MAX = 10_000

type Deleted = { alreadyGone: boolean }

export class BulkDeleteService {
  readonly #deps: BulkDeleteDeps
  readonly #running = new Map<string, BatchRun<Deleted>>()

  constructor(deps: BulkDeleteDeps) {
    this.#deps = deps
  }

  async run(accountId: AccountId, batchId: string, rawIds: readonly number[], includeOwnKey: boolean): Promise<BulkDeleteResult> {
    const { sessions, keys, cache, activity, events } = this.#deps
    if (this.#running.has(batchId)) throw new UserFacingError('invalid_request', 'This batch is already running.')
    const ids = [...new Set(rawIds)]
    if (ids.length === 0) throw new UserFacingError('validation', 'Choose at least one key to delete.')
    if (ids.length > BULK_DELETE_MAX) throw new UserFacingError('validation', `At most ${BULK_DELETE_MAX.toLocaleString('en-US')} keys can be deleted at once.`)
    if (!sessions.record(accountId)) throw new UserFacingError('not_signed_in', 'That account is not in Autocalls Keys any more.')
    const ownId = sessions.appKeyId(accountId)
    if (ownId !== null && ids.includes(ownId) && !includeOwnKey) {
      throw new UserFacingError(
        'invalid_request',
        'The key this app signs in with is in the selection but was not confirmed on its own. Nothing was deleted.'
      )
    }
    const names = new Map((await cache.get(accountId))?.keys.map((key) => [key.id, key.name]) ?? [])
    // The own key goes last, after everything else, so the batch does not lose its credential half-way.
    const others = ids.filter((id) => id !== ownId)
    const ownLast = ownId !== null && ids.includes(ownId)

    const report = (progress: BatchProgress, ownDone = 0): void => {
      const view: BatchProgressView = {
        accountId,
        batchId,
        total: ids.length,
        done: progress.succeeded + ownDone,
        failed: progress.failed,
        remaining: progress.remaining + (ownLast && ownDone === 0 ? 1 : 0),
        pausedUntil: progress.pausedUntil === null ? null : new Date(progress.pausedUntil).toISOString(),
        pauseReason: progress.pauseReason
      }
      events.emit('event:batch-progress', view)
    }
    const batch = startBatch(
      others.map((id) => sessions.batchTask(accountId, (client) => client.deleteKey(id, { retryRateLimited: false }))),
      {
        retryWhenRateLimited: true,
        // A 401: the credential is gone (main signs the account out); nothing more can succeed.
        stopWhen: (outcome) => outcome.status === 'failed' && isUnauthenticated(outcome.error),
        onProgress: (progress) => report(progress)
      }
    )
    this.#running.set(batchId, batch)
    let result
    try {
      result = await batch.result
    } finally {
      this.#running.delete(batchId)
    }
    const items: BulkDeleteItem[] = others.map((id, index) => itemOf(id, names.get(id) ?? `#${id}`, result.outcomes[index]!))
    let signedOut = false
    if (ownLast) {
      const name = names.get(ownId) ?? `#${ownId}`
      if (result.ended === 'completed') {
        try {
          const { alreadyGone } = await sessions.withClient(accountId, (client) => client.deleteKey(ownId))
          items.push({ id: ownId, name, outcome: alreadyGone ? 'already-gone' : 'deleted', error: null })
          signedOut = true
        } catch (error) {
          items.push({ id: ownId, name, outcome: 'failed', error: toAppError(error) })
        }
      } else {
        items.push({ id: ownId, name, outcome: 'skipped', error: null })
      }
      report(batch.progress(), signedOut ? 1 : 0)
    }
    const deleted = items.filter((item) => item.outcome === 'deleted' || item.outcome === 'already-gone').map((item) => item.id)
    await keys.forgetDeleted(accountId, deleted)
    await activity.record(accountId, ...items.filter((item) => item.outcome !== 'skipped').map(activityOf))
    if (signedOut) await sessions.endSession(accountId, OWN_KEY_DELETED_REASON)
    const ended = result.ended
    return { accountId, batchId, ended, items: ids.map((id) => items.find((item) => item.id === id)!), signedOut: signedOut || ended === 'stopped' }
  }

  /** Stops a running batch: requests in flight finish, none starts after. */
  cancel(batchId: string): void {
    this.#running.get(batchId)?.cancel()
  }
}

const isUnauthenticated = (error: unknown): boolean =>
  (error instanceof ApiError && error.kind === 'unauthenticated') || (error instanceof UserFacingError && error.kind === 'not_signed_in')

function itemOf(id: number, name: string, outcome: TaskOutcome<Deleted>): BulkDeleteItem {
  // After a 401 the session ends and the pacer drops the queued deletes with "not signed in":
  // none of them was sent, so they were skipped because the batch stopped, not failed.
  if (outcome.status === 'failed' && outcome.error instanceof UserFacingError && outcome.error.kind === 'not_signed_in') {
    return itemOf(id, name, { status: 'skipped', because: 'stopped' })
  }
  switch (outcome.status) {
    case 'succeeded':
      return { id, name, outcome: outcome.value.alreadyGone ? 'already-gone' : 'deleted', error: null }
    case 'failed':
      return { id, name, outcome: 'failed', error: toAppError(outcome.error) }
    case 'skipped':
      return {
        id,
        name,
        outcome: 'skipped',
        error: { kind: 'cancelled', message: outcome.because === 'cancelled' ? 'Not deleted: the batch was cancelled.' : 'Not deleted: the batch stopped.' }
      }
  }
}

function activityOf(item: BulkDeleteItem): ActivityRecord {
  return {
    action: 'bulk-delete',
    keyId: item.id,
    keyName: item.name,
    outcome: item.outcome === 'deleted' ? 'ok' : item.outcome === 'already-gone' ? 'already-gone' : 'failed',
    errorKind: item.error?.kind ?? null,
    detail: item.error?.message ?? null
  }
}
