/**
 * The staleness rules (issue 10) over generated keys, clocks and settings: every key has exactly
 * one state, the one the contract gives (written out here as an oracle); states only move forward
 * as time passes (in use → stale, new → never used, never back); the thresholds hold to the
 * millisecond; ages are never negative, whatever the clocks say; the same instants written with
 * other offsets, separators or fractions give the same answer; the rotation reminder is "age ≥ N
 * days"; and the one-pass index agrees with classifying key by key (counts and selections).
 */
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { MS_PER_DAY, parseInstant } from '../../../src/shared/dates'
import { classifyKey, indexKeyHygiene, isReviewDue, type HygieneSettings, type IndexedKey, type KeyState, type QuickFilter } from '../../../src/shared/key-hygiene'
import { HYGIENE_SETTING_RANGES } from '../../../src/shared/key-hygiene-settings'
import { writeFuzzCounts, type FuzzCount } from '../support/results'

const counts: FuzzCount[] = []
afterAll(() => writeFuzzCounts('key-hygiene', counts))

/** Runs a property with fc.check and records how many generated cases ran (shrinking not counted). */
function check<T>(property: string, arbitrary: fc.Arbitrary<T>, predicate: (value: T) => void, numRuns: number): void {
  const details = fc.check(
    fc.property(arbitrary, (value) => {
      predicate(value)
    }),
    { numRuns }
  )
  counts.push({ file: 'key-hygiene', property, numRuns: details.numRuns, passed: !details.failed })
  if (details.failed) throw new Error(fc.defaultReportMessage(details) ?? `${property} failed`)
  expect(details.numRuns).toBe(numRuns)
}

// ── Generators ───────────────────────────────────────────────────────────────────────────────

const YEAR_MS = 365 * MS_PER_DAY
const now = fc.integer({ min: Date.UTC(2015, 0, 1), max: Date.UTC(2090, 0, 1) })
const settings: fc.Arbitrary<HygieneSettings> = fc.record({
  staleAfterDays: fc.integer(HYGIENE_SETTING_RANGES.staleAfterDays),
  newForDays: fc.integer(HYGIENE_SETTING_RANGES.newForDays),
  rotateAfterDays: fc.option(fc.integer(HYGIENE_SETTING_RANGES.rotateAfterDays), { nil: null })
})
/** How long before `now` a timestamp lies (negative: ahead of this computer's clock). */
const offsetBeforeNow = fc.oneof(
  fc.integer({ min: -30 * MS_PER_DAY, max: 12 * YEAR_MS }),
  fc.integer({ min: -10 * 60_000, max: 10 * 60_000 }), // around "now"
  fc.integer({ min: 0, max: 4000 }).map((d) => d * MS_PER_DAY) // whole days, the thresholds' grid
)

/** An ISO 8601 spelling of an instant: any offset (whole quarter hours), `T` or space, with or without a fraction. */
interface Spelling {
  offsetMinutes: number
  separator: 'T' | ' '
  zone: 'colon' | 'compact' | 'hours' | 'z'
  fraction: 0 | 3 | 6
}
const spelling: fc.Arbitrary<Spelling> = fc.record({
  offsetMinutes: fc.integer({ min: -12 * 4, max: 14 * 4 }).map((q) => q * 15),
  separator: fc.constantFrom('T' as const, ' ' as const),
  zone: fc.constantFrom('colon' as const, 'compact' as const, 'hours' as const, 'z' as const),
  fraction: fc.constantFrom(0 as const, 3 as const, 6 as const)
})

const pad = (n: number, width = 2) => String(n).padStart(width, '0')

