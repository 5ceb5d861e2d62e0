/**
 * Adding and removing accounts, and the clipboard setting, for the accounts slice: loaded with their first use (the sign-in
 * screen, the add and remove dialogs), so the window's start does not carry them.
 */
import type { AccountView, AddAccountResult } from '../../../shared/domain'
import { call, type SliceContext } from './app-store'
import type { AccountsSlice } from './accounts-slice'
import { listFromView } from './lists-slice'

export type AccountActions = Pick<AccountsSlice, 'addAccount' | 'addSandbox' | 'removeAccount' | 'removeAllAccounts' | 'setClipboardClearSeconds'>

export function createAccountActions({ api, set, get }: SliceContext): AccountActions {
  /** Puts an account view in place (or at the end), as main's next event will too. */
  const upsertAccount = (account: AccountView): void =>
    set((state) => {
      const index = state.accounts.findIndex((candidate) => candidate.id === account.id)
      const accounts = index === -1 ? [...state.accounts, account] : state.accounts.map((candidate, i) => (i === index ? account : candidate))
      return { accounts }
    })

  const afterAdd = (result: AddAccountResult): void => {
    const { account, list } = result
    get().runs.bump(account.id) // a new session: answers for the old one no longer apply
    upsertAccount(account)
    if (list) set((state) => ({ lists: { ...state.lists, [account.id]: listFromView(list) } }))
    set({ addBusy: null, addError: null })
    get().showAccount(account.id)
  }

  return {
    addAccount: async (baseUrl, apiKey) => {
      if (get().addBusy) return null
      set({ addBusy: 'sign-in', addError: null })
      const result = await call(() => api.accounts.add({ baseUrl, apiKey }))
      if (!result.ok) {
        set({ addBusy: null, addError: result.error })
        return null
      }
      afterAdd(result.value)
      return result.value
    },

    addSandbox: async () => {
      if (get().addBusy) return false
      set({ addBusy: 'sandbox', addError: null })
      const result = await call(() => api.accounts.addSandbox())
      if (!result.ok) {
        set({ addBusy: null, addError: result.error })
        return false
      }
      afterAdd(result.value)
      return true
    },

    removeAccount: async (accountId) => {
      if (get().removeBusy) return false
      set({ removeBusy: true, removeError: null })
      const result = await call(() => api.accounts.remove({ accountId }))
      if (!result.ok) {
        set({ removeBusy: false, removeError: result.error })
        return false
      }
      get().accountsChanged(result.value)
      set({ removeBusy: false, dialog: null })
      return true
    },

    removeAllAccounts: async () => {
      if (get().removeBusy) return false
      set({ removeBusy: true, removeError: null })
      const result = await call(() => api.accounts.removeAll())
      if (!result.ok) {
        // Some accounts may be gone already: show what is left.
        const left = await call(() => api.accounts.list())
        if (left.ok) get().accountsChanged(left.value)
        set({ removeBusy: false, removeError: result.error })
        return false
      }
      get().accountsChanged(result.value)
      set({ removeBusy: false, dialog: null })
      return true
    },

    setClipboardClearSeconds: async (seconds) => {
      const result = await call(() => api.preferences.update({ clipboardClearSeconds: seconds }))
      if (!result.ok) return result.error
      set({ preferences: result.value })
      return null
    }
  }
}
