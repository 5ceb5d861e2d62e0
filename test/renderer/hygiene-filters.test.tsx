/**
 * Key states in words, the row's tooltip and markers, and the quick filters with their counts
 * (combined with the name filter and the sort), through the whole app on the fake bridge.
 */
import { act, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { DEFAULT_PREFERENCES, type KeyListItem } from '../../src/shared/domain'
import { indexKeyHygiene } from '../../src/shared/key-hygiene'
import { storedKeyNote } from '../../src/shared/key-notes'
import type { RotationRecord } from '../../src/shared/rotation'
import { createKeyViewSelector } from '../../src/renderer/src/lib/key-view'
import { ADA, createFakeApi, isoAgo, makeKey, makeKeys, type FakeOptions } from './fake-api'
import { checkedQuickFilter, DAY, MINUTE, quickFilter, quickFilterNames, rowOf, stateOf, table } from './hygiene-helpers'
import { bodyRows, renderApp, rowNames, waitForListSettled } from './render-app'

const keys = (): KeyListItem[] => [
  makeKey(1, { name: 'Prod CRM', createdAt: isoAgo(200 * DAY), lastUsedAt: isoAgo(DAY) }),
  makeKey(2, { name: 'Prod billing', createdAt: isoAgo(300 * DAY), lastUsedAt: isoAgo(120 * DAY) }),
  makeKey(3, { name: 'Old import', createdAt: isoAgo(30 * DAY), lastUsedAt: null }),
  makeKey(4, { name: 'Fresh', createdAt: isoAgo(DAY), lastUsedAt: null }),
  makeKey(5, { name: 'Desktop', createdAt: isoAgo(10 * DAY), lastUsedAt: isoAgo(MINUTE), isAppKey: true }),
  makeKey(6, { name: 'Staging CRM', createdAt: isoAgo(400 * DAY), lastUsedAt: isoAgo(95 * DAY) })
]
const notes = () => ({
  '3': storedKeyNote({ note: 'Nightly import from the old CRM. Owner: Lin.\nSecond line', reviewBy: '2020-01-31' }),
  '1': storedKeyNote({ note: 'Production CRM webhooks', reviewBy: '2999-12-31' })
})
const ada = (overrides: Partial<FakeOptions> = {}, list: KeyListItem[] = keys()): FakeOptions => ({
  accounts: [{ account: ADA, keys: list, notes: notes() }],
  ...overrides
})

describe('quick filters', () => {
  it('offers All, In use, Stale, Never used, Review due and This app with their counts, as a radio group', async () => {
    await renderApp(ada())
    await waitForListSettled()
    expect(quickFilterNames()).toEqual(['All 6', 'In use 2', 'Stale 2', 'Never used 1', 'Review due 1', 'This app 1'])
    expect(checkedQuickFilter()).toBe('all')
    // One tab stop: the checked radio.
    expect(within(screen.getByRole('radiogroup', { name: 'Quick filters' })).getAllByRole('radio').map((radio) => radio.tabIndex)).toEqual([0, -1, -1, -1, -1, -1])
  })

  it('each filter shows its keys; the name filter narrows both rows and counts; the sort applies within', async () => {
    const { user } = await renderApp(ada())
    await waitForListSettled()
    await user.click(quickFilter('Stale 2'))
    expect(checkedQuickFilter()).toBe('stale')
    expect(rowNames().sort()).toEqual(['Prod billing', 'Staging CRM'])
    await user.click(quickFilter('Never used 1'))
    expect(rowNames()).toEqual(['Old import'])
    await user.click(quickFilter('Review due 1'))
    expect(rowNames()).toEqual(['Old import'])
    await user.click(quickFilter('This app 1'))
    expect(rowNames()).toEqual(['Desktop'])
    await user.click(quickFilter('In use 2'))
    expect(rowNames().sort()).toEqual(['Desktop', 'Prod CRM'])

    await user.click(quickFilter('Stale 2'))
    await user.click(screen.getByRole('button', { name: 'Name' }))
    expect(rowNames()).toEqual(['Prod billing', 'Staging CRM'])
    await user.click(screen.getByRole('button', { name: 'Name' }))
    expect(rowNames()).toEqual(['Staging CRM', 'Prod billing'])

    await user.type(screen.getByRole('searchbox', { name: 'Filter keys' }), 'prod')
    expect(rowNames()).toEqual(['Prod billing'])
    expect(quickFilterNames()).toEqual(['All 2', 'In use 1', 'Stale 1', 'Never used 0', 'Review due 0', 'This app 0'])
    expect(table().getAttribute('aria-rowcount')).toBe('2')
    await user.click(quickFilter('Never used 0'))
    expect(screen.queryByRole('table')).toBeNull()
    expect(screen.getByText('No keys in “Never used” match “prod”')).toBeTruthy()
    await user.clear(screen.getByRole('searchbox', { name: 'Filter keys' }))
    expect(rowNames()).toEqual(['Old import'])
    await user.click(quickFilter('All 6'))
    expect(bodyRows()).toHaveLength(6)
  })

  it('arrow keys, Home and End move between the filters and choose them', async () => {
    const { user } = await renderApp(ada())
    await waitForListSettled()
    quickFilter('All 6').focus()
    await user.keyboard('{ArrowRight}')
    expect(checkedQuickFilter()).toBe('in-use')
    expect(document.activeElement).toBe(quickFilter('In use 2'))
    expect(rowNames().sort()).toEqual(['Desktop', 'Prod CRM'])
    await user.keyboard('{ArrowLeft}{ArrowLeft}')
    expect(checkedQuickFilter()).toBe('this-app')
    expect(document.activeElement).toBe(quickFilter('This app 1'))
    await user.keyboard('{Home}')
    expect(checkedQuickFilter()).toBe('all')
    await user.keyboard('{End}')
    expect(checkedQuickFilter()).toBe('this-app')
    // Tab leaves the group from the checked radio (one tab stop).
    expect(quickFilter('This app 1').tabIndex).toBe(0)
    expect(quickFilter('All 6').tabIndex).toBe(-1)
  })

  it('adds "Rotation due" when the reminder is on, and marks those rows', async () => {
    const { user } = await renderApp(ada({ preferences: { ...DEFAULT_PREFERENCES, rotateAfterDays: 180 } }))
    await waitForListSettled()
    expect(quickFilterNames()).toEqual(['All 6', 'In use 2', 'Stale 2', 'Never used 1', 'Review due 1', 'This app 1', 'Rotation due 3'])
    expect(within(rowOf('Prod CRM')).getByText('Rotation due')).toBeTruthy()
    expect(within(rowOf('Fresh')).queryByText('Rotation due')).toBeNull()
    expect(rowOf('Prod CRM').title).toContain('Rotation due: 200 days old (reminder after 180 days).')
    await user.click(quickFilter('Rotation due 3'))
    expect(rowNames().sort()).toEqual(['Prod CRM', 'Prod billing', 'Staging CRM'])
  })

  it('without the reminder there is no "Rotation due" filter or marker', async () => {
    await renderApp(ada())
    await waitForListSettled()
    expect(quickFilterNames().some((name) => name.startsWith('Rotation due'))).toBe(false)
    expect(screen.queryByText('Rotation due')).toBeNull()
  })

  it('a chosen filter is dropped when the window shows another account', async () => {
    const grace = { ...ADA, id: 'grace@x on https://app.autocalls.ai/api', profile: { ...ADA.profile, name: 'Grace', email: 'grace@x' }, colorIndex: 1 }
    const fake = createFakeApi({ accounts: [{ account: ADA, keys: keys(), notes: notes() }, { account: grace, keys: makeKeys(3, 50) }] })
    const { user } = await renderApp(fake)
    await waitForListSettled()
    await user.click(quickFilter('Stale 2'))
    await user.click(screen.getByRole('button', { name: /^Grace/ }))
    await waitFor(() => expect(rowNames()).toHaveLength(3))
    expect(checkedQuickFilter()).toBe('all')
    await user.click(screen.getByRole('button', { name: /^Ada Lovelace/ }))
    await waitFor(() => expect(rowNames()).toHaveLength(6))
    expect(checkedQuickFilter()).toBe('all')
  })

  it('stays correct over 10,000 keys: counts, a filter, and the name filter with it', async () => {
    const many = makeKeys(10_000)
    const { user } = await renderApp({ accounts: [{ account: ADA, keys: many }] })
    await waitForListSettled()
    const used = many.filter((key) => key.lastUsedAt !== null).length
    expect(quickFilterNames()).toEqual(['All 10000', `In use ${used}`, 'Stale 0', 'Never used 0', 'Review due 0', 'This app 0'])
    await user.click(quickFilter(`In use ${used}`))
    expect(table().getAttribute('aria-rowcount')).toBe(String(used + 1))
    expect(bodyRows().length).toBeLessThan(60)
    await user.type(screen.getByRole('searchbox', { name: 'Filter keys' }), '77')
    const named = many.filter((key) => key.name.includes('77'))
    const namedUsed = named.filter((key) => key.lastUsedAt !== null).length
    expect(table().getAttribute('aria-rowcount')).toBe(String(namedUsed + 1))
    expect(quickFilterNames().slice(0, 2)).toEqual([`All ${named.length}`, `In use ${namedUsed}`])
  })
})

describe('the view selector (what keeps a filter change instant)', () => {
  it('classifies a list once: a quick-filter or name-filter change reuses the index', () => {
    const list = makeKeys(2_000)
    const select = createKeyViewSelector()
    const input = { keys: list, order: { column: 'createdAt' as const, direction: 'desc' as const }, filter: '', quickFilter: 'all' as const, notes: {}, nowMs: Date.now(), today: '2026-12-03', settings: DEFAULT_PREFERENCES }
    const all = select(input)
    const inUse = select({ ...input, quickFilter: 'in-use' })
    // Same counts object: no second pass over the list for the new filter.
    expect(inUse.options).toBe(all.options)
    expect(inUse.visible).toHaveLength(list.filter((key) => key.lastUsedAt !== null).length)
    const index = indexKeyHygiene(list, { nowMs: input.nowMs, today: input.today, settings: DEFAULT_PREFERENCES })
    expect(all.options.map((option) => option.count)).toEqual([index.counts.all, index.counts['in-use'], 0, 0, 0, 0])
    // Back to All: the sorted list itself, not a copy.
    expect(select(input).visible).toBe(all.visible)
  })
})

describe('rows: the state in words, the exact times in the tooltip, notes and markers', () => {
  it('shows each state in words and the exact times in the row tooltip', async () => {
    const list = keys()
    await renderApp(ada({}, list))
    await waitForListSettled()
    expect(stateOf('Prod CRM')).toBe('In use')
    expect(stateOf('Prod billing')).toBe('Stale')
    expect(stateOf('Old import')).toBe('Never used')
    expect(stateOf('Fresh')).toBe('New')
    const tooltip = rowOf('Prod billing').title
    expect(tooltip).toContain('Stale: not used for 120 days (stale after 90 days).')
    expect(tooltip).toContain(`Created: `)
    expect(tooltip).toContain(`(${new Date(list[1]!.createdAt).toISOString()})`)
    expect(tooltip).toContain(`Last used: `)
    expect(tooltip).toContain(`(${new Date(list[1]!.lastUsedAt!).toISOString()})`)
    expect(rowOf('Fresh').title).toContain('Last used: never')
  })

  it('handles clock edges in words: the thresholds, a use ahead of this clock, other time zones, unreadable dates', async () => {
    const now = Date.now()
    // 90 days minus an hour ago, written in +05:00: read as UTC it would be stale.
    const inUseOffset = new Date(now - 90 * DAY + 3600_000 + 5 * 3600_000).toISOString().replace('Z', '+05:00')
    const edges = [
      makeKey(11, { name: 'Just new', createdAt: new Date(now - 7 * DAY + MINUTE).toISOString(), lastUsedAt: null }),
      makeKey(12, { name: 'Just never used', createdAt: new Date(now - 7 * DAY).toISOString(), lastUsedAt: null }),
      makeKey(13, { name: 'Just in use', createdAt: isoAgo(300 * DAY, now), lastUsedAt: new Date(now - 90 * DAY + MINUTE).toISOString() }),
      makeKey(14, { name: 'Just stale', createdAt: isoAgo(300 * DAY, now), lastUsedAt: new Date(now - 90 * DAY).toISOString() }),
      makeKey(15, { name: 'Used ahead', createdAt: isoAgo(10 * DAY, now), lastUsedAt: new Date(now + 2 * 3600_000).toISOString() }),
      makeKey(16, { name: 'Created ahead', createdAt: new Date(now + DAY).toISOString(), lastUsedAt: null }),
      makeKey(17, { name: 'Other zone', createdAt: isoAgo(300 * DAY, now), lastUsedAt: inUseOffset }),
      makeKey(18, { name: 'Bad created', createdAt: 'not a date', lastUsedAt: null }),
      makeKey(19, { name: 'Bad last used', createdAt: isoAgo(10 * DAY, now), lastUsedAt: null, lastUsedUnreadable: true })
    ]
    const { user } = await renderApp({ accounts: [{ account: ADA, keys: edges }] })
    await waitForListSettled()
    expect(stateOf('Just new')).toBe('New')
    expect(stateOf('Just never used')).toBe('Never used')
    expect(stateOf('Just in use')).toBe('In use')
    expect(stateOf('Just stale')).toBe('Stale')
    expect(stateOf('Used ahead')).toBe('In use')
    expect(rowOf('Used ahead').title).toMatch(/Last used: .*\(ahead of this computer’s clock\)/)
    expect(stateOf('Created ahead')).toBe('New')
    expect(rowOf('Created ahead').title).toMatch(/Created: .*\(ahead of this computer’s clock\)/)
    expect(stateOf('Other zone')).toBe('In use')
    expect(stateOf('Bad created')).toBe('Unknown')
    expect(rowOf('Bad created').title).toContain('Created: — (unreadable: “not a date”)')
    expect(stateOf('Bad last used')).toBe('Unknown')
    // Keys whose dates cannot be read can be found: an Unknown filter appears while there are some.
    expect(quickFilterNames()).toContain('Unknown 2')
    await user.click(quickFilter('Unknown 2'))
    expect(rowNames().sort()).toEqual(['Bad created', 'Bad last used'])
  })

  it('shows a note excerpt, and "Review due" once the review date has come', async () => {
    await renderApp(ada())
    await waitForListSettled()
    expect(rowOf('Old import').querySelector('.key-note')?.textContent).toBe('Nightly import from the old CRM. Owner: Lin.…')
    expect(within(rowOf('Old import')).getByText('Review due')).toBeTruthy()
    expect(rowOf('Old import').title).toContain('Review due: the note asks for a review by 2020-01-31.')
    expect(rowOf('Prod CRM').querySelector('.key-note')?.textContent).toBe('Production CRM webhooks')
    expect(within(rowOf('Prod CRM')).queryByText('Review due')).toBeNull()
    expect(rowOf('Prod CRM').title).toContain('Review by 2999-12-31.')
    expect(rowOf('Fresh').querySelector('.key-note')).toBeNull()
  })

  it('links the two keys of an open rotation, and not those of a finished one', async () => {
    const list = [...keys(), makeKey(7, { name: 'Prod billing (new)', createdAt: isoAgo(DAY), lastUsedAt: null }), makeKey(8, { name: 'CRM v2', createdAt: isoAgo(DAY) })]
    const rotation = (oldId: number, newId: number, finished: boolean): RotationRecord => ({
      accountId: ADA.id,
      oldKey: { id: oldId, name: `#${oldId}` },
      newKey: { id: newId, name: `#${newId}` },
      startedAt: isoAgo(DAY),
      finishedAt: finished ? isoAgo(3600_000) : null,
      outcome: finished ? 'finished' : null,
      state: 'waiting-for-first-use',
      ownKey: false,
      newKeyFirstUsedAt: null
    })
    const fake = createFakeApi({ accounts: [{ account: ADA, keys: list, rotations: [rotation(2, 7, false), rotation(1, 8, true)] }] })
    await renderApp(fake)
    await waitForListSettled()
    expect(within(rowOf('Prod billing')).getByRole('button', { name: 'being replaced by #7' })).toBeTruthy()
    expect(within(rowOf('Prod billing (new)')).getByRole('button', { name: 'replaces #2' })).toBeTruthy()
    expect(rowOf('Prod CRM').querySelector('.rotation-link')).toBeNull()
    expect(rowOf('CRM v2').querySelector('.rotation-link')).toBeNull()
  })

  it('re-reads the states as time passes (a key turns stale while the window stays open)', async () => {
    // Used 90 days minus 30 s ago: stale one minute later, when the clock of the rows ticks.
    const list = [makeKey(1, { name: 'Edge', createdAt: isoAgo(300 * DAY), lastUsedAt: new Date(Date.now() - 90 * DAY + 30_000).toISOString() })]
    const { vi } = await import('vitest')
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] })
    try {
      await renderApp({ accounts: [{ account: ADA, keys: list }] })
      await waitForListSettled()
      expect(stateOf('Edge')).toBe('In use')
      await act(async () => vi.advanceTimersByTime(60_000))
      expect(stateOf('Edge')).toBe('Stale')
      expect(quickFilterNames().slice(0, 3)).toEqual(['All 1', 'In use 0', 'Stale 1'])
    } finally {
      vi.useRealTimers()
    }
  })
})
