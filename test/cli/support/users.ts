/** Sandbox users for command-line tests, each with an email of its own. */
import type { SandboxServer } from '../../../src/sandbox/index'
import type { CliRun, CliWorld } from './cli'

let sequence = 0

export interface SandboxUser {
  email: string
  name: string
  token: string
  /** The sign-in key's id (the token's `<id>|` prefix). */
  keyId: number
}

export function newUser(sandbox: SandboxServer, label: string): SandboxUser {
  const email = `${label}-${process.pid}-${++sequence}@example.com`
  const name = `User ${label} ${sequence}`
  const { token } = sandbox.createAccount({ name, email, totalBalance: 42.5 })
  return { email, name, token, keyId: Number(token.split('|')[0]) }
}

export const accountIdOf = (sandbox: SandboxServer, user: { email: string }): string => `${user.email} on ${sandbox.baseUrl}`

/** "email on host", as the app and the command line name an account. */
export const labelOf = (sandbox: SandboxServer, user: { email: string }): string => `${user.email} on ${new URL(sandbox.baseUrl).host}`

export const login = (world: CliWorld, sandbox: SandboxServer, token: string, extra: readonly string[] = []): Promise<CliRun> =>
  world.run(['login', '--base-url', sandbox.baseUrl, ...extra], { input: token })

/** Revokes a key the way another tool would: DELETE with another of the account's tokens. */
export async function revoke(sandbox: SandboxServer, keyId: number, withToken: string): Promise<void> {
  const response = await fetch(`${sandbox.baseUrl}/user/api-keys/${keyId}`, {
    method: 'DELETE',
    headers: { Authorization: `Bearer ${withToken}`, Accept: 'application/json' }
  })
  if (!response.ok) throw new Error(`revoking key ${keyId} answered ${response.status}`)
}
