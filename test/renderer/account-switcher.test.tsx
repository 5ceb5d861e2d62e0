/**
 * The account switcher, the account header and the window title: which accounts there are, which
 * one is shown, switching (mouse, Ctrl/Cmd+1…9, the Accounts menu), each account's state, and
 * adding an account without signing out of the others.
 */
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it, vi } from 'vitest'
import type { AccountView } from '../../src/shared/domain'
import { ADA, API_KEYS, createFakeApi, daysAgo, GRACE, LIN, makeAccount, makeKey, makeKeys, type FakeApi } from './fake-api'
import {
  accountHeader,
  findKeysRegion,
  isDisabled,
  keysRegion,
  listStatus,
  renderApp,
  rowNames,
  switcher,
  switcherItem,
  waitForListSettled
} from './render-app'

const summary = (account: AccountView, keyCount: number): AccountView => ({ ...account, keyCount, neverUsedCount: 0, lastRefreshedAt: daysAgo(1) })

/** Ada (3 keys, shown), Grace on a white-label host (1 key, with a cache on disk), Lin (no name). */
const threeAccounts = (): FakeApi =>
  createFakeApi({
    accounts: [
      { account: summary(ADA, 3), keys: makeKeys(3, 1, 'Ada') },
      {
        account: summary(GRACE, 1),
        keys: [makeKey(50, { name: 'Grace fresh', createdAt: daysAgo(1) }), makeKey(51, { name: 'Grace cached', createdAt: daysAgo(5) })],
        cached: { keys: [makeKey(51, { name: 'Grace cached', createdAt: daysAgo(5) })], fetchedAt: daysAgo(2) }
      },
      { account: LIN, keys: [makeKey(70, { name: 'Lin key' })] }
    ]
  })

async function showThree(fake: FakeApi = threeAccounts()) {
  const rendered = await renderApp(fake)
  await waitForListSettled()
  return rendered
}

const currentItems = () => within(switcher()).getAllByRole('button').filter((button) => button.getAttribute('aria-current') === 'page')

describe('the switcher lists every account', () => {
  it('with name, host (email on the default host), key count and state, in main\'s order', async () => {
    await showThree()
    const items = within(switcher())
      .getAllByRole('listitem')
      .map((item) => item.textContent)
    expect(items).toEqual([
      'ALAda Lovelaceada@example.com3 keys · Ready',
      'GHGrace Hoppervoice.agency.example1 key · Ready',
      'Llin@example.orglin@example.orgReady'
    ])
    expect(within(switcher()).getByRole('button', { name: /^All accounts/ }).textContent).toBe('All accounts 3')
    expect(within(switcher()).getByRole('button', { name: 'Add account' })).toBeTruthy()
    // The full identity and the shortcut are in the tooltip.
    expect(switcherItem('Grace Hopper').getAttribute('title')).toBe('grace@client.example on voice.agency.example (Ctrl+2)')
  })

  it('gives two accounts different colours', async () => {
    await showThree()
    const colours = within(switcher())
      .getAllByRole('listitem')
      .map((item) => [...(item.querySelector('.avatar')?.classList ?? [])].find((name) => name.startsWith('account-color-')))
    expect(colours).toEqual(['account-color-0', 'account-color-1', 'account-color-2'])
  })
})

describe('the shown account is always named', () => {
  it('in the switcher (current), the header and the window title; with its host when not the default', async () => {
    const { user } = await showThree()
    expect(currentItems()).toEqual([switcherItem('Ada Lovelace')])
    expect(within(accountHeader()).getByRole('heading', { level: 1 }).textContent).toBe('Ada Lovelace')
    expect(within(accountHeader()).getByText('ada@example.com')).toBeTruthy()
    expect(accountHeader().querySelector('.account-host')).toBeNull()
    expect(document.title).toBe('Ada Lovelace (ada@example.com) — Autocalls Keys')

    await user.click(switcherItem('Grace Hopper'))
    expect(currentItems()).toEqual([switcherItem('Grace Hopper')])
    expect(within(accountHeader()).getByRole('heading', { level: 1 }).textContent).toBe('Grace Hopper')
    expect(within(accountHeader()).getByText('grace@client.example')).toBeTruthy()
    expect(accountHeader().querySelector('.account-host')?.textContent).toBe('voice.agency.example')
    await waitFor(() => expect(document.title).toBe('Grace Hopper (grace@client.example) on voice.agency.example — Autocalls Keys'))

    await user.click(switcherItem('lin@example.org'))
    expect(within(accountHeader()).getByRole('heading', { level: 1 }).textContent).toBe('lin@example.org')
    await waitFor(() => expect(document.title).toBe('lin@example.org — Autocalls Keys'))
    expect(keysRegion(LIN)).toBeTruthy()
  })

  it('keeps naming it when main renames the account (a new profile from the server)', async () => {
    const { fake } = await showThree()
    fake.account(ADA.id).view = { ...fake.account(ADA.id).view, profile: { ...ADA.profile, name: 'Ada King' } }
    act(() => fake.emitAccountsChanged())
    expect(within(accountHeader()).getByRole('heading', { level: 1 }).textContent).toBe('Ada King')
    expect(switcherItem('Ada King')).toBeTruthy()
    await waitFor(() => expect(document.title).toBe('Ada King (ada@example.com) — Autocalls Keys'))
  })
})

