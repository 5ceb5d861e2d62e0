/**
 * Readers of the Autocalls API answers. Every response goes through one before use. Only what the
 * app needs is required (a key's id, name and created_at; the account's email; a created key's
 * token): a wrong shape there is a `ShapeError` (→ `bad_response`), never `undefined` in the UI.
 * Cosmetic fields (name, balance, last use) that are missing, null or of another type are read
 * as null and logged once. Unknown extra fields are dropped.
 *
 * The key list is read by hand rather than through a schema library: a 10,000-key answer is read
 * in a few milliseconds instead of tens (see `npm run bench`), with the same error paths.
 */
import { z } from 'zod'
import type { ApiKey, UserProfile } from '../../shared/domain'
import { readApiTimestamp } from './api-timestamps'
import { describeValue, noteUnreadableField } from './cosmetic-fields'

/** Where an answer did not have the shape the app needs, as a path such as `api_keys.3.id`. */
export class ShapeError extends Error {
  constructor(readonly path: string) {
    super(`problem at ${path}`)
    this.name = 'ShapeError'
  }
}

/** Reads a parsed JSON body into a domain value, or throws a ShapeError. */
export type Reader<T> = (json: unknown) => T

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/** Laravel's decimal cast serialises money as a string ("125.50"); both spellings are read. */
function readMoney(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value
  if (typeof value === 'string' && /^-?\d{1,15}(\.\d{1,10})?$/.test(value)) return Number(value)
  return null
}

export const readUserProfile: Reader<UserProfile> = (json) => {
  if (!isObject(json)) throw new ShapeError('the top level')
  const { email, name, total_balance: balance } = json
  if (typeof email !== 'string' || email.trim() === '') throw new ShapeError('email')
  const readName = typeof name === 'string' && name.trim() !== '' ? name : null
  if (readName === null) noteUnreadableField('the account’s name', describeValue(name))
  const totalBalance = readMoney(balance)
  if (totalBalance === null) noteUnreadableField('the account’s balance', describeValue(balance))
  return { name: readName, email, totalBalance }
}

export const readKeyList: Reader<ApiKey[]> = (json) => {
  if (!isObject(json)) throw new ShapeError('the top level')
  const rows = json['api_keys']
  if (!Array.isArray(rows)) throw new ShapeError('api_keys')
  const keys = new Array<ApiKey>(rows.length)
  for (let index = 0; index < rows.length; index++) keys[index] = readKeyRow(rows[index], index)
  return keys
}

function readKeyRow(row: unknown, index: number): ApiKey {
  if (!isObject(row)) throw new ShapeError(`api_keys.${index}`)
  const { id, name, created_at: created, last_used_at: lastUsed } = row
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) throw new ShapeError(`api_keys.${index}.id`)
  if (typeof name !== 'string') throw new ShapeError(`api_keys.${index}.name`)
  const createdAt = readApiTimestamp(created)
  if (createdAt === null) throw new ShapeError(`api_keys.${index}.created_at`)
  if (lastUsed === null) return { id, name, createdAt, lastUsedAt: null }
  const lastUsedAt = readApiTimestamp(lastUsed)
  if (lastUsedAt !== null) return { id, name, createdAt, lastUsedAt }
  noteUnreadableField('a key’s last_used_at', describeValue(lastUsed))
  return { id, name, createdAt, lastUsedAt: null, lastUsedUnreadable: true }
}

/** A create's answer: the token is what matters (it exists only here); the rest has fallbacks. */
export interface CreatedKeyAnswer {
  token: string
  /** null when the answer carried no usable name (the caller knows the name it asked for). */
  name: string | null
  /** null when the answer carried no usable created_at. */
  createdAt: string | null
}

export const readCreatedKey: Reader<CreatedKeyAnswer> = (json) => {
  if (!isObject(json)) throw new ShapeError('the top level')
  const key = json['api_key']
  if (!isObject(key)) throw new ShapeError('api_key')
  const { token, name, created_at: created } = key
  if (typeof token !== 'string' || token.length < 8 || token.length > 512 || /\s/.test(token)) throw new ShapeError('api_key.token')
  const createdAt = readApiTimestamp(created)
  if (createdAt === null) noteUnreadableField('a new key’s created_at', describeValue(created))
  return { token, name: typeof name === 'string' ? name : null, createdAt }
}

export const messageSchema = z.object({ message: z.string() })

export const validationErrorSchema = z.object({
  message: z.string(),
  errors: z.record(z.string(), z.array(z.string()))
})

/** A zod schema as a Reader (for the small answers, where speed does not matter). */
export function readerOf<S extends z.ZodType>(schema: S): Reader<z.output<S>> {
  return (json) => {
    const parsed = schema.safeParse(json)
    if (parsed.success) return parsed.data
    throw new ShapeError(parsed.error.issues[0]?.path.join('.') || 'the top level')
  }
}

/** The database id Sanctum puts before the `|` of a token: a strong hint, not a guarantee. */
export function tokenIdPrefix(token: string): number | null {
  // Database ids have no leading zero: "01|…" is not the token of key 1.
  const match = /^([1-9]\d{0,14})\|/.exec(token)
  if (!match) return null
  const id = Number(match[1])
  return Number.isSafeInteger(id) && id > 0 ? id : null
}
