/**
 * The credential vault over the OS keychain (macOS Keychain, Windows Credential Manager, Secret
 * Service on Linux) through keytar. keytar is loaded lazily so start-up does not pay for it.
 * There is no fallback: without a keychain nothing is stored, and the error says why.
 */
import { createRequire } from 'node:module'
import { KeychainUnavailableError, type SecretStore } from './secret-store'

type Keytar = typeof import('keytar')

export const DEFAULT_KEYCHAIN_SERVICE = 'Autocalls Keys'
/** A throwaway entry written and removed at once to check that the keyring is usable. */
const PROBE_ACCOUNT = 'Autocalls Keys keyring check'
/** Lets tests (and anyone running two copies side by side) use their own keychain entries. */
export const KEYCHAIN_SERVICE_ENV = 'AUTOCALLS_KEYS_KEYCHAIN_SERVICE'

export interface KeychainVaultOptions {
  service?: string
  loadKeytar?: () => Promise<Keytar>
  platform?: NodeJS.Platform
}

export class KeychainVault implements SecretStore {
  readonly service: string
  readonly #loadKeytar: () => Promise<Keytar>
  readonly #platform: NodeJS.Platform
  #keytar: Promise<Keytar> | undefined

  constructor(options: KeychainVaultOptions = {}) {
    this.service = options.service ?? (process.env[KEYCHAIN_SERVICE_ENV] || DEFAULT_KEYCHAIN_SERVICE)
    this.#loadKeytar = options.loadKeytar ?? loadKeytarModule
    this.#platform = options.platform ?? process.platform
  }

  get(account: string): Promise<string | null> {
    return this.#use(async (keytar) => {
      const secret = await keytar.getPassword(this.service, account)
      // A locked Secret Service answers "nothing stored" rather than an error: tell the two apart.
      if (secret === null) await this.#probe(keytar)
      return secret
    })
  }

  set(account: string, secret: string): Promise<void> {
    return this.#use((keytar) => keytar.setPassword(this.service, account, secret))
  }

  delete(account: string): Promise<boolean> {
    return this.#use(async (keytar) => {
      const removed = await keytar.deletePassword(this.service, account)
      // Same as get: "nothing deleted" from a locked keyring must not pass for a clean sign-out.
      if (!removed) await this.#probe(keytar)
      return removed
    })
  }

  listAccounts(): Promise<string[]> {
    return this.#use(async (keytar) =>
      (await keytar.findCredentials(this.service)).map((entry) => entry.account).filter((account) => account !== PROBE_ACCOUNT)
    )
  }

  /**
   * On Linux, libsecret reports a locked collection as "no such item". A write that is removed at
   * once raises the real error ("locked collection"), which #use turns into a clear message.
   */
  async #probe(keytar: Keytar): Promise<void> {
    if (this.#platform !== 'linux') return
    await keytar.setPassword(this.service, PROBE_ACCOUNT, 'probe')
    await keytar.deletePassword(this.service, PROBE_ACCOUNT)
  }

  async #use<T>(operation: (keytar: Keytar) => Promise<T>): Promise<T> {
    let keytar: Keytar
    try {
      this.#keytar ??= this.#loadKeytar()
      keytar = await this.#keytar
    } catch (error) {
      this.#keytar = undefined
      throw new KeychainUnavailableError(
        `The keychain module could not be loaded (${describe(error)}). Reinstall Autocalls Keys; on Linux, also install libsecret (package libsecret-1-0).`
      )
    }
    try {
      return await operation(keytar)
    } catch (error) {
      throw new KeychainUnavailableError(explain(this.#platform, error))
    }
  }
}

/**
 * keytar is a CommonJS native module: `require` loads it whole, from node_modules or from the
 * unpacked asar of a packaged app. The main bundle is CommonJS, so `require` is there; under an
 * ES module runner (vitest) one is made for this file.
 */
async function loadKeytarModule(): Promise<Keytar> {
  const load = typeof require === 'function' ? require : createRequire(import.meta.url)
  const keytar = load('keytar') as Partial<Keytar>
  if (typeof keytar.setPassword !== 'function' || typeof keytar.findCredentials !== 'function') {
    throw new Error('the keytar module does not have the expected functions')
  }
  return keytar as Keytar
}

function explain(platform: NodeJS.Platform, error: unknown): string {
  const detail = describe(error)
  if (platform === 'linux') {
    if (/locked|unlock|prompt|dismissed/i.test(detail)) {
      return `The system keyring is locked (${detail}). Unlock it (for example by logging in again, or in “Passwords and Keys”) and try again.`
    }
    if (/object does not exist|collection/i.test(detail)) {
      return `The system keyring has no usable default keyring (${detail}). Open “Passwords and Keys”, create or unlock the “Login” keyring, and try again.`
    }
    return `No system keyring is available (${detail}). Autocalls Keys keeps your API key only in the Secret Service keyring: install and start GNOME Keyring or KWallet (for example: sudo apt install gnome-keyring), make sure it is unlocked, and try again.`
  }
  if (platform === 'darwin') {
    return `The macOS keychain could not be used (${detail}). Unlock your login keychain in Keychain Access and try again.`
  }
  if (platform === 'win32') {
    return `Windows Credential Manager could not be used (${detail}). Check that the Credential Manager service is running and try again.`
  }
  return `The system keychain could not be used (${detail}).`
}

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  const oneLine = message.replace(/\s+/g, ' ').trim()
  return oneLine.length > 200 ? `${oneLine.slice(0, 200)}…` : oneLine
}