describe('switching', () => {
  it('with the mouse shows the account\'s last known list at once and refreshes it in the background', async () => {
    const { fake, user } = await showThree()
    const server = fake.holdServer(GRACE.id)
    await user.click(switcherItem('Grace Hopper'))
    await findKeysRegion(GRACE)
    // The cached list from disk first, marked as refreshing…
    await waitFor(() => expect(rowNames()).toEqual(['Grace cached']))
    expect(listStatus().textContent).toBe('Refreshing…')
    expect(fake.calls('accounts.show')).toEqual([[{ accountId: GRACE.id }]])
    expect(fake.calls('keys.getCached')).toEqual([[{ accountId: GRACE.id }]])
    await server.reached
    // …then the fresh one.
    await act(async () => server.release())
    await waitFor(() => expect(listStatus().textContent).toBe('Updated just now'))
    expect(rowNames()).toEqual(['Grace fresh', 'Grace cached'])
    expect(fake.calls('keys.list')).toEqual([[{ accountId: ADA.id }], [{ accountId: GRACE.id }]])
  })

  it('back to an account listed moments ago shows its list from memory, without asking again', async () => {
    const { fake, user } = await showThree()
    await user.click(switcherItem('Grace Hopper'))
    await waitForListSettled()
    const before = fake.callCount('keys.list')
    await user.click(switcherItem('Ada Lovelace'))
    expect(rowNames()).toEqual(['Ada 00003', 'Ada 00002', 'Ada 00001'])
    expect(listStatus().textContent).toBe('Updated just now')
    await act(async () => new Promise((resolve) => setTimeout(resolve, 20)))
    expect(fake.callCount('keys.list')).toBe(before)
  })

  it('clears the filter, which was typed for the other account', async () => {
    const { user } = await showThree()
    await user.type(screen.getByRole('searchbox', { name: 'Filter keys' }), 'zzz')
    expect(screen.getByText('No keys match “zzz”')).toBeTruthy()
    await user.click(switcherItem('lin@example.org'))
    await waitForListSettled()
    expect((screen.getByRole<HTMLInputElement>('searchbox', { name: 'Filter keys' })).value).toBe('')
    expect(rowNames()).toEqual(['Lin key'])
  })

  it.each([
    ['Ctrl', { ctrlKey: true }],
    ['Cmd', { metaKey: true }]
  ])('with %s+1…9: the n-th account of the switcher; a number without an account does nothing', async (_label, modifier) => {
    const { fake } = await showThree()
    expect(fireEvent.keyDown(window, { key: '2', ...modifier })).toBe(false)
    await findKeysRegion(GRACE)
    expect(currentItems()).toEqual([switcherItem('Grace Hopper')])
    fireEvent.keyDown(window, { key: '3', ...modifier })
    await findKeysRegion(LIN)
    fireEvent.keyDown(window, { key: '1', ...modifier })
    await findKeysRegion(ADA)
    fireEvent.keyDown(window, { key: '9', ...modifier })
    expect(keysRegion(ADA)).toBeTruthy()
    // Main is told in the frame after the switch's paint.
    await vi.waitFor(() => expect(fake.calls('accounts.show')).toEqual([[{ accountId: GRACE.id }], [{ accountId: LIN.id }], [{ accountId: ADA.id }]]))
  })

  it('from the Accounts menu (show-account with the account id); an id that is gone is ignored', async () => {
    const { fake } = await showThree()
    act(() => fake.emitMenuCommand('show-account', LIN.id))
    await findKeysRegion(LIN)
    await waitForListSettled()
    expect(rowNames()).toEqual(['Lin key'])
    act(() => fake.emitMenuCommand('show-account', 'gone@example.com on https://app.autocalls.ai/api'))
    expect(keysRegion(LIN)).toBeTruthy()
    expect(fake.calls('accounts.show')).toEqual([[{ accountId: LIN.id }]])
  })

  it('works behind an open dialog, which stays open and keeps naming its account', async () => {
    const { fake, user } = await showThree()
    await user.click(screen.getByRole('button', { name: 'New key' }))
    fireEvent.keyDown(window, { key: '2', ctrlKey: true })
    await findKeysRegion(GRACE)
    const dialog = await screen.findByRole('dialog', { name: 'New API key' })
    expect(within(dialog).getByText('For ada@example.com on app.autocalls.ai')).toBeTruthy()
    await user.type(within(dialog).getByRole('textbox', { name: 'Name' }), 'Made for Ada{Enter}')
    await screen.findByRole('dialog', { name: 'Copy your new API key' })
    expect(fake.calls('keys.create')[0]?.[0].accountId).toBe(ADA.id)
  })
})

