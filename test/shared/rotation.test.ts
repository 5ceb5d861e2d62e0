import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { ApiKey } from '../../src/shared/domain'
import {
  DEFAULT_QUIET_PERIOD_MS,
  describeRotation,
  durationText,
  readRotation,
  rotationAgeText,
  serverClockOffsetMs,
  updateRotation,
  type KeyTimes,
  type RotationRecord,
  type RotationState
} from '../../src/shared/rotation'

const T0 = Date.parse('2026-12-02T03:58:13Z')
const MIN = 60_000
/** Laravel's form: second precision, six zero digits. */
const iso = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', '.000000Z')
const key = (createdAt: number, lastUsedAt: number | null): KeyTimes => ({ createdAt: iso(createdAt), lastUsedAt: lastUsedAt === null ? null : iso(lastUsedAt) })
const OLD_CREATED = T0 - 90 * 24 * 60 * MIN

function read(old: KeyTimes | null, replacement: KeyTimes | null, now: number, newKeyFirstUsedAt: string | null = null) {
  return readRotation({ oldKey: old, newKey: replacement, newKeyFirstUsedAt, now })
}

describe('where a rotation stands', () => {
  it('waits for the new key’s first use', () => {
    expect(read(key(OLD_CREATED, T0 - MIN), key(T0, null), T0 + 5 * MIN).state).toBe('waiting-for-first-use')
  })

  it('counts a use in the same second as the creation (Sanctum leaves last_used_at null until a use)', () => {
    const created = T0 + 400 // 03:58:13.400, shown as 03:58:13
    expect(read(key(OLD_CREATED, T0 - MIN), key(created, created + 300), T0 + 2_000).state).toBe('old-key-quiet')
    // A last_used_at a second before the key existed is not a use of it.
    expect(read(key(OLD_CREATED, T0 - MIN), key(T0, T0 - 1_000), T0 + 2_000).state).toBe('waiting-for-first-use')
  })

  it('goes new key in use → old key quiet → safe to finish as the old key stays silent', () => {
    const firstUse = T0 + 2 * MIN
    const oldLast = T0 + 3 * MIN // something still used the old key after the new one went live
    const old = key(OLD_CREATED, oldLast)
    const replacement = key(T0, firstUse + 30 * MIN) // in constant use since
    const recorded = iso(firstUse)
    expect(read(old, replacement, T0 + 4 * MIN, recorded)).toMatchObject({ state: 'new-key-in-use', safeAt: oldLast + 1_000 + DEFAULT_QUIET_PERIOD_MS })
    expect(read(old, replacement, oldLast + 1_000 + DEFAULT_QUIET_PERIOD_MS - 1, recorded).state).toBe('new-key-in-use')
    expect(read(old, replacement, oldLast + 1_000 + DEFAULT_QUIET_PERIOD_MS, recorded).state).toBe('safe-to-finish')

    const silentOld = key(OLD_CREATED, T0 - MIN) // last used before the replacement existed
    expect(read(silentOld, replacement, firstUse + 4 * MIN, recorded)).toMatchObject({ state: 'old-key-quiet', quietForMs: 4 * MIN - 1_000 })
    expect(read(silentOld, replacement, firstUse + 1_000 + DEFAULT_QUIET_PERIOD_MS, recorded).state).toBe('safe-to-finish')
  })

  it('measures silence from the new key’s first use, not its latest', () => {
    const replacement = key(T0, T0 + 59 * MIN) // the list shows only the latest use
    const old = key(OLD_CREATED, T0 - MIN)
    expect(read(old, replacement, T0 + 60 * MIN).state).toBe('old-key-quiet') // without the recorded first use: from 59 min
    expect(read(old, replacement, T0 + 60 * MIN, iso(T0 + MIN)).state).toBe('safe-to-finish')
  })

  it('takes a use of the old key in the same second as the new one’s first use as after it', () => {
    const at = T0 + 5 * MIN
    expect(read(key(OLD_CREATED, at + 900), key(T0, at + 100), at + 2_000).state).toBe('new-key-in-use')
  })

  it('never calls an old key with an unreadable last use quiet', () => {
    const old: KeyTimes = { createdAt: iso(OLD_CREATED), lastUsedAt: null, lastUsedUnreadable: true }
    expect(read(old, key(T0, T0 + MIN), T0 + 24 * 60 * MIN).state).toBe('new-key-in-use')
  })

  it('treats server timestamps ahead of our clock as just now, never as negative silence', () => {
    const reading = read(key(OLD_CREATED, T0 - MIN), key(T0, T0 + 10 * MIN), T0 + 5 * MIN)
    expect(reading).toMatchObject({ state: 'old-key-quiet', quietForMs: 0 })
  })

  it('notices either key disappearing', () => {
    expect(read(null, key(T0, T0 + MIN), T0 + 2 * MIN).state).toBe('old-key-gone')
    expect(read(key(OLD_CREATED, null), null, T0 + 2 * MIN).state).toBe('replacement-gone')
    expect(read(null, null, T0 + 2 * MIN).state).toBe('replacement-gone') // nothing to complete: the person decides
  })
})

