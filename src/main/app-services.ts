/**
 * Wires the plain services together. Electron's entry point, the browser preview and the tests
 * all build the app through this one function; only the ports (clipboard, events, links) differ.
 */
import { join } from 'node:path'
import { AutocallsClient, type AutocallsClientOptions } from './api/autocalls-client'
import { createNodeFetch } from './api/node-fetch'
import { SecureClipboard, type ClipboardPort } from './clipboard/secure-clipboard'
import { createHandlers, type IpcHandlers } from './ipc/handlers'
import type { EventSink } from './ipc/event-sink'
import { KeysService } from './services/keys-service'
import { PendingTokens } from './services/pending-tokens'
import { SessionService, type SandboxHandle } from './services/session-service'
import { AppStateStore } from './storage/app-state-store'
import { KeychainVault } from './vault/keychain-vault'
import type { SecretStore } from './vault/secret-store'

export interface AppServicesOptions {
  /** Folder for non-secret state (Electron's userData). */
  userDataDir: string
  clipboard: ClipboardPort
  events: EventSink
  openExternal: (url: string) => Promise<void>
  vault?: SecretStore
  /** Client settings shared by every session (timeouts, retry policy, a test's fetch). */
  client?: Omit<AutocallsClientOptions, 'baseUrl' | 'credential'>
  pendingTokenTtlMs?: number
  startSandbox?: () => Promise<SandboxHandle>
}

export interface AppServices {
  handlers: IpcHandlers
  session: SessionService
  keys: KeysService
  pending: PendingTokens
  clipboard: SecureClipboard
  state: AppStateStore
  /** Clears a copied token from the clipboard, wipes held tokens, saves state, stops the sandbox. */
  shutdown(): Promise<void>
}

export const STATE_FILE_NAME = 'autocalls-keys-state.json'

export async function createAppServices(options: AppServicesOptions): Promise<AppServices> {
  const state = await AppStateStore.open(join(options.userDataDir, STATE_FILE_NAME))
  const vault = options.vault ?? new KeychainVault()
  const pending = new PendingTokens(options.pendingTokenTtlMs === undefined ? {} : { ttlMs: options.pendingTokenTtlMs })
  const clipboard = new SecureClipboard(options.clipboard)
  // One fetch for every session: the caller's (Electron hands in net.fetch), else Node's, honouring proxy variables.
  const fetch = options.client?.fetch ?? createNodeFetch()
  const session = new SessionService({
    vault,
    state,
    events: options.events,
    createClient: (baseUrl, credential) => new AutocallsClient({ ...options.client, fetch, baseUrl, credential }),
    startSandbox: options.startSandbox ?? startBuiltInSandbox
  })
  const keys = new KeysService({ session, state, pending, events: options.events })
  const handlers = createHandlers({ session, keys, pending, clipboard, state, openExternal: options.openExternal })
  return {
    handlers,
    session,
    keys,
    pending,
    clipboard,
    state,
    async shutdown() {
      await clipboard.clearIfOurs().catch(() => undefined)
      pending.wipeAll()
      await state.flush()
      await session.dispose()
    }
  }
}

/** Loaded only when someone asks for the sandbox, so normal start-up does not pay for it. */
async function startBuiltInSandbox(): Promise<SandboxHandle> {
  const { startSandbox } = await import('../sandbox/index')
  const server = await startSandbox()
  return { baseUrl: server.baseUrl, token: server.demo.token, close: () => server.close() }
}
