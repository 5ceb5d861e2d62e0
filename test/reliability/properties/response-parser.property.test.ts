/**
 * The response readers fed arbitrary JSON, arbitrary text and arbitrary bytes, with arbitrary
 * statuses, content types and Retry-After headers: they never throw past their boundary (every
 * failure is an ApiError of a known kind, `bad_response` for a 2xx they cannot use) and never
 * yield a malformed value (ids are positive safe integers, names strings, timestamps canonical
 * ISO, the balance a finite number or null, no field beyond the domain type's). The credential
 * never shows in an error message, even when the server echoes it.
 *
 * Tolerant reading (issue 15): answers whose needed fields are right and whose cosmetic fields
 * (the account's name and balance, a key's last use) come in every variant a server may send
 * (missing, null, a string balance, another type, another ISO form) are always read, never a
 * `bad_response`; a wrong needed field is always a `bad_response` naming it.
 */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiError } from '../../../src/main/api/api-error'
import { AutocallsClient } from '../../../src/main/api/autocalls-client'
import { readApiTimestamp } from '../../../src/main/api/api-timestamps'
import {
  messageSchema,
  readCreatedKey,
  readKeyList,
  readUserProfile,
  ShapeError,
  validationErrorSchema,
  type Reader
} from '../../../src/main/api/response-schemas'
import { startSandbox, type SandboxServer } from '../../../src/sandbox/index'
import type { ApiKey, UserProfile } from '../../../src/shared/domain'
import type { ApiErrorKind } from '../../../src/shared/errors'
import { writeFuzzCounts, type FuzzCount } from '../support/results'

const counts: FuzzCount[] = []
afterAll(() => writeFuzzCounts('response-parser', counts))

/** Runs a property and records how many generated cases it executed. */
async function check<T>(property: string, arbitrary: fc.Arbitrary<T>, predicate: (value: T) => Promise<void> | void, numRuns: number): Promise<void> {
  let executed = 0
  let passed = false
  try {
    await fc.assert(
      fc.asyncProperty(arbitrary, async (value) => {
        executed++
        await predicate(value)
      }),
      { numRuns }
    )
    passed = true
  } finally {
    counts.push({ file: 'response-parser', property, numRuns: executed, passed })
  }
}

// ---------------------------------------------------------------------------------------------
// Invariants of what the parser may hand to the rest of the app.

const isCanonicalIso = (value: unknown): boolean => typeof value === 'string' && !Number.isNaN(Date.parse(value)) && new Date(value).toISOString() === value

function expectValidKey(key: ApiKey): void {
  const fields = Object.keys(key).sort()
  expect(fields).toEqual(key.lastUsedUnreadable ? ['createdAt', 'id', 'lastUsedAt', 'lastUsedUnreadable', 'name'] : ['createdAt', 'id', 'lastUsedAt', 'name'])
  expect(Number.isSafeInteger(key.id) && key.id > 0, `id ${String(key.id)}`).toBe(true)
  expect(typeof key.name).toBe('string')
  expect(isCanonicalIso(key.createdAt), `createdAt ${String(key.createdAt)}`).toBe(true)
  expect(key.lastUsedAt === null || isCanonicalIso(key.lastUsedAt), `lastUsedAt ${String(key.lastUsedAt)}`).toBe(true)
  if (key.lastUsedUnreadable) expect(key.lastUsedAt).toBeNull()
}

function expectValidProfile(profile: UserProfile): void {
  expect(Object.keys(profile).sort()).toEqual(['email', 'name', 'totalBalance'])
  expect(profile.name === null || (typeof profile.name === 'string' && profile.name.trim() !== '')).toBe(true)
  expect(typeof profile.email === 'string' && profile.email.trim() !== '').toBe(true)
  expect(profile.totalBalance === null || Number.isFinite(profile.totalBalance), `totalBalance ${String(profile.totalBalance)}`).toBe(true)
}

function expectValidCreated(created: { name: string | null; token: string; createdAt: string | null; idHint?: number | null }): void {
  expect(created.name === null || typeof created.name === 'string').toBe(true)
  expect(created.token).toMatch(/^\S{8,}$/)
  expect(created.createdAt === null || isCanonicalIso(created.createdAt), `createdAt ${created.createdAt}`).toBe(true)
  if (created.idHint !== undefined && created.idHint !== null) {
    expect(Number.isSafeInteger(created.idHint) && created.idHint > 0).toBe(true)
    expect(created.token.startsWith(`${created.idHint}|`)).toBe(true)
  }
}

