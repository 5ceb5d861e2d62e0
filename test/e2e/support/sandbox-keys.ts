/**
 * Keys of every hygiene state in a sandbox account, and "using" a key the way anything that
 * holds it would: one authenticated request with its token, which makes the sandbox (as Sanctum
 * does) set the key's `last_used_at` to its own now.
 */
import { keysInEveryHygieneState, type KeyHygieneState, type SandboxServer } from '../../../src/sandbox/index'

export interface SeededStateKey {
  id: number
  name: string
  state: KeyHygieneState
  /** The key's own token (the sandbox keeps only its hash). */
  token: string
}

/**
 * Adds one key per hygiene state (in use, stale, never used, new; well clear of the 90-day and
 * 7-day thresholds) to the account of `accountToken`, with `copies` keys of each state
 * (names get " 2", " 3"… after the first). Dates are on the sandbox's clock.
 */
export function seedEveryState(sandbox: SandboxServer, accountToken: string, options: { copies?: number; now?: number } = {}): SeededStateKey[] {
  const copies = options.copies ?? 1
  const now = options.now ?? Date.now()
  const seeded: SeededStateKey[] = []
  for (let copy = 1; copy <= copies; copy++) {
    for (const spec of keysInEveryHygieneState(now)) {
      const name = copy === 1 ? spec.name : `${spec.name} ${copy}`
      const { key, token } = sandbox.seedKey(accountToken, { name, createdAt: spec.createdAt, lastUsedAt: spec.lastUsedAt })
      seeded.push({ id: key.id, name, state: spec.state, token })
    }
  }
  return seeded
}

/** The id part of a Sanctum token (`<id>|<secret>`). */
export function idOfToken(token: string): number {
  const id = Number(token.slice(0, token.indexOf('|')))
  if (!Number.isInteger(id) || id <= 0) throw new Error('The token has no id part')
  return id
}

/**
 * Authenticates one request (GET /user/me) with `token`, directly against the sandbox (not
 * through the app), and returns the status. 200 marks the key used; 401 says the key is gone.
 */
export async function useKey(baseUrl: string, token: string): Promise<number> {
  const response = await fetch(`${baseUrl}/user/me`, { headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' } })
  await response.arrayBuffer()
  return response.status
}
