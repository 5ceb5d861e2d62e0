/**
 * Saving a note and running a bulk delete, for the lists slice: loaded with their first use, so
 * the window's start does not carry them.
 */
import type { AccountId } from '../../../shared/domain'
import { onlyKeys } from '../lib/key-selection'
import { call, type SliceContext } from './app-store'
import { EMPTY_LIST, type KeyListState, type ListsSlice } from './lists-slice'

export type ListActions = Pick<ListsSlice, 'setNote' | 'bulkDelete'>

/** What the lists slice lends these actions. */
export interface ListHelpers {
  patchList: (accountId: AccountId, change: (list: KeyListState) => Partial<KeyListState>) => void
  stillCurrent: (accountId: AccountId, epoch: number) => boolean
  withoutKeys: (list: KeyListState, gone: ReadonlySet<number>) => KeyListState
}

export function createListActions({ api, set, get }: SliceContext, { patchList, stillCurrent, withoutKeys }: ListHelpers): ListActions {
  return {
    setNote: async (accountId, keyId, value) => {
      const epoch = get().runs.epochOf(accountId)
      const result = await call(() => api.notes.set({ accountId, keyId, note: value.note, reviewBy: value.reviewBy }))
      if (result.ok && stillCurrent(accountId, epoch)) {
        const stored = result.value
        patchList(accountId, (list) => {
          const { [String(keyId)]: _old, ...others } = list.notes
          return { notes: stored ? { ...others, [String(keyId)]: stored } : others }
        })
      }
      return result
    },

    bulkDelete: async (request) => {
      const { accountId, batchId } = request
      const epoch = get().runs.epochOf(accountId)
      const off = api.on.batchProgress((progress) => {
        if (progress.batchId === batchId) set((state) => ({ batches: { ...state.batches, [batchId]: progress } }))
      })
      try {
        const result = await call(() => api.keys.bulkDelete(request))
        if (result.ok && stillCurrent(accountId, epoch)) {
          const { items } = result.value
          const gone = new Set(items.filter((item) => item.outcome === 'deleted' || item.outcome === 'already-gone').map((item) => item.id))
          // Failed keys stay ticked for another try, and so do the ones a cancel or stop left.
          const again = items.filter((item) => item.outcome === 'failed' || item.outcome === 'skipped').map((item) => item.id)
          set((state) => ({
            lists: { ...state.lists, [accountId]: withoutKeys(state.lists[accountId] ?? EMPTY_LIST, gone) },
            selections: { ...state.selections, [accountId]: onlyKeys(again) }
          }))
        }
        return result
      } finally {
        off()
        set((state) => {
          const { [batchId]: _ended, ...batches } = state.batches
          return { batches }
        })
      }
    }
  }
}
