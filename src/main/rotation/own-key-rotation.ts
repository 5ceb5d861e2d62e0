/**
 * Replacing the key this app signs in with for an account, without ever being left without a
 * working credential:
 *
 *   creating → (POST) → created → (GET /user/me with the new key) → verified
 *            → (the keychain entry now holds the new key; later requests send it) → swapped
 *            → (DELETE the old key) → done
 *
 * Each step is written to a journal in the state file before the next begins, and the new key
 * waits in a keychain entry of its own until it has been verified and swapped in. If the app
 * stops anywhere (a crash, a power cut), the next start finishes the rotation or rolls it back and
 * says which. At most one orphan key can result (a crash between the POST and its answer): it is
 * named "Autocalls Keys (replacement, <date>)", and the app points at it. The new token never
 * leaves main unless the person asks to see it.
 */
import { accountLabel, type AccountId, type OwnKeyRotationResult } from '../../shared/domain'
import type { RotationKeyRef } from '../../shared/rotation'
import type { AccountSessions } from '../accounts/account-sessions'
import { ApiError } from '../api/api-error'
import type { ActivityRecorder } from '../services/activity-recorder'
import { toAppError, UserFacingError } from '../services/app-error'
import type { KeysService } from '../services/keys-service'
import type { NotesService } from '../services/notes-service'
import type { PendingTokens } from '../services/pending-tokens'
import type { AppStateStore, OwnKeyJournal } from '../storage/app-state-store'
import type { KeyCacheStore } from '../storage/key-cache-store'
import { log } from '../support/log'
import type { SecretStore } from '../vault/secret-store'

/** After which step a test-only hook may stop the process (the crash tests). */
export type OwnKeyStep = OwnKeyJournal['phase'] | 'deleted'

export interface OwnKeyRotationDeps {
  state: AppStateStore
  sessions: AccountSessions
  keys: KeysService
  cache: KeyCacheStore
  vault: SecretStore
  pending: PendingTokens
  notes: NotesService
  activity: ActivityRecorder
  now?: () => Date
  /** Test-only: called after each step is on disk (the crash tests exit the process here). */
  afterStep?: (step: OwnKeyStep, accountId: AccountId) => void | Promise<void>
}

/** The keychain entry that holds a replacement until it is verified and swapped in. */
export const replacementEntryOf = (accountId: AccountId): string => `${accountId} (replacement in progress)`

/** "Autocalls Keys (replacement, 2026-12-02)": recognisable in the dashboard if it is ever orphaned. */
export const replacementNameFor = (now: Date): string => `Autocalls Keys (replacement, ${now.toISOString().slice(0, 10)})`

export class OwnKeyRotation {
  readonly #deps: OwnKeyRotationDeps
  readonly #now: () => Date
  readonly #running = new Map<AccountId, Promise<OwnKeyRotationResult>>()
  readonly #byRequest = new Map<string, Promise<OwnKeyRotationResult>>()

  constructor(deps: OwnKeyRotationDeps) {
    this.#deps = deps
    this.#now = deps.now ?? (() => new Date())
  }

