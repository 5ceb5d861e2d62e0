/** Where the bearer credential lives. The app's only implementation is the OS keychain. */
export interface SecretStore {
  get(account: string): Promise<string | null>
  set(account: string, secret: string): Promise<void>
  /** True when an entry was removed. */
  delete(account: string): Promise<boolean>
  /** Account names only: the secrets stay in the keychain. */
  listAccounts(): Promise<string[]>
}

/** The OS keychain cannot be used. The message says what is missing and how to fix it. */
export class KeychainUnavailableError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'KeychainUnavailableError'
  }
}
