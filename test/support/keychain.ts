/**
 * Real-keychain test support. Under `npm test` on Linux the runner provides a private D-Bus
 * session with an unlocked GNOME Keyring; in CI a missing keychain is a failure, not a skip.
 */
import { execFileSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { KeychainVault } from '../../src/main/vault/keychain-vault'

export const keychainRequired = Boolean(process.env['CI'] || process.env['AUTOCALLS_KEYS_TEST_KEYRING'])

/** A service name of its own per test file, so no test ever touches a person's real entries. */
export const testServiceName = (label: string): string => `Autocalls Keys test ${label} ${randomUUID()}`

export async function probeKeychain(): Promise<{ available: boolean; reason?: string }> {
  const vault = new KeychainVault({ service: testServiceName('probe') })
  try {
    await vault.set('probe', 'probe')
    await vault.delete('probe')
    return { available: true }
  } catch (error) {
    return { available: false, reason: (error as Error).message }
  }
}

/** Which program owns org.freedesktop.secrets on the session bus (Linux), e.g. "gnome-keyring-d". */
export function secretServiceProvider(): string {
  if (process.platform !== 'linux') return process.platform === 'darwin' ? 'macOS Keychain' : 'Windows Credential Manager'
  try {
    const reply = execFileSync(
      'dbus-send',
      ['--session', '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.GetConnectionUnixProcessID', 'string:org.freedesktop.secrets'],
      { encoding: 'utf8' }
    )
    const pid = /uint32 (\d+)/.exec(reply)?.[1]
    if (!pid) return 'unknown'
    const argv0 = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? ''
    return argv0.split('/').pop() || 'unknown'
  } catch {
    return 'none'
  }
}

/** Looks an entry up with libsecret's own CLI, proving it really is in the Secret Service. */
export function secretToolLookup(service: string, account: string): string | null {
  try {
    return execFileSync('secret-tool', ['lookup', 'service', service, 'account', account], { encoding: 'utf8' })
  } catch {
    return null
  }
}
