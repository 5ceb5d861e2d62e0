import { describe, expect, it } from 'vitest'
import { describeListStatus } from '../../src/renderer/src/components/ListStatus'
import {
  createVisibleKeysSelector,
  DEFAULT_SORT,
  filterKeys,
  nextSort,
  sortKeys
} from '../../src/renderer/src/lib/key-list'
import { customHost, displayName, initialsOf, statusText, windowTitle } from '../../src/renderer/src/lib/account-display'
import { isTypingTarget, matchShortcut, type Shortcut, type ShortcutEvent } from '../../src/renderer/src/lib/keyboard-shortcuts'
import { copiedMessage, deleteQuestion, noMatchMessage } from '../../src/renderer/src/lib/messages'
import { newRequestId } from '../../src/renderer/src/lib/request-id'
import { formatRelativeTime } from '../../src/renderer/src/lib/time-format'
import { ADA, GRACE, makeAccount, makeKey, makeKeys } from './fake-api'

const NOW = Date.parse('2025-06-15T12:00:00Z')
const ago = (ms: number) => new Date(NOW - ms).toISOString()
const MIN = 60_000
const HOUR = 60 * MIN
const DAY = 24 * HOUR

describe('formatRelativeTime', () => {
  it.each([
    [0, 'just now'],
    [30_000, 'just now'],
    [50_000, '1 minute ago'],
    [5 * MIN, '5 minutes ago'],
    [2 * HOUR + 10 * MIN, '2 hours ago'],
    [DAY + HOUR, 'yesterday'],
    [3 * DAY, '3 days ago'],
    [15 * DAY, '2 weeks ago'],
    [40 * DAY, 'last month'],
    [800 * DAY, '2 years ago'],
    [-3 * HOUR, 'in 3 hours']
  ])('%d ms ago → %s', (ms, text) => {
    expect(formatRelativeTime(ago(ms), NOW)).toBe(text)
  })

  it('does not throw on a bad timestamp', () => {
    expect(formatRelativeTime('not a date', NOW)).toBe('at an unknown time')
  })
})

describe('sorting and filtering', () => {
  const keys = [
    makeKey(1, { name: 'b', createdAt: ago(2 * DAY), lastUsedAt: null }),
    makeKey(2, { name: 'A10', createdAt: ago(DAY), lastUsedAt: ago(HOUR) }),
    makeKey(3, { name: 'a9', createdAt: ago(3 * DAY), lastUsedAt: ago(DAY) }),
    makeKey(4, { name: 'b', createdAt: ago(2 * DAY), lastUsedAt: null })
  ]
  const ids = (list: readonly { id: number }[]) => list.map((key) => key.id)

  it('sorts names case-insensitively with numbers in order, ties by id', () => {
    expect(ids(sortKeys(keys, { column: 'name', direction: 'asc' }))).toEqual([3, 2, 1, 4])
    expect(ids(sortKeys(keys, { column: 'name', direction: 'desc' }))).toEqual([4, 1, 2, 3])
  })

  it('sorts by dates; never-used keys count as oldest', () => {
    expect(ids(sortKeys(keys, DEFAULT_SORT))).toEqual([2, 4, 1, 3])
    expect(ids(sortKeys(keys, { column: 'lastUsedAt', direction: 'desc' }))).toEqual([2, 3, 4, 1])
    expect(ids(sortKeys(keys, { column: 'lastUsedAt', direction: 'asc' }))).toEqual([1, 4, 3, 2])
  })

  it('does not mutate its input', () => {
    const copy = [...keys]
    sortKeys(keys, { column: 'name', direction: 'asc' })
    expect(keys).toEqual(copy)
  })

  it('filters by name, case-insensitively and ignoring surrounding spaces', () => {
    expect(ids(filterKeys(keys, '  A1 '))).toEqual([2])
    expect(filterKeys(keys, '   ')).toBe(keys)
  })

  it('nextSort flips the active column and starts others in their natural direction', () => {
    expect(nextSort(DEFAULT_SORT, 'createdAt')).toEqual({ column: 'createdAt', direction: 'asc' })
    expect(nextSort(DEFAULT_SORT, 'name')).toEqual({ column: 'name', direction: 'asc' })
    expect(nextSort({ column: 'name', direction: 'asc' }, 'lastUsedAt')).toEqual({ column: 'lastUsedAt', direction: 'desc' })
  })

  it('memoises on (keys, sort, filter): same inputs give the same array, and typing does not re-sort', () => {
    const select = createVisibleKeysSelector()
    const many = makeKeys(10_000)
    const first = select(many, DEFAULT_SORT, '')
    expect(select(many, { ...DEFAULT_SORT }, '')).toBe(first)
    const started = performance.now()
    for (const text of ['1', '12', '123', '12', '1']) select(many, DEFAULT_SORT, text)
    expect(performance.now() - started).toBeLessThan(250)
    expect(select(many, DEFAULT_SORT, '12345').map((key) => key.name)).toEqual([])
    expect(select(many, DEFAULT_SORT, 'KEY 0999').map((key) => key.name)).toEqual([
      'Key 09999', 'Key 09998', 'Key 09997', 'Key 09996', 'Key 09995', 'Key 09994', 'Key 09993', 'Key 09992', 'Key 09991', 'Key 09990'
    ])
  })
})

