/**
 * Every dialog, each loaded on demand, and the one that is open. This module itself loads with
 * the first dialog a window opens (or the first sign of intent to open one): see DialogHost.
 */
import { lazy, Suspense } from 'react'
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
export function prefetchDialog(kind: string): void {
  // A failed prefetch is retried by the open itself.
  if (kind in loaders) void loaders[kind as keyof typeof loaders]().catch(() => undefined)
}

export default function OpenDialogs() {
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
