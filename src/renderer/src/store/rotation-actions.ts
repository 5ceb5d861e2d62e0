/**
 * The work behind the rotations slice: loaded on first use (from a dialog or a menu item), so the
 * window's start does not carry code that most sessions never run.
 */
import type { AccountId } from '../../../shared/domain'
import type { RotationRecord } from '../../../shared/rotation'
import { call, type SliceContext } from './app-store'
import { EMPTY_LIST } from './lists-slice'
import type { RotationsSlice } from './rotations-slice'

export type RotationActions = Omit<RotationsSlice, 'setVisibility'>

export function createRotationActions({ api, set, get }: SliceContext): RotationActions {
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
