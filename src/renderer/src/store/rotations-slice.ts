/**
 * Guided rotation, the activity log, exports and settings, as the window sees them. The account's
 * rotations themselves arrive with every key list main sends and live with the list
 * (`lists[accountId].rotations`), so the rows and the rotations panel read the same copy.
 */
import type { ActivityReadResult } from '../../../shared/activity'
import type { AccountId, CreatedKeyView, ExportOutcome, OwnKeyRotationResult, Preferences } from '../../../shared/domain'
import type { AppError, Result } from '../../../shared/errors'
import type { ActivityListRequest } from '../../../shared/ipc-contract'
import type { RotationRecord } from '../../../shared/rotation'
import { call, type SliceContext } from './app-store'
import { EMPTY_LIST } from './lists-slice'

export interface RotationsSlice {
  /**
   * Creates the replacement of a key (one POST for `requestId`, never retried) and opens its
   * rotation. Like createKey: a provisional row at once, a fresh list after, the token only in
   * the value returned; a lost answer refreshes the list so the person can look for the key.
   */
  startRotation: (accountId: AccountId, keyId: number, name: string, requestId: string) => Promise<Result<CreatedKeyView>>
  /** Deletes the old key of an open rotation; resolves null or the error (the rotation then stays open). */
  finishRotation: (accountId: AccountId, newKeyId: number) => Promise<AppError | null>
  /** Ends a rotation keeping both keys, or deleting the replacement. */
  cancelRotation: (accountId: AccountId, newKeyId: number, deleteReplacement: boolean) => Promise<AppError | null>
  /** Replaces the key this app signs in with for an account (all of it in main). */
  rotateOwnKey: (accountId: AccountId, requestId: string, reveal: boolean) => Promise<Result<OwnKeyRotationResult>>
  listActivity: (request: ActivityListRequest) => Promise<Result<ActivityReadResult>>
  exportKeys: (accountId: AccountId, format: 'csv' | 'json') => Promise<Result<ExportOutcome>>
  exportActivity: (format: 'csv' | 'json', accountId?: AccountId) => Promise<Result<ExportOutcome>>
  /** Whether the window is on screen (main pauses rotation watching while it is not). */
  setVisibility: (visible: boolean) => Promise<void>
  /** Saves some settings through main (which checks them again); resolves null or the error. */
  updatePreferences: (changes: Partial<Preferences>) => Promise<AppError | null>
}

export function createRotationsSlice({ api, set, get }: SliceContext): RotationsSlice {
  const ended = (accountId: AccountId, record: RotationRecord): void =>
    set((state) => {
      const list = state.lists[accountId]
      if (!list) return {}
      const rotations = list.rotations.map((item) => (item.newKey.id === record.newKey.id ? record : item))
      return { lists: { ...state.lists, [accountId]: { ...list, rotations } } }
    })
  const dropRow = (accountId: AccountId, id: number): void =>
    set((state) => {
      const list = state.lists[accountId]
      if (!list?.items) return {}
      return { lists: { ...state.lists, [accountId]: { ...list, items: list.items.filter((item) => item.id !== id) } } }
    })

  return {
    startRotation: async (accountId, keyId, name, requestId) => {
      const { runs } = get()
      const epoch = runs.epochOf(accountId)
      runs.createsInFlight++
      const result = await call(() => api.rotation.start({ accountId, keyId, name, requestId })).finally(() => runs.createsInFlight--)
      if (runs.epochOf(accountId) !== epoch) return result
      if (result.ok && result.value.key) {
        const key = result.value.key
        set((state) => {
          const list = state.lists[accountId] ?? EMPTY_LIST
          return { lists: { ...state.lists, [accountId]: { ...list, items: [key, ...(list.items ?? []).filter((item) => item.id !== key.id)] } } }
        })
      }
      // The fresh list shows the replacement and the open rotation (or, after a lost answer, whether the key exists).
      if (result.ok || result.error.kind === 'create_outcome_unknown') void get().refresh(accountId)
      return result
    },

    finishRotation: async (accountId, newKeyId) => {
      const result = await call(() => api.rotation.finish({ accountId, newKeyId }))
      if (!result.ok) return result.error
      ended(accountId, result.value)
      dropRow(accountId, result.value.oldKey.id)
      void get().refresh(accountId)
      return null
    },

    cancelRotation: async (accountId, newKeyId, deleteReplacement) => {
      const result = await call(() => api.rotation.cancel({ accountId, newKeyId, deleteReplacement }))
      if (!result.ok) return result.error
      ended(accountId, result.value)
      if (deleteReplacement) dropRow(accountId, newKeyId)
      void get().refresh(accountId)
      return null
    },

    rotateOwnKey: async (accountId, requestId, reveal) => {
      const { runs } = get()
      runs.createsInFlight++
      const result = await call(() => api.rotation.rotateOwn({ accountId, requestId, reveal })).finally(() => runs.createsInFlight--)
      if (result.ok) {
        const account = result.value.account
        set((state) => ({ accounts: state.accounts.map((item) => (item.id === account.id ? account : item)) }))
        dropRow(accountId, result.value.oldKey.id)
      }
      // Whatever happened, the list says which keys exist now (an orphan replacement shows there).
      void get().refresh(accountId)
      return result
    },

    setVisibility: async (visible) => {
      await call(() => api.app.setVisibility({ visible }))
    },

    listActivity: (request) => call(() => api.activity.list(request)),
    exportKeys: (accountId, format) => call(() => api.export.keys({ accountId, format })),
    exportActivity: (format, accountId) => call(() => api.export.activity(accountId === undefined ? { format } : { format, accountId })),

    updatePreferences: async (changes) => {
      const result = await call(() => api.preferences.update(changes))
      if (!result.ok) return result.error
      set({ preferences: result.value })
      return null
    }
  }
}
