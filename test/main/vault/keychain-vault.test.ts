import { afterAll, describe, expect, it } from 'vitest'
import { KeychainVault } from '../../../src/main/vault/keychain-vault'
import { KeychainUnavailableError } from '../../../src/main/vault/secret-store'
import { keychainRequired, probeKeychain, secretServiceProvider, secretToolLookup, testServiceName } from '../../support/keychain'

const probe = await probeKeychain()
const provider = secretServiceProvider()

describe('keychain availability', () => {
  it(`is available when required (CI or npm test); provider: ${provider}`, () => {
    if (keychainRequired) expect(probe, probe.reason).toEqual({ available: true })
  })
})

describe.runIf(probe.available)(`KeychainVault against the real OS keychain (${provider})`, () => {
  const vault = new KeychainVault({ service: testServiceName('vault') })

  afterAll(async () => {
    for (const account of await vault.listAccounts()) await vault.delete(account)
  })

  it('stores, reads, lists and deletes a credential', async () => {
    await vault.set('ada@example.com on https://app.autocalls.ai/api', '7|secret-one')
    expect(await vault.get('ada@example.com on https://app.autocalls.ai/api')).toBe('7|secret-one')
    expect(await vault.listAccounts()).toContain('ada@example.com on https://app.autocalls.ai/api')
    expect(await vault.delete('ada@example.com on https://app.autocalls.ai/api')).toBe(true)
    expect(await vault.get('ada@example.com on https://app.autocalls.ai/api')).toBeNull()
    expect(await vault.delete('ada@example.com on https://app.autocalls.ai/api')).toBe(false)
  })

  it('keeps accounts on different base URLs apart', async () => {
    await vault.set('ada@example.com on https://app.autocalls.ai/api', 'production')
    await vault.set('ada@example.com on https://calls.white-label.example/api', 'white-label')
    expect(await vault.get('ada@example.com on https://app.autocalls.ai/api')).toBe('production')
    expect(await vault.get('ada@example.com on https://calls.white-label.example/api')).toBe('white-label')
  })

  it('lists account names only, never secrets', async () => {
    await vault.set('only-name', 'do-not-list-me')
    const listed = await vault.listAccounts()
    expect(listed).toContain('only-name')
    expect(JSON.stringify(listed)).not.toContain('do-not-list-me')
  })

  it.runIf(process.platform === 'linux')('writes to the Secret Service itself (seen by secret-tool)', async () => {
    await vault.set('seen-by-secret-tool', 'visible-to-libsecret')
    expect(secretToolLookup(vault.service, 'seen-by-secret-tool')).toBe('visible-to-libsecret')
  })

  it('uses the service name from the environment override', () => {
    process.env['AUTOCALLS_KEYS_KEYCHAIN_SERVICE'] = 'Override for test'
    try {
      expect(new KeychainVault().service).toBe('Override for test')
    } finally {
      delete process.env['AUTOCALLS_KEYS_KEYCHAIN_SERVICE']
    }
    expect(new KeychainVault().service).toBe('Autocalls Keys')
  })
})

describe('KeychainVault when the keychain cannot be used', () => {
  it('says the module is missing when keytar cannot load', async () => {
    const vault = new KeychainVault({ service: 'x', loadKeytar: () => Promise.reject(new Error('libsecret-1.so.0: cannot open shared object file')) })
    const error = await vault.get('a').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(KeychainUnavailableError)
    expect((error as Error).message).toMatch(/keychain module could not be loaded.*libsecret/)
  })

  it('explains a missing Secret Service on Linux with the fix', async () => {
    const failing = {
      getPassword: () => Promise.reject(new Error('The name org.freedesktop.secrets was not provided by any .service files'))
    } as unknown as typeof import('keytar')
    const vault = new KeychainVault({ service: 'x', platform: 'linux', loadKeytar: async () => failing })
    await expect(vault.get('a')).rejects.toThrow(/No system keyring is available.*install and start GNOME Keyring or KWallet/)
  })

  it('explains a locked keyring', async () => {
    const failing = { setPassword: () => Promise.reject(new Error('Cannot create an item in a locked collection')) } as unknown as typeof import('keytar')
    const vault = new KeychainVault({ service: 'x', platform: 'linux', loadKeytar: async () => failing })
    await expect(vault.set('a', 'b')).rejects.toThrow(/keyring is locked.*Unlock it/)
  })
})
