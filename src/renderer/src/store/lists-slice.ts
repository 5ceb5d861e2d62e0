/**
 * One key list per account, and the actions on keys. Every action names its account and changes
 * only that account's list, whichever account the window shows by the time the answer arrives.
 * Also per account: the rows ticked for a bulk delete and the quick filter, both dropped when the
 * window switches away from the account (see KeysScreen).
 */
import type { AccountId, BatchProgressView, BulkDeleteResult, CopyResultView, CreatedKeyView, KeyListItem, KeyListView } from '../../../shared/domain'
import type { AppError, Result } from '../../../shared/errors'
import type { BulkDeleteRequest } from '../../../shared/ipc-contract'
import type { QuickFilter } from '../../../shared/key-hygiene'
import type { KeyNoteInput, StoredKeyNote } from '../../../shared/key-notes'
import type { RotationRecord } from '../../../shared/rotation'
import { extendTo, NO_SELECTION, onlyKeys, setKeys, toggleKey, type KeySelection } from '../lib/key-selection'
import { afterNextPaint } from '../lib/dom'
import { call, deferredActions, type SliceContext } from './app-store'
import type { ListActions } from './list-actions'

/** A key list as shown: the rows plus where they came from and whether a fetch is running. */
export interface KeyListState {
  /** Null until a list (cached or fetched) is known. */
  items: KeyListItem[] | null
  /** ISO time of the fetch that produced `items`. */
  fetchedAt: string | null
  /** The rows come from the on-disk cache of an earlier run, not from this run. */
  fromCache: boolean
  /** A fetch is in flight ("Loading keys…" without rows, "Refreshing…" with rows). */
  refreshing: boolean
  /** The last fetch failed; rows (if any) are older than the person may think. */
  error: AppError | null
  /** This computer's notes on the account's keys, by key id (as main sent them with the list). */
  notes: Record<string, StoredKeyNote>
  /** The account's rotations as of the list (open ones show on their rows). */
  rotations: RotationRecord[]
}

const NO_NOTES: Record<string, StoredKeyNote> = Object.freeze({})
const NO_ROTATIONS: RotationRecord[] = Object.freeze([]) as unknown as RotationRecord[]

export const EMPTY_LIST: KeyListState = { items: null, fetchedAt: null, fromCache: false, refreshing: false, error: null, notes: NO_NOTES, rotations: NO_ROTATIONS }

export interface ListsSlice {
  lists: Record<AccountId, KeyListState>
  /** Fetches the account's list. Concurrent calls share one fetch. */
  refresh: (accountId: AccountId) => Promise<void>
  /**
   * Shows the account's cached list (from main's memory or disk) when it is newer than what is
   * shown. `justFetched`: main fetched it a moment ago ("Refresh all"), so it is not an old copy.
   */
  loadCached: (accountId: AccountId, options?: { justFetched?: boolean }) => Promise<void>
  /**
   * Creates one key for `requestId`. On success a provisional row appears at once and a fresh
   * list confirms it in the background; the result (with the token) goes back to the caller only.
   * An unknown outcome triggers a list refresh, never a retry.
   */
  createKey: (accountId: AccountId, name: string, requestId: string) => Promise<Result<CreatedKeyView>>
  /** Deletes a key; resolves null on success (a key already gone counts as success) or the error. */
  deleteKey: (accountId: AccountId, key: KeyListItem) => Promise<AppError | null>
  copyToken: (pendingId: string) => Promise<Result<CopyResultView>>
  confirmTokenSaved: (pendingId: string) => Promise<Result<null>>

  /** Ticked rows per account (ids; those no longer in the list count as not ticked). */
  selections: Record<AccountId, KeySelection>
  /** The quick filter per account (All when absent). */
  quickFilters: Record<AccountId, QuickFilter>
  /** Where each batch this window runs stands, by batch id, while it runs. */
  batches: Record<string, BatchProgressView>
  setQuickFilter: (accountId: AccountId, filter: QuickFilter) => void
  toggleSelected: (accountId: AccountId, id: number) => void
  /** Shift: ticks the rows from the anchor (or `fromId`) to `toId`, in the order `shown`. */
  extendSelection: (accountId: AccountId, shown: readonly { id: number }[], toId: number, fromId?: number) => void
  setSelected: (accountId: AccountId, ids: readonly number[], selected: boolean) => void
  /** Replaces the selection (Ctrl/⌘+A: what the filter shows). */
  selectOnly: (accountId: AccountId, ids: readonly number[]) => void
  clearSelection: (accountId: AccountId) => void
  /** The window no longer shows the account: its selection and quick filter go. */
  forgetKeyView: (accountId: AccountId) => void
  /** Saves a checked note (an empty one with no date removes it); the list's notes follow the answer. */
  setNote: (accountId: AccountId, keyId: number, value: KeyNoteInput) => Promise<Result<StoredKeyNote | null>>
  /**
   * Runs a bulk delete to its end, following its progress in `batches`. Rows deleted or already
   * gone leave the list; the selection becomes the keys that failed or were not started.
   */
  bulkDelete: (request: BulkDeleteRequest) => Promise<Result<BulkDeleteResult>>
  /** Asks main to stop a batch: requests in flight finish, none starts after. */
  cancelBatch: (batchId: string) => Promise<Result<null>>
}

