/**
 * The open dialog, whatever screen is shown. Every dialog is loaded on demand (most windows never
 * open most of them), and so is the table of dialogs (OpenDialogs.tsx): the start bundle holds
 * only this host. Pointing at or focusing a control that opens a dialog starts the download, so
 * the click itself rarely waits.
 */
import { lazy, Suspense, useEffect } from 'react'
import { useApp } from '../store/store-context'

const loadDialogs = () => import('./OpenDialogs')
const OpenDialogs = lazy(loadDialogs)

/** Starts loading a dialog's code before it is opened. */
export function prefetchDialog(kind: string): void {
  void loadDialogs().then(
    (dialogs) => dialogs.prefetchDialog(kind),
    () => undefined // a failed prefetch is retried by the open itself
  )
}

/** Controls that open a dialog say which (`data-opens-dialog`): pointing at or focusing one prefetches it. */
export const OPENS_DIALOG = 'data-opens-dialog'

function usePrefetchOnIntent(): void {
  useEffect(() => {
    const onIntent = (event: Event) => {
      const trigger = (event.target as Element | null)?.closest?.(`[${OPENS_DIALOG}]`)
      const kind = trigger?.getAttribute(OPENS_DIALOG)
      if (kind) prefetchDialog(kind)
    }
    window.addEventListener('pointerover', onIntent, { passive: true })
    window.addEventListener('focusin', onIntent)
    return () => {
      window.removeEventListener('pointerover', onIntent)
      window.removeEventListener('focusin', onIntent)
    }
  }, [])
}

export function DialogHost() {
  usePrefetchOnIntent()
  const open = useApp((state) => state.dialog !== null)
  return open ? (
    <Suspense fallback={null}>
      <OpenDialogs />
    </Suspense>
  ) : null
}
