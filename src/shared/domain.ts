/** Domain types shared by main, preload and renderer. Nothing here is secret. */
import type { AppError } from './errors'
import { DEFAULT_HYGIENE_SETTINGS, type HygieneSettings } from './key-hygiene'
import type { StoredKeyNote } from './key-notes'
import type { RotationKeyRef, RotationRecord } from './rotation'

/** The production API; white-label hosts and the sandbox use other base URLs. */
export const DEFAULT_BASE_URL = 'https://app.autocalls.ai/api'

/**
 * An account is one email on one base URL: `"<email> on <baseUrl>"`. The same string keys the
 * account's keychain entry, so two hosts never share or overwrite a credential.
 */
export type AccountId = string

/** An API key as listed by the server: metadata only, never the token. */
export interface ApiKey {
  id: number
  name: string
  /** ISO 8601 timestamp, UTC. */
  createdAt: string
  /** ISO 8601 timestamp, UTC, or null when the key was never used. */
  lastUsedAt: string | null
  /**
   * The server sent a `last_used_at` that could not be read (another type or an unknown date
   * form): `lastUsedAt` is then null but does not mean "never used". Shown as "—".
   */
  lastUsedUnreadable?: true
}

/** An API key as the UI shows it. */
export interface KeyListItem extends ApiKey {
  /** True for the key this app itself signs in with: deleting it signs that account out. */
  isAppKey: boolean
  /**
   * Shown from a create's answer before a fresh list confirmed it (the API answers a create
   * without an id; the id comes from the token's `<id>|` prefix).
   */
  unconfirmed?: true
}

export interface UserProfile {
  /** Cosmetic: null when the server sent no name or something that is not text. */
  name: string | null
  email: string
  /** USD. Cosmetic: null when missing or unreadable. */
  totalBalance: number | null
}

/**
 * Where an account stands. `needs-sign-in`: the server answered 401 (or the credential is gone
 * from the keychain); `unreachable`: the last call failed on the network or the server;
 * `keychain-locked`: the keychain could not be read for this account's credential.
 */
export type AccountStatus = 'ready' | 'needs-sign-in' | 'unreachable' | 'keychain-locked'

/** Everything the window shows about one account. Never its credential. */
export interface AccountView {
  id: AccountId
  baseUrl: string
  profile: UserProfile
  /** A throwaway in-memory account on the built-in sandbox server: nothing about it is stored. */
  isSandbox: boolean
  /** Chosen when the account was added so that no two accounts share a colour while there are colours left. */
  colorIndex: number
  status: AccountStatus
  /** Why the account is not `ready` (or the last refresh failed), in words a person can act on. */
  problem: AppError | null
  /** A list fetch for this account is in flight. */
  refreshing: boolean
  /** The credential was accepted by the server in this run. */
  verified: boolean
  /** From the last list fetched (null before the first). */
  keyCount: number | null
  neverUsedCount: number | null
  /** ISO time of the last successful list fetch. */
  lastRefreshedAt: string | null
  /** Background work for this account is waiting to stay within the server's rate limit. */
  pacing: PacingView | null
  /** Something to tell the person once, e.g. how an interrupted replacement of the app's key ended. */
  notice: string | null
}

/** Why background work (refresh all, bulk delete, rotation watching) waits, for the window to say so. */
export interface PacingView {
  /** `rate-limited`: the server answered 429; `reserve`: the window's last requests are kept for clicks. */
  reason: 'rate-limited' | 'reserve' | 'spreading' | 'no-headers'
  /** When it resumes (ISO), for `rate-limited` and `reserve`. */
  resumesAt: string | null
  /** Requests left in the server's current window, as it last said. */
  remaining: number | null
  limit: number | null
}

/** How many distinct account colours the renderer has. */
export const ACCOUNT_COLOR_COUNT = 12

export interface KeyListView {
  accountId: AccountId
  keys: KeyListItem[]
  /** ISO timestamp of the fetch that produced this list. */
  fetchedAt: string
  /** True when this list comes from the on-disk cache rather than a fetch in this run. */
  fromCache: boolean
  /** This computer's notes on the account's keys, by key id. */
  notes: Record<string, StoredKeyNote>
  /** The account's open rotations (and ones that ended since the last list). */
  rotations: RotationRecord[]
}

/** Adding an account (or signing in again to one): verified first, stored only when accepted. */
export interface AddAccountResult {
  account: AccountView
  /** The account was already in the app: only its credential was refreshed. */
  alreadyExisted: boolean
  /** The account's list, fetched alongside the verification; null when that fetch failed. */
  list: KeyListView | null
}

/** One account's line in the answer to "Refresh all". */
export interface RefreshOutcome {
  accountId: AccountId
  ok: boolean
  error: AppError | null
}