/** Writes `ms` in that spelling (an instant with milliseconds is only spelled with a fraction). */
function spell(ms: number, s: Spelling): string {
  const zoneMinutes = s.zone === 'z' ? 0 : s.zone === 'hours' ? Math.trunc(s.offsetMinutes / 60) * 60 : s.offsetMinutes
  const local = new Date(ms + zoneMinutes * 60_000)
  const date = `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`
  const time = `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}`
  const millis = local.getUTCMilliseconds()
  const fraction = s.fraction === 0 && millis === 0 ? '' : `.${pad(millis, 3)}${s.fraction === 6 ? '000' : ''}`
  const sign = zoneMinutes < 0 ? '-' : '+'
  const abs = Math.abs(zoneMinutes)
  const zone =
    s.zone === 'z' ? 'Z' : s.zone === 'hours' ? `${sign}${pad(abs / 60)}` : s.zone === 'colon' ? `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}` : `${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`
  return `${date}${s.separator}${time}${fraction}${zone}`
}

interface Case {
  nowMs: number
  settings: HygieneSettings
  createdBefore: number
  lastUsed: { kind: 'never' } | { kind: 'unreadable' } | { kind: 'garbage'; text: string } | { kind: 'at'; before: number }
  createdGarbage: string | null
  spellCreated: Spelling
  spellUsed: Spelling
}

const lastUsed = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('at' as const), before: offsetBeforeNow }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'never' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'unreadable' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('garbage' as const), text: fc.constantFrom('', 'never', '2026-02-30T00:00:00Z', '1700000000', 'null', '2026-13-01') }) }
)

const keyCase: fc.Arbitrary<Case> = fc.record({
  nowMs: now,
  settings,
  createdBefore: offsetBeforeNow,
  lastUsed,
  createdGarbage: fc.option(fc.constantFrom('', 'garbage', '2026-04-31T10:00:00Z', '26-01-01'), { nil: null, freq: 8 }),
  spellCreated: spelling,
  spellUsed: spelling
})

function keyOf(c: Case, spellCreated = c.spellCreated, spellUsed = c.spellUsed): IndexedKey {
  const createdAt = c.createdGarbage ?? spell(c.nowMs - c.createdBefore, spellCreated)
  const base = { id: 1, createdAt }
  switch (c.lastUsed.kind) {
    case 'never':
      return { ...base, lastUsedAt: null }
    case 'unreadable':
      return { ...base, lastUsedAt: null, lastUsedUnreadable: true }
    case 'garbage':
      return { ...base, lastUsedAt: c.lastUsed.text }
    case 'at':
      return { ...base, lastUsedAt: spell(c.nowMs - c.lastUsed.before, spellUsed) }
  }
}

/** The contract (issue 10), written from its words rather than from the module. */
function expectedState(c: Case, atMs: number = c.nowMs): KeyState {
  const createdMs = c.createdGarbage === null ? c.nowMs - c.createdBefore : null
  if (c.lastUsed.kind === 'unreadable' || c.lastUsed.kind === 'garbage') return 'unknown'
  if (c.lastUsed.kind === 'at') {
    const usedMs = c.nowMs - c.lastUsed.before
    const since = Math.max(0, atMs - usedMs) // used "in the future": just now
    return since < c.settings.staleAfterDays * MS_PER_DAY ? 'in-use' : 'stale'
  }
  if (createdMs === null) return 'unknown'
  const age = Math.max(0, atMs - createdMs)
  return age >= c.settings.newForDays * MS_PER_DAY ? 'never-used' : 'new'
}

const RANK: Record<KeyState, number> = { new: 0, 'never-used': 1, 'in-use': 0, stale: 1, unknown: 0 }
const FAMILY: Record<KeyState, string> = { new: 'unused', 'never-used': 'unused', 'in-use': 'used', stale: 'used', unknown: 'unknown' }

// ── Properties ───────────────────────────────────────────────────────────────────────────────

