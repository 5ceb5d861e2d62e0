/**
 * Guided rotation of a key: create the replacement (one POST, never retried; its token goes to
 * the copy-once dialog, labelled as the replacement), watch `last_used_at` until the replacement
 * is in use and the old key has been quiet, then delete the old key (one DELETE). Open rotations
 * are stored per account and survive a restart; every list refresh moves them on; while one is
 * open and the window is visible the account's list is refreshed on its own, gently and paced.
 */
import type { AccountId, ApiKey, CreatedKeyView } from '../../shared/domain'
import { updateRotation, type RotationKeyRef, type RotationRecord } from '../../shared/rotation'
import type { AccountSessions } from '../accounts/account-sessions'
import type { ActivityRecorder } from '../services/activity-recorder'
import { toAppError, UserFacingError } from '../services/app-error'
import type { KeysService } from '../services/keys-service'
import type { NotesService } from '../services/notes-service'
import type { AppStateStore } from '../storage/app-state-store'
import type { KeyCacheStore } from '../storage/key-cache-store'
import type { Clock } from '../support/clock'
import { RotationWatcher, type WatchPolicy } from './watch-policy'

export interface RotationServiceDeps {
  state: AppStateStore
  sessions: AccountSessions
  keys: KeysService
  cache: KeyCacheStore
  notes: NotesService
  activity: ActivityRecorder
  now?: () => Date
  clock?: Clock
  watchPolicy?: Partial<WatchPolicy>
}

const ENDED_KEPT = 20

export class RotationService {
  readonly #deps: RotationServiceDeps
  readonly #now: () => Date
  readonly watcher: RotationWatcher
  /** Accounts whose list the watcher itself is fetching: it counts those refreshes on its own. */
  readonly #watcherRefreshing = new Set<AccountId>()
  readonly #ended = new Map<AccountId, RotationRecord[]>()

