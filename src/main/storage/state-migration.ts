/**
 * Upgrades of the state file's format. Version 1 (one active account, the key lists inside the
 * file) becomes version 2 (many accounts, the key lists in files of their own) in place.
 */
import { z } from 'zod'
import type { AccountId, ApiKey } from '../../shared/domain'

export const STATE_VERSION = 2

/** Key lists that a version 1 file carried, keyed by account. */
export type LegacyKeyCaches = Record<AccountId, { fetchedAt: string; keys: ApiKey[] }>

const v1Schema = z.object({
  version: z.literal(1),
  activeAccountId: z.string().nullable(),
  accounts: z.record(
    z.string(),
    z.object({
      id: z.string(),
      baseUrl: z.string(),
      profile: z.object({ name: z.string(), email: z.string(), totalBalance: z.number() }),
      appKeyId: z.number().int().nullable()
    })
  ),
  keyCache: z.record(
    z.string(),
    z.object({
      fetchedAt: z.string(),
      keys: z.array(z.object({ id: z.number().int(), name: z.string(), createdAt: z.string(), lastUsedAt: z.string().nullable() }))
    })
  ),
  preferences: z.object({ clipboardClearSeconds: z.number() })
})

/**
 * The file's JSON in the current format (still to be validated), plus the key lists to move out
 * of it; null when it is neither the current format nor an older one this version knows.
 */
export function upgradeState(json: unknown): { state: unknown; legacyCaches: LegacyKeyCaches | null } | null {
  const version = (json as { version?: unknown } | null)?.version
  if (version === STATE_VERSION) return { state: json, legacyCaches: null }
  if (version !== 1) return null
  const v1 = v1Schema.safeParse(json)
  if (!v1.success) return null
  const { accounts, activeAccountId, keyCache, preferences } = v1.data
  const ids = Object.keys(accounts)
  const upgradedAt = new Date().toISOString()
  return {
    state: {
      version: STATE_VERSION,
      accounts: Object.fromEntries(
        ids.map((id, index) => {
          const account = accounts[id]!
          const cache = keyCache[id]
          return [
            id,
            {
              ...account,
              addedAt: upgradedAt,
              colorIndex: index % 12,
              signedOutReason: null,
              lastRefreshedAt: cache?.fetchedAt ?? null,
              keyCount: cache?.keys.length ?? null,
              neverUsedCount: null
            }
          ]
        })
      ),
      accountOrder: ids,
      shownAccountId: activeAccountId,
      defaultAccountId: activeAccountId,
      preferences
    },
    legacyCaches: keyCache
  }
}
