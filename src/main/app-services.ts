/**
 * Wires the plain services together. Electron's entry point, the browser preview and the tests
 * all build the app through this one function; only the ports (clipboard, events, links) differ.
 */
import { join } from 'node:path'
import { AccountSessions, type SandboxHandle } from './accounts/account-sessions'
import { AccountsService } from './accounts/accounts-service'
import { AutocallsClient, type AutocallsClientOptions, type ResponseObservation } from './api/autocalls-client'
import { createNodeFetch } from './api/node-fetch'
import { SecureClipboard, type ClipboardPort } from './clipboard/secure-clipboard'
import { createHandlers, type IpcHandlers } from './ipc/handlers'
import type { EventSink } from './ipc/event-sink'
import { downloadSavePort, ExportService, type SavePort } from './export/export-service'
import { OwnKeyRotation, type OwnKeyStep } from './rotation/own-key-rotation'
import { RotationService } from './rotation/rotation-service'
import type { WatchPolicy } from './rotation/watch-policy'
import { ActivityRecorder } from './services/activity-recorder'
import { BulkDeleteService } from './services/bulk-delete'
import { KeysService } from './services/keys-service'
import { NotesService } from './services/notes-service'
import { PendingTokens } from './services/pending-tokens'
import type { PacerOptions } from './services/request-pacer'
import { ActivityLog, activityLogPath } from './storage/activity-log'
import { AppStateStore } from './storage/app-state-store'
import { KeyCacheStore } from './storage/key-cache-store'
import { KeychainVault } from './vault/keychain-vault'
import type { SecretStore } from './vault/secret-store'

export interface AppServicesOptions {
  /** Folder for non-secret state (Electron's userData). */
  userDataDir: string
  clipboard: ClipboardPort
  events: EventSink
  openExternal: (url: string) => Promise<void>
  vault?: SecretStore
  /** Client settings shared by every account (timeouts, retry policy, a test's fetch). */
  client?: Omit<AutocallsClientOptions, 'baseUrl' | 'credential'>
  pendingTokenTtlMs?: number
  /** Starts the n-th sandbox server of this run; default the built-in one. */
  startSandbox?: (index: number) => Promise<SandboxHandle>
  /** Where exports go: the native save dialog in the desktop app; by default, back as a download. */
  save?: SavePort
  /** Rate-limit pacing of every account (tests and the bench shorten the assumed window). */
  pacing?: PacerOptions
  /** Rotation watching (tests shorten its intervals). */
  watchPolicy?: Partial<WatchPolicy>
  /** Which program writes the activity log. */
  source?: 'app' | 'cli'
  /** Test-only: runs after each step of replacing an account's own key (the crash tests exit there). */
  ownKeyRotationHook?: (step: OwnKeyStep, accountId: string) => void | Promise<void>
}

export interface AppServices {
  handlers: IpcHandlers
  sessions: AccountSessions
  accounts: AccountsService
  keys: KeysService
  pending: PendingTokens
  clipboard: SecureClipboard
  state: AppStateStore
  cache: KeyCacheStore
  notes: NotesService
  activity: ActivityRecorder
  bulkDelete: BulkDeleteService
  rotations: RotationService
  ownKey: OwnKeyRotation
  exports: ExportService
  /** Finishes interrupted work of an earlier run (a replacement of the app's own key); network permitting. */
  resumeInterrupted(): Promise<void>
  /** Clears a copied token from the clipboard, wipes held tokens, saves state, stops the sandboxes. */
  shutdown(): Promise<void>
}

export const STATE_FILE_NAME = 'autocalls-keys-state.json'
/** One file per account inside it (see key-cache-store.ts). */
export const KEY_CACHE_DIR_NAME = 'key-lists'

