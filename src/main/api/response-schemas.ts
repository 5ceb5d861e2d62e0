/**
 * Shapes of the Autocalls API answers. Every response is parsed through these before use:
 * unknown extra fields are dropped, a wrong shape is a `bad_response` error, never `undefined`.
 */
import { z } from 'zod'
import type { ApiKey, UserProfile } from '../../shared/domain'

const timestamp = z.iso.datetime({ offset: true }).transform((value) => new Date(value).toISOString())

// Laravel's decimal cast serialises money as a string ("125.50"); accept both spellings.
const money = z.union([
  z.number().finite(),
  z
    .string()
    .regex(/^-?\d+(\.\d+)?$/)
    .transform(Number)
])

export const userProfileSchema = z
  .object({ name: z.string(), email: z.string(), total_balance: money })
  .transform((raw): UserProfile => ({ name: raw.name, email: raw.email, totalBalance: raw.total_balance }))

export const apiKeySchema = z
  .object({
    id: z.number().int().positive(),
    name: z.string(),
    last_used_at: timestamp.nullable(),
    created_at: timestamp
  })
  .transform((raw): ApiKey => ({ id: raw.id, name: raw.name, createdAt: raw.created_at, lastUsedAt: raw.last_used_at }))

export const apiKeyListSchema = z.object({ api_keys: z.array(apiKeySchema) }).transform((raw) => raw.api_keys)

export const createdKeySchema = z
  .object({
    api_key: z.object({
      name: z.string(),
      token: z.string().min(8).regex(/^\S+$/),
      created_at: timestamp
    })
  })
  .transform((raw) => ({ name: raw.api_key.name, token: raw.api_key.token, createdAt: raw.api_key.created_at }))

export const messageSchema = z.object({ message: z.string() })

export const validationErrorSchema = z.object({
  message: z.string(),
  errors: z.record(z.string(), z.array(z.string()))
})

/** The database id Sanctum puts before the `|` of a token: a strong hint, not a guarantee. */
export function tokenIdPrefix(token: string): number | null {
  const match = /^(\d{1,15})\|/.exec(token)
  if (!match) return null
  const id = Number(match[1])
  return Number.isSafeInteger(id) && id > 0 ? id : null
}
