/**
 * Notes on keys (purpose, owner, where it is used) and review dates, kept on this computer in the
 * state file per account and key id. A key that disappears from the list loses its note (the
 * activity log keeps its name); a rotation moves the old key's note to the replacement.
 */
import type { AccountId, ApiKey } from '../../shared/domain'
import type { AccountSessions } from '../accounts/account-sessions'
import { checkKeyNote, isEmptyKeyNote, storedKeyNote, type StoredKeyNote } from '../../shared/key-notes'
import type { AppStateStore } from '../storage/app-state-store'
import type { ActivityRecorder } from './activity-recorder'
import { UserFacingError } from './app-error'

export class NotesService {
  readonly #state: AppStateStore
  readonly #activity: ActivityRecorder
  readonly #now: () => Date
  readonly #sessions: Pick<AccountSessions, 'record'> | null

  constructor(deps: { state: AppStateStore; activity: ActivityRecorder; sessions?: Pick<AccountSessions, 'record'>; now?: () => Date }) {
    this.#state = deps.state
    this.#activity = deps.activity
    this.#sessions = deps.sessions ?? null
    this.#now = deps.now ?? (() => new Date())
  }

  /** The account's notes by key id. */
  of(accountId: AccountId): Record<string, StoredKeyNote> {
    return this.#state.state.notes[accountId] ?? {}
  }

  /**
   * Sets a key's note and review date (an empty note and no date remove it). A note that does not
   * hold up (too long, a control character, a pasted token, a day not on the calendar) is refused
   * with a message per field, and nothing changes.
   */
  async set(accountId: AccountId, key: { id: number; name: string | null }, raw: { note: unknown; reviewBy: unknown }): Promise<StoredKeyNote | null> {
    // A note for an account that is not here would sit in the state file with nothing to show it.
    if (this.#sessions && !this.#sessions.record(accountId)) throw new UserFacingError('not_signed_in', 'That account is not in Autocalls Keys any more.')
    const checked = checkKeyNote(raw)
    if (!checked.ok) {
      const message = Object.values(checked.fieldErrors).flat()[0] ?? 'The note could not be saved.'
      throw new UserFacingError('validation', message, checked.fieldErrors)
    }
    const had = this.of(accountId)[String(key.id)] !== undefined
    const next = isEmptyKeyNote(checked.value) ? null : storedKeyNote(checked.value, this.#now())
    await this.#state.update((draft) => {
      const notes = (draft.notes[accountId] ??= {})
      if (next) notes[String(key.id)] = next
      else delete notes[String(key.id)]
      if (Object.keys(notes).length === 0) delete draft.notes[accountId]
    })
    if (next || had) {
      await this.#activity.record(accountId, {
        action: next ? 'note-changed' : 'note-removed',
        keyId: key.id,
        keyName: key.name,
        outcome: 'ok',
        detail: next?.reviewBy ? `review by ${next.reviewBy}` : null
      })
    }
    return next
  }

  /** Moves a key's note to another key (a rotation's replacement), replacing whatever that one had. */
  async move(accountId: AccountId, fromId: number, toId: number): Promise<void> {
    const note = this.of(accountId)[String(fromId)]
    if (!note) return
    await this.#state.update((draft) => {
      const notes = (draft.notes[accountId] ??= {})
      notes[String(toId)] = note
      delete notes[String(fromId)]
    })
  }

  /** Forgets the notes of keys this app has just deleted. */
  async forget(accountId: AccountId, ids: readonly number[]): Promise<void> {
    const notes = this.of(accountId)
    if (!ids.some((id) => notes[String(id)] !== undefined)) return
    await this.#state.update((draft) => {
      const current = draft.notes[accountId]
      if (!current) return
      for (const id of ids) delete current[String(id)]
      if (Object.keys(current).length === 0) delete draft.notes[accountId]
    })
  }

  /** Forgets the notes of keys the account no longer has (deleted here or elsewhere). */
  async keepOnly(accountId: AccountId, keys: readonly Pick<ApiKey, 'id'>[]): Promise<void> {
    const notes = this.of(accountId)
    const live = new Set(keys.map((key) => String(key.id)))
    if (Object.keys(notes).every((id) => live.has(id))) return
    await this.#state.update((draft) => {
      const current = draft.notes[accountId]
      if (!current) return
      for (const id of Object.keys(current)) if (!live.has(id)) delete current[id]
      if (Object.keys(current).length === 0) delete draft.notes[accountId]
    })
  }
}
