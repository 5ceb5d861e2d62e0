/**
 * Key hygiene: which keys are in use, stale, never used or new, which are due for rotation or
 * for the review date of their note, and the quick filters over them. Pure and shared: the
 * renderer's list, main's exports and the command line's `keys list --state` all classify keys
 * with these functions, so they always agree.
 *
 * Time. Every age is a difference of two instants in milliseconds (the API's timestamps carry
 * their offset, `Z` or `+02:00`), and a day is 86,400,000 ms, so time zones and daylight-saving
 * changes play no part in a key's state: the same key has the same state on every computer at
 * the same moment. The one calendar rule is the note's review date, a day the person picked in
 * their own time zone: it is compared with their local "today", which the caller passes in.
 *
 * Clocks disagree. A `last_used_at` ahead of this computer's clock (the server's clock is fast,
 * or this one is slow) counts as used just now: in use, never a negative age. A `created_at`
 * ahead counts as created just now: new if never used. Both are flagged for the tooltip.
 */
import type { ApiKey } from './domain'
import { MS_PER_DAY, parseInstant } from './dates'

export type KeyState = 'in-use' | 'stale' | 'never-used' | 'new' | 'unknown'

export const KEY_STATES: readonly KeyState[] = ['in-use', 'stale', 'never-used', 'new', 'unknown']

/** For the command line's `--state` and other untyped input. */
export const isKeyState = (value: unknown): value is KeyState => typeof value === 'string' && (KEY_STATES as readonly string[]).includes(value)

/** The words a row shows (never colour alone). */
export const KEY_STATE_LABELS: Readonly<Record<KeyState, string>> = {
  'in-use': 'In use',
  stale: 'Stale',
  'never-used': 'Never used',
  new: 'New',
  unknown: 'Unknown'
}

// ── Settings ─────────────────────────────────────────────────────────────────────────────────

export interface HygieneSettings {
  /** A key last used this many days ago or more is stale. */
  staleAfterDays: number
  /** A never-used key is new for this many days after its creation (0: never "new"). */
  newForDays: number
  /** "Remind me to rotate keys older than N days": null (the default) is off. */
  rotateAfterDays: number | null
}

export const DEFAULT_HYGIENE_SETTINGS: Readonly<HygieneSettings> = { staleAfterDays: 90, newForDays: 7, rotateAfterDays: null }

// ── One key ──────────────────────────────────────────────────────────────────────────────────

/** What classification reads of a key (a structural pick, so any key type fits). */
export type HygieneKey = Pick<ApiKey, 'createdAt' | 'lastUsedAt'> & { lastUsedUnreadable?: boolean }

/** A timestamp more than this far ahead of the computer's clock is flagged as clock skew. */
export const CLOCK_SKEW_TOLERANCE_MS = 5 * 60_000

export interface KeyHygiene {
  state: KeyState
  /** Why the state is `unknown`. */
  unknownBecause: 'created-unreadable' | 'last-used-unreadable' | null
  /** Milliseconds since the epoch; null when missing or unreadable. */
  createdMs: number | null
  lastUsedMs: number | null
  /** Whole days since creation, never negative; null when `created_at` cannot be read. */
  ageDays: number | null
  /** Whole days since the last use, never negative; null when never used or unreadable. */
  daysSinceUse: number | null
  /** The timestamp is ahead of this computer's clock by more than the tolerance. */
  createdInFuture: boolean
  lastUsedInFuture: boolean
  /** The rotation reminder is on and the key is at least that many days old. */
  rotationDue: boolean
}

const wholeDays = (ms: number): number => Math.floor(ms / MS_PER_DAY)

/**
 * The state rule itself, on parsed instants (null: missing or unreadable). Ages are clamped at
 * zero: a timestamp from a fast clock is "just now", never negative.
 */
function stateFrom(createdMs: number | null, lastUsedMs: number | null, lastUsedUnreadable: boolean, nowMs: number, settings: Readonly<HygieneSettings>): KeyState {
  // The server says something about its last use that cannot be read: not "never used".
  if (lastUsedUnreadable) return 'unknown'
  if (lastUsedMs !== null) return Math.max(0, nowMs - lastUsedMs) >= settings.staleAfterDays * MS_PER_DAY ? 'stale' : 'in-use'
  if (createdMs === null) return 'unknown'
  return Math.max(0, nowMs - createdMs) >= settings.newForDays * MS_PER_DAY ? 'never-used' : 'new'
}