  /** One rotation per account at a time, one per request id. */
  rotate(accountId: AccountId, requestId: string, reveal: boolean): Promise<OwnKeyRotationResult> {
    const same = this.#byRequest.get(requestId)
    if (same) return same
    if (this.#running.has(accountId)) return Promise.reject(new UserFacingError('invalid_request', 'This app’s key is already being replaced for that account.'))
    if (this.#deps.state.state.ownKeyRotations[accountId]) {
      return Promise.reject(new UserFacingError('invalid_request', 'An earlier replacement of this app’s key is unfinished; the app finishes it first. Try again in a moment.'))
    }
    const work = this.#rotate(accountId, reveal).finally(() => this.#running.delete(accountId))
    this.#running.set(accountId, work)
    this.#byRequest.set(requestId, work)
    return work
  }

  /**
   * At start: finishes or rolls back every interrupted rotation (network permitting; otherwise it
   * is tried again at the next start). Resolves when all were tried.
   */
  async recoverAll(): Promise<void> {
    for (const [accountId, journal] of Object.entries(this.#deps.state.state.ownKeyRotations)) {
      try {
        await this.#recover(accountId, journal)
      } catch (error) {
        log.warn('An interrupted replacement of this app’s key could not be finished yet:', error)
        this.#deps.sessions.setNotice(accountId, `Replacing this app’s key was interrupted, and could not be finished yet (${toAppError(error).message}). It is tried again at the next start; the app keeps working meanwhile.`)
      }
    }
  }

  async #rotate(accountId: AccountId, reveal: boolean): Promise<OwnKeyRotationResult> {
    const { sessions, keys, vault, activity } = this.#deps
    const record = sessions.record(accountId)
    if (!record) throw new UserFacingError('not_signed_in', 'That account is not in Autocalls Keys any more.')
    const oldKeyId = sessions.appKeyId(accountId)
    if (oldKeyId === null) throw new UserFacingError('invalid_request', 'The key this app signs in with has no id the app can follow, so it cannot be rotated here.')
    const oldName = (await this.#deps.cache.get(accountId))?.keys.find((key) => key.id === oldKeyId)?.name ?? `#${oldKeyId}`
    const oldKey: RotationKeyRef = { id: oldKeyId, name: oldName }
    const ephemeral = sessions.isSandbox(accountId)
    const name = replacementNameFor(this.#now())
    await this.#journal(accountId, { phase: 'creating', startedAt: this.#now().toISOString(), replacementName: name, oldKeyId, newKeyId: null })
    await activity.record(accountId, { action: 'own-key-rotation-started', keyId: oldKeyId, keyName: oldName, outcome: 'ok' })

    let created
    try {
      created = await keys.createQuietly(accountId, name)
    } catch (error) {
      // No token: nothing to swap. The journal goes; the message says whether a key may exist.
      await this.#journal(accountId, null)
      const appError = toAppError(error)
      await activity.record(accountId, { action: 'own-key-rotation-rolled-back', keyName: name, outcome: appError.kind === 'create_outcome_unknown' ? 'may-exist' : 'failed', errorKind: appError.kind, detail: appError.message })
      throw error
    }
    const newKey: RotationKeyRef = { id: created.idHint ?? -1, name: created.name }
    if (!ephemeral) await vault.set(replacementEntryOf(accountId), created.token)
    await this.#journal(accountId, { phase: 'created', startedAt: this.#journalOf(accountId).startedAt, replacementName: name, oldKeyId, newKeyId: created.idHint })

    return this.#finishFrom(accountId, 'created', created.token, oldKey, newKey, reveal)
  }

  /** The rest of the steps, from a replacement whose token is known (now, or after a crash). */
  async #finishFrom(
    accountId: AccountId,
    phase: 'created' | 'verified' | 'swapped',
    token: string,
    oldKey: RotationKeyRef,
    newKey: RotationKeyRef,
    reveal: boolean
  ): Promise<OwnKeyRotationResult> {
    const { sessions, vault, activity, keys, notes } = this.#deps
    const ephemeral = sessions.isSandbox(accountId)
    const journal = this.#journalOf(accountId)
    if (phase === 'created') {
      const email = sessions.record(accountId)?.profile.email
      const profile = await sessions.clientFor(accountId, token).getMe()
      if (profile.email !== email) throw new UserFacingError('internal', 'The replacement key belongs to another account. Nothing was swapped.')
      await this.#journal(accountId, { ...journal, phase: 'verified' })
      await activity.record(accountId, { action: 'own-key-rotation-verified', keyId: newKey.id, keyName: newKey.name, relatedKeyId: oldKey.id, outcome: 'ok' })
      phase = 'verified'
    }
    if (phase === 'verified') {
      if (!ephemeral) await vault.set(accountId, token)
      await sessions.replaceCredential(accountId, token, newKey.id > 0 ? newKey.id : null)
      await this.#journal(accountId, { ...journal, phase: 'swapped' })
      await activity.record(accountId, { action: 'own-key-rotation-swapped', keyId: newKey.id, keyName: newKey.name, relatedKeyId: oldKey.id, outcome: 'ok' })
    } else {
      // Swapped before a crash: the keychain already holds the new key; make sure it is in use.
      await sessions.replaceCredential(accountId, token, newKey.id > 0 ? newKey.id : null)
    }
    // Every later request sends the new key; the old one can go, its note first moved to the
    // replacement (deleting a key drops its note).
    if (newKey.id > 0) await notes.move(accountId, oldKey.id, newKey.id)
    await keys.delete(accountId, oldKey.id)
    await this.#deps.afterStep?.('deleted', accountId)
    if (!ephemeral) await vault.delete(replacementEntryOf(accountId)).catch(() => false)
    await this.#journal(accountId, null)
    await activity.record(accountId, { action: 'own-key-rotation-finished', keyId: oldKey.id, keyName: oldKey.name, relatedKeyId: newKey.id, outcome: 'ok' })
    keys.freshList(accountId).catch((error: unknown) => log.warn('The list after replacing this app’s key could not be fetched:', error))
    const view = sessions.view(accountId)
    if (!view) throw new UserFacingError('internal', 'The account was removed while its key was being replaced.')
    let shown: OwnKeyRotationResult['reveal'] = null
    if (reveal) {
      const pending = this.#deps.pending.add({ token, keyName: newKey.name, keyId: newKey.id > 0 ? newKey.id : null, accountId, accountLabel: accountLabel(view), replaces: oldKey })
      shown = { pendingId: pending.pendingId, token }
    }
    return { account: view, oldKey, newKey, reveal: shown }
  }

  async #recover(accountId: AccountId, journal: OwnKeyJournal): Promise<void> {
    const { sessions, vault, activity } = this.#deps
    if (!sessions.record(accountId)) {
      await this.#journal(accountId, null)
      return
    }
    const oldKey: RotationKeyRef = { id: journal.oldKeyId ?? -1, name: `#${journal.oldKeyId ?? '?'}` }
    const newKey: RotationKeyRef = { id: journal.newKeyId ?? -1, name: journal.replacementName }
    const orphan = `A key named “${journal.replacementName}”${journal.newKeyId ? ` (#${journal.newKeyId})` : ''} may exist that nobody has the token of: delete it.`
    const rollBack = async (why: string): Promise<void> => {
      await vault.delete(replacementEntryOf(accountId)).catch(() => false)
      await this.#journal(accountId, null)
      await activity.record(accountId, { action: 'own-key-rotation-rolled-back', keyId: journal.newKeyId, keyName: journal.replacementName, relatedKeyId: journal.oldKeyId, outcome: 'ok', detail: why })
      sessions.setNotice(accountId, `Replacing this app’s key was interrupted and has been rolled back: the app still signs in with its old key. ${orphan}`)
    }
    if (journal.phase === 'creating') return rollBack('the app stopped before the server answered the create')
    const token = journal.phase === 'swapped' ? await vault.get(accountId) : await vault.get(replacementEntryOf(accountId))
    if (token === null) return rollBack('the replacement key was not in the keychain')
    try {
      await this.#finishFrom(accountId, journal.phase, token, oldKey, newKey, false)
    } catch (error) {
      if (error instanceof ApiError && error.kind === 'unauthenticated' && journal.phase !== 'swapped') {
        return rollBack('the server no longer accepts the replacement key (it was deleted elsewhere)')
      }
      throw error
    }
    await activity.record(accountId, { action: 'own-key-rotation-resumed', keyId: newKey.id, keyName: newKey.name, relatedKeyId: oldKey.id, outcome: 'ok' })
    sessions.setNotice(accountId, `Replacing this app’s key was interrupted and has now been finished: the app signs in with “${journal.replacementName}”, and the old key #${journal.oldKeyId ?? '?'} is deleted.`)
  }

  #journalOf(accountId: AccountId): OwnKeyJournal {
    const journal = this.#deps.state.state.ownKeyRotations[accountId]
    if (!journal) throw new UserFacingError('internal', 'The replacement of this app’s key lost its place.')
    return journal
  }

  /** Writes the step (or clears the journal) and waits until it is on disk, then lets the hook run. */
  async #journal(accountId: AccountId, journal: OwnKeyJournal | null): Promise<void> {
    await this.#deps.state.update((draft) => {
      if (journal) draft.ownKeyRotations[accountId] = journal
      else delete draft.ownKeyRotations[accountId]
    })
    await this.#deps.state.flush()
    if (journal) await this.#deps.afterStep?.(journal.phase, accountId)
  }
}
