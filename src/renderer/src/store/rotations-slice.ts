/**
 * Guided rotation, the activity log, exports and settings, as the window sees them. The account's
 * rotations themselves arrive with every key list main sends and live with the list
 * (`lists[accountId].rotations`), so the rows and the rotations panel read the same copy.
 */
import type { ActivityReadResult } from '../../../shared/activity'
import type { AccountId, CreatedKeyView, ExportOutcome, OwnKeyRotationResult, Preferences } from '../../../shared/domain'
import type { AppError, Result } from '../../../shared/errors'
import type { ActivityListRequest } from '../../../shared/ipc-contract'
import { call, deferredActions, type SliceContext } from './app-store'
import type { RotationActions } from './rotation-actions'

export interface RotationsSlice {
  /**
   * Creates the replacement of a key (one POST for `requestId`, never retried) and opens its
   * rotation. Like createKey: a provisional row at once, a fresh list after, the token only in
   * the value returned; a lost answer refreshes the list so the person can look for the key.
   */
  startRotation: (accountId: AccountId, keyId: number, name: string, requestId: string) => Promise<Result<CreatedKeyView>>
  /** Deletes the old key of an open rotation; resolves null or the error (the rotation then stays open). */
  finishRotation: (accountId: AccountId, newKeyId: number) => Promise<AppError | null>
  /** Ends a rotation keeping both keys, or deleting the replacement. */
  cancelRotation: (accountId: AccountId, newKeyId: number, deleteReplacement: boolean) => Promise<AppError | null>
  /** Replaces the key this app signs in with for an account (all of it in main). */
  rotateOwnKey: (accountId: AccountId, requestId: string, reveal: boolean) => Promise<Result<OwnKeyRotationResult>>
  listActivity: (request: ActivityListRequest) => Promise<Result<ActivityReadResult>>
  exportKeys: (accountId: AccountId, format: 'csv' | 'json') => Promise<Result<ExportOutcome>>
  exportActivity: (format: 'csv' | 'json', accountId?: AccountId) => Promise<Result<ExportOutcome>>
  /** Whether the window is on screen (main pauses rotation watching while it is not). */
  setVisibility: (visible: boolean) => Promise<void>
  /** Saves some settings through main (which checks them again); resolves null or the error. */
  updatePreferences: (changes: Partial<Preferences>) => Promise<AppError | null>
}

export function createRotationsSlice(context: SliceContext): RotationsSlice {
  const { api } = context
  let actions: Promise<RotationActions> | null = null
  const later = deferredActions((): Promise<RotationActions> => (actions ??= import('./rotation-actions').then((m) => m.createRotationActions(context))))
  return {
    startRotation: later('startRotation'),
    finishRotation: later('finishRotation'),
    cancelRotation: later('cancelRotation'),
    rotateOwnKey: later('rotateOwnKey'),
    listActivity: later('listActivity'),
    exportKeys: later('exportKeys'),
    exportActivity: later('exportActivity'),
    updatePreferences: later('updatePreferences'),
    setVisibility: async (visible) => {
      await call(() => api.app.setVisibility({ visible }))
    }
  }
}
