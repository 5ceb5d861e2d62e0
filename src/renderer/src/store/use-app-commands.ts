/**
 * The three commands the menu and the keyboard share. They act only when signed in; the ones
 * that open or focus something wait while a modal dialog is open.
 */
import { useCallback } from 'react'
import type { MenuCommand } from '../../../shared/domain'
import { focusFilter, isModalOpen } from '../lib/dom'
import { useAppStoreApi } from './store-context'

/** Returns a stable function that runs a menu/shortcut command against the store. */
export function useAppCommands(): (command: MenuCommand) => void {
  const store = useAppStoreApi()
  return useCallback(
    (command: MenuCommand) => {
      const state = store.getState()
      if (state.session.state !== 'signed-in') return
      switch (command) {
        case 'new-key':
          if (!isModalOpen()) state.openNewKeyDialog()
          break
        case 'find':
          if (!isModalOpen()) focusFilter()
          break
        case 'refresh':
          void state.refresh()
          break
      }
    },
    [store]
  )
}
