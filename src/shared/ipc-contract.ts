/**
 * The one declaration of the IPC bridge. Main's handlers, the preload, the browser preview and
 * the renderer all derive their types from this map, so a mismatch is a compile error.
 *
 * Every channel that acts on an account names it (`accountId`): main keeps no "current account"
 * that a switch in the window could change under a running call.
 */
import type {
  AccountId,
  AccountView,
  AddAccountResult,
  CopyResultView,
  CreatedKeyView,
  DeleteResultView,
  InitialStateView,
  KeyListView,
  MenuCommand,
  PendingTokenView,
  Preferences,
  RefreshOutcome
} from './domain'
import type { Result } from './errors'

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
  /** Tokens created but not yet confirmed as saved (offered again after a window reload). */
  'token:list-pending': { request: void; response: PendingTokenView[] }
  /** Copy a pending token to the clipboard in main; the token does not travel back over IPC. */
  'token:copy': { request: PendingTokenRequest; response: CopyResultView }
  /** The person saved the token: main wipes it. */
  'token:confirm-saved': { request: PendingTokenRequest; response: null }
  'preferences:update': { request: Partial<Preferences>; response: Preferences }
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
  'token:list-pending': true,
  'token:copy': true,
  'token:confirm-saved': true,
  'preferences:update': true,
  'shell:open-external': true
} as const satisfies Record<InvokeChannel, true>

const eventChannelSet = {
  'event:accounts-changed': true,
  'event:menu-command': true,
  'event:token-waiting': true
} as const satisfies Record<EventChannel, true>

export const INVOKE_CHANNELS = Object.keys(invokeChannelSet) as InvokeChannel[]
export const EVENT_CHANNELS = Object.keys(eventChannelSet) as EventChannel[]

/** How a transport (Electron IPC or the preview's HTTP) carries one call. */
export type Invoke = <C extends InvokeChannel>(channel: C, request: RequestOf<C>) => Promise<Result<ResponseOf<C>>>
/** How a transport delivers events; returns an unsubscribe function. */
export type Subscribe = <E extends EventChannel>(channel: E, listener: (payload: EventPayload<E>) => void) => () => void
