/** The overview of all accounts (loaded on demand) and "Refresh all". */
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import type { AccountView } from '../../src/shared/domain'
import { ADA, createFakeApi, daysAgo, GRACE, LIN, makeKey, makeKeys, type FakeApi } from './fake-api'
import { findKeysRegion, isDisabled, listStatus, renderApp, rowNames, switcher, waitForListSettled } from './render-app'

const refreshed = (account: AccountView, keyCount: number, neverUsedCount: number, lastRefreshedAt = daysAgo(1)): AccountView => ({
  ...account,
  keyCount,
  neverUsedCount,
  lastRefreshedAt
})

/** Ada and Grace listed yesterday; Lin never listed. */
const threeAccounts = (): FakeApi =>
  createFakeApi({
    accounts: [
      { account: refreshed(ADA, 3, 1), keys: [...makeKeys(3, 1, 'Ada'), makeKey(4, { name: 'Ada unused', createdAt: daysAgo(30) })] },
      { account: refreshed(GRACE, 2, 0), keys: makeKeys(2, 50, 'Grace') },
      { account: LIN, keys: makeKeys(1, 70, 'Lin') }
    ]
  })

async function openOverview(fake: FakeApi = threeAccounts()) {
  const rendered = await renderApp(fake)
  await waitForListSettled()
  await rendered.user.click(within(switcher()).getByRole('button', { name: /^All accounts/ }))
  // Loaded on demand: wait for its code.
  await screen.findByRole('heading', { level: 1, name: 'All accounts' })
  return rendered
}

const overviewRows = () => within(screen.getByRole('table')).getAllByRole('row').slice(1)
const rowOf = (name: string) => {
  const row = overviewRows().find((candidate) => within(candidate).queryAllByText(name).length > 0)
  if (!row) throw new Error(`No overview row for ${name}`)
  return row
}
const cells = (row: HTMLElement) => within(row).getAllByRole('cell').map((cell) => cell.textContent)
const progress = () => document.querySelector('.overview-status')?.textContent

