/**
 * Owns the tokens waiting to be shown once, in React state only (never the store, storage, URL or
 * logs), and shows them one at a time in the copy-once dialog. A token leaves this state when the
 * person confirms they saved it, so it leaves the DOM with the dialog.
 */
import { createContext, lazy, Suspense, useCallback, useContext, useState, type ReactNode } from 'react'
import type { PendingTokenView } from '../../../shared/domain'

// Loaded on demand; the New key dialog prefetches it, so a create's token never waits for it.
const loadCopyOnceDialog = () => import('./CopyOnceDialog')
const CopyOnceDialog = lazy(() => loadCopyOnceDialog().then((m) => ({ default: m.CopyOnceDialog })))

/** Starts loading the copy-once dialog (before the token arrives). */
export function prefetchCopyOnceDialog(): void {
  void loadCopyOnceDialog().catch(() => undefined)
}

/** What the copy-once dialog needs to show a token; `replaces` when the key replaces another (a rotation). */
export type TokenToShow = Pick<PendingTokenView, 'pendingId' | 'token' | 'keyName' | 'accountLabel'> & Partial<Pick<PendingTokenView, 'replaces'>>

const OfferTokensContext = createContext<((tokens: readonly TokenToShow[]) => void) | null>(null)

/** Queues tokens for the copy-once dialog (duplicates by pendingId are ignored). */
export function useOfferTokens(): (tokens: readonly TokenToShow[]) => void {
  const offer = useContext(OfferTokensContext)
  if (!offer) throw new Error('useOfferTokens must be used inside <CopyOnceHost>.')
  return offer
}

/** Provides `useOfferTokens` to the tree and renders the copy-once dialog above it. */
export function CopyOnceHost({ children }: { children: ReactNode }) {
  const [queue, setQueue] = useState<readonly TokenToShow[]>([])

  const offerTokens = useCallback((tokens: readonly TokenToShow[]) => {
    if (tokens.length === 0) return
    setQueue((current) => {
      const known = new Set(current.map((item) => item.pendingId))
      const fresh = tokens
        .filter((item) => !known.has(item.pendingId))
        // Copy only the fields shown, so nothing else from the caller's object is retained.
        .map(({ pendingId, token, keyName, accountLabel, replaces }) => ({
          pendingId,
          token,
          keyName,
          accountLabel,
          replaces: replaces ? { id: replaces.id, name: replaces.name } : null
        }))
      return fresh.length === 0 ? current : [...current, ...fresh]
    })
  }, [])

  const current = queue[0]
  const finish = useCallback((pendingId: string) => {
    setQueue((items) => items.filter((item) => item.pendingId !== pendingId))
  }, [])

  return (
    <OfferTokensContext.Provider value={offerTokens}>
      {children}
      {current && (
        <Suspense fallback={null}>
          <CopyOnceDialog key={current.pendingId} pending={current} onDone={finish} />
        </Suspense>
      )}
    </OfferTokensContext.Provider>
  )
}
