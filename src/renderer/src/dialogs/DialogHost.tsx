/**
 * The open dialog, whatever screen is shown. Every dialog is loaded on demand (most windows never
 * open most of them); `prefetchDialog` starts the download when the person shows intent (hover,
 * focus), so the click itself rarely waits.
 */
import { lazy, Suspense, useEffect } from 'react'
import { useApp } from '../store/store-context'
import type { OpenDialog } from '../store/app-store'

const loaders = {
  'new-key': () => import('./NewKeyDialog'),
  delete: () => import('./DeleteKeyDialog'),
  'add-account': () => import('./AddAccountDialog'),
  'remove-account': () => import('./RemoveAccountDialog'),
  'remove-all': () => import('./RemoveAccountDialog'),
  settings: () => import('./SettingsDialog'),
  notes: () => import('./NotesDialog'),
  'bulk-delete': () => import('./BulkDeleteDialog'),
  rotate: () => import('./RotateDialog'),
  rotation: () => import('./RotationDialog'),
  'rotate-own': () => import('./RotateOwnKeyDialog')
} satisfies Record<NonNullable<OpenDialog>['kind'], () => Promise<unknown>>

const NewKeyDialog = lazy(loaders['new-key'])
const DeleteKeyDialog = lazy(loaders.delete)
const AddAccountDialog = lazy(loaders['add-account'])
const RemoveAccountDialog = lazy(loaders['remove-account'])
const SettingsDialog = lazy(loaders.settings)
const NotesDialog = lazy(loaders.notes)
const BulkDeleteDialog = lazy(loaders['bulk-delete'])
const RotateDialog = lazy(loaders.rotate)
const RotationDialog = lazy(loaders.rotation)
const RotateOwnKeyDialog = lazy(loaders['rotate-own'])

/** Starts loading a dialog's code before it is opened (idempotent: the module loader caches it). */
export function prefetchDialog(kind: NonNullable<OpenDialog>['kind']): void {
  void loaders[kind]().catch(() => undefined) // a failed prefetch is retried by the open itself
}

/** Controls that open a dialog say which (`data-opens-dialog`): pointing at or focusing one prefetches it. */
export const OPENS_DIALOG = 'data-opens-dialog'

function usePrefetchOnIntent(): void {
  useEffect(() => {
    const onIntent = (event: Event) => {
      const trigger = (event.target as Element | null)?.closest?.(`[${OPENS_DIALOG}]`)
      const kind = trigger?.getAttribute(OPENS_DIALOG)
      if (kind && kind in loaders) prefetchDialog(kind as keyof typeof loaders)
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
  const dialog = useApp((state) => state.dialog)
  const removing = useApp((state) => (dialog?.kind === 'remove-account' ? (state.accounts.find((a) => a.id === dialog.accountId) ?? null) : null))
  return <Suspense fallback={null}>{renderDialog(dialog, removing)}</Suspense>
}

function renderDialog(dialog: OpenDialog, removing: Parameters<typeof RemoveAccountDialog>[0]['account']) {
  switch (dialog?.kind) {
    case 'new-key':
      return <NewKeyDialog accountId={dialog.accountId} />
    case 'delete':
      return <DeleteKeyDialog key={`${dialog.accountId}\n${dialog.key.id}`} accountId={dialog.accountId} apiKey={dialog.key} />
    case 'add-account':
      return <AddAccountDialog baseUrl={dialog.baseUrl} email={dialog.email} />
    case 'remove-account':
      return removing ? <RemoveAccountDialog account={removing} /> : null
    case 'remove-all':
      return <RemoveAccountDialog account={null} />
    case 'settings':
      return <SettingsDialog />
    case 'notes':
      return <NotesDialog key={`${dialog.accountId}\n${dialog.keyId}`} accountId={dialog.accountId} keyId={dialog.keyId} />
    case 'bulk-delete':
      return <BulkDeleteDialog accountId={dialog.accountId} ids={dialog.ids} />
    case 'rotate':
      return <RotateDialog key={`${dialog.accountId}\n${dialog.keyId}`} accountId={dialog.accountId} keyId={dialog.keyId} />
    case 'rotation':
      return <RotationDialog key={`${dialog.accountId}\n${dialog.newKeyId}`} accountId={dialog.accountId} newKeyId={dialog.newKeyId} />
    case 'rotate-own':
      return <RotateOwnKeyDialog accountId={dialog.accountId} />
    default:
      return null
  }
}
