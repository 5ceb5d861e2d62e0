/**
 * The one declaration of the IPC bridge. Main's handlers, the preload, the browser preview and
 * the renderer all derive their types from this map, so a mismatch is a compile error.
 *
 * Every channel that acts on an account names it (`accountId`): main keeps no "current account"
 * that a switch in the window could change under a running call.
 */
import type { ActivityAction, ActivityReadResult } from './activity'
import type {
  AccountId,
  AccountView,
  AddAccountResult,
  BatchProgressView,
  BulkDeleteResult,
  CopyResultView,
  CreatedKeyView,
  DeleteResultView,
  ExportOutcome,
  InitialStateView,
  KeyListView,
  MenuCommand,
  OwnKeyRotationResult,
  PendingTokenView,
  Preferences,
  RefreshOutcome
} from './domain'
import type { Result } from './errors'
import type { StoredKeyNote } from './key-notes'
import type { RotationRecord } from './rotation'

/** Request/response channels (renderer → main → renderer). */
export interface InvokeContract {
  /** Everything for the first paint, from disk only: no network. */
  'app:get-initial-state': { request: void; response: InitialStateView }
  /** Every account with its state (re-read from disk, so one added by the command line shows). */
  'accounts:list': { request: void; response: AccountView[] }
  /** Verify-first sign-in to an account (a new one, or again to one already here). */
  'accounts:add': { request: AddAccountRequest; response: AddAccountResult }
  /** Start a built-in sandbox server (another loopback "host" each time) and add its demo account. */
  'accounts:add-sandbox': { request: void; response: AddAccountResult }
  /** Sign out of one account: its keychain entry and its cached data go. */
  'accounts:remove': { request: AccountRequest; response: AccountView[] }
  /** Sign out of every account. */
  'accounts:remove-all': { request: void; response: AccountView[] }
  /** The window now shows this account (remembered for the next start and for the menu). */
  'accounts:show': { request: AccountRequest; response: null }
  /** Fetch every account's list in parallel (progress arrives as `event:accounts-changed`). */
  'accounts:refresh-all': { request: void; response: RefreshOutcome[] }
  /** Fetch one account's list (re-verifying its credential alongside when not yet verified). */
  'keys:list': { request: AccountRequest; response: KeyListView }
  /** The account's whole cached list, from memory or disk only (no network). */
  'keys:get-cached': { request: AccountRequest; response: KeyListView | null }
  'keys:create': { request: CreateKeyRequest; response: CreatedKeyView }
  'keys:delete': { request: DeleteKeyRequest; response: DeleteResultView }
  /**
   * Deletes the chosen keys (fixed when asked) as one paced batch, at most 4 in flight; progress
   * arrives as `event:batch-progress`. Resolves when the batch has ended.
   */
  'keys:bulk-delete': { request: BulkDeleteRequest; response: BulkDeleteResult }
  /** Stops a running batch: requests in flight finish, none starts after. */
  'keys:cancel-batch': { request: BatchRequest; response: null }
  /** A key's note and review date, kept on this computer; an empty note and no date remove it. */
  'notes:set': { request: SetNoteRequest; response: StoredKeyNote | null }
  /** The activity log (newest first), optionally of one account or action. */
  'activity:list': { request: ActivityListRequest; response: ActivityReadResult }
  /** Saves the account's key list with its notes (CSV or JSON) where the person chooses. */
  'export:keys': { request: ExportKeysRequest; response: ExportOutcome }
  'export:activity': { request: ExportActivityRequest; response: ExportOutcome }
  /** Creates the replacement of a key (one POST, never retried) and opens a rotation. */
  'rotation:start': { request: StartRotationRequest; response: CreatedKeyView }
  /** Deletes the old key of an open rotation (one DELETE). */
  'rotation:finish': { request: RotationRequest; response: RotationRecord }
  /** Ends a rotation keeping both keys, or deleting the replacement. */
  'rotation:cancel': { request: CancelRotationRequest; response: RotationRecord }
  /** Replaces the key this app signs in with: create, verify, swap in the keychain, delete the old. */
  'rotation:rotate-own': { request: RotateOwnKeyRequest; response: OwnKeyRotationResult }
  /** Tokens created but not yet confirmed as saved (offered again after a window reload). */
  'token:list-pending': { request: void; response: PendingTokenView[] }
  /** Copy a pending token to the clipboard in main; the token does not travel back over IPC. */
  'token:copy': { request: PendingTokenRequest; response: CopyResultView }
  /** The person saved the token: main wipes it. */
  'token:confirm-saved': { request: PendingTokenRequest; response: null }
  'preferences:update': { request: Partial<Preferences>; response: Preferences }
  /** Whether the window is on screen (rotation watching pauses while it is not). */
  'app:set-visibility': { request: VisibilityRequest; response: null }
  /** Open an allowlisted https link (Autocalls docs and dashboard) in the default browser. */
  'shell:open-external': { request: OpenExternalRequest; response: null }
}