const API_ERROR_KINDS: ApiErrorKind[] = ['unauthenticated', 'not_found', 'validation', 'rate_limited', 'server', 'network', 'timeout', 'bad_response']

// ---------------------------------------------------------------------------------------------
// Arbitraries: arbitrary JSON, and JSON close to the real shapes (so the valid path is exercised).

const digits = (n: number, width: number) => String(n).padStart(width, '0')
/** ISO-like timestamps, valid and not: odd months/days/hours, Laravel's 6 fraction digits, offsets. */
const timestampish = fc.oneof(
  fc
    .record({
      year: fc.integer({ min: 0, max: 9999 }),
      month: fc.integer({ min: 0, max: 13 }),
      day: fc.integer({ min: 0, max: 32 }),
      hour: fc.integer({ min: 0, max: 25 }),
      minute: fc.integer({ min: 0, max: 60 }),
      second: fc.integer({ min: 0, max: 61 }),
      fraction: fc.constantFrom('', '.0', '.123', '.000000', '.999999', '.1234567890'),
      zone: fc.constantFrom('Z', 'z', '+00:00', '-14:00', '+14:00', '+23:59', '+2359', '', '+24:00', ' Z')
    })
    .map((t) => `${digits(t.year, 4)}-${digits(t.month, 2)}-${digits(t.day, 2)}T${digits(t.hour, 2)}:${digits(t.minute, 2)}:${digits(t.second, 2)}${t.fraction}${t.zone}`),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.string(),
  fc.jsonValue()
)
const idish = fc.oneof(
  fc.integer({ min: 1 }),
  fc.constantFrom(0, -1, 1.5, 2 ** 53, 2 ** 53 - 1, 1e308, -0),
  fc.double(),
  fc.string(),
  fc.constant(null)
)
const keyish = fc.record(
  { id: idish, name: fc.oneof(fc.string({ unit: 'grapheme' }), fc.jsonValue()), created_at: timestampish, last_used_at: fc.oneof(fc.constant(null), timestampish), token: fc.string() },
  { requiredKeys: [] }
)
const listish = fc.oneof(fc.record({ api_keys: fc.array(keyish, { maxLength: 8 }) }), fc.record({ api_keys: fc.jsonValue() }), fc.jsonValue())
const moneyish = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.stringMatching(/^-?\d{1,400}(\.\d{1,30})?$/),
  fc.constantFrom('125.50', '1e3', 'NaN', 'Infinity', '', '-0', '00.5', '.5'),
  fc.jsonValue()
)
const profileish = fc.oneof(
  fc.record({ name: fc.oneof(fc.string(), fc.jsonValue()), email: fc.oneof(fc.string(), fc.jsonValue()), total_balance: moneyish }, { requiredKeys: [] }),
  fc.jsonValue()
)
const tokenish = fc.oneof(
  fc.tuple(fc.integer({ min: 0 }), fc.stringMatching(/^[A-Za-z0-9]{0,48}$/)).map(([id, secret]) => `${id}|${secret}`),
  fc.stringMatching(/^\d{0,20}\|\S{0,50}$/),
  fc.string(),
  fc.jsonValue()
)
const createdish = fc.oneof(
  fc.record({ message: fc.string(), api_key: fc.record({ name: fc.oneof(fc.string(), fc.jsonValue()), token: tokenish, created_at: timestampish }, { requiredKeys: [] }) }, { requiredKeys: ['api_key'] }),
  fc.jsonValue()
)

// ---------------------------------------------------------------------------------------------

/** A reader's answer: the value, or the path of a ShapeError (anything else thrown fails the property). */
function read<T>(reader: Reader<T>, json: unknown): { value: T } | { path: string } {
  try {
    return { value: reader(json) }
  } catch (error) {
    if (error instanceof ShapeError) return { path: error.path }
    throw error
  }
}