describe('staleness rules (property)', () => {
  it('every key has exactly one state, the contract’s', () => {
    check(
      'exactly one state, as the contract says',
      keyCase,
      (c) => {
        const h = classifyKey(keyOf(c), c.nowMs, c.settings)
        expect(['in-use', 'stale', 'never-used', 'new', 'unknown']).toContain(h.state)
        expect(h.state).toBe(expectedState(c))
      },
      3000
    )
  })

  it('states only move forward as time passes', () => {
    check(
      'monotonic in time',
      fc.tuple(keyCase, fc.integer({ min: 0, max: 5 * YEAR_MS })),
      ([c, later]) => {
        const key = keyOf(c)
        const before = classifyKey(key, c.nowMs, c.settings)
        const after = classifyKey(key, c.nowMs + later, c.settings)
        expect(FAMILY[after.state]).toBe(FAMILY[before.state])
        expect(RANK[after.state]).toBeGreaterThanOrEqual(RANK[before.state])
        if (before.rotationDue) expect(after.rotationDue).toBe(true)
        if (before.ageDays !== null) expect(after.ageDays!).toBeGreaterThanOrEqual(before.ageDays)
        if (before.daysSinceUse !== null) expect(after.daysSinceUse!).toBeGreaterThanOrEqual(before.daysSinceUse)
      },
      2000
    )
  })

  it('thresholds hold to the millisecond', () => {
    check(
      'stale exactly from staleAfterDays, never used exactly from newForDays',
      fc.record({ nowMs: now, settings, delta: fc.integer({ min: -3000, max: 3000 }), used: fc.boolean() }),
      ({ nowMs, settings: s, delta, used }) => {
        const threshold = (used ? s.staleAfterDays : s.newForDays) * MS_PER_DAY
        const at = new Date(nowMs - threshold - delta).toISOString()
        const key = used ? { createdAt: new Date(nowMs - 20 * YEAR_MS).toISOString(), lastUsedAt: at } : { createdAt: at, lastUsedAt: null }
        const { state } = classifyKey(key, nowMs, s)
        // delta ≥ 0: the timestamp is at least the threshold ago. ("New for 0 days": never new.)
        if (used) expect(state).toBe(delta >= 0 ? 'stale' : 'in-use')
        else expect(state).toBe(delta >= 0 || threshold === 0 ? 'never-used' : 'new')
      },
      3000
    )
  })

  it('ages are never negative; a future last use is in use, a future creation new (or never used when "new" is off)', () => {
    check(
      'future dates never give negative ages',
      fc.record({ nowMs: now, settings, ahead: fc.integer({ min: 1, max: 3 * YEAR_MS }), used: fc.boolean() }),
      ({ nowMs, settings: s, ahead, used }) => {
        const future = new Date(nowMs + ahead).toISOString()
        const h = classifyKey(used ? { createdAt: future, lastUsedAt: future } : { createdAt: future, lastUsedAt: null }, nowMs, s)
        expect(h.ageDays).toBe(0)
        if (used) expect(h).toMatchObject({ state: 'in-use', daysSinceUse: 0 })
        else expect(h.state).toBe(s.newForDays === 0 ? 'never-used' : 'new')
        expect(h.rotationDue).toBe(false)
        expect(h.createdInFuture).toBe(ahead > 5 * 60_000)
      },
      2000
    )
  })

  it('time zones and spellings do not matter: the same instants give the same answer', () => {
    check(
      'offset, separator and fraction invariance',
      fc.tuple(keyCase, spelling, spelling),
      ([c, otherCreated, otherUsed]) => {
        const a = classifyKey(keyOf(c), c.nowMs, c.settings)
        const b = classifyKey(keyOf(c, otherCreated, otherUsed), c.nowMs, c.settings)
        expect(b).toEqual(a)
      },
      2000
    )
  })

  it('reads every spelling of an instant back to that instant', () => {
    check(
      'parseInstant round trip',
      fc.tuple(fc.integer({ min: Date.UTC(1971, 0, 1), max: Date.UTC(9998, 0, 1) }), spelling),
      ([ms, s]) => {
        expect(parseInstant(spell(ms, s))).toBe(ms)
      },
      3000
    )
  })

  it('rotation due is "at least N days since creation", only when the reminder is on', () => {
    check(
      'rotation due threshold',
      keyCase,
      (c) => {
        const h = classifyKey(keyOf(c), c.nowMs, c.settings)
        const expected = c.settings.rotateAfterDays !== null && c.createdGarbage === null && c.createdBefore >= c.settings.rotateAfterDays * MS_PER_DAY
        expect(h.rotationDue).toBe(expected)
      },
      2000
    )
  })

  it('a longer "stale after" never makes a key stale', () => {
    check(
      'monotonic in the threshold',
      fc.tuple(keyCase, fc.integer({ min: 0, max: 1000 })),
      ([c, more]) => {
        const longer = { ...c.settings, staleAfterDays: Math.min(3650, c.settings.staleAfterDays + more) }
        const a = classifyKey(keyOf(c), c.nowMs, c.settings).state
        const b = classifyKey(keyOf(c), c.nowMs, longer).state
        if (a === 'in-use') expect(b).toBe('in-use')
      },
      1000
    )
  })
})

