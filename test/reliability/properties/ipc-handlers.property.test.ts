/**
 * Every IPC handler fed arbitrary values (what a compromised or buggy window could send through
 * Electron's structured clone or the preview's JSON): wrong types, 1 MB strings, prototype-pollution
 * objects, NaN, ±Infinity, -0, negative and fractional ids, extra keys, Maps, Dates, typed arrays.
 *
 * For every payload the contract does not allow, the answer is `{ok:false, error:{kind:
 * 'invalid_request'}}` with a short message naming the channel, never a throw; and nothing changes:
 * no request reaches the server, the state (memory and file), keychain, held tokens, clipboard,
 * events and session are as before, and no prototype is polluted.
 *
 * Validity is decided by an oracle written here from the contract (src/shared/ipc-contract.ts),
 * independent of main's zod schemas, so a schema that is too lenient fails the property.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STATE_FILE_NAME } from '../../../src/main/app-services'
import { startSandbox, type SandboxServer } from '../../../src/sandbox/index'
import { ACTIVITY_ACTIONS } from '../../../src/shared/activity'
import { CLIPBOARD_CLEAR_SECONDS_RANGE, QUIET_PERIOD_MINUTES_RANGE } from '../../../src/shared/domain'
import { HYGIENE_SETTING_RANGES } from '../../../src/shared/key-hygiene-settings'
import type { Result } from '../../../src/shared/errors'
import { INVOKE_CHANNELS, type InvokeChannel } from '../../../src/shared/ipc-contract'
import { createTestApp, type TestApp } from '../../support/app-fixture'
import { uniqueEmail, valueOf } from '../support/harness'
import { writeFuzzCounts, type FuzzCount } from '../support/results'

// ---------------------------------------------------------------------------------------------
// The oracle: what the contract allows on each channel.

const VOID_CHANNELS = new Set<InvokeChannel>([
  'app:get-initial-state',
  'accounts:list',
  'accounts:add-sandbox',
  'accounts:remove-all',
  'accounts:refresh-all',
  'token:list-pending'
])

/** Channels whose whole request is `{ accountId }`. */
const ACCOUNT_CHANNELS = new Set<InvokeChannel>(['accounts:remove', 'accounts:show', 'keys:list', 'keys:get-cached'])

/** An account id is a non-empty string of bounded length (main then checks that the account exists). */
const isAccountId = (value: unknown): boolean => isString(value, 1, 2400)
const isKeyId = (value: unknown): boolean => typeof value === 'number' && Number.isSafeInteger(value) && value > 0
const isFormat = (value: unknown): boolean => value === 'csv' || value === 'json'

const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const proto = Object.getPrototypeOf(value) as unknown
  return proto === Object.prototype || proto === null
}

/** Objects structured clone carries as themselves rather than as plain objects. */
const isCloneableNonPlainObject = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !isPlainObject(value)

const hasExactlyKeys = (value: Record<string, unknown>, required: string[], optional: string[] = []): boolean => {
  const keys = Reflect.ownKeys(value)
  if (keys.some((key) => typeof key !== 'string' || (!required.includes(key) && !optional.includes(key)))) return false
  return required.every((key) => Object.hasOwn(value, key))
}

/** Lengths in code points, as main's bounds (and Laravel's mb_strlen) count them. */
const isString = (value: unknown, min: number, max: number): value is string => {
  if (typeof value !== 'string') return false
  const length = [...value].length
  return length >= min && length <= max
}

/** Accepts anything shaped like a UUID; the property skips those (they are exercised elsewhere). */
const looksLikeUuid = (value: unknown) => typeof value === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)