describe('each account\'s state, in words', () => {
  const withStatus = (account: AccountView, status: AccountView['status'], message: string | null, refreshing = false): AccountView => ({
    ...account,
    status,
    refreshing,
    problem: message === null ? null : { kind: status === 'keychain-locked' ? 'keychain_unavailable' : status === 'needs-sign-in' ? 'not_signed_in' : 'network', message }
  })

  it('ready, refreshing, needs sign-in, unreachable and keychain locked, in the switcher and the header', async () => {
    const dana = makeAccount({ name: 'Dana', email: 'dana@example.com' }, { colorIndex: 3 })
    const eve = makeAccount({ name: 'Eve', email: 'eve@example.com' }, { colorIndex: 4 })
    const locked = 'The system keychain is locked. Unlock it and try again.'
    const fake = createFakeApi({
      accounts: [
        withStatus(ADA, 'ready', null),
        withStatus(GRACE, 'ready', null, true),
        withStatus(LIN, 'needs-sign-in', 'The API key this app signs in with for this account was rejected by the server.'),
        withStatus(dana, 'unreachable', 'Could not reach app.autocalls.ai.'),
        withStatus(eve, 'keychain-locked', locked)
      ]
    })
    // Still locked when the window first uses that account.
    fake.setFault(eve.id, { kind: 'keychain_unavailable', message: locked })
    const { user } = await renderApp(fake)
    const state = (name: string) => switcherItem(name).querySelector('.account-item-status')?.textContent
    expect(state('Ada Lovelace')).toBe('Ready')
    expect(state('Grace Hopper')).toBe('Refreshing…')
    expect(state('lin@example.org')).toBe('Needs sign-in')
    expect(state('Dana')).toBe('Unreachable')
    expect(state('Eve')).toBe('Keychain locked')
    // The state is also a class (for colour), never colour alone.
    expect(switcherItem('Eve').className).toContain('status-keychain-locked')

    await user.click(switcherItem('Eve'))
    expect(accountHeader().querySelector('.account-status')?.textContent).toBe('Keychain locked')
    expect(within(keysRegion(eve)).getAllByRole('alert')[0]?.textContent).toBe(locked)
    await user.click(switcherItem('lin@example.org'))
    expect(accountHeader().querySelector('.account-status')?.textContent).toBe('Needs sign-in')
  })

  it('follows main\'s accounts events as they come (refreshing, then unreachable, then ready)', async () => {
    const { fake } = await showThree()
    const view = () => fake.account(GRACE.id).view
    const state = () => switcherItem('Grace Hopper').querySelector('.account-item-status')?.textContent
    fake.account(GRACE.id).view = { ...view(), refreshing: true }
    act(() => fake.emitAccountsChanged())
    expect(state()).toBe('Refreshing…')
    fake.account(GRACE.id).view = { ...view(), refreshing: false, status: 'unreachable', problem: { kind: 'network', message: 'Offline.' } }
    act(() => fake.emitAccountsChanged())
    expect(state()).toBe('Unreachable')
    fake.account(GRACE.id).view = { ...view(), status: 'ready', problem: null, keyCount: 7 }
    act(() => fake.emitAccountsChanged())
    expect(state()).toBe('Ready')
    expect(switcherItem('Grace Hopper').textContent).toContain('7 keys')
    // The shown account did not change.
    expect(keysRegion(ADA)).toBeTruthy()
  })
})

