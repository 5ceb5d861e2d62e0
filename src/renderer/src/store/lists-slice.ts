/**
 * One key list per account, and the actions on keys. Every action names its account and changes
 * only that account's list, whichever account the window shows by the time the answer arrives.
 */
import type { AccountId, CopyResultView, CreatedKeyView, KeyListItem, KeyListView } from '../../../shared/domain'
import type { AppError, Result } from '../../../shared/errors'
import { call, type SliceContext } from './app-store'

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
}

export const EMPTY_LIST: KeyListState = { items: null, fetchedAt: null, fromCache: false, refreshing: false, error: null }

export interface ListsSlice {
  lists: Record<AccountId, KeyListState>
  /** Fetches the account's list. Concurrent calls share one fetch. */
  refresh(accountId: AccountId): Promise<void>
  /**
   * Shows the account's cached list (from main's memory or disk) when it is newer than what is
   * shown. `justFetched`: main fetched it a moment ago ("Refresh all"), so it is not an old copy.
   */
  loadCached(accountId: AccountId, options?: { justFetched?: boolean }): Promise<void>
  /**
   * Creates one key for `requestId`. On success a provisional row appears at once and a fresh
   * list confirms it in the background; the result (with the token) goes back to the caller only.
   * An unknown outcome triggers a list refresh, never a retry.
   */
  createKey(accountId: AccountId, name: string, requestId: string): Promise<Result<CreatedKeyView>>
  /** Deletes a key; resolves null on success (a key already gone counts as success) or the error. */
  deleteKey(accountId: AccountId, key: KeyListItem): Promise<AppError | null>
  copyToken(pendingId: string): Promise<Result<CopyResultView>>
  confirmTokenSaved(pendingId: string): Promise<Result<null>>
}

export const listFromView = (view: KeyListView): KeyListState => ({
  items: view.keys,
  fetchedAt: view.fetchedAt,
  fromCache: view.fromCache,
  refreshing: false,
  error: null
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

  const fetchList = async (accountId: AccountId, epoch: number): Promise<void> => {
    const listed = await call(() => api.keys.list({ accountId }))
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
      if (!stillCurrent(accountId, epoch)) return result
      if (result.ok) {
        const { key } = result.value
        if (key) {
          patchList(accountId, (list) => ({ items: [key, ...(list.items ?? []).filter((item) => item.id !== key.id)] }))
        }
        // The fresh list main started after the POST confirms the row (or shows where it is).
        void get().refresh(accountId)
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
        return {
          dialog: closes ? null : dialog,
          lists: { ...state.lists, [accountId]: { ...current, items: current.items?.filter((item) => item.id !== key.id) ?? null } }
        }
      })
      return null
    },

    copyToken: (pendingId) => call(() => api.token.copy({ pendingId })),
    confirmTokenSaved: (pendingId) => call(() => api.token.confirmSaved({ pendingId }))
  }
}