/** 'valid' | 'invalid' | 'unsure' (skipped: close enough to valid that the schema may fairly decide). */
function contractVerdict(channel: InvokeChannel, request: unknown): 'valid' | 'invalid' | 'unsure' {
  if (VOID_CHANNELS.has(channel)) return request === undefined || request === null ? 'valid' : 'invalid'
  // Set, Map, Date, boxed values and typed arrays have their own deterministic test below.
  if (isCloneableNonPlainObject(request)) return 'unsure'
  if (!isPlainObject(request)) return 'invalid'
  if (ACCOUNT_CHANNELS.has(channel)) return hasExactlyKeys(request, ['accountId']) && isAccountId(request['accountId']) ? 'valid' : 'invalid'
  switch (channel) {
    case 'accounts:add':
      return hasExactlyKeys(request, ['baseUrl', 'apiKey']) && isString(request['baseUrl'], 0, 2048) && isString(request['apiKey'], 0, 4096)
        ? 'valid'
        : 'invalid'
    case 'keys:create':
      return hasExactlyKeys(request, ['accountId', 'name', 'requestId']) &&
        isAccountId(request['accountId']) &&
        isString(request['name'], 0, 4096) &&
        isString(request['requestId'], 8, 128)
        ? 'valid'
        : 'invalid'
    case 'keys:delete': {
      const id = request['id']
      return hasExactlyKeys(request, ['accountId', 'id']) && isAccountId(request['accountId']) && typeof id === 'number' && Number.isSafeInteger(id) && id > 0
        ? 'valid'
        : 'invalid'
    }
    case 'token:copy':
    case 'token:confirm-saved':
      if (!hasExactlyKeys(request, ['pendingId'])) return 'invalid'
      return looksLikeUuid(request['pendingId']) ? 'unsure' : 'invalid'
    case 'preferences:update': {
      const ranges: Record<string, { min: number; max: number; nullable?: boolean }> = {
        clipboardClearSeconds: CLIPBOARD_CLEAR_SECONDS_RANGE,
        staleAfterDays: HYGIENE_SETTING_RANGES.staleAfterDays,
        newForDays: HYGIENE_SETTING_RANGES.newForDays,
        rotateAfterDays: { ...HYGIENE_SETTING_RANGES.rotateAfterDays, nullable: true },
        quietPeriodMinutes: QUIET_PERIOD_MINUTES_RANGE
      }
      if (!hasExactlyKeys(request, [], Object.keys(ranges))) return 'invalid'
      return Object.entries(ranges).every(([name, range]) => {
        const value = request[name]
        if (value === undefined || (value === null && range.nullable)) return true
        return typeof value === 'number' && Number.isInteger(value) && value >= range.min && value <= range.max
      })
        ? 'valid'
        : 'invalid'
    }
    case 'keys:bulk-delete': {
      const ids = request['ids']
      const rest =
        hasExactlyKeys(request, ['accountId', 'batchId', 'ids', 'includeOwnKey']) &&
        isAccountId(request['accountId']) &&
        Array.isArray(ids) &&
        ids.length >= 1 &&
        ids.length <= 10_000 &&
        ids.every(isKeyId) &&
        typeof request['includeOwnKey'] === 'boolean'
      return rest && looksLikeUuid(request['batchId']) ? 'unsure' : 'invalid'
    }
    case 'keys:cancel-batch':
      return hasExactlyKeys(request, ['batchId']) && looksLikeUuid(request['batchId']) ? 'unsure' : 'invalid'
    case 'notes:set':
      return hasExactlyKeys(request, ['accountId', 'keyId', 'note', 'reviewBy']) &&
        isAccountId(request['accountId']) &&
        isKeyId(request['keyId']) &&
        isString(request['note'], 0, 16_000) &&
        (request['reviewBy'] === null || isString(request['reviewBy'], 0, 64))
        ? 'valid'
        : 'invalid'
    case 'activity:list':
      return hasExactlyKeys(request, [], ['accountId', 'action', 'limit']) &&
        (request['accountId'] === undefined || isAccountId(request['accountId'])) &&
        (request['action'] === undefined || (ACTIVITY_ACTIONS as readonly unknown[]).includes(request['action'])) &&
        (request['limit'] === undefined || (Number.isInteger(request['limit']) && (request['limit'] as number) >= 1 && (request['limit'] as number) <= 100_000))
        ? 'valid'
        : 'invalid'
    case 'export:keys':
      return hasExactlyKeys(request, ['accountId', 'format']) && isAccountId(request['accountId']) && isFormat(request['format']) ? 'valid' : 'invalid'
    case 'export:activity':
      return hasExactlyKeys(request, ['format'], ['accountId']) && isFormat(request['format']) && (request['accountId'] === undefined || isAccountId(request['accountId']))
        ? 'valid'
        : 'invalid'
    case 'rotation:start':
      return hasExactlyKeys(request, ['accountId', 'keyId', 'name', 'requestId']) &&
        isAccountId(request['accountId']) &&
        isKeyId(request['keyId']) &&
        isString(request['name'], 0, 4096) &&
        isString(request['requestId'], 8, 128)
        ? 'valid'
        : 'invalid'
    case 'rotation:finish':
      return hasExactlyKeys(request, ['accountId', 'newKeyId']) && isAccountId(request['accountId']) && isKeyId(request['newKeyId']) ? 'valid' : 'invalid'
    case 'rotation:cancel':
      return hasExactlyKeys(request, ['accountId', 'newKeyId', 'deleteReplacement']) &&
        isAccountId(request['accountId']) &&
        isKeyId(request['newKeyId']) &&
        typeof request['deleteReplacement'] === 'boolean'
        ? 'valid'
        : 'invalid'
    case 'rotation:rotate-own':
      return hasExactlyKeys(request, ['accountId', 'requestId', 'reveal']) &&
        isAccountId(request['accountId']) &&
        isString(request['requestId'], 8, 128) &&
        typeof request['reveal'] === 'boolean'
        ? 'valid'
        : 'invalid'
    case 'app:set-visibility':
      return hasExactlyKeys(request, ['visible']) && typeof request['visible'] === 'boolean' ? 'valid' : 'invalid'
    case 'shell:open-external':
      return hasExactlyKeys(request, ['url']) && isString(request['url'], 0, 2048) ? 'valid' : 'invalid'
    default:
      throw new Error(`no oracle for ${channel}`)
  }
}

