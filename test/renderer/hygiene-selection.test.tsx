/**
 * Row selection (checkboxes and the keyboard rules), the selection bar, and the row actions that
 * open other dialogs (Notes…, Rotate…, the rotation link). The rotation dialogs are built by
 * another branch: for those, the test reads which dialog the store was asked to open.
 */
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { KeysScreen } from '../../src/renderer/src/screens/KeysScreen'
import { createAppStore } from '../../src/renderer/src/store/app-store'
import { AppStoreProvider } from '../../src/renderer/src/store/store-context'
import type { KeyListItem } from '../../src/shared/domain'
import type { RotationRecord } from '../../src/shared/rotation'
import { ADA, createFakeApi, GRACE, isoAgo, makeKey, makeKeys } from './fake-api'
import { checkboxOf, DAY, quickFilter, rowOf, selectionText, table, tickedNames } from './hygiene-helpers'
import { bodyRows, renderApp, rowNames, switcherItem, waitForListSettled } from './render-app'

/** Six keys, newest first on screen: K6 … K1; K1 and K2 stale, K5 this app's own. */
const keys = (): KeyListItem[] => [
  makeKey(1, { name: 'K1', createdAt: isoAgo(60 * DAY), lastUsedAt: isoAgo(100 * DAY) }),
  makeKey(2, { name: 'K2', createdAt: isoAgo(50 * DAY), lastUsedAt: isoAgo(100 * DAY) }),
  makeKey(3, { name: 'K3', createdAt: isoAgo(40 * DAY), lastUsedAt: isoAgo(DAY) }),
  makeKey(4, { name: 'K4', createdAt: isoAgo(30 * DAY), lastUsedAt: isoAgo(DAY) }),
  makeKey(5, { name: 'K5', createdAt: isoAgo(20 * DAY), lastUsedAt: isoAgo(DAY), isAppKey: true }),
  makeKey(6, { name: 'K6', createdAt: isoAgo(10 * DAY), lastUsedAt: isoAgo(DAY) })
]

async function setup(list = keys()) {
  const fake = createFakeApi({ accounts: [{ account: ADA, keys: list }, { account: GRACE, keys: makeKeys(2, 50) }] })
  const rendered = await renderApp(fake)
  await waitForListSettled()
  return rendered
}
const focusRow = (name: string) => act(() => rowOf(name).focus())

/** The keys screen alone on a store of its own (no dialog host), to read what it asks the store for. */
async function keysScreenOnly(fake = createFakeApi({ accounts: [{ account: ADA, keys: keys() }] })) {
  const store = createAppStore(fake.api)
  await store.getState().start()
  await store.getState().runs.lists.get(ADA.id)
  const user = userEvent.setup()
  render(
    <AppStoreProvider store={store}>
      <KeysScreen account={store.getState().accounts[0]!} />
    </AppStoreProvider>
  )
  await waitFor(() => expect(bodyRows()).toHaveLength(6))
  return { store, user }
}