const rotationDueFrom = (createdMs: number | null, nowMs: number, settings: Readonly<HygieneSettings>): boolean =>
  settings.rotateAfterDays !== null && createdMs !== null && Math.max(0, nowMs - createdMs) >= settings.rotateAfterDays * MS_PER_DAY

/** The state of one key at `nowMs` (milliseconds since the epoch), with the ages behind it. */
export function classifyKey(key: HygieneKey, nowMs: number, settings: Readonly<HygieneSettings> = DEFAULT_HYGIENE_SETTINGS): KeyHygiene {
  const createdMs = parseInstant(key.createdAt)
  const lastUsedMs = key.lastUsedAt === null ? null : parseInstant(key.lastUsedAt)
  const lastUsedUnreadable = key.lastUsedUnreadable === true || (key.lastUsedAt !== null && lastUsedMs === null)
  const state = stateFrom(createdMs, lastUsedMs, lastUsedUnreadable, nowMs, settings)
  return {
    state,
    unknownBecause: state !== 'unknown' ? null : lastUsedUnreadable ? 'last-used-unreadable' : 'created-unreadable',
    createdMs,
    lastUsedMs,
    ageDays: createdMs === null ? null : wholeDays(Math.max(0, nowMs - createdMs)),
    daysSinceUse: lastUsedMs === null ? null : wholeDays(Math.max(0, nowMs - lastUsedMs)),
    createdInFuture: createdMs !== null && createdMs - nowMs > CLOCK_SKEW_TOLERANCE_MS,
    lastUsedInFuture: lastUsedMs !== null && lastUsedMs - nowMs > CLOCK_SKEW_TOLERANCE_MS,
    rotationDue: rotationDueFrom(createdMs, nowMs, settings)
  }
}

/**
 * A note's review date (`YYYY-MM-DD`, a day in the person's time zone) is due from that day on.
 * `today` is the person's local calendar date (see `calendarDateIn`). Both are fixed-width ISO
 * dates, so comparing the strings compares the days.
 */
export function isReviewDue(reviewBy: string | null | undefined, today: string): boolean {
  return typeof reviewBy === 'string' && reviewBy.length === 10 && reviewBy <= today
}

// ── Quick filters over a whole list ──────────────────────────────────────────────────────────

export type QuickFilter = 'all' | KeyState | 'review-due' | 'this-app' | 'rotation-due'

export const QUICK_FILTER_LABELS: Readonly<Record<QuickFilter, string>> = {
  all: 'All',
  'in-use': 'In use',
  stale: 'Stale',
  'never-used': 'Never used',
  new: 'New',
  unknown: 'Unknown',
  'review-due': 'Review due',
  'this-app': 'This app',
  'rotation-due': 'Rotation due'
}

export interface QuickFilterOption {
  filter: QuickFilter
  label: string
  count: number
}

/** What the list index reads of a key. */
export type IndexedKey = HygieneKey & { id: number; isAppKey?: boolean }

export interface HygieneContext {
  nowMs: number
  /** The person's local calendar date, `YYYY-MM-DD` (for review dates). */
  today: string
  settings: Readonly<HygieneSettings>
  /** The account's notes by key id (only `reviewBy` is read). */
  notes?: ReadonlyMap<number, { readonly reviewBy: string | null }>
}

export interface HygieneIndex {
  /** How many keys of the indexed list each filter shows (`all` is the list's length). */
  readonly counts: Readonly<Record<QuickFilter, number>>
  /** The state of a key of the indexed list (undefined for a key that was not in it). */
  stateOf(key: { id: number }): KeyState | undefined
  isReviewDue(key: { id: number }): boolean
  isRotationDue(key: { id: number }): boolean
  matches(key: { id: number }, filter: QuickFilter): boolean
  /**
   * The keys that a filter shows, in the order given (so it composes with any sort and name
   * filter). `all` returns every key given; the others only keys that were indexed.
   */
  select<K extends { id: number }>(keys: readonly K[], filter: QuickFilter): K[]
}

// One small integer per key: the state's position in KEY_STATES in the low bits, then flags.
const STATE_BITS = 0b111
const REVIEW_DUE = 1 << 3
const THIS_APP = 1 << 4
const ROTATION_DUE = 1 << 5

const STATE_CODE: Readonly<Record<KeyState, number>> = { 'in-use': 0, stale: 1, 'never-used': 2, new: 3, unknown: 4 }

