/**
 * What every benchmark starts from: a sandbox Autocalls API, accounts with N keys on it, and a
 * user-data folder whose state file was written by the real services (signed in, list cached),
 * so the format is exactly the app's. The credential lives in an in-memory SecretStore: the
 * benchmarks measure the app, not the OS keychain (which also needs a D-Bus session).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createAppServices, type AppServices } from '../../../src/main/app-services'
import type { ClipboardPort } from '../../../src/main/clipboard/secure-clipboard'
import type { EventSink } from '../../../src/main/ipc/event-sink'
import type { SecretStore } from '../../../src/main/vault/secret-store'
import type { SandboxServer } from '../../../src/sandbox/index'
import type { Result } from '../../../src/shared/errors'
import { MemorySecretStore } from '../../support/memory-secret-store'

process.env['AUTOCALLS_KEYS_QUIET'] ??= '1'

export const nullClipboard: ClipboardPort = {
  writeSecret: () => Promise.resolve(),
  readText: () => Promise.resolve(''),
  clear: () => undefined
}
export const nullEvents: EventSink = { emit: () => undefined }

export interface BenchAccount {
  email: string
  /** The sign-in token (its key is named "Sign-in key"). */
  token: string
  /** Keys on the account, the sign-in key included. */
  keys: number
}

let accounts = 0

/** A sandbox account with `keys` keys in total: "Sign-in key" plus "Seeded key 1".."Seeded key N-1". */
export function newAccount(sandbox: SandboxServer, keys: number): BenchAccount {
  const email = `bench-${process.pid}-${++accounts}@example.test`
  const { token } = sandbox.createAccount({ name: `Bench Person ${accounts}`, email, totalBalance: 42.5 })
  if (keys > 1) sandbox.seedKeys(token, keys - 1)
  return { email, token, keys }
}

export interface PreparedUserData {
  userDataDir: string
  vault: SecretStore
  account: BenchAccount
  cleanup(): Promise<void>
}

/**
 * A user-data folder as the app leaves it after a session: signed in to `account` on the sandbox,
 * its key list fetched once and cached on disk. Written through the real services.
 */
export async function prepareSignedInUserData(sandbox: SandboxServer, keys: number): Promise<PreparedUserData> {
  const account = newAccount(sandbox, keys)
  const userDataDir = await mkdtemp(join(tmpdir(), 'autocalls-bench-userdata-'))
  const vault = new MemorySecretStore()
  const services = await openServices(userDataDir, vault)
  try {
    const added = unwrap(await services.handlers['accounts:add']({ baseUrl: sandbox.baseUrl, apiKey: account.token }), 'sign-in')
    const list = unwrap(await services.handlers['keys:list']({ accountId: added.account.id }), 'keys:list')
    if (list.keys.length !== keys) throw new Error(`expected ${keys} keys in the list, got ${list.keys.length}`)
  } finally {
    await services.shutdown()
  }
  return { userDataDir, vault, account, cleanup: () => rm(userDataDir, { recursive: true, force: true }) }
}

/** The app's services, composed exactly as Electron's entry point does, on a folder and a vault. */
export function openServices(userDataDir: string, vault: SecretStore): Promise<AppServices> {
  return createAppServices({
    userDataDir,
    vault,
    clipboard: nullClipboard,
    events: nullEvents,
    openExternal: () => Promise.resolve()
  })
}

export function unwrap<T>(result: Result<T>, what: string): T {
  if (!result.ok) throw new Error(`${what} failed: ${result.error.kind}: ${result.error.message}`)
  return result.value
}

export interface PreparedAccounts {
  userDataDir: string
  vault: SecretStore
  /** In the order they were added; account i is on sandboxes[i % sandboxes.length]. */
  accounts: Array<BenchAccount & { sandbox: SandboxServer }>
  cleanup(): Promise<void>
}

/**
 * A user-data folder signed in to `count` accounts of `keys` keys each, spread round-robin over
 * the sandboxes (each sandbox is another host), every list fetched once and cached on disk.
 */
export async function prepareAccountsUserData(sandboxes: readonly SandboxServer[], count: number, keys: number): Promise<PreparedAccounts> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'autocalls-bench-userdata-'))
  const vault = new MemorySecretStore()
  const services = await openServices(userDataDir, vault)
  const accounts: PreparedAccounts['accounts'] = []
  try {
    for (let i = 0; i < count; i++) {
      const sandbox = sandboxes[i % sandboxes.length] as SandboxServer
      const account = newAccount(sandbox, keys)
      const added = unwrap(await services.handlers['accounts:add']({ baseUrl: sandbox.baseUrl, apiKey: account.token }), 'sign-in')
      if (added.list?.keys.length !== keys) unwrap(await services.handlers['keys:list']({ accountId: added.account.id }), 'keys:list')
      accounts.push({ ...account, sandbox })
    }
    await services.keys.settle()
  } finally {
    await services.shutdown()
  }
  return { userDataDir, vault, accounts, cleanup: () => rm(userDataDir, { recursive: true, force: true }) }
}