/** Events pushed from main to the window. */
export interface EventContract {
  /**
   * An account changed: added, removed, refreshing, refreshed, failed, signed out by the server.
   * Carries every account, so the window never has to merge partial updates.
   */
  'event:accounts-changed': { accounts: AccountView[] }
  'event:menu-command': { command: MenuCommand; accountId?: AccountId }
  /**
   * A created token is waiting to be confirmed. Carries no secret: a window that did not start
   * that create (a reloaded one) asks for it with token:list-pending.
   */
  'event:token-waiting': { pendingId: string; accountId: AccountId }
  /** Main fetched an account's list on its own (refresh all, rotation watching, a create's confirmation). */
  'event:keys-updated': { accountId: AccountId; fetchedAt: string }
  'event:batch-progress': BatchProgressView
}

export interface AccountRequest {
  accountId: AccountId
}
export interface AddAccountRequest {
  baseUrl: string
  apiKey: string
}
export interface CreateKeyRequest {
  accountId: AccountId
  name: string
  /**
   * Chosen by the renderer once per submitted form: main runs one create per id, so a double
   * click, a double Enter or a second window racing cannot make two keys.
   */
  requestId: string
}
export interface DeleteKeyRequest {
  accountId: AccountId
  id: number
}
export interface BulkDeleteRequest {
  accountId: AccountId
  /** Chosen by the window, so it can follow and cancel the batch. */
  batchId: string
  ids: number[]
  /** The app's own key may be among `ids` only when this is true (the person confirmed it). */
  includeOwnKey: boolean
}
export interface BatchRequest {
  batchId: string
}
export interface SetNoteRequest {
  accountId: AccountId
  keyId: number
  note: string
  /** `YYYY-MM-DD` or null. */
  reviewBy: string | null
}
export interface ActivityListRequest {
  accountId?: AccountId
  action?: ActivityAction
  limit?: number
}
export interface ExportKeysRequest {
  accountId: AccountId
  format: 'csv' | 'json'
}
export interface ExportActivityRequest {
  format: 'csv' | 'json'
  accountId?: AccountId
}
export interface StartRotationRequest {
  accountId: AccountId
  /** The key to replace. */
  keyId: number
  /** The replacement's name (the old key's by default). */
  name: string
  requestId: string
}
export interface RotationRequest {
  accountId: AccountId
  /** Rotations are known by their replacement's id. */
  newKeyId: number
}
export interface CancelRotationRequest extends RotationRequest {
  deleteReplacement: boolean
}
export interface RotateOwnKeyRequest {
  accountId: AccountId
  requestId: string
  /** Show the new token in the copy-once dialog (off by default: it never needs to leave main). */
  reveal: boolean
}
export interface VisibilityRequest {
  visible: boolean
}
export interface PendingTokenRequest {
  pendingId: string
}
export interface OpenExternalRequest {
  url: string
}

export type InvokeChannel = keyof InvokeContract
export type EventChannel = keyof EventContract
export type RequestOf<C extends InvokeChannel> = InvokeContract[C]['request']
export type ResponseOf<C extends InvokeChannel> = InvokeContract[C]['response']
export type EventPayload<E extends EventChannel> = EventContract[E]

// Runtime lists, checked against the contract so a channel cannot be added to one and not the other.
const invokeChannelSet = {
  'app:get-initial-state': true,
  'accounts:list': true,
  'accounts:add': true,
  'accounts:add-sandbox': true,
  'accounts:remove': true,
  'accounts:remove-all': true,
  'accounts:show': true,
  'accounts:refresh-all': true,
  'keys:list': true,
  'keys:get-cached': true,
  'keys:create': true,
  'keys:delete': true,
  'keys:bulk-delete': true,
  'keys:cancel-batch': true,
  'notes:set': true,
  'activity:list': true,
  'export:keys': true,
  'export:activity': true,
  'rotation:start': true,
  'rotation:finish': true,
  'rotation:cancel': true,
  'rotation:rotate-own': true,
  'token:list-pending': true,
  'token:copy': true,
  'token:confirm-saved': true,
  'preferences:update': true,
  'app:set-visibility': true,
  'shell:open-external': true
} as const satisfies Record<InvokeChannel, true>

const eventChannelSet = {
  'event:accounts-changed': true,
  'event:menu-command': true,
  'event:token-waiting': true,
  'event:keys-updated': true,
  'event:batch-progress': true
} as const satisfies Record<EventChannel, true>

export const INVOKE_CHANNELS = Object.keys(invokeChannelSet) as InvokeChannel[]
export const EVENT_CHANNELS = Object.keys(eventChannelSet) as EventChannel[]

/** How a transport (Electron IPC or the preview's HTTP) carries one call. */
export type Invoke = <C extends InvokeChannel>(channel: C, request: RequestOf<C>) => Promise<Result<ResponseOf<C>>>
/** How a transport delivers events; returns an unsubscribe function. */
export type Subscribe = <E extends EventChannel>(channel: E, listener: (payload: EventPayload<E>) => void) => () => void