function maskMatches(mask: number, filter: QuickFilter): boolean {
  switch (filter) {
    case 'all':
      return true
    case 'review-due':
      return (mask & REVIEW_DUE) !== 0
    case 'this-app':
      return (mask & THIS_APP) !== 0
    case 'rotation-due':
      return (mask & ROTATION_DUE) !== 0
    default:
      return (mask & STATE_BITS) === STATE_CODE[filter]
  }
}

/**
 * Classifies every key in one pass and counts each quick filter. Build it once per list (and
 * `today`, settings and notes); changing the filter, the name filter or the sort then costs a
 * lookup per key. Duplicate ids (which the server never sends) keep the last key's state.
 */
export function indexKeyHygiene(keys: readonly IndexedKey[], context: HygieneContext): HygieneIndex {
  const { nowMs, today, settings, notes } = context
  const masks = new Map<number, number>()
  // Plain integer counters and lazy parsing: this loop is the whole cost of a 10,000-key index.
  let inUse = 0
  let stale = 0
  let neverUsed = 0
  let fresh = 0
  let unknown = 0
  let reviewDue = 0
  let thisApp = 0
  let rotationDue = 0
  const rotationOn = settings.rotateAfterDays !== null
  for (const key of keys) {
    // classifyKey's rule without its allocations (the ages and flags are for one row's tooltip);
    // created_at is read only when the state or the rotation reminder needs it.
    const lastUsedMs = key.lastUsedAt === null ? null : parseInstant(key.lastUsedAt)
    const lastUsedUnreadable = key.lastUsedUnreadable === true || (key.lastUsedAt !== null && lastUsedMs === null)
    const needsCreated = rotationOn || (lastUsedMs === null && !lastUsedUnreadable)
    const createdMs = needsCreated ? parseInstant(key.createdAt) : null
    const state = stateFrom(createdMs, lastUsedMs, lastUsedUnreadable, nowMs, settings)
    let mask = STATE_CODE[state]
    switch (state) {
      case 'in-use':
        inUse++
        break
      case 'stale':
        stale++
        break
      case 'never-used':
        neverUsed++
        break
      case 'new':
        fresh++
        break
      case 'unknown':
        unknown++
    }
    if (notes !== undefined && isReviewDue(notes.get(key.id)?.reviewBy, today)) {
      mask |= REVIEW_DUE
      reviewDue++
    }
    if (key.isAppKey === true) {
      mask |= THIS_APP
      thisApp++
    }
    if (rotationOn && rotationDueFrom(createdMs, nowMs, settings)) {
      mask |= ROTATION_DUE
      rotationDue++
    }
    masks.set(key.id, mask)
  }
  const counts: Record<QuickFilter, number> = {
    all: keys.length,
    'in-use': inUse,
    stale,
    'never-used': neverUsed,
    new: fresh,
    unknown,
    'review-due': reviewDue,
    'this-app': thisApp,
    'rotation-due': rotationDue
  }
  return {
    counts,
    stateOf: (key) => {
      const mask = masks.get(key.id)
      return mask === undefined ? undefined : KEY_STATES[mask & STATE_BITS]
    },
    isReviewDue: (key) => ((masks.get(key.id) ?? 0) & REVIEW_DUE) !== 0,
    isRotationDue: (key) => ((masks.get(key.id) ?? 0) & ROTATION_DUE) !== 0,
    matches: (key, filter) => {
      const mask = masks.get(key.id)
      return mask !== undefined && maskMatches(mask, filter)
    },
    select: (list, filter) => {
      if (filter === 'all') return list.slice()
      return list.filter((key) => {
        const mask = masks.get(key.id)
        return mask !== undefined && maskMatches(mask, filter)
      })
    }
  }
}

/**
 * The quick-filter bar in order: All, In use, Stale, Never used, Review due, This app, then
 * Rotation due when the reminder is on, and Unknown only while some key's dates cannot be read
 * (so such keys can be found; otherwise it would be an always-empty button). `new` stays out of
 * the bar (a key that young needs no cleaning) but is a filter for the command line.
 */
export function quickFilterOptions(index: Pick<HygieneIndex, 'counts'>, settings: Readonly<HygieneSettings>): QuickFilterOption[] {
  const filters: QuickFilter[] = ['all', 'in-use', 'stale', 'never-used', 'review-due', 'this-app']
  if (settings.rotateAfterDays !== null) filters.push('rotation-due')
  if (index.counts.unknown > 0) filters.push('unknown')
  return filters.map((filter) => ({ filter, label: QUICK_FILTER_LABELS[filter], count: index.counts[filter] }))
}

