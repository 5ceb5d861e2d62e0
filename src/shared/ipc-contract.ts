/**
 * The one declaration of the IPC bridge. Main's handlers, the preload, the browser preview and
 * the renderer all derive their types from this map, so a mismatch is a compile error.
 */
import type {
  CopyResultView,
  CreatedKeyView,
  DeleteResultView,
  InitialStateView,
  KeyListView,
  MenuCommand,
  PendingTokenView,
  Preferences,
  SessionView
} from './domain'
import type { Result } from './errors'

/** Request/response channels (renderer → main → renderer). */
export interface InvokeContract {
  /** Everything for the first paint, from disk only: no network. */
  'app:get-initial-state': { request: void; response: InitialStateView }
  /** Re-verify the stored credential with the server. */
  'session:restore': { request: void; response: SessionView }
  'session:sign-in': { request: SignInRequest; response: SessionView }
  /** Start the built-in sandbox server and sign in to its demo account (nothing stored). */
  'session:start-sandbox': { request: void; response: SessionView }
  /** Sign out and remove the credential from the keychain. */
  'session:sign-out': { request: void; response: SessionView }
  'keys:list': { request: void; response: KeyListView }
  /** The whole cached list, from disk only (the initial state carries just its first screenful). */
  'keys:get-cached': { request: void; response: KeyListView | null }
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
  /** The session ended without the person asking (credential revoked elsewhere, own key deleted). */
  'event:session-ended': { reason: string }
  'event:menu-command': { command: MenuCommand }
  /**
   * A created token is waiting to be confirmed. Carries no secret: a window that did not start
   * that create (a reloaded one) asks for it with token:list-pending.
   */
  'event:token-waiting': { pendingId: string }
}

export interface SignInRequest {
  baseUrl: string
  apiKey: string
}
export interface CreateKeyRequest {
  name: string
  /**
   * Chosen by the renderer once per submitted form: main runs one create per id, so a double
   * click, a double Enter or a second window racing cannot make two keys.
   */
  requestId: string
}
export interface DeleteKeyRequest {
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
  'session:restore': true,
  'session:sign-in': true,
  'session:start-sandbox': true,
  'session:sign-out': true,
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
  'event:session-ended': true,
  'event:menu-command': true,
  'event:token-waiting': true
} as const satisfies Record<EventChannel, true>

export const INVOKE_CHANNELS = Object.keys(invokeChannelSet) as InvokeChannel[]
export const EVENT_CHANNELS = Object.keys(eventChannelSet) as EventChannel[]

/** How a transport (Electron IPC or the preview's HTTP) carries one call. */
export type Invoke = <C extends InvokeChannel>(channel: C, request: RequestOf<C>) => Promise<Result<ResponseOf<C>>>
/** How a transport delivers events; returns an unsubscribe function. */
export type Subscribe = <E extends EventChannel>(channel: E, listener: (payload: EventPayload<E>) => void) => () => void
