/**
 * Hands the store to components. Components subscribe narrowly: `useApp(s => s.filter)` re-renders
 * only when the filter changes; `useAppShallow` for small picked objects.
 */
import { createContext, useContext, type ReactNode } from 'react'
import { useStore, type StoreApi } from 'zustand'
import { useShallow } from 'zustand/react/shallow'
import type { AppStore } from './app-store'

const StoreContext = createContext<StoreApi<AppStore> | null>(null)

/** Provides one store to the tree below. */
export function AppStoreProvider({ store, children }: { store: StoreApi<AppStore>; children: ReactNode }) {
  return <StoreContext.Provider value={store}>{children}</StoreContext.Provider>
}

/** The store itself, for event handlers that read the latest state without subscribing. */
export function useAppStoreApi(): StoreApi<AppStore> {
  const store = useContext(StoreContext)
  if (!store) throw new Error('useApp must be used inside <AppStoreProvider>.')
  return store
}

/** Selects one value from the store; the component re-renders only when it changes (Object.is). */
export function useApp<T>(selector: (state: AppStore) => T): T {
  return useStore(useAppStoreApi(), selector)
}

/** Selects several values at once, compared shallowly. */
export function useAppShallow<T extends object>(selector: (state: AppStore) => T): T {
  return useStore(useAppStoreApi(), useShallow(selector))
}
