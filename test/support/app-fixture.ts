/**
 * The whole main-process app, built through the same composition root as Electron's entry point,
 * with a real keychain (when available), a real temp user-data folder and real HTTP.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createAppServices, type AppServices, type AppServicesOptions } from '../../src/main/app-services'
import type { ClipboardPort } from '../../src/main/clipboard/secure-clipboard'
import type { EventSink } from '../../src/main/ipc/event-sink'
import { KeychainVault } from '../../src/main/vault/keychain-vault'
import type { SecretStore } from '../../src/main/vault/secret-store'
import type { EventChannel, EventPayload } from '../../src/shared/ipc-contract'
import { keychainRequired, probeKeychain, testServiceName } from './keychain'
import { MemorySecretStore } from './memory-secret-store'

export class RecordingClipboard implements ClipboardPort {
  current = ''
  readonly writes: string[] = []
  async writeSecret(text: string) {
    this.current = text
    this.writes.push(text)
  }
  async readText() {
    return this.current
  }
  clear() {
    this.current = ''
  }
}

export interface TestApp {
  services: AppServices
  vault: SecretStore
  clipboard: RecordingClipboard
  events: Array<{ channel: EventChannel; payload: EventPayload<EventChannel> }>
  opened: string[]
  userDataDir: string
  /** Builds a second app on the same user-data folder and keychain: a restart. */
  restart(): Promise<TestApp>
  dispose(): Promise<void>
}

let realKeychain: Promise<boolean> | undefined
/** The real keychain when there is one; in CI and under npm test it must be there. */
async function testVault(): Promise<SecretStore> {
  realKeychain ??= probeKeychain().then((probe) => {
    if (!probe.available && keychainRequired) throw new Error(`The OS keychain is required for these tests: ${probe.reason}`)
    return probe.available
  })
  return (await realKeychain) ? new KeychainVault({ service: testServiceName('app') }) : new MemorySecretStore()
}

export async function createTestApp(
  overrides: Partial<AppServicesOptions> = {},
  existing?: { userDataDir: string; vault: SecretStore }
): Promise<TestApp> {
  const userDataDir = existing?.userDataDir ?? (await mkdtemp(join(tmpdir(), 'autocalls-keys-test-')))
  const vault = existing?.vault ?? overrides.vault ?? (await testVault())
  const clipboard = new RecordingClipboard()
  const events: TestApp['events'] = []
  const opened: string[] = []
  const sink: EventSink = { emit: (channel, payload) => events.push({ channel, payload }) }
  const services = await createAppServices({
    userDataDir,
    clipboard,
    events: sink,
    openExternal: async (url) => {
      opened.push(url)
    },
    vault,
    client: { timeoutMs: 2_000, sleep: async () => {} },
    ...overrides
  })
  const app: TestApp = {
    services,
    vault,
    clipboard,
    events,
    opened,
    userDataDir,
    restart: async () => {
      await services.shutdown()
      return createTestApp(overrides, { userDataDir, vault })
    },
    dispose: async () => {
      await services.shutdown()
      for (const account of await vault.listAccounts().catch(() => [])) await vault.delete(account).catch(() => false)
      await rm(userDataDir, { recursive: true, force: true })
    }
  }
  return app
}