// ---------------------------------------------------------------------------------------------
// Arbitraries: anything structured clone can carry, plus targeted nasties per channel.

const structuredCloneable = fc.anything({
  maxDepth: 3,
  withBoxedValues: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withBigInt: true,
  withDate: true,
  withTypedArray: true,
  withSparseArray: true,
  withUnicodeString: true
})

/** Strings just over each limit up to 1 MB, of characters that stress encoders. */
const hugeString = fc
  .tuple(fc.constantFrom('a', '😀', '\u0000', '"', '\u202e', 'é'), fc.integer({ min: 2049, max: 1_048_576 }))
  .map(([unit, length]) => unit.repeat(length))

const nastyNumber = fc.oneof(
  fc.constantFrom(Number.NaN, Infinity, -Infinity, -0, 0, -1, 1.5, -1.5, 2 ** 53, 2 ** 53 + 2, Number.MAX_VALUE, Number.MIN_VALUE, Number.EPSILON, 1e21),
  fc.double(),
  fc.integer({ max: 0 }),
  fc.double({ min: 0, max: 1e6, noNaN: true }).filter((n) => !Number.isInteger(n))
)

const pollution = fc.constantFrom(
  '{"__proto__":{"polluted":"yes"}}',
  '{"constructor":{"prototype":{"polluted":"yes"}}}',
  '{"prototype":{"polluted":"yes"}}',
  '{"__proto__":{"toString":"not a function"}}',
  '{"__proto__":null}',
  '{"hasOwnProperty":"shadowed"}'
)

const badValue = fc.oneof(structuredCloneable, hugeString, nastyNumber, fc.constant(undefined))