describe('overview', () => {
  it('opens from the switcher, is named in the window title, and has one row per account', async () => {
    const { fake } = await openOverview()
    await waitFor(() => expect(document.title).toBe('All accounts — Autocalls Keys'))
    expect(within(switcher()).getByRole('button', { name: /^All accounts/ }).getAttribute('aria-current')).toBe('page')
    expect(within(switcher()).getAllByRole('button').filter((button) => button.getAttribute('aria-current') && button.textContent !== 'All accounts 3')).toEqual([])
    expect(screen.getAllByRole('columnheader').map((header) => header.textContent)).toEqual(['Account', 'Host', 'Keys', 'Never used', 'Last refreshed', 'State'])
    expect(overviewRows()).toHaveLength(3)
    expect(within(rowOf('Ada Lovelace')).getByRole('rowheader').textContent).toBe('ALAda Lovelaceada@example.com')
    // Host, keys, never used, last refreshed, state (Ada, shown, was listed at start).
    expect(cells(rowOf('Ada Lovelace'))).toEqual(['app.autocalls.ai', '4', '1', 'just now', 'Ready'])
    expect(cells(rowOf('Grace Hopper'))).toEqual(['voice.agency.example', '2', '0', 'yesterday', 'Ready'])
    expect(cells(rowOf('lin@example.org'))).toEqual(['app.autocalls.ai', '—', '—', 'Never', 'Ready'])
    const when = within(rowOf('Grace Hopper')).getByText('yesterday')
    expect(when.tagName).toBe('TIME')
    expect(when.getAttribute('datetime')).toBe(fake.account(GRACE.id).view.lastRefreshedAt)
  })

  it('opens with Ctrl+Shift+A and from the menu; a row\'s account button shows that account', async () => {
    const { fake, user } = await renderApp(threeAccounts())
    await waitForListSettled()
    expect(fireEvent.keyDown(window, { key: 'A', ctrlKey: true, shiftKey: true })).toBe(false)
    await screen.findByRole('heading', { level: 1, name: 'All accounts' })
    await user.click(within(rowOf('Grace Hopper')).getByRole('button'))
    await findKeysRegion(GRACE)
    act(() => fake.emitMenuCommand('show-overview'))
    expect(await screen.findByRole('heading', { level: 1, name: 'All accounts' })).toBeTruthy()
  })

  it('"Refresh all" shows progress per account, each account\'s error on its own row, and one failure blocks no other', async () => {
    const fake = threeAccounts()
    const { user } = await openOverview(fake)
    fake.account(ADA.id).keys.push(makeKey(5, { name: 'Ada new', createdAt: daysAgo(40) }))
    const holdAda = fake.holdServer(ADA.id)
    const holdLin = fake.holdServer(LIN.id)
    fake.setFault(GRACE.id, { kind: 'network', message: 'Could not reach voice.agency.example.' })
    const holdGrace = fake.holdServer(GRACE.id)

    await user.click(screen.getByRole('button', { name: 'Refresh all' }))
    const button = screen.getByRole('button', { name: 'Refresh all' })
    expect(isDisabled(button)).toBe(true)
    expect(button.getAttribute('aria-busy')).toBe('true')
    await Promise.all([holdAda.reached, holdGrace.reached, holdLin.reached])
    expect(progress()).toBe('Refreshing 3 of 3…')
    expect(cells(rowOf('Ada Lovelace')).at(-1)).toBe('Refreshing…')

    // Grace's host fails: her row says so at once, while the others are still running.
    await act(async () => holdGrace.release())
    await waitFor(() => expect(progress()).toBe('Refreshing 2 of 3…'))
    expect(cells(rowOf('Grace Hopper')).at(-1)).toBe('UnreachableCould not reach voice.agency.example.')
    expect(within(rowOf('Grace Hopper')).getByText('Could not reach voice.agency.example.').className).toContain('error-text')

    await act(async () => holdAda.release())
    await waitFor(() => expect(progress()).toBe('Refreshing 1 of 3…'))
    expect(cells(rowOf('Ada Lovelace'))).toEqual(['app.autocalls.ai', '5', '2', 'just now', 'Ready'])
    expect(isDisabled(screen.getByRole('button', { name: 'Refresh all' }))).toBe(true)

    await act(async () => holdLin.release())
    await waitFor(() => expect(isDisabled(screen.getByRole('button', { name: 'Refresh all' }))).toBe(false))
    expect(progress()).toBe('')
    expect(cells(rowOf('lin@example.org'))).toEqual(['app.autocalls.ai', '1', '0', 'just now', 'Ready'])
    expect(cells(rowOf('Grace Hopper')).at(-1)).toBe('UnreachableCould not reach voice.agency.example.')
    // One "Refresh all" for the window; main fetched each account's list once.
    expect(fake.callCount('accounts.refreshAll')).toBe(1)
  })

  it('a double click runs one "Refresh all"; the Ctrl+R shortcut on the overview runs it too', async () => {
    const fake = threeAccounts()
    const pending = fake.defer('accounts.refreshAll')
    const { user } = await openOverview(fake)
    await user.dblClick(screen.getByRole('button', { name: 'Refresh all' }))
    fireEvent.keyDown(window, { key: 'r', ctrlKey: true })
    await act(async () => pending.proceed())
    await waitFor(() => expect(isDisabled(screen.getByRole('button', { name: 'Refresh all' }))).toBe(false))
    expect(fake.callCount('accounts.refreshAll')).toBe(1)
    fireEvent.keyDown(window, { key: 'r', ctrlKey: true })
    await waitFor(() => expect(fake.callCount('accounts.refreshAll')).toBe(2))
    // The overview never fetches a list itself: that is main's work.
    expect(fake.calls('keys.list')).toEqual([[{ accountId: ADA.id }]])
  })

  it('an account that needs a sign-in shows why on its row and is not refreshed', async () => {
    const signedOut: AccountView = { ...GRACE, status: 'needs-sign-in', problem: { kind: 'not_signed_in', message: 'The key was rejected by the server.' } }
    const fake = createFakeApi({ accounts: [{ account: ADA, keys: makeKeys(1) }, signedOut] })
    const { user } = await openOverview(fake)
    expect(cells(rowOf('Grace Hopper')).at(-1)).toBe('Needs sign-inThe key was rejected by the server.')
    await user.click(screen.getByRole('button', { name: 'Refresh all' }))
    await waitFor(() => expect(isDisabled(screen.getByRole('button', { name: 'Refresh all' }))).toBe(false))
    expect(fake.account(GRACE.id).view.lastRefreshedAt).toBeNull()
    expect(cells(rowOf('Grace Hopper')).at(-1)).toBe('Needs sign-inThe key was rejected by the server.')
  })

  it('after "Refresh all", an account\'s list shows the fresh keys at once when going back to it', async () => {
    const fake = threeAccounts()
    const { user } = await openOverview(fake)
    fake.account(ADA.id).keys = [makeKey(9, { name: 'Made elsewhere', createdAt: new Date().toISOString() }), ...fake.account(ADA.id).keys]
    await user.click(screen.getByRole('button', { name: 'Refresh all' }))
    await waitFor(() => expect(isDisabled(screen.getByRole('button', { name: 'Refresh all' }))).toBe(false))
    const listsBefore = fake.callCount('keys.list')
    await user.click(within(rowOf('Ada Lovelace')).getByRole('button'))
    await findKeysRegion(ADA)
    expect(rowNames()[0]).toBe('Made elsewhere')
    expect(fake.callCount('keys.list')).toBe(listsBefore)
    // Main fetched it a moment ago: it is shown as fresh, not as an old copy from disk.
    expect(listStatus().textContent).toBe('Updated just now')
  })
})
