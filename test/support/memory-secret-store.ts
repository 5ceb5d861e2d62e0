import type { SecretStore } from '../../src/main/vault/secret-store'

/** In-memory SecretStore for tests that are about something other than the keychain. */
export class MemorySecretStore implements SecretStore {
  readonly entries = new Map<string, string>()
  async get(account: string) {
    return this.entries.get(account) ?? null
  }
  async set(account: string, secret: string) {
    this.entries.set(account, secret)
  }
  async delete(account: string) {
    return this.entries.delete(account)
  }
  async listAccounts() {
    return [...this.entries.keys()]
  }
}