describe('the quick-filter index (property)', () => {
  const listCase = fc.record({
    nowMs: now,
    settings,
    today: fc.integer({ min: 0, max: 3000 }).map((d) => new Date(Date.UTC(2020, 0, 1) + d * MS_PER_DAY).toISOString().slice(0, 10)),
    keys: fc.array(
      fc.record({
        createdBefore: offsetBeforeNow,
        usedBefore: fc.option(offsetBeforeNow, { nil: null }),
        unreadable: fc.boolean(),
        isAppKey: fc.boolean(),
        reviewBy: fc.option(fc.integer({ min: 0, max: 3000 }).map((d) => new Date(Date.UTC(2020, 0, 1) + d * MS_PER_DAY).toISOString().slice(0, 10)), { nil: null })
      }),
      { maxLength: 60 }
    ),
    order: fc.array(fc.nat(), { maxLength: 60 })
  })

  it('counts and selections agree with classifying key by key, in the order given', () => {
    check(
      'index = per-key classification',
      listCase,
      (c) => {
        const keys: IndexedKey[] = c.keys.map((k, i) => ({
          id: i + 1,
          createdAt: new Date(c.nowMs - k.createdBefore).toISOString(),
          lastUsedAt: k.usedBefore === null ? null : new Date(c.nowMs - k.usedBefore).toISOString(),
          ...(k.unreadable && k.usedBefore === null ? { lastUsedUnreadable: true } : {}),
          isAppKey: k.isAppKey
        }))
        const notes = new Map(c.keys.map((k, i) => [i + 1, { reviewBy: k.reviewBy }]))
        const index = indexKeyHygiene(keys, { nowMs: c.nowMs, today: c.today, settings: c.settings, notes })
        // A shuffled view of the list, as a sort would give.
        const shuffled = [...keys].sort((a, b) => (c.order[a.id % (c.order.length || 1)] ?? 0) - (c.order[b.id % (c.order.length || 1)] ?? 0) || b.id - a.id)
        const filters: QuickFilter[] = ['all', 'in-use', 'stale', 'never-used', 'new', 'unknown', 'review-due', 'this-app', 'rotation-due']
        const expectedMatch = (key: IndexedKey, filter: QuickFilter): boolean => {
          const h = classifyKey(key, c.nowMs, c.settings)
          if (filter === 'all') return true
          if (filter === 'review-due') return isReviewDue(notes.get(key.id)?.reviewBy, c.today)
          if (filter === 'this-app') return key.isAppKey === true
          if (filter === 'rotation-due') return h.rotationDue
          return h.state === filter
        }
        for (const filter of filters) {
          const expected = shuffled.filter((key) => expectedMatch(key, filter))
          expect(index.select(shuffled, filter)).toEqual(expected)
          expect(index.counts[filter]).toBe(expected.length)
        }
        const stateTotal = index.counts['in-use'] + index.counts.stale + index.counts['never-used'] + index.counts.new + index.counts.unknown
        expect(stateTotal).toBe(keys.length)
      },
      1000
    )
  })
})