describe('row selection', () => {
  it('a checkbox per row ticks it; the bar says how many and offers "Delete N keys…"', async () => {
    const { user } = await setup()
    expect(selectionText()).toBe('')
    expect(screen.queryByRole('button', { name: /^Delete \d+ keys?…$/ })).toBeNull()
    await user.click(checkboxOf('K3'))
    expect(selectionText()).toBe('1 selected')
    expect(screen.getByRole('button', { name: 'Delete 1 key…' })).toBeTruthy()
    await user.click(checkboxOf('K1'))
    expect(tickedNames()).toEqual(['K3', 'K1'])
    expect(screen.getByRole('button', { name: 'Delete 2 keys…' })).toBeTruthy()
    await user.click(checkboxOf('K3'))
    expect(tickedNames()).toEqual(['K1'])
    await user.click(screen.getByRole('button', { name: 'Clear selection' }))
    expect(tickedNames()).toEqual([])
    expect(selectionText()).toBe('')
  })

  it('Shift+click ticks the range from the last ticked row, in the order shown', async () => {
    const { user } = await setup()
    expect(rowNames()).toEqual(['K6', 'K5', 'K4', 'K3', 'K2', 'K1'])
    await user.click(checkboxOf('K5'))
    await user.keyboard('{Shift>}')
    await user.click(checkboxOf('K2'))
    await user.keyboard('{/Shift}')
    expect(tickedNames()).toEqual(['K5', 'K4', 'K3', 'K2'])
  })

  it('keyboard: arrows move between rows, Space toggles, Shift+Space and Shift+arrows extend, Escape clears', async () => {
    const { user } = await setup()
    // From the table box, ArrowDown enters the first row.
    act(() => table().focus())
    await user.keyboard('{ArrowDown}')
    expect(document.activeElement).toBe(rowOf('K6'))
    await user.keyboard('{ArrowDown}{ArrowDown}')
    expect(document.activeElement).toBe(rowOf('K4'))
    await user.keyboard(' ')
    expect(tickedNames()).toEqual(['K4'])
    await user.keyboard(' ')
    expect(tickedNames()).toEqual([])
    await user.keyboard(' ') // K4 ticked again: the anchor
    await user.keyboard('{ArrowDown}{ArrowDown}')
    expect(document.activeElement).toBe(rowOf('K2'))
    await user.keyboard('{Shift>} {/Shift}')
    expect(tickedNames()).toEqual(['K4', 'K3', 'K2'])
    await user.keyboard('{Escape}')
    expect(tickedNames()).toEqual([])
    // Shift+arrows tick as they move, from the row focus left.
    await user.keyboard('{Home}')
    expect(document.activeElement).toBe(rowOf('K6'))
    await user.keyboard('{Shift>}{ArrowDown}{ArrowDown}{/Shift}')
    expect(tickedNames()).toEqual(['K6', 'K5', 'K4'])
    await user.keyboard('{End}')
    expect(document.activeElement).toBe(rowOf('K1'))
    // Space on the row must not also scroll the page or click anything else.
    const space = fireEvent.keyDown(rowOf('K1'), { key: ' ' })
    expect(space).toBe(false)
    expect(tickedNames()).toEqual(['K6', 'K5', 'K4', 'K1'])
  })

  it('Ctrl/⌘+A ticks exactly what the current filters show', async () => {
    const { user } = await setup()
    await user.click(checkboxOf('K6'))
    await user.click(quickFilter('Stale 2'))
    expect(rowNames()).toEqual(['K2', 'K1'])
    focusRow('K2')
    await user.keyboard('{Control>}a{/Control}')
    expect(tickedNames()).toEqual(['K2', 'K1'])
    // K6 (hidden by the filter) is no longer ticked: "what the filter shows", nothing else.
    expect(selectionText()).toBe('2 selected')
    await user.click(quickFilter(/^All/))
    expect(tickedNames()).toEqual(['K2', 'K1'])
    await user.type(screen.getByRole('searchbox', { name: 'Filter keys' }), 'K')
    focusRow('K4')
    await user.keyboard('{Meta>}a{/Meta}')
    expect(tickedNames()).toEqual(['K6', 'K5', 'K4', 'K3', 'K2', 'K1'])
    // Outside the table too (focus on the page, or a toolbar button)…
    await user.click(screen.getByRole('button', { name: 'Clear selection' }))
    act(() => (document.activeElement as HTMLElement | null)?.blur())
    await user.keyboard('{Control>}a{/Control}')
    expect(tickedNames()).toHaveLength(6)
    // …but in the name filter, Ctrl+A still selects the text, not rows.
    await user.click(screen.getByRole('button', { name: 'Clear selection' }))
    screen.getByRole('searchbox', { name: 'Filter keys' }).focus()
    await user.keyboard('{Control>}a{/Control}')
    expect(tickedNames()).toEqual([])
  })

  it('the header checkbox ticks and unticks the rows shown, and is mixed for some', async () => {
    const { user } = await setup()
    const all = screen.getByRole<HTMLInputElement>('checkbox', { name: 'Select all shown keys' })
    await user.click(checkboxOf('K3'))
    expect(all.checked).toBe(false)
    expect(all.indeterminate).toBe(true)
    await user.click(all)
    expect(tickedNames()).toHaveLength(6)
    expect(all.checked).toBe(true)
    await user.click(all)
    expect(tickedNames()).toEqual([])
  })

  it('says when some ticked keys are hidden by the filters', async () => {
    const { user } = await setup()
    await user.click(checkboxOf('K6'))
    await user.click(checkboxOf('K1'))
    await user.click(quickFilter('Stale 2'))
    expect(selectionText()).toBe('2 selected (1 not shown by the filters)')
  })

  it('is dropped when the window shows another account', async () => {
    const { user } = await setup()
    await user.click(checkboxOf('K3'))
    await user.click(switcherItem('Grace Hopper'))
    await waitFor(() => expect(rowNames()).toEqual(['Key 00051', 'Key 00050']))
    expect(selectionText()).toBe('')
    await user.click(switcherItem('Ada Lovelace'))
    await waitFor(() => expect(rowNames()).toHaveLength(6))
    expect(tickedNames()).toEqual([])
  })

  it('keys that leave the list drop out of the selection', async () => {
    const { user, fake } = await setup()
    await user.click(checkboxOf('K3'))
    await user.click(checkboxOf('K4'))
    fake.account(ADA.id).keys = fake.account(ADA.id).keys.filter((key) => key.id !== 3)
    await user.click(screen.getByRole('button', { name: 'Refresh' }))
    await waitFor(() => expect(bodyRows()).toHaveLength(5))
    expect(selectionText()).toBe('1 selected')
    expect(tickedNames()).toEqual(['K4'])
  })
})