  constructor(deps: RotationServiceDeps) {
    this.#deps = deps
    this.#now = deps.now ?? (() => new Date())
    this.watcher = new RotationWatcher({
      refresh: async (accountId) => {
        const before = JSON.stringify(this.of(accountId))
        this.#watcherRefreshing.add(accountId)
        try {
          await deps.keys.backgroundList(accountId)
        } finally {
          this.#watcherRefreshing.delete(accountId)
        }
        return { changed: JSON.stringify(this.of(accountId)) !== before }
      },
      ...(deps.clock ? { clock: deps.clock } : {}),
      ...(deps.watchPolicy ? { policy: deps.watchPolicy } : {})
    })
    deps.keys.onListFetched((accountId, keys, fetchedAt) => this.#moveOn(accountId, keys, fetchedAt))
  }

  /** Starts watching every account with an open rotation (at start-up). */
  resume(): void {
    for (const [accountId, rotations] of Object.entries(this.#deps.state.state.rotations)) {
      if (rotations.length > 0 && this.#deps.sessions.record(accountId)) this.watcher.watch(accountId, null)
    }
  }

  /** The account's open rotations. */
  of(accountId: AccountId): RotationRecord[] {
    return this.#deps.state.state.rotations[accountId] ?? []
  }

  /**
   * What a key list carries: the open rotations and those that ended in this run (newest last),
   * so the window can say how one ended — above all one that completed itself elsewhere, which
   * the person did not do here. Ended ones are kept in memory only: the activity log has them.
   */
  forList(accountId: AccountId): RotationRecord[] {
    const ended = this.#ended.get(accountId)
    return ended ? [...this.of(accountId), ...ended] : this.of(accountId)
  }

  /** Forgets an account's ended rotations (the account was removed). */
  forget(accountId: AccountId): void {
    this.#ended.delete(accountId)
  }

  #noteEnded(accountId: AccountId, ended: readonly RotationRecord[]): void {
    if (ended.length === 0) return
    const known = (this.#ended.get(accountId) ?? []).filter((record) => !ended.some((item) => item.newKey.id === record.newKey.id))
    this.#ended.set(accountId, [...known, ...ended].slice(-ENDED_KEPT))
  }

  async start(accountId: AccountId, keyId: number, name: string, requestId: string): Promise<CreatedKeyView> {
    const { sessions, keys, notes, activity } = this.#deps
    if (!sessions.record(accountId)) throw new UserFacingError('not_signed_in', 'That account is not in Autocalls Keys any more.')
    if (keyId === sessions.appKeyId(accountId)) {
      throw new UserFacingError('invalid_request', 'This is the key Autocalls Keys signs in with: use “Rotate this app’s key” for it, so the app keeps a working credential.')
    }
    const old = (await this.#deps.cache.get(accountId))?.keys.find((key) => key.id === keyId)
    if (!old) throw new UserFacingError('not_found', 'That key is not in the list any more. Refresh the list and try again.')
    if (this.of(accountId).some((rotation) => rotation.oldKey.id === keyId || rotation.newKey.id === keyId)) {
      throw new UserFacingError('invalid_request', `“${old.name}” is already part of an open rotation. Finish or cancel that one first.`)
    }
    const oldKey = { id: old.id, name: old.name }
    // One POST, never retried; a lost answer says the key may exist, and no rotation is opened.
    let created: CreatedKeyView
    try {
      created = await keys.create(accountId, name, requestId, { replaces: oldKey })
    } catch (error) {
      throw explainLostReplacement(error, oldKey, name)
    }
    if (!created.key) {
      // No id to follow (the token had no `<id>|`): the token is still shown, but nothing can be watched.
      await activity.record(accountId, { action: 'rotation-cancelled', keyId, keyName: old.name, outcome: 'failed', detail: 'the replacement’s id is unknown, so it cannot be followed' })
      return created
    }
    const record: RotationRecord = {
      accountId,
      oldKey,
      newKey: { id: created.key.id, name: created.key.name },
      startedAt: this.#now().toISOString(),
      finishedAt: null,
      outcome: null,
      state: 'waiting-for-first-use',
      ownKey: false,
      newKeyFirstUsedAt: null
    }
    await this.#deps.state.update((draft) => {
      ;(draft.rotations[accountId] ??= []).push(record)
    })
    await notes.move(accountId, oldKey.id, record.newKey.id)
    await activity.record(
      accountId,
      { action: 'rotation-started', keyId: oldKey.id, keyName: oldKey.name, relatedKeyId: record.newKey.id, outcome: 'ok' },
      { action: 'rotation-replacement-created', keyId: record.newKey.id, keyName: record.newKey.name, relatedKeyId: oldKey.id, outcome: 'ok' }
    )
    this.watcher.watch(accountId)
    return created
  }

  /** Deletes the old key (one DELETE; the person was warned if it was not yet safe). The rotation stays open if that fails. */
  async finish(accountId: AccountId, newKeyId: number): Promise<RotationRecord> {
    const rotation = this.#open(accountId, newKeyId)
    try {
      await this.#deps.keys.delete(accountId, rotation.oldKey.id)
    } catch (error) {
      const appError = toAppError(error)
      await this.#deps.activity.record(accountId, {
        action: 'rotation-finished',
        keyId: rotation.oldKey.id,
        keyName: rotation.oldKey.name,
        relatedKeyId: newKeyId,
        outcome: 'failed',
        errorKind: appError.kind,
        detail: appError.message
      })
      throw error
    }
    const ended: RotationRecord = { ...rotation, finishedAt: this.#now().toISOString(), outcome: 'finished' }
    await this.#close(accountId, ended, { action: 'rotation-finished', keyId: rotation.oldKey.id, keyName: rotation.oldKey.name, relatedKeyId: newKeyId, outcome: 'ok', detail: `state: ${rotation.state}` })
    return ended
  }

  /** Ends the rotation keeping both keys, or deleting the replacement (then the note goes back to the old key). */
  async cancel(accountId: AccountId, newKeyId: number, deleteReplacement: boolean): Promise<RotationRecord> {
    const rotation = this.#open(accountId, newKeyId)
    if (deleteReplacement) {
      // The note goes back to the old key first: deleting the replacement would drop it.
      await this.#deps.notes.move(accountId, newKeyId, rotation.oldKey.id)
      try {
        await this.#deps.keys.delete(accountId, newKeyId)
      } catch (error) {
        // The rotation stays open and says why; the note stays with the replacement.
        await this.#deps.notes.move(accountId, rotation.oldKey.id, newKeyId)
        throw error
      }
    }
    const ended: RotationRecord = { ...rotation, finishedAt: this.#now().toISOString(), outcome: 'cancelled' }
    await this.#close(accountId, ended, {
      action: 'rotation-cancelled',
      keyId: rotation.oldKey.id,
      keyName: rotation.oldKey.name,
      relatedKeyId: newKeyId,
      outcome: 'ok',
      detail: deleteReplacement ? 'the replacement was deleted' : 'both keys were kept'
    })
    return ended
  }