export async function createAppServices(options: AppServicesOptions): Promise<AppServices> {
  const state = await AppStateStore.open(join(options.userDataDir, STATE_FILE_NAME))
  const cache = new KeyCacheStore(join(options.userDataDir, KEY_CACHE_DIR_NAME))
  await adoptLegacyCaches(state, cache)
  const vault = options.vault ?? new KeychainVault()
  const pending = new PendingTokens(options.pendingTokenTtlMs === undefined ? {} : { ttlMs: options.pendingTokenTtlMs })
  const clipboard = new SecureClipboard(options.clipboard)
  // One fetch for every account: the caller's (Electron hands in net.fetch), else Node's, honouring proxy variables.
  const fetch = options.client?.fetch ?? createNodeFetch()
  const createClient = (baseUrl: string, credential: string, observe?: (observation: ResponseObservation) => void) =>
    new AutocallsClient({ ...options.client, fetch, baseUrl, credential, ...(observe ? { onResponse: observe } : {}) })
  const sessions = new AccountSessions({ vault, state, cache, events: options.events, createClient, ...(options.pacing ? { pacing: options.pacing } : {}) })
  const activityLog = new ActivityLog({ file: activityLogPath(options.userDataDir), source: options.source ?? 'app' })
  const activity = new ActivityRecorder(activityLog, sessions)
  const notes = new NotesService({ state, activity, sessions })
  // Rotations are read through a late binding: the keys service shows them with every list.
  let rotations: RotationService | null = null
  const keys = new KeysService({
    sessions,
    cache,
    pending,
    events: options.events,
    activity,
    localData: (accountId) => ({ notes: notes.of(accountId), rotations: rotations?.forList(accountId) ?? [] }),
    settings: () => state.state.preferences
  })
  // A key deleted here or elsewhere loses its note.
  keys.onListFetched((accountId, listed) => notes.keepOnly(accountId, listed))
  keys.onKeysDeleted((accountId, ids) => notes.forget(accountId, ids))
  rotations = new RotationService({ state, sessions, keys, cache, notes, activity, ...(options.watchPolicy ? { watchPolicy: options.watchPolicy } : {}) })
  rotations.resume()
  sessions.onSessionEnded((accountId) => rotations?.forget(accountId))
  const ownKey = new OwnKeyRotation({
    state,
    sessions,
    keys,
    cache,
    vault,
    pending,
    notes,
    activity,
    ...(options.ownKeyRotationHook ? { afterStep: options.ownKeyRotationHook } : {})
  })
  const bulkDelete = new BulkDeleteService({ sessions, keys, cache, activity, events: options.events })
  const exports = new ExportService({ sessions, keys, state, activityLog, save: options.save ?? downloadSavePort })
  const accounts = new AccountsService({
    sessions,
    keys,
    state,
    cache,
    createClient,
    startSandbox: options.startSandbox ?? startBuiltInSandbox,
    activity
  })
  const handlers = createHandlers({
    accounts,
    keys,
    pending,
    clipboard,
    state,
    notes,
    activity,
    bulkDelete,
    rotations,
    ownKey,
    exports,
    openExternal: options.openExternal
  })
  return {
    handlers,
    sessions,
    accounts,
    keys,
    pending,
    clipboard,
    state,
    cache,
    notes,
    activity,
    bulkDelete,
    rotations,
    ownKey,
    exports,
    resumeInterrupted: () => ownKey.recoverAll(),
    async shutdown() {
      await clipboard.clearIfOurs().catch(() => undefined)
      pending.wipeAll()
      rotations?.stop()
      await keys.settle()
      await state.flush()
      await cache.flush()
      await sessions.dispose()
    }
  }
}

/** A version 1 state file carried the key lists inside it: move them to their own files once. */
async function adoptLegacyCaches(state: AppStateStore, cache: KeyCacheStore): Promise<void> {
  const legacy = state.takeLegacyCaches()
  if (!legacy) return
  await Promise.all(Object.entries(legacy).map(([accountId, list]) => cache.set(accountId, list)))
}

/**
 * Loaded only when someone asks for the sandbox, so normal start-up does not pay for it. The
 * first is the agency's own demo account; later ones are client accounts, each on its own host.
 */
async function startBuiltInSandbox(index: number): Promise<SandboxHandle> {
  const { startSandbox, CLIENT_DEMO_PERSONA } = await import('../sandbox/index')
  const demo =
    index === 0
      ? {}
      : index === 1
        ? CLIENT_DEMO_PERSONA
        : { ...CLIENT_DEMO_PERSONA, name: `Client ${index} (demo)`, email: `client-${index}@agency.example` }
  const server = await startSandbox({ demo })
  return { baseUrl: server.baseUrl, token: server.demo.token, close: () => server.close() }
}
