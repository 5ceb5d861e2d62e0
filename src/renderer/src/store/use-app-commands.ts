/**
 * The commands the menu and the keyboard share. They act only when there is an account; the ones
 * that open or focus something wait while a modal dialog is open.
 */
import { useCallback } from 'react'
import type { AccountId, MenuCommand } from '../../../shared/domain'
import { focusFilter, isModalOpen } from '../lib/dom'
import { useAppStoreApi } from './store-context'

/** What a command needs besides its name: the account (menu) or its position (Ctrl/Cmd+1…9). */
export interface CommandTarget {
  accountId?: AccountId | undefined
  index?: number | undefined
}

/** Returns a stable function that runs a menu/shortcut command against the store. */
export function useAppCommands(): (command: MenuCommand, target?: CommandTarget) => void {
  const store = useAppStoreApi()
  return useCallback(
    (command: MenuCommand, target: CommandTarget = {}) => {
      const state = store.getState()
      if (state.accounts.length === 0) return
      // Switching and refreshing go on under an open dialog (every dialog names its own account,
      // and a create or delete finishes in that account whatever is shown meanwhile).
      if (isModalOpen() && (command === 'new-key' || command === 'find' || command === 'add-account')) return
      const shown = state.accounts.find((account) => account.id === state.shownAccountId)
      const onKeys = state.screen === 'keys' && shown !== undefined && shown.status !== 'needs-sign-in'
      switch (command) {
        case 'new-key':
          if (onKeys) state.openDialog({ kind: 'new-key', accountId: shown.id })
          break
        case 'find':
          if (onKeys) focusFilter()
          break
        case 'refresh':
          if (state.screen === 'overview') void state.refreshAll()
          else if (shown) void state.refresh(shown.id)
          break
        case 'add-account':
          state.openDialog({ kind: 'add-account' })
          break
        case 'show-overview':
          state.showOverview()
          break
        case 'show-account':
          if (target.accountId !== undefined) state.showAccount(target.accountId)
          else if (target.index !== undefined) state.showAccountAt(target.index)
          break
        case 'show-activity':
          state.showActivity()
          break
        case 'export-keys': {
          // The menu names the account when it can; otherwise the shown one. CSV: main's save
          // dialog lets the person pick the place (the header's menu also offers JSON).
          const accountId = target.accountId ?? shown?.id
          if (accountId === undefined) break
          // Like every export: its finishing code loads with it.
          void Promise.all([state.exportKeys(accountId, 'csv'), import('../lib/export-file')]).then(([result, { finishExport }]) => {
            const message = finishExport(result)
            if (message) store.getState().setNotice(message)
          })
          break
        }
      }
    },
    [store]
  )
}
