/** What the window shows around the data: sort, filter and which modal dialog is open. */
import type { AccountId, KeyListItem } from '../../../shared/domain'
import { DEFAULT_SORT, nextSort, type SortColumn, type SortOrder } from '../lib/key-list'
import type { SliceContext } from './app-store'

/** The modal dialogs the store opens. The copy-once dialog is not here: it holds a token. */
export type OpenDialog =
  | { kind: 'new-key'; accountId: AccountId }
  | { kind: 'delete'; accountId: AccountId; key: KeyListItem }
  /** Sign-in form in a dialog: a new account, or (with `baseUrl`/`email`) again to one that needs it. */
  | { kind: 'add-account'; baseUrl?: string; email?: string }
  | { kind: 'remove-account'; accountId: AccountId }
  | { kind: 'remove-all' }
  | { kind: 'settings' }
  /** A key's note and review date. */
  | { kind: 'notes'; accountId: AccountId; keyId: number }
  /** Deleting the selected keys of an account, as one batch. */
  | { kind: 'bulk-delete'; accountId: AccountId; ids: number[] }
  /** Starting the rotation of a key (its replacement is created here). */
  | { kind: 'rotate'; accountId: AccountId; keyId: number }
  /** An open rotation: finish (delete the old key) or cancel. Known by the replacement's id. */
  | { kind: 'rotation'; accountId: AccountId; newKeyId: number }
  /** Replacing the key this app signs in with for an account. */
  | { kind: 'rotate-own'; accountId: AccountId }
  | null

export interface UiSlice {
  sort: SortOrder
  filter: string
  dialog: OpenDialog
  /** A passing message about something that went as asked (e.g. an account that was already here). */
  notice: string | null
  setNotice: (notice: string | null) => void
  /** Account notices (from main) the person dismissed, by account: hidden until main says something else. */
  dismissedNotices: Record<AccountId, string>
  dismissAccountNotice: (accountId: AccountId, notice: string) => void
  /** Rotations that completed elsewhere and whose "done" line the person dismissed (replacement ids). */
  dismissedRotations: Record<AccountId, number[]>
  dismissRotation: (accountId: AccountId, newKeyId: number) => void
  setFilter: (filter: string) => void
  /** Sorts by `column`, flipping the direction when it is already the sort column. */
  sortBy: (column: SortColumn) => void
  /** Opens a dialog unless one is open already (a shortcut never stacks dialogs). */
  openDialog: (dialog: Exclude<OpenDialog, null>) => void
  closeDialog: () => void
}

export function createUiSlice({ set, get }: SliceContext): UiSlice {
  return {
    sort: DEFAULT_SORT,
    filter: '',
    dialog: null,
    notice: null,
    setNotice: (notice) => set({ notice }),
    dismissedNotices: {},
    dismissAccountNotice: (accountId, notice) => set((state) => ({ dismissedNotices: { ...state.dismissedNotices, [accountId]: notice } })),
    dismissedRotations: {},
    dismissRotation: (accountId, newKeyId) =>
      set((state) => ({ dismissedRotations: { ...state.dismissedRotations, [accountId]: [...(state.dismissedRotations[accountId] ?? []), newKeyId] } })),
    setFilter: (filter) => set({ filter }),
    sortBy: (column) => set((state) => ({ sort: nextSort(state.sort, column) })),
    openDialog: (dialog) => {
      if (get().dialog === null) set({ dialog })
    },
    closeDialog: () => set({ dialog: null })
  }
}