  /** Stops watching (app quit). */
  stop(): void {
    this.watcher.stop()
  }

  /** A list moved the account's rotations on: store what changed, close those the old key left. */
  async #moveOn(accountId: AccountId, keys: readonly ApiKey[], fetchedAt: string): Promise<void> {
    const open = this.of(accountId)
    if (open.length === 0) return
    const quietMs = this.#deps.state.state.preferences.quietPeriodMinutes * 60_000
    const now = this.#now().getTime()
    const next = open.map((rotation) => updateRotation(rotation, { keys, fetchedAt }, now, quietMs))
    const changed = next.some((rotation, index) => rotation !== open[index])
    // A refresh the watcher did not start (the person's, refresh all) counts for its cadence; its
    // own are counted when they finish, and counting them here too doubled every backoff step.
    if (!this.#watcherRefreshing.has(accountId)) {
      this.watcher.noteRefreshStarted(accountId)
      this.watcher.noteRefreshFinished(accountId, changed)
    }
    if (!changed) return
    const records = []
    for (const [index, rotation] of next.entries()) {
      const before = open[index]!
      if (rotation === before) continue
      if (rotation.newKeyFirstUsedAt !== null && before.newKeyFirstUsedAt === null) {
        records.push({ action: 'rotation-new-key-in-use' as const, keyId: rotation.newKey.id, keyName: rotation.newKey.name, relatedKeyId: rotation.oldKey.id, outcome: 'ok' as const })
      }
      if (rotation.finishedAt !== null) {
        records.push({
          action: 'rotation-finished' as const,
          keyId: rotation.oldKey.id,
          keyName: rotation.oldKey.name,
          relatedKeyId: rotation.newKey.id,
          outcome: 'ok' as const,
          detail: 'the old key was deleted elsewhere: the rotation completed itself'
        })
      }
    }
    const stillOpen = next.filter((rotation) => rotation.finishedAt === null)
    this.#noteEnded(accountId, next.filter((rotation) => rotation.finishedAt !== null))
    await this.#deps.state.update((draft) => {
      if (stillOpen.length > 0) draft.rotations[accountId] = stillOpen
      else delete draft.rotations[accountId]
    })
    if (stillOpen.length === 0) this.watcher.unwatch(accountId)
    await this.#deps.activity.record(accountId, ...records)
  }

  #open(accountId: AccountId, newKeyId: number): RotationRecord {
    const rotation = this.of(accountId).find((candidate) => candidate.newKey.id === newKeyId)
    if (!rotation) throw new UserFacingError('not_found', 'That rotation is not open any more (it was finished or cancelled).')
    return rotation
  }

  async #close(accountId: AccountId, ended: RotationRecord, record: Parameters<ActivityRecorder['record']>[1]): Promise<void> {
    await this.#deps.state.update((draft) => {
      const left = (draft.rotations[accountId] ?? []).filter((rotation) => rotation.newKey.id !== ended.newKey.id)
      if (left.length > 0) draft.rotations[accountId] = left
      else delete draft.rotations[accountId]
    })
    this.#noteEnded(accountId, [ended])
    if (this.of(accountId).length === 0) this.watcher.unwatch(accountId)
    await this.#deps.activity.record(accountId, record)
  }
}

/**
 * A create's own "may exist" message says to look for the name and delete what is found. A
 * replacement is usually named like the old key, so that could lead to deleting the old key:
 * say which key to look for, and that no rotation was opened.
 */
function explainLostReplacement(error: unknown, oldKey: RotationKeyRef, name: string): unknown {
  if (!(error instanceof UserFacingError) || error.kind !== 'create_outcome_unknown') return error
  // The reason in brackets, as keys-service's explainCreateFailure words it.
  const reason = /^The server did not confirm the new key \((.+)\)\. It may have/.exec(error.message)?.[1]
  return new UserFacingError(
    'create_outcome_unknown',
    `The server did not confirm the replacement of “${oldKey.name}”${reason ? ` (${reason})` : ''}, so no rotation was opened. ` +
      `It may have been created anyway, so do not simply try again: check the refreshed list for a new key named “${name}” besides #${oldKey.id}. ` +
      `If it is there, its token was lost, so delete that new key (not #${oldKey.id}) and start the rotation again.`
  )
}