describe('the response readers', () => {
  it('list: arbitrary and near-valid JSON → a valid key list or a shape error, never a throw', async () => {
    await check('readKeyList on arbitrary and near-valid JSON', listish, (json) => {
      const result = read(readKeyList, json)
      if ('value' in result) result.value.forEach(expectValidKey)
      else expect(result.path).toMatch(/^(the top level|api_keys(\.\d+(\.(id|name|created_at))?)?)$/)
    }, 2000)
  })

  it('profile: → a valid profile (balance finite or null) or a shape error', async () => {
    await check('readUserProfile on arbitrary and near-valid JSON', profileish, (json) => {
      const result = read(readUserProfile, json)
      if ('value' in result) expectValidProfile(result.value)
      else expect(['the top level', 'email']).toContain(result.path)
    }, 1500)
  })

  it('created key: → a valid created key or a shape error', async () => {
    await check('readCreatedKey on arbitrary and near-valid JSON', createdish, (json) => {
      const result = read(readCreatedKey, json)
      if ('value' in result) expectValidCreated(result.value)
      else expect(['the top level', 'api_key', 'api_key.token']).toContain(result.path)
    }, 1500)
  })

  // Every variant a server may send for each cosmetic field, around needed fields that are right.
  const anyCosmetic = fc.oneof(
    fc.constant(undefined),
    fc.constant(null),
    fc.string(),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant([]),
    fc.constant({}),
    fc.constantFrom('42.50', '0', '-3.1', '1e3', 'NaN', '')
  )
  const isoVariants = fc
    .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true })
    .chain((date) => {
      const iso = new Date(Math.floor(date.getTime() / 1000) * 1000).toISOString()
      const plain = iso.slice(0, 19)
      return fc.constantFrom(
        `${plain}.000000Z`, // Carbon's default
        `${plain}Z`,
        `${plain}+00:00`,
        `${plain.replace('T', ' ')}`, // MySQL, no zone
        `${plain}.000Z`
      )
    })
  const withField = (value: Record<string, unknown>, key: string, field: unknown) => (field === undefined ? value : { ...value, [key]: field })

  it('profile: every variant of the cosmetic name and balance is read (shown as “—”), never a bad_response', async () => {
    await check('readUserProfile with every cosmetic variant', fc.tuple(fc.emailAddress(), anyCosmetic, anyCosmetic), ([email, name, balance]) => {
      const json = withField(withField({ email }, 'name', name), 'total_balance', balance)
      const result = read(readUserProfile, json)
      expect(result).toHaveProperty('value')
      const profile = (result as { value: UserProfile }).value
      expectValidProfile(profile)
      expect(profile.email).toBe(email)
      expect(profile.name).toBe(typeof name === 'string' && name.trim() !== '' ? name : null)
      if (typeof balance === 'number' && Number.isFinite(balance)) expect(profile.totalBalance).toBe(balance)
      if (balance === '42.50') expect(profile.totalBalance).toBe(42.5)
      if (balance === null || balance === undefined || typeof balance === 'boolean') expect(profile.totalBalance).toBeNull()
    }, 600)
  })

  it('list: every variant of last_used_at is read; needed fields of the wrong type are a shape error naming them', async () => {
    const row = fc.record({
      id: fc.integer({ min: 1, max: 2 ** 31 }),
      name: fc.string(),
      created: isoVariants,
      lastUsed: fc.oneof(fc.constant(null), isoVariants, anyCosmetic)
    })
    await check('readKeyList with every last_used_at variant and each needed field broken', fc.tuple(fc.array(row, { minLength: 1, maxLength: 6 }), fc.nat(), fc.constantFrom('none', 'id', 'name', 'created_at')), ([rows, which, broken]) => {
      const json = { api_keys: rows.map((r) => withField({ id: r.id, name: r.name, created_at: r.created, extra: 'ignored' }, 'last_used_at', r.lastUsed)) }
      const target = which % rows.length
      if (broken !== 'none') (json.api_keys[target] as Record<string, unknown>)[broken] = broken === 'id' ? String(rows[target]!.id) : broken === 'name' ? null : 'yesterday'
      const result = read(readKeyList, json)
      if (broken !== 'none') {
        expect(result).toEqual({ path: `api_keys.${target}.${broken}` })
        return
      }
      expect(result).toHaveProperty('value')
      const keys = (result as { value: ApiKey[] }).value
      keys.forEach(expectValidKey)
      keys.forEach((key, i) => {
        const sent = rows[i]!.lastUsed
        const readable = sent === null ? null : readApiTimestamp(sent)
        if (sent === null) expect(key).toMatchObject({ lastUsedAt: null })
        else if (readable !== null) expect(key.lastUsedAt).toBe(readable)
        else expect(key).toMatchObject({ lastUsedAt: null, lastUsedUnreadable: true })
        expect(key.createdAt).toBe(readApiTimestamp(rows[i]!.created))
      })
    }, 800)
  })

  it('message and validation bodies: never throw', async () => {
    await check('messageSchema + validationErrorSchema on arbitrary JSON', fc.jsonValue(), (json) => {
      const message = messageSchema.safeParse(json)
      if (message.success) expect(typeof message.data.message).toBe('string')
      const validation = validationErrorSchema.safeParse(json)
      if (validation.success) for (const list of Object.values(validation.data.errors)) expect(list.every((m) => typeof m === 'string')).toBe(true)
    }, 1000)
  })
})

