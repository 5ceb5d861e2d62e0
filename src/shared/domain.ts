/** Domain types shared by main, preload and renderer. Nothing here is secret. */

/** The production API; white-label hosts and the sandbox use other base URLs. */
export const DEFAULT_BASE_URL = 'https://app.autocalls.ai/api'

/** An API key as listed by the server: metadata only, never the token. */
export interface ApiKey {
  id: number
  name: string
  /** ISO 8601 timestamp. */
  createdAt: string
  /** ISO 8601 timestamp, or null when the key was never used. */
  lastUsedAt: string | null
}

/** An API key as the UI shows it. */
export interface KeyListItem extends ApiKey {
  /** True for the key this app itself signs in with: deleting it signs the app out. */
  isAppKey: boolean
}

export interface UserProfile {
  name: string
  email: string
  /** USD. */
  totalBalance: number
}

export interface AccountSummary {
  /** Stable id of the account in this app: base URL plus email. */
  id: string
  baseUrl: string
  profile: UserProfile
  /** A throwaway in-memory session against the built-in sandbox server. */
  isSandbox: boolean
}

export type SessionView =
  | { state: 'signed-out'; /** Why the last session ended, when it did not end by choice. */ reason?: string }
  | {
      state: 'signed-in'
      account: AccountSummary
      /** False until the stored credential has been re-verified with the server in this run. */
      verified: boolean
    }

export interface KeyListView {
  keys: KeyListItem[]
  /** ISO timestamp of the fetch that produced this list. */
  fetchedAt: string
  /** True when this list comes from the on-disk cache rather than a fetch in this run. */
  fromCache: boolean
}

/** A key just created. `token` is the only time its secret is ever available. */
export interface CreatedKeyView {
  /** The new key's list entry; null when its id could not be worked out (the next list shows it). */
  key: KeyListItem | null
  /** Handle for the copy-once dialog: copy and confirm refer to the token by this id. */
  pendingId: string
  token: string
  /** The id came from the token prefix and was confirmed in a fresh list. */
  idConfirmed: boolean
  /** The list as fetched right after the create, when that fetch succeeded. */
  list: KeyListView | null
}

/** A created token that is waiting for the person to confirm they saved it. */
export interface PendingTokenView {
  pendingId: string
  token: string
  keyName: string
  keyId: number | null
  /** ISO timestamp after which main wipes the token. */
  expiresAt: string
}

export interface DeleteResultView {
  id: number
  /** The server no longer had the key (deleted elsewhere). */
  alreadyGone: boolean
  /** The key was the one this app signs in with, so the app signed out. */
  signedOut: boolean
}

export interface Preferences {
  /** Seconds after which a copied token is cleared from the clipboard (if it is still there). */
  clipboardClearSeconds: number
}

export const DEFAULT_PREFERENCES: Preferences = { clipboardClearSeconds: 60 }
export const CLIPBOARD_CLEAR_SECONDS_RANGE = { min: 5, max: 600 } as const

export interface CopyResultView {
  /** Seconds until the clipboard is cleared, if it still holds the token then. */
  clearsInSeconds: number
}

/** What the window needs for its first paint, answered without any network call. */
export interface InitialStateView {
  session: SessionView
  /**
   * The newest cached keys, enough to fill the first screen (newest first, the default sort). The
   * rest of a long cached list comes from keys:get-cached, after the first paint.
   */
  cachedKeys: KeyListView | null
  /** How many keys the whole cached list has. */
  cachedKeyCount: number
  preferences: Preferences
  /** Tokens created before a reload or crash of the window and not yet confirmed as saved. */
  pendingTokens: PendingTokenView[]
}

/**
 * Cached keys in the initial state: more than any window shows at once, so the first paint is
 * complete, while a 10,000-key cache costs the first paint no more than a 10-key one.
 */
export const INITIAL_CACHED_KEYS = 100

/** Commands that the native menu (or its browser-preview equivalent) sends to the window. */
export type MenuCommand = 'new-key' | 'refresh' | 'find'