describe('adding an account from the switcher', () => {
  const openAdd = async (fake: FakeApi) => {
    const rendered = await renderApp(fake)
    await waitForListSettled()
    await rendered.user.click(within(switcher()).getByRole('button', { name: 'Add account' }))
    const dialog = await screen.findByRole('dialog', { name: 'Add an account' })
    return { ...rendered, dialog }
  }
  const adaOnly = () => createFakeApi({ accounts: [{ account: summary(ADA, 2), keys: makeKeys(2, 1, 'Ada') }], signInKeys: { grace: makeKeys(2, 60, 'Grace') } })

  it('signs in to a second account on another host, keeps the first, and shows the new one with the list from the answer', async () => {
    const fake = adaOnly()
    const { user, dialog } = await openAdd(fake)
    expect(document.activeElement).toBe(within(dialog).getByLabelText('API key'))
    await user.click(within(dialog).getByRole('button', { name: 'Advanced' }))
    const url = within(dialog).getByRole('textbox', { name: 'API base URL' })
    await user.clear(url)
    await user.type(url, GRACE.baseUrl)
    await user.type(within(dialog).getByLabelText('API key'), `${API_KEYS.grace}{Enter}`)
    await findKeysRegion(GRACE)
    expect(screen.queryByRole('dialog', { name: 'Add an account' })).toBeNull()
    expect(fake.calls('accounts.add')).toEqual([[{ baseUrl: GRACE.baseUrl, apiKey: API_KEYS.grace }]])
    expect(rowNames()).toEqual(['Grace 00061', 'Grace 00060'])
    expect(listStatus().textContent).toBe('Updated just now')
    // Both accounts are in the switcher; the first one stayed signed in and was not asked anything.
    expect(within(switcher()).getAllByRole('listitem')).toHaveLength(2)
    expect(switcherItem('Ada Lovelace').textContent).toContain('Ready')
    expect(currentItems()).toEqual([switcherItem('Grace Hopper')])
    expect(fake.callCount('accounts.remove')).toBe(0)
    // The list came with the answer: no second request for it (main is told after the paint).
    await vi.waitFor(() => expect(fake.callsFor(GRACE.id).map((call) => call.method)).toEqual(['accounts.show']))
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(fake.callsFor(GRACE.id).map((call) => call.method)).toEqual(['accounts.show'])
  })

  it('a key the server does not accept is explained in the dialog, and nothing changes', async () => {
    const fake = adaOnly()
    const { user, dialog } = await openAdd(fake)
    await user.type(within(dialog).getByLabelText('API key'), 'ak_live_wrong{Enter}')
    expect((await within(dialog).findByRole('alert')).textContent).toBe(
      'That API key was not accepted. Check that you copied the whole key, and that it has not been deleted.'
    )
    expect(within(switcher()).getAllByRole('listitem')).toHaveLength(1)
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }))
    expect(screen.queryByRole('dialog', { name: 'Add an account' })).toBeNull()
    expect(keysRegion(ADA)).toBeTruthy()
    expect(document.activeElement).toBe(within(switcher()).getByRole('button', { name: 'Add account' }))
  })

  it('stays open and cannot be cancelled while the sign-in is checked', async () => {
    const fake = adaOnly()
    const pending = fake.defer('accounts.add')
    const { user, dialog } = await openAdd(fake)
    await user.type(within(dialog).getByLabelText('API key'), `${API_KEYS.grace}{Enter}`)
    expect(isDisabled(within(dialog).getByRole('button', { name: 'Signing in…' }))).toBe(true)
    expect(isDisabled(within(dialog).getByRole('button', { name: 'Cancel' }))).toBe(true)
    fireEvent.keyDown(dialog, { key: 'Escape' })
    expect(await screen.findByRole('dialog', { name: 'Add an account' })).toBe(dialog)
    await act(async () => pending.proceed())
    await findKeysRegion(makeAccountLike(GRACE.profile.email))
  })

  it('an account that is already here says so and stays one entry (its credential was refreshed)', async () => {
    const fake = adaOnly()
    const { user, dialog } = await openAdd(fake)
    await user.type(within(dialog).getByLabelText('API key'), `${API_KEYS.ada}{Enter}`)
    const notice = await screen.findByText(/That account was already here\./)
    expect(notice.textContent).toBe('That account was already here. Its new key was accepted by the server and now replaces the stored one.')
    expect(within(switcher()).getAllByRole('listitem')).toHaveLength(1)
    await user.click(screen.getByRole('button', { name: 'Dismiss' }))
    expect(screen.queryByText(/That account was already here\./)).toBeNull()
  })

  it('"Add a sandbox account" adds a demo account on another loopback host', async () => {
    const fake = adaOnly()
    const { user, dialog } = await openAdd(fake)
    await user.click(within(dialog).getByRole('button', { name: 'Add a sandbox account' }))
    await screen.findByRole('main', { name: 'API keys of demo@sandbox.local' })
    expect(within(accountHeader()).getByText('Sandbox')).toBeTruthy()
    expect(within(accountHeader()).getByText('127.0.0.1:4010')).toBeTruthy()
    expect(switcherItem('Sandbox Demo').textContent).toContain('127.0.0.1:4010')
    expect(switcherItem('Ada Lovelace')).toBeTruthy()
  })
})

/** Just enough of an account for findKeysRegion. */
const makeAccountLike = (email: string) => ({ profile: { email, name: null, totalBalance: null } })