// ---------------------------------------------------------------------------------------------
// The client's whole parse path: status, headers and body bytes from a stub fetch.

const CREDENTIAL = '42|CredentialSecretPartThatMustNeverBeEchoed12'

interface Reply {
  status: number
  contentType: string | null
  retryAfter: string | null
  body: Uint8Array
}

const NULL_BODY_STATUSES = new Set([204, 205, 304])

const contentTypes = fc.constantFrom(null, 'application/json', 'application/json; charset=utf-8', 'text/html; charset=UTF-8', 'text/plain', 'application/problem+json', '')
const retryAfters = fc.oneof(
  fc.constant(null),
  fc.constantFrom('0', '1', '2', '30', '99999999999999999999', '-1', '1.5', ' 3 ', 'Wed, 21 Oct 2015 07:28:00 GMT', 'Fri, 31 Dec 9999 23:59:59 GMT', 'soon'),
  // Any length a real header might have; a 309-digit one has its own test below.
  fc.string({ maxLength: 300 })
)
const encode = (text: string) => new TextEncoder().encode(text)
const bodies = fc.oneof(
  fc.uint8Array({ maxLength: 512 }),
  fc.string({ unit: 'binary' }).map(encode),
  fc.jsonValue().map((v) => encode(JSON.stringify(v) ?? 'null')),
  fc.oneof(listish, profileish, createdish).map((v) => encode(JSON.stringify(v) ?? 'null')),
  // The server echoing the credential, in a message or anywhere else.
  fc.string().map((s) => encode(JSON.stringify({ message: `${s}${CREDENTIAL}${s}`, errors: { name: [CREDENTIAL] } })))
)
const replies: fc.Arbitrary<Reply> = fc.record({
  status: fc.oneof(fc.constantFrom(200, 201, 204, 400, 401, 403, 404, 405, 409, 410, 413, 418, 422, 429, 500, 502, 503, 504), fc.integer({ min: 200, max: 599 })),
  contentType: contentTypes,
  retryAfter: retryAfters,
  body: bodies
})

function clientReplying(reply: Reply): AutocallsClient {
  return new AutocallsClient({
    baseUrl: 'https://api.example.test/api',
    credential: CREDENTIAL,
    sleep: async () => undefined,
    fetch: async () => {
      const headers = new Headers()
      if (reply.contentType !== null) headers.set('content-type', reply.contentType)
      if (reply.retryAfter !== null) {
        try {
          headers.set('retry-after', reply.retryAfter)
        } catch {
          // not a legal header value: the network would not deliver it either
        }
      }
      return new Response(NULL_BODY_STATUSES.has(reply.status) ? null : new Uint8Array(reply.body), { status: reply.status, headers })
    }
  })
}

type Operation = 'getMe' | 'listKeys' | 'createKey' | 'deleteKey'

async function outcome(client: AutocallsClient, operation: Operation): Promise<{ value: unknown } | { error: unknown }> {
  try {
    switch (operation) {
      case 'getMe':
        return { value: await client.getMe() }
      case 'listKeys':
        return { value: await client.listKeys() }
      case 'createKey':
        return { value: await client.createKey('A name') }
      case 'deleteKey':
        return { value: await client.deleteKey(7) }
    }
  } catch (error) {
    return { error }
  }
}