export const listFromView = (view: KeyListView): KeyListState => ({
  items: view.keys,
  fetchedAt: view.fetchedAt,
  fromCache: view.fromCache,
  refreshing: false,
  error: null,
  notes: view.notes,
  rotations: view.rotations
})

/** Errors after which the list is not worth fetching: the account's session is over. */
export const endsSession = (error: AppError): boolean => error.kind === 'unauthenticated' || error.kind === 'not_signed_in'

export function createListsSlice({ api, set, get }: SliceContext): ListsSlice {
  const patchList = (accountId: AccountId, change: (list: KeyListState) => Partial<KeyListState>): void =>
    set((state) => {
      const current = state.lists[accountId] ?? EMPTY_LIST
      return { lists: { ...state.lists, [accountId]: { ...current, ...change(current) } } }
    })
  const stillCurrent = (accountId: AccountId, epoch: number): boolean =>
    get().runs.epochOf(accountId) === epoch && get().accounts.some((account) => account.id === accountId)
  const changeSelection = (accountId: AccountId, change: (selection: KeySelection) => KeySelection): void =>
    set((state) => ({ selections: { ...state.selections, [accountId]: change(state.selections[accountId] ?? NO_SELECTION) } }))
  /** The list without these keys (and their notes, which main drops with them). */
  const withoutKeys = (list: KeyListState, gone: ReadonlySet<number>): KeyListState => {
    const notes = Object.keys(list.notes).some((id) => gone.has(Number(id)))
      ? Object.fromEntries(Object.entries(list.notes).filter(([id]) => !gone.has(Number(id))))
      : list.notes
    return { ...list, items: list.items?.filter((item) => !gone.has(item.id)) ?? null, notes }
  }

  let loadedRareActions: Promise<ListActions> | null = null
  const laterList = deferredActions(
    (): Promise<ListActions> =>
      (loadedRareActions ??= import('./list-actions').then((m) => m.createListActions({ api, set, get }, { patchList, stillCurrent, withoutKeys })))
  )

  const fetchList = async (accountId: AccountId, epoch: number): Promise<void> => {
    const listed = await (get().runs.takeEarlyList(accountId) ?? call(() => api.keys.list({ accountId })))
    if (!stillCurrent(accountId, epoch)) return
    if (listed.ok) patchList(accountId, () => listFromView(listed.value))
    // A session that ended shows as the account's "needs sign-in" state (main's accounts event).
    else if (!endsSession(listed.error)) patchList(accountId, () => ({ error: listed.error }))
  }

  return {
    lists: {},

    refresh: (accountId) => {
      const { runs } = get()
      const running = runs.lists.get(accountId)
      if (running) return running
      const account = get().accounts.find((candidate) => candidate.id === accountId)
      if (!account || account.status === 'needs-sign-in') return Promise.resolve()
      const epoch = runs.epochOf(accountId)
      patchList(accountId, () => ({ refreshing: true }))
      const run = fetchList(accountId, epoch).finally(() => {
        if (runs.lists.get(accountId) === run) runs.lists.delete(accountId)
        if (stillCurrent(accountId, epoch)) patchList(accountId, () => ({ refreshing: false }))
      })
      runs.lists.set(accountId, run)
      return run
    },

    loadCached: async (accountId, options = {}) => {
      const epoch = get().runs.epochOf(accountId)
      const cached = await call(() => api.keys.getCached({ accountId }))
      if (!stillCurrent(accountId, epoch) || !cached.ok || !cached.value) return
      const view = cached.value
      set((state) => {
        const current = state.lists[accountId] ?? EMPTY_LIST
        // Fills in or catches up (a fetch main made meanwhile, the whole list after the first
        // screenful); never replaces a newer list with an older one.
        const replace =
          current.items === null ||
          current.fetchedAt === null ||
          view.fetchedAt > current.fetchedAt ||
          (view.fetchedAt === current.fetchedAt && current.fromCache)
        const list = { ...listFromView(view), fromCache: !options.justFetched, refreshing: current.refreshing }
        return replace ? { lists: { ...state.lists, [accountId]: list } } : {}
      })
    },

    createKey: async (accountId, name, requestId) => {
      const { runs } = get()
      const epoch = runs.epochOf(accountId)
      runs.createsInFlight++
      const result = await call(() => api.keys.create({ accountId, name, requestId })).finally(() => runs.createsInFlight--)
      if (result.ok) runs.ownTokens.add(result.value.pendingId)
      if (!stillCurrent(accountId, epoch)) return result
      if (result.ok) {
        const { key } = result.value
        if (key) {
          // Main fetches the list that confirms this row right after the POST and announces it
          // (event:keys-updated → loadCached): asking for it here too would cost a second GET.
          // The row goes in after the token's dialog is painted (it is behind that modal dialog;
          // at 10,000 keys the list's update would delay the token by a frame). A confirming
          // list that got here first already holds the real row: keep it.
          afterNextPaint(() => {
            if (!stillCurrent(accountId, epoch)) return
            patchList(accountId, (list) =>
              list.items?.some((item) => item.id === key.id && !item.unconfirmed) ? {} : { items: [key, ...(list.items ?? []).filter((item) => item.id !== key.id)] }
            )
          })
        } else {
          // No id to show a row with: only the list says where the new key is.
          void get().refresh(accountId)
        }
      } else if (result.error.kind === 'create_outcome_unknown') {
        // The key may exist: show the truth from the server, and leave any retry to the person.
        void get().refresh(accountId)
      }
      return result
    },

    deleteKey: async (accountId, key) => {
      const epoch = get().runs.epochOf(accountId)
      const result = await call(() => api.keys.delete({ accountId, id: key.id }))
      if (!result.ok && result.error.kind !== 'not_found') return result.error
      if (!stillCurrent(accountId, epoch)) return null
      set((state) => {
        const current = state.lists[accountId] ?? EMPTY_LIST
        const dialog = state.dialog
        const closes = dialog?.kind === 'delete' && dialog.accountId === accountId && dialog.key.id === key.id
        const selection = state.selections[accountId]
        return {
          dialog: closes ? null : dialog,
          lists: { ...state.lists, [accountId]: withoutKeys(current, new Set([key.id])) },
          ...(selection?.ids.has(key.id) ? { selections: { ...state.selections, [accountId]: setKeys(selection, [key.id], false) } } : {})
        }
      })
      return null
    },

    copyToken: (pendingId) => call(() => api.token.copy({ pendingId })),
    confirmTokenSaved: (pendingId) => call(() => api.token.confirmSaved({ pendingId })),

    selections: {},
    quickFilters: {},
    batches: {},
    setQuickFilter: (accountId, filter) => set((state) => ({ quickFilters: { ...state.quickFilters, [accountId]: filter } })),
    toggleSelected: (accountId, id) => changeSelection(accountId, (selection) => toggleKey(selection, id)),
    extendSelection: (accountId, shown, toId, fromId) => changeSelection(accountId, (selection) => extendTo(selection, shown, toId, fromId)),
    setSelected: (accountId, ids, selected) => changeSelection(accountId, (selection) => setKeys(selection, ids, selected)),
    selectOnly: (accountId, ids) => changeSelection(accountId, () => onlyKeys(ids)),
    clearSelection: (accountId) => {
      if ((get().selections[accountId]?.ids.size ?? 0) > 0) changeSelection(accountId, () => NO_SELECTION)
    },
    forgetKeyView: (accountId) =>
      set((state) => {
        if (!(accountId in state.selections) && !(accountId in state.quickFilters)) return {}
        const { [accountId]: _selection, ...selections } = state.selections
        const { [accountId]: _filter, ...quickFilters } = state.quickFilters
        return { selections, quickFilters }
      }),

    // Notes and bulk deletes: their code loads with their first use (from their dialogs).
    setNote: laterList('setNote'),
    bulkDelete: laterList('bulkDelete'),

    cancelBatch: (batchId) => call(() => api.keys.cancelBatch({ batchId }))
  }
}