/** A key just created. `token` is the only time its secret is ever available. */
export interface CreatedKeyView {
  accountId: AccountId
  /**
   * The new key's row, from the create's answer alone (`unconfirmed` until a fresh list has it);
   * null when the token has no `<id>|` prefix, so the id is unknown until the next list.
   */
  key: KeyListItem | null
  /** Handle for the copy-once dialog: copy and confirm refer to the token by this id. */
  pendingId: string
  token: string
  /** Set when the key was created as the replacement of another (a rotation). */
  replaces: RotationKeyRef | null
}

/** A created token that is waiting for the person to confirm they saved it. */
export interface PendingTokenView {
  pendingId: string
  token: string
  accountId: AccountId
  /** "email on host", so the dialog names the account whatever the window shows. */
  accountLabel: string
  keyName: string
  keyId: number | null
  /** The key this one replaces (a rotation), so the dialog can say so. */
  replaces: RotationKeyRef | null
  /** ISO timestamp after which main wipes the token. */
  expiresAt: string
}

export interface DeleteResultView {
  accountId: AccountId
  id: number
  /** The server no longer had the key (deleted elsewhere). */
  alreadyGone: boolean
  /** The key was the one this app signs in with for that account, so the account was signed out. */
  signedOut: boolean
}

export interface Preferences extends HygieneSettings {
  /** Seconds after which a copied token is cleared from the clipboard (if it is still there). */
  clipboardClearSeconds: number
  /** How long an old key must be silent before a rotation is safe to finish. */
  quietPeriodMinutes: number
}

export const DEFAULT_PREFERENCES: Preferences = { clipboardClearSeconds: 60, ...DEFAULT_HYGIENE_SETTINGS, quietPeriodMinutes: 15 }
export const CLIPBOARD_CLEAR_SECONDS_RANGE = { min: 5, max: 600 } as const
export const QUIET_PERIOD_MINUTES_RANGE = { min: 1, max: 7 * 24 * 60 } as const

/** One key's line in the answer to a bulk delete, in the order asked. */
export interface BulkDeleteItem {
  id: number
  name: string
  outcome: 'deleted' | 'already-gone' | 'failed' | 'skipped'
  /** For `failed`: why; for `skipped`: the batch was cancelled or stopped. */
  error: AppError | null
}

export interface BulkDeleteResult {
  accountId: AccountId
  batchId: string
  /** `stopped`: a 401 (the account was signed out); `cancelled`: the person stopped it. */
  ended: 'completed' | 'cancelled' | 'stopped'
  items: BulkDeleteItem[]
  /** The app's own key was in the batch (deleted last): the account is signed out. */
  signedOut: boolean
}

/** Where a batch stands, sent as it moves. */
export interface BatchProgressView {
  accountId: AccountId
  batchId: string
  total: number
  done: number
  failed: number
  remaining: number
  /** All waiting work is paused until then (ISO), to stay within the server's limit. */
  pausedUntil: string | null
  pauseReason: 'rate-limited' | 'reserve' | null
}

/** What an export did: saved where the person chose, cancelled, or (browser preview) a download. */
export type ExportOutcome =
  | { outcome: 'saved'; path: string }
  | { outcome: 'cancelled' }
  | { outcome: 'download'; fileName: string; mimeType: string; content: string }

/** Replacing the key this app signs in with for an account. */
export interface OwnKeyRotationResult {
  account: AccountView
  /** The key that was deleted. */
  oldKey: RotationKeyRef
  newKey: RotationKeyRef
  /** Set only when the person asked to see the new token (the usual copy-once rules apply). */
  reveal: { pendingId: string; token: string } | null
}

export interface CopyResultView {
  /** Seconds until the clipboard is cleared, if it still holds the token then. */
  clearsInSeconds: number
}

/** What the window needs for its first paint, answered without any network call. */
export interface InitialStateView {
  accounts: AccountView[]
  /** The account the window showed last (null when there are no accounts). */
  shownAccountId: AccountId | null
  /**
   * The shown account's newest cached keys, enough to fill the first screen (newest first, the
   * default sort). The rest of a long cached list comes from keys:get-cached, after the first paint.
   */
  cachedKeys: KeyListView | null
  /** How many keys the shown account's whole cached list has. */
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
export type MenuCommand = 'new-key' | 'refresh' | 'find' | 'add-account' | 'show-overview' | 'show-account' | 'show-activity' | 'export-keys'

/** "email on host" (the host alone for the default server's accounts too), for labels and logs. */
export function accountLabel(account: { baseUrl: string; profile: { email: string } }): string {
  return `${account.profile.email} on ${hostOf(account.baseUrl)}`
}

/** The host (and port) of a base URL, or the URL itself when it does not parse. */
export function hostOf(baseUrl: string): string {
  try {
    return new URL(baseUrl).host
  } catch {
    return baseUrl
  }
}