// ── Words ────────────────────────────────────────────────────────────────────────────────────

const days = (n: number): string => (n === 1 ? '1 day' : `${n} days`)
const ago = (n: number): string => (n === 0 ? 'today' : `${days(n)} ago`)

/** One sentence on why a key has its state, for the row's details and tooltip. */
export function describeKeyState(hygiene: KeyHygiene, settings: Readonly<HygieneSettings> = DEFAULT_HYGIENE_SETTINGS): string {
  switch (hygiene.state) {
    case 'in-use':
      return `In use: last used ${ago(hygiene.daysSinceUse ?? 0)} (stale after ${days(settings.staleAfterDays)} without use).`
    case 'stale':
      return `Stale: not used for ${days(hygiene.daysSinceUse ?? 0)} (stale after ${days(settings.staleAfterDays)}).`
    case 'never-used':
      return `Never used: created ${ago(hygiene.ageDays ?? 0)}.`
    case 'new':
      return `New: created ${ago(hygiene.ageDays ?? 0)} and not used yet.`
    case 'unknown':
      return hygiene.unknownBecause === 'last-used-unreadable'
        ? 'Unknown: the server sent a last-used date this app cannot read.'
        : 'Unknown: the server sent a creation date this app cannot read.'
  }
}

export interface TooltipOptions {
  /** IANA time zone for the local times (the computer's own when omitted). */
  timeZone?: string
  /** BCP 47 locale for the local times (the system's when omitted). */
  locale?: string
}

const exactFormatters = new Map<string, Intl.DateTimeFormat>()

function exactFormatter(options: TooltipOptions): Intl.DateTimeFormat {
  const cacheKey = `${options.locale ?? ''}|${options.timeZone ?? ''}`
  let format = exactFormatters.get(cacheKey)
  if (!format) {
    // `long` time style shows seconds and the zone's name: an exact, unambiguous moment.
    format = new Intl.DateTimeFormat(options.locale, { dateStyle: 'medium', timeStyle: 'long', timeZone: options.timeZone })
    exactFormatters.set(cacheKey, format)
  }
  return format
}

/** A local time with seconds and zone, then the same instant in UTC: `2 Dec 2026, 04:58:13 CET (2026-12-02T03:58:13.000Z)`. */
export function exactTime(ms: number, options: TooltipOptions = {}): string {
  return `${exactFormatter(options).format(ms)} (${new Date(ms).toISOString()})`
}

const quoteRaw = (raw: string): string => `“${raw.length > 40 ? `${raw.slice(0, 40)}…` : raw}”`

/**
 * The row's tooltip: the state in words, then the exact creation and last-use times, and the
 * rotation and review reminders when they apply. Lines separated by `\n`.
 */
export function keyTooltip(
  key: HygieneKey,
  hygiene: KeyHygiene,
  settings: Readonly<HygieneSettings> = DEFAULT_HYGIENE_SETTINGS,
  options: TooltipOptions & { reviewBy?: string | null; today?: string } = {}
): string {
  const skew = ' (ahead of this computer’s clock)'
  const lines = [describeKeyState(hygiene, settings)]
  lines.push(
    hygiene.createdMs === null
      ? `Created: — (unreadable: ${quoteRaw(key.createdAt)})`
      : `Created: ${exactTime(hygiene.createdMs, options)}${hygiene.createdInFuture ? skew : ''}`
  )
  if (hygiene.lastUsedMs !== null) {
    lines.push(`Last used: ${exactTime(hygiene.lastUsedMs, options)}${hygiene.lastUsedInFuture ? skew : ''}`)
  } else if (hygiene.unknownBecause === 'last-used-unreadable') {
    lines.push(key.lastUsedAt === null ? 'Last used: — (unreadable)' : `Last used: — (unreadable: ${quoteRaw(key.lastUsedAt)})`)
  } else {
    lines.push('Last used: never')
  }
  if (hygiene.rotationDue && settings.rotateAfterDays !== null) {
    lines.push(`Rotation due: ${days(hygiene.ageDays ?? 0)} old (reminder after ${days(settings.rotateAfterDays)}).`)
  }
  if (options.reviewBy) {
    const due = options.today !== undefined && isReviewDue(options.reviewBy, options.today)
    lines.push(due ? `Review due: the note asks for a review by ${options.reviewBy}.` : `Review by ${options.reviewBy}.`)
  }
  return lines.join('\n')
}