/** Objects with the channel's own field names, filled with wrong or oversized values, plus extras. */
function targeted(channel: InvokeChannel): fc.Arbitrary<unknown> {
  const fields: Partial<Record<InvokeChannel, string[]>> = {
    'accounts:add': ['baseUrl', 'apiKey'],
    'accounts:remove': ['accountId'],
    'accounts:show': ['accountId'],
    'keys:list': ['accountId'],
    'keys:get-cached': ['accountId'],
    'keys:create': ['accountId', 'name', 'requestId'],
    'keys:delete': ['accountId', 'id'],
    'keys:bulk-delete': ['accountId', 'batchId', 'ids', 'includeOwnKey'],
    'keys:cancel-batch': ['batchId'],
    'notes:set': ['accountId', 'keyId', 'note', 'reviewBy'],
    'activity:list': ['accountId', 'action', 'limit'],
    'export:keys': ['accountId', 'format'],
    'export:activity': ['format', 'accountId'],
    'rotation:start': ['accountId', 'keyId', 'name', 'requestId'],
    'rotation:finish': ['accountId', 'newKeyId'],
    'rotation:cancel': ['accountId', 'newKeyId', 'deleteReplacement'],
    'rotation:rotate-own': ['accountId', 'requestId', 'reveal'],
    'app:set-visibility': ['visible'],
    'token:copy': ['pendingId'],
    'token:confirm-saved': ['pendingId'],
    'preferences:update': ['clipboardClearSeconds', 'staleAfterDays', 'newForDays', 'rotateAfterDays', 'quietPeriodMinutes'],
    'shell:open-external': ['url']
  }
  const names = fields[channel] ?? ['request']
  const numeric = new Set(['id', 'keyId', 'newKeyId', 'limit', 'clipboardClearSeconds', 'staleAfterDays', 'newForDays', 'rotateAfterDays', 'quietPeriodMinutes'])
  const wrongFields = fc.record(Object.fromEntries(names.map((name) => [name, numeric.has(name) ? fc.oneof(nastyNumber, badValue) : badValue])), {
    requiredKeys: []
  })
  const withPollution = fc.tuple(wrongFields, pollution).map(([base, json]) => Object.assign(JSON.parse(json) as object, base))
  const withExtraKey = fc.tuple(wrongFields, fc.string({ minLength: 1 }), badValue).map(([base, key, value]) => ({ ...base, [key]: value }))
  const inArray = wrongFields.map((value) => [value])
  return fc.oneof(wrongFields, withPollution, withExtraKey, inArray, hugeString, nastyNumber)
}

// ---------------------------------------------------------------------------------------------

let sandbox: SandboxServer
let app: TestApp
let token: string
let accountId: string
const counts: FuzzCount[] = []

beforeAll(async () => {
  sandbox = await startSandbox()
  app = await createTestApp()
  const email = uniqueEmail('ipc-fuzz')
  token = sandbox.createAccount({ name: 'Fuzz Target', email, totalBalance: 1 }).token
  accountId = `${email} on ${sandbox.baseUrl}`
  valueOf(await app.services.handlers['accounts:add']({ baseUrl: sandbox.baseUrl, apiKey: token }))
  valueOf(await app.services.handlers['keys:list']({ accountId }))
  valueOf(await app.services.handlers['keys:create']({ accountId, name: 'Held token', requestId: 'fuzz-held-0001' }))
  await app.services.keys.settle()
  await app.services.state.flush()
})
afterAll(async () => {
  writeFuzzCounts('ipc-handlers', counts)
  await app.dispose()
  await sandbox.close()
})

interface Snapshot {
  requests: number
  state: string
  pending: string
  clipboardWrites: number
  opened: number
  events: number
  session: string
  objectProto: string[]
  arrayProto: string[]
}

const snapshot = (): Snapshot => ({
  requests: sandbox.requests.length,
  state: JSON.stringify(app.services.state.state),
  pending: JSON.stringify(app.services.pending.list()),
  clipboardWrites: app.clipboard.writes.length,
  opened: app.opened.length,
  events: app.events.length,
  session: JSON.stringify(app.services.accounts.list()),
  objectProto: Object.getOwnPropertyNames(Object.prototype).sort(),
  arrayProto: Object.getOwnPropertyNames(Array.prototype).sort()
})

const RUNS = { anything: 500, targeted: 300 }