describe('property: safe to finish only after a real quiet period', () => {
  const instant = fc.integer({ min: 0, max: 6 * 60 * MIN })
  it('holds for any true use times, shown at second precision', () => {
    fc.assert(
      fc.property(
        instant,
        fc.option(instant, { nil: null }),
        fc.option(instant, { nil: null }),
        // Either any time, or within two seconds of where the quiet period ends (the edge cases).
        fc.oneof(instant.map((ms) => ({ anywhere: ms })), fc.integer({ min: -2_000, max: 2_000 }).map((ms) => ({ nearEdge: ms }))),
        fc.integer({ min: MIN, max: 60 * MIN }),
        (created, newUse, oldUse, when, quiet) => {
          const createdAt = T0 + created
          const newUsedAt = newUse === null ? null : createdAt + newUse
          const oldUsedAt = oldUse === null ? null : T0 + oldUse - 3 * 60 * MIN
          const edge = Math.max(newUsedAt ?? createdAt, oldUsedAt ?? 0) + quiet
          const at = 'anywhere' in when ? createdAt + when.anywhere : edge + when.nearEdge
          const reading = readRotation({
            oldKey: { createdAt: iso(OLD_CREATED), lastUsedAt: oldUsedAt === null ? null : iso(oldUsedAt) },
            newKey: { createdAt: iso(createdAt), lastUsedAt: newUsedAt === null ? null : iso(newUsedAt) },
            newKeyFirstUsedAt: null,
            now: at,
            quietPeriodMs: quiet
          })
          if (reading.state === 'safe-to-finish') {
            expect(newUsedAt).not.toBeNull()
            // Measured with the true (sub-second) times: silent for the whole quiet period since the
            // replacement went live.
            expect(at - newUsedAt!).toBeGreaterThanOrEqual(quiet)
            if (oldUsedAt !== null) expect(at - oldUsedAt).toBeGreaterThanOrEqual(quiet)
          }
          if (newUsedAt === null) expect(reading.state).toBe('waiting-for-first-use')
          if (reading.quietForMs !== null) expect(reading.quietForMs).toBeGreaterThanOrEqual(0)
        }
      ),
      { numRuns: 1000 }
    )
  })

  it('never goes back as time passes with the same list', () => {
    const order: Record<RotationState, number> = {
      'waiting-for-first-use': 0,
      'new-key-in-use': 1,
      'old-key-quiet': 1,
      'safe-to-finish': 2,
      'old-key-gone': 3,
      'replacement-gone': 3
    }
    fc.assert(
      fc.property(instant, fc.option(instant, { nil: null }), fc.option(instant, { nil: null }), instant, instant, (created, newUse, oldUse, a, b) => {
        const old = key(OLD_CREATED, oldUse === null ? null : T0 + oldUse)
        const replacement = key(T0 + created, newUse === null ? null : T0 + created + newUse)
        const early = read(old, replacement, T0 + Math.min(a, b)).state
        const late = read(old, replacement, T0 + Math.max(a, b)).state
        expect(order[late]).toBeGreaterThanOrEqual(order[early])
        if (order[early] === 1 && order[late] === 1) expect(late).toBe(early) // the old key's last use does not change with time
      }),
      { numRuns: 500 }
    )
  })
})