describe('row actions', () => {
  it('"Notes…" and N on the focused row open the notes dialog of that key', async () => {
    const { user } = await setup()
    await user.click(within(rowOf('K3')).getByRole('button', { name: 'Notes on K3' }))
    expect(await screen.findByRole('dialog', { name: 'Note on “K3”' })).toBeTruthy()
    await user.click(screen.getByRole('button', { name: 'Cancel' }))
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
    focusRow('K4')
    await user.keyboard('n')
    expect(await screen.findByRole('dialog', { name: 'Note on “K4”' })).toBeTruthy()
  })

  it('"Rotate…" and R on the focused row ask for the rotation of that key; the app\'s own key for its own rotation', async () => {
    const { store, user } = await keysScreenOnly()
    await user.click(within(rowOf('K3')).getByRole('button', { name: 'Rotate K3' }))
    expect(store.getState().dialog).toEqual({ kind: 'rotate', accountId: ADA.id, keyId: 3 })
    act(() => store.getState().closeDialog())
    focusRow('K2')
    await user.keyboard('r')
    expect(store.getState().dialog).toEqual({ kind: 'rotate', accountId: ADA.id, keyId: 2 })
    act(() => store.getState().closeDialog())
    focusRow('K5')
    await user.keyboard('R')
    expect(store.getState().dialog).toEqual({ kind: 'rotate-own', accountId: ADA.id })
    act(() => store.getState().closeDialog())
    await user.click(within(rowOf('K5')).getByRole('button', { name: 'Rotate K5' }))
    expect(store.getState().dialog).toEqual({ kind: 'rotate-own', accountId: ADA.id })
  })

  it('Delete on the focused row opens its delete dialog', async () => {
    const { user } = await setup()
    focusRow('K4')
    await user.keyboard('{Delete}')
    expect(await screen.findByRole('dialog', { name: 'Delete API key?' })).toBeTruthy()
    expect(screen.getByText(/Delete “K4” \(ID 4\)\?/)).toBeTruthy()
  })

  it('the rotation link on a row opens that rotation', async () => {
    const rotation: RotationRecord = {
      accountId: ADA.id,
      oldKey: { id: 2, name: 'K2' },
      newKey: { id: 6, name: 'K6' },
      startedAt: isoAgo(DAY),
      finishedAt: null,
      outcome: null,
      state: 'waiting-for-first-use',
      ownKey: false,
      newKeyFirstUsedAt: null
    }
    const { store, user } = await keysScreenOnly(createFakeApi({ accounts: [{ account: ADA, keys: keys(), rotations: [rotation] }] }))
    await user.click(within(rowOf('K2')).getByRole('button', { name: 'being replaced by #6' }))
    expect(store.getState().dialog).toEqual({ kind: 'rotation', accountId: ADA.id, newKeyId: 6 })
    act(() => store.getState().closeDialog())
    await user.click(within(rowOf('K6')).getByRole('button', { name: 'replaces #2' }))
    expect(store.getState().dialog).toEqual({ kind: 'rotation', accountId: ADA.id, newKeyId: 6 })
  })
})