describe('keyboard shortcuts', () => {
  const input = document.createElement('input')
  const checkbox = Object.assign(document.createElement('input'), { type: 'checkbox' })
  const textarea = document.createElement('textarea')
  const button = document.createElement('button')
  const event = (init: Partial<ShortcutEvent>): ShortcutEvent => ({
    key: '',
    ctrlKey: false,
    metaKey: false,
    altKey: false,
    shiftKey: false,
    target: button,
    ...init
  })

  it.each<[Partial<ShortcutEvent>, Shortcut | null]>([
    [{ key: 'n', ctrlKey: true }, { command: 'new-key' }],
    [{ key: 'N', metaKey: true }, { command: 'new-key' }],
    [{ key: 'f', ctrlKey: true, target: input }, { command: 'find' }],
    [{ key: '/' }, { command: 'find' }],
    [{ key: '/', target: checkbox }, { command: 'find' }],
    [{ key: '/', target: input }, null],
    [{ key: '/', target: textarea }, null],
    [{ key: 'r', ctrlKey: true, target: input }, { command: 'refresh' }],
    [{ key: 'F5' }, { command: 'refresh' }],
    [{ key: '1', ctrlKey: true }, { command: 'show-account', index: 0 }],
    [{ key: '9', metaKey: true, target: input }, { command: 'show-account', index: 8 }],
    [{ key: '0', ctrlKey: true }, null],
    [{ key: '2' }, null],
    [{ key: '2', ctrlKey: true, altKey: true }, null],
    [{ key: 'A', ctrlKey: true, shiftKey: true }, { command: 'show-overview' }],
    [{ key: 'a', metaKey: true, shiftKey: true }, { command: 'show-overview' }],
    [{ key: 'a', ctrlKey: true }, null],
    [{ key: 'n' }, null],
    [{ key: 'n', ctrlKey: true, shiftKey: true }, null],
    [{ key: 'r', ctrlKey: true, altKey: true }, null]
  ])('%o → %o', (init, shortcut) => {
    expect(matchShortcut(event(init))).toEqual(shortcut)
  })

  it('isTypingTarget knows text fields from other controls', () => {
    expect(isTypingTarget(input)).toBe(true)
    expect(isTypingTarget(checkbox)).toBe(false)
    expect(isTypingTarget(button)).toBe(false)
    expect(isTypingTarget(null)).toBe(false)
  })
})

describe('texts and ids', () => {
  it('fixed sentences', () => {
    expect(copiedMessage(60)).toBe('Copied. The clipboard will be cleared in 60 seconds.')
    expect(deleteQuestion('CRM', 7)).toBe('Delete “CRM” (ID 7)? Anything using this key loses access at once. This cannot be undone.')
    expect(noMatchMessage('abc')).toBe('No keys match “abc”')
  })

  it('list status never presents old rows as fresh', () => {
    const base = { items: [], fetchedAt: ago(3 * DAY), fromCache: false, refreshing: false, error: null, notes: {}, rotations: [] }
    expect(describeListStatus({ ...base, items: null, fetchedAt: null, refreshing: true }, NOW)).toBe('Loading keys…')
    expect(describeListStatus({ ...base, refreshing: true }, NOW)).toBe('Refreshing…')
    expect(describeListStatus({ ...base, fromCache: true }, NOW)).toBe('Showing keys from 3 days ago')
    expect(describeListStatus({ ...base, error: { kind: 'network', message: 'x' } }, NOW)).toBe('Showing keys from 3 days ago')
    expect(describeListStatus({ ...base, fetchedAt: ago(1000) }, NOW)).toBe('Updated just now')
  })

  it('request ids are v4 UUIDs and unique', () => {
    const a = newRequestId()
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(newRequestId()).not.toBe(a)
  })
})

describe('how an account is named on screen', () => {
  const nameless = makeAccount({ email: 'ops@agency.example' }, { baseUrl: 'https://voice.agency.example:8443/api' })

  it('display name, initials and host (only when not the default host)', () => {
    expect(displayName(ADA)).toBe('Ada Lovelace')
    expect(displayName(nameless)).toBe('ops@agency.example')
    expect(displayName(makeAccount({ email: 'x@example.com', name: '   ' }))).toBe('x@example.com')
    expect(initialsOf(ADA)).toBe('AL')
    expect(initialsOf(makeAccount({ email: 'x@example.com', name: 'Émile Zola Jr' }))).toBe('ÉZ')
    expect(initialsOf(nameless)).toBe('O')
    expect(customHost(ADA)).toBeNull()
    expect(customHost(GRACE)).toBe('voice.agency.example')
    expect(customHost(nameless)).toBe('voice.agency.example:8443')
  })

  it('states in words; a refresh in flight wins', () => {
    expect(statusText(ADA)).toBe('Ready')
    expect(statusText({ ...ADA, status: 'needs-sign-in' })).toBe('Needs sign-in')
    expect(statusText({ ...ADA, status: 'unreachable' })).toBe('Unreachable')
    expect(statusText({ ...ADA, status: 'keychain-locked' })).toBe('Keychain locked')
    expect(statusText({ ...ADA, status: 'unreachable', refreshing: true })).toBe('Refreshing…')
  })

  it('the window title names the account, with the host when not the default', () => {
    expect(windowTitle(ADA)).toBe('Ada Lovelace (ada@example.com) — Autocalls Keys')
    expect(windowTitle(GRACE)).toBe('Grace Hopper (grace@client.example) on voice.agency.example — Autocalls Keys')
    expect(windowTitle(nameless)).toBe('ops@agency.example on voice.agency.example:8443 — Autocalls Keys')
    expect(windowTitle(null)).toBe('Autocalls Keys')
  })
})