/** Always tried first, whatever the seed. */
const ALWAYS: unknown[] = [[], Object.create(null), JSON.parse('{"__proto__":{"polluted":"yes"}}'), JSON.parse('{"constructor":{"prototype":{"polluted":"yes"}}}')]

describe.each(INVOKE_CHANNELS.map((channel) => [channel]))('%s fed arbitrary values', (channel) => {
  for (const [label, arbitrary, numRuns] of [
    ['anything structured clone can carry', structuredCloneable, RUNS.anything],
    ['its own fields with wrong, huge, NaN/negative/fractional or polluting values', targeted(channel), RUNS.targeted]
  ] as const) {
    it(`${label}: invalid_request, nothing changed`, async () => {
      const before = snapshot()
      let executed = 0
      let passed = false
      try {
        await fc.assert(
          fc.asyncProperty(arbitrary, async (request) => {
            const verdict = contractVerdict(channel, request)
            fc.pre(verdict === 'invalid')
            executed++
            let result: Result<unknown>
            try {
              result = (await app.services.handlers[channel](request))
            } catch (error) {
              throw new Error(`the handler threw instead of answering: ${String(error)}`)
            }
            expect(result.ok).toBe(false)
            if (result.ok) return
            expect(result.error.kind).toBe('invalid_request')
            expect(result.error.message).toContain(channel)
            // Short, whatever the payload: nothing of a 1 MB string or a long key name is echoed.
            expect(result.error.message.length).toBeLessThan(600)
            // The answer itself crosses the bridge: it must survive JSON and structured clone.
            expect(JSON.parse(JSON.stringify(result))).toEqual(result)
            expect(structuredClone(result)).toEqual(result)
            expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
            expect(snapshot()).toEqual(before)
          }),
          { numRuns, maxSkipsPerRun: 1000, examples: ALWAYS.map((value) => [value] as [unknown]) }
        )
        passed = true
      } finally {
        counts.push({ file: 'ipc-handlers', property: `${channel}: ${label}`, numRuns: executed, passed })
      }
      expect(executed).toBeGreaterThanOrEqual(numRuns)
    })
  }
})

describe('objects that are not plain objects', () => {
  // Electron's structured clone delivers a Set, Map, Date, boxed number or typed array as itself.
  // An object schema whose fields are all optional (preferences:update) takes them for `{}`.
  const values: Array<[string, unknown]> = [
    ['an empty Set', new Set()],
    ['an empty Map', new Map()],
    ['a Date', new Date(0)],
    ['a boxed number', Object(5)],
    ['an empty typed array', new Uint8Array(0)]
  ]
  it.each(INVOKE_CHANNELS.filter((channel) => !VOID_CHANNELS.has(channel)).flatMap((channel) => values.map(([label, value]) => [channel, label, value] as const)))(
    '%s refuses %s with invalid_request and changes nothing',
    async (channel, _label, value) => {
      const before = snapshot()
      const result = (await app.services.handlers[channel](value)) as Result<unknown>
      expect(result).toMatchObject({ ok: false, error: { kind: 'invalid_request' } })
      expect(snapshot()).toEqual(before)
    }
  )
})

describe('after all the fuzzing', () => {
  it('the state file, keychain and session are exactly as before, and the app still works', async () => {
    await app.services.state.flush()
    const onDisk = JSON.parse(await readFile(join(app.userDataDir, STATE_FILE_NAME), 'utf8')) as { shownAccountId: string; accountOrder: string[] }
    expect(onDisk.shownAccountId).toBe(accountId)
    expect(onDisk.accountOrder).toEqual([accountId])
    expect(await app.vault.listAccounts()).toEqual([accountId])
    expect(await app.vault.get(accountId)).toBe(token)
    expect(valueOf(await app.services.handlers['keys:list']({ accountId })).keys.map((k) => k.id)).toEqual(sandbox.listKeysOf(token).map((k) => k.id))
    expect(Object.prototype).not.toHaveProperty('polluted')
  })
})