describe('keeping the record up to date', () => {
  const record: RotationRecord = {
    accountId: 'ada@example.com on app.autocalls.ai',
    oldKey: { id: 7, name: 'CI' },
    newKey: { id: 12, name: 'CI' },
    startedAt: new Date(T0).toISOString(),
    finishedAt: null,
    outcome: null,
    state: 'waiting-for-first-use',
    ownKey: false,
    newKeyFirstUsedAt: null
  }
  const apiKey = (id: number, created: number, used: number | null): ApiKey => ({ id, name: 'CI', ...key(created, used) })
  const list = (fetchedAt: number, keys: ApiKey[]) => ({ keys, fetchedAt: new Date(fetchedAt).toISOString() })

  it('returns the same record when nothing moved, and remembers the first use once seen', () => {
    const quiet = list(T0 + MIN, [apiKey(7, OLD_CREATED, T0 - MIN), apiKey(12, T0, null)])
    expect(updateRotation(record, quiet, T0 + MIN)).toBe(record)
    const used = updateRotation(record, list(T0 + 2 * MIN, [apiKey(7, OLD_CREATED, T0 - MIN), apiKey(12, T0, T0 + 90_000)]), T0 + 2 * MIN)
    expect(used).toMatchObject({ state: 'old-key-quiet', newKeyFirstUsedAt: new Date(T0 + 90_000).toISOString() })
    // A later list shows only the latest use; the first stays.
    const later = updateRotation(used, list(T0 + 30 * MIN, [apiKey(7, OLD_CREATED, T0 - MIN), apiKey(12, T0, T0 + 29 * MIN)]), T0 + 30 * MIN)
    expect(later).toMatchObject({ state: 'safe-to-finish', newKeyFirstUsedAt: used.newKeyFirstUsedAt })
    expect(updateRotation(later, list(T0 + 31 * MIN, [apiKey(7, OLD_CREATED, T0 - MIN), apiKey(12, T0, T0 + 31 * MIN)]), T0 + 31 * MIN)).toBe(later)
  })

  it('completes itself when the old key is gone, and ignores a list older than the rotation', () => {
    expect(updateRotation(record, list(T0 - MIN, [apiKey(7, OLD_CREATED, null)]), T0)).toBe(record) // no replacement yet in it
    const done = updateRotation(record, list(T0 + 5 * MIN, [apiKey(12, T0, T0 + MIN)]), T0 + 5 * MIN)
    expect(done).toMatchObject({ state: 'old-key-gone', outcome: 'completed-elsewhere', finishedAt: new Date(T0 + 5 * MIN).toISOString() })
    expect(updateRotation(done, list(T0 + 6 * MIN, []), T0 + 6 * MIN)).toBe(done) // finished stays finished
  })
})

describe('words', () => {
  it('says how long a rotation has been open', () => {
    expect(rotationAgeText({ startedAt: new Date(T0).toISOString() }, T0 + 2 * 60 * MIN + 59 * MIN)).toBe('open for 2 h')
    expect([0, 59_999, MIN, 59 * MIN, 60 * MIN, 25 * 60 * MIN, 49 * 60 * MIN].map(durationText)).toEqual([
      'less than a minute',
      'less than a minute',
      '1 min',
      '59 min',
      '1 h',
      '1 day',
      '2 days'
    ])
  })

  it('describes every state with its figures', () => {
    const firstUse = T0 + MIN
    const reading = read(key(OLD_CREATED, T0 - MIN), key(T0, firstUse), firstUse + 4 * MIN + 1_000)
    expect(describeRotation(reading, firstUse + 4 * MIN + 1_000)).toEqual({
      title: 'Old key quiet for 4 min of 15 min',
      detail: 'Nothing has used the old key since the new one went live. Safe to finish in 11 min.'
    })
    const states: RotationState[] = ['waiting-for-first-use', 'new-key-in-use', 'old-key-quiet', 'safe-to-finish', 'old-key-gone', 'replacement-gone']
    const titles = states.map((state) => describeRotation({ state, newKeyFirstUsedAt: null, quietSince: null, quietForMs: null, safeAt: null }, T0).title)
    expect(new Set(titles).size).toBe(states.length)
  })
})

describe('the server’s clock', () => {
  it('gives an offset that never overstates the server’s time', () => {
    const receivedAt = T0 + 700
    expect(serverClockOffsetMs(new Date(T0 + 300_000).toUTCString(), receivedAt)).toBe(300_000 - 700)
    expect(serverClockOffsetMs('garbage', receivedAt)).toBeNull()
    expect(serverClockOffsetMs(null, receivedAt)).toBeNull()
  })
})