describe('the client, fed arbitrary statuses, headers and bytes', () => {
  it.each<[Operation]>([['getMe'], ['listKeys'], ['createKey'], ['deleteKey']])('%s: a valid value or an ApiError of a known kind, nothing else', async (operation) => {
    await check(`AutocallsClient.${operation} on arbitrary status/headers/bytes`, replies, async (reply) => {
      const result = await outcome(clientReplying(reply), operation)
      if ('error' in result) {
        expect(result.error, String(result.error)).toBeInstanceOf(ApiError)
        const error = result.error as ApiError
        expect(API_ERROR_KINDS).toContain(error.kind)
        expect(error.message.length).toBeGreaterThan(0)
        expect(error.message.length).toBeLessThan(1200)
        expect(error.message).not.toContain('CredentialSecretPartThatMustNeverBeEchoed12')
        expect(JSON.stringify(error.toAppError())).not.toContain('CredentialSecretPartThatMustNeverBeEchoed12')
        if (reply.status >= 200 && reply.status < 300) expect(error.kind).toBe('bad_response')
        // A wait the window can show: a finite number of seconds (JSON turns Infinity into null).
        if (error.retryAfterSeconds !== undefined) expect(Number.isFinite(error.retryAfterSeconds) && error.retryAfterSeconds >= 0, `retryAfterSeconds ${error.retryAfterSeconds}`).toBe(true)
        expect(error.message).not.toMatch(/Infinity|NaN/)
        return
      }
      // Only a 2xx may produce a value (and a 404 on delete, meaning "already gone").
      expect(reply.status < 300 || (operation === 'deleteKey' && reply.status === 404)).toBe(true)
      if (operation === 'getMe') expectValidProfile(result.value as UserProfile)
      if (operation === 'listKeys') (result.value as ApiKey[]).forEach(expectValidKey)
      if (operation === 'createKey') expectValidCreated(result.value as Parameters<typeof expectValidCreated>[0])
      if (operation === 'deleteKey') expect(result.value).toEqual({ alreadyGone: expect.any(Boolean) })
    }, 800)
  })
})

describe('a server message that says nothing', () => {
  // `serverMessage ?? fallback` keeps an empty string, so the person reads an empty alert.
  it.each([
    [422, 'createKey'],
    [404, 'listKeys'],
    [404, 'getMe']
  ] as const)('HTTP %i with {"message":""} on %s still gives a message to read', async (status, operation) => {
    const result = await outcome(clientReplying({ status, contentType: 'application/json', retryAfter: null, body: encode('{"message":"","errors":{}}') }), operation)
    const error = (result as { error: ApiError }).error
    expect(error).toBeInstanceOf(ApiError)
    expect(error.message.trim().length).toBeGreaterThan(0)
  })
})

describe('a Retry-After too large for a number', () => {
  // parseRetryAfterMs turns 309+ digits into Infinity; the AppError then carries
  // retryAfterSeconds: Infinity (null once JSON-encoded) and a 429 says "wait Infinity seconds".
  it.each([[429], [503]])('HTTP %i with a 400-digit Retry-After gives a finite wait and a readable message', async (status) => {
    const result = await outcome(clientReplying({ status, contentType: 'application/json', retryAfter: '9'.repeat(400), body: encode('{"message":"x"}') }), 'listKeys')
    expect('error' in result).toBe(true)
    const error = (result as { error: ApiError }).error
    expect(error).toBeInstanceOf(ApiError)
    expect(error.retryAfterSeconds === undefined || Number.isFinite(error.retryAfterSeconds), `retryAfterSeconds ${error.retryAfterSeconds}`).toBe(true)
    expect(error.message).not.toMatch(/Infinity/)
  })
})

// ---------------------------------------------------------------------------------------------
// Over real HTTP: the sandbox serves the arbitrary body (fault `malformed`), the real client reads it.

describe('over real HTTP from the sandbox', () => {
  let sandbox: SandboxServer
  let token: string
  beforeAll(async () => {
    sandbox = await startSandbox()
    token = sandbox.createAccount({ name: 'Parser', email: 'parser@example.test', totalBalance: 1 }).token
  })
  afterAll(async () => {
    await sandbox.close()
  })

  it('list: arbitrary JSON or text bodies → a valid list or bad_response', async () => {
    const client = new AutocallsClient({ baseUrl: sandbox.baseUrl, credential: token, sleep: async () => undefined, timeoutMs: 2_000 })
    const text = fc.oneof(listish.map((v) => JSON.stringify(v) ?? 'null'), fc.string({ unit: 'grapheme' }), fc.jsonValue().map((v) => JSON.stringify(v) ?? 'null'))
    await check('AutocallsClient.listKeys over HTTP (sandbox `malformed` fault)', text, async (body) => {
      sandbox.faults.add({ method: 'GET', path: '/user/api-keys', fault: { type: 'malformed', body } })
      const result = await outcome(client, 'listKeys')
      sandbox.faults.clear()
      if ('error' in result) {
        expect(result.error).toBeInstanceOf(ApiError)
        expect((result.error as ApiError).kind).toBe('bad_response')
      } else (result.value as ApiKey[]).forEach(expectValidKey)
    }, 300)
  })
})
