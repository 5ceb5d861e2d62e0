import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { ADA, createFakeApi, GRACE, makeAccount, makeKeys } from './fake-api'
import { DEFAULT_PREFERENCES } from '../../src/shared/domain'
import { accountHeader, expectNoDialogOpened, renderApp, waitForListSettled } from './render-app'

const usd = (amount: number) => new Intl.NumberFormat(undefined, { style: 'currency', currency: 'USD' }).format(amount)
const filterBox = () => screen.getByRole<HTMLInputElement>('searchbox', { name: 'Filter keys' })

async function signedInApp() {
  const fake = createFakeApi({
    accounts: [
      { account: ADA, keys: makeKeys(3) },
      { account: GRACE, keys: makeKeys(2, 50) }
    ]
  })
  const rendered = await renderApp(fake)
  await waitForListSettled()
  return rendered
}

describe('account header', () => {
  it('shows name, email, balance in USD and state, without host or Sandbox badge for an account on the default host', async () => {
    await signedInApp()
    const header = accountHeader()
    expect(within(header).getByRole('heading', { level: 1 }).textContent).toBe('Ada Lovelace')
    expect(within(header).getByText('ada@example.com')).toBeTruthy()
    expect(within(header).getByText(`Balance ${usd(1234.5)}`)).toBeTruthy()
    expect(within(header).getByText('Ready')).toBeTruthy()
    expect(within(header).queryByText('Sandbox')).toBeNull()
    expect(header.querySelector('.account-host')).toBeNull()
  })

  it('names an account without a name by its email, and shows "—" for a balance the server did not send', async () => {
    const nameless = makeAccount({ email: 'ops@agency.example', name: null, totalBalance: null })
    await renderApp({ accounts: [{ account: nameless, keys: [] }] })
    const header = accountHeader()
    expect(within(header).getByRole('heading', { level: 1 }).textContent).toBe('ops@agency.example')
    expect(within(header).getByText('Balance —')).toBeTruthy()
    expect(header.querySelector('.avatar')?.textContent).toBe('O') // the email's initial, hidden from screen readers
  })

  it('"Sign out…" asks first, naming the account', async () => {
    const { user, fake } = await signedInApp()
    await user.click(within(accountHeader()).getByRole('button', { name: 'Sign out…' }))
    expect(await screen.findByRole('dialog', { name: 'Sign out of Ada Lovelace?' })).toBeTruthy()
    expect(fake.callCount('accounts.remove')).toBe(0)
  })
})

describe('settings (loaded on demand)', () => {
  const delaySelect = () => screen.getByRole<HTMLSelectElement>('combobox', { name: 'Clear copied keys from the clipboard after' })

  it('shows the current clipboard delay and saves a new one through main', async () => {
    const { fake, user } = await signedInApp()
    await user.click(within(accountHeader()).getByRole('button', { name: 'Settings' }))
    const dialog = await screen.findByRole('dialog', { name: 'Settings' })
    expect(delaySelect().value).toBe('60')
    expect(delaySelect().selectedOptions[0]?.textContent).toBe('1 minute')
    await user.selectOptions(delaySelect(), '2 minutes')
    await waitFor(() => expect(fake.calls('preferences.update')).toEqual([[{ clipboardClearSeconds: 120 }]]))
    await waitFor(() => expect(delaySelect().value).toBe('120'))
    await user.click(within(dialog).getByRole('button', { name: 'Done' }))
    expect(screen.queryByRole('dialog', { name: 'Settings' })).toBeNull()
    expect(document.activeElement).toBe(within(accountHeader()).getByRole('button', { name: 'Settings' }))
  })

  it('says why when main refuses the change, and keeps the old value', async () => {
    const fake = createFakeApi({ accounts: [{ account: ADA, keys: makeKeys(1) }] })
    fake.failNext('preferences.update', { kind: 'internal', message: 'Could not save the preference.' })
    const { user } = await renderApp(fake)
    await waitForListSettled()
    await user.click(screen.getByRole('button', { name: 'Settings' }))
    await screen.findByRole('dialog', { name: 'Settings' })
    await user.selectOptions(delaySelect(), '15 seconds')
    expect((await screen.findByRole('alert')).textContent).toBe('Could not save the preference.')
    expect(delaySelect().value).toBe('60')
  })

  it('shows a delay set elsewhere as it is, not silently changed', async () => {
    const { user } = await renderApp({ accounts: [{ account: ADA, keys: [] }], preferences: { ...DEFAULT_PREFERENCES, clipboardClearSeconds: 45 } })
    await user.click(screen.getByRole('button', { name: 'Settings' }))
    await screen.findByRole('dialog', { name: 'Settings' })
    expect(delaySelect().value).toBe('45')
    expect(delaySelect().selectedOptions[0]?.textContent).toBe('45 seconds')
  })
})

describe('keyboard shortcuts', () => {
  it.each([
    ['Ctrl+N', { key: 'n', ctrlKey: true }],
    ['Cmd+N', { key: 'n', metaKey: true }]
  ])('%s opens the New key dialog for the shown account (and prevents the default)', async (_label, init) => {
    await signedInApp()
    expect(fireEvent.keyDown(window, init)).toBe(false)
    const dialog = await screen.findByRole('dialog', { name: 'New API key' })
    expect(within(dialog).getByText('For ada@example.com on app.autocalls.ai')).toBeTruthy()
  })

  it('Ctrl+F and "/" focus the filter; "/" typed in a field stays a character', async () => {
    const { user } = await signedInApp()
    expect(fireEvent.keyDown(window, { key: 'f', ctrlKey: true })).toBe(false)
    expect(document.activeElement).toBe(filterBox())
    act(() => screen.getByRole('button', { name: 'Refresh' }).focus())
    await user.keyboard('/')
    expect(document.activeElement).toBe(filterBox())
    expect(filterBox().value).toBe('')
    await user.keyboard('a/b')
    expect(filterBox().value).toBe('a/b')
  })

  it.each([
    ['Ctrl+R', { key: 'r', ctrlKey: true }],
    ['F5', { key: 'F5' }]
  ])('%s refreshes the shown account\'s list only', async (_label, init) => {
    const { fake } = await signedInApp()
    const before = fake.callCount('keys.list')
    expect(fireEvent.keyDown(window, init)).toBe(false)
    await waitFor(() => expect(fake.callCount('keys.list')).toBe(before + 1))
    expect(fake.calls('keys.list').at(-1)).toEqual([{ accountId: ADA.id }])
    expect(fake.callsFor(GRACE.id)).toEqual([])
  })

  it('Ctrl+R still refreshes while a dialog is open (it opens nothing)', async () => {
    const { fake, user } = await signedInApp()
    await user.click(screen.getByRole('button', { name: 'New key' }))
    const before = fake.callCount('keys.list')
    fireEvent.keyDown(window, { key: 'r', ctrlKey: true })
    await waitFor(() => expect(fake.callCount('keys.list')).toBe(before + 1))
    expect(await screen.findByRole('dialog', { name: 'New API key' })).toBeTruthy()
  })

  it('leaves other keys alone', async () => {
    await signedInApp()
    expect(fireEvent.keyDown(window, { key: 'n' })).toBe(true)
    expect(fireEvent.keyDown(window, { key: 'r', ctrlKey: true, altKey: true })).toBe(true)
    expect(fireEvent.keyDown(window, { key: '0', ctrlKey: true })).toBe(true)
    await expectNoDialogOpened()
  })

  it('does nothing on the sign-in screen', async () => {
    const { fake } = await renderApp()
    fireEvent.keyDown(window, { key: 'n', ctrlKey: true })
    fireEvent.keyDown(window, { key: 'r', ctrlKey: true })
    fireEvent.keyDown(window, { key: '1', ctrlKey: true })
    await expectNoDialogOpened()
    expect(fake.callCount('keys.list')).toBe(0)
    expect(screen.getByRole('heading', { name: 'Sign in to Autocalls' })).toBeTruthy()
  })

  it('Ctrl+N and Ctrl+F do nothing for an account that needs a new sign-in', async () => {
    const signedOut = { ...ADA, status: 'needs-sign-in' as const, problem: { kind: 'not_signed_in' as const, message: 'Sign in again.' } }
    await renderApp({ accounts: [{ account: signedOut, keys: makeKeys(1) }] })
    fireEvent.keyDown(window, { key: 'n', ctrlKey: true })
    await expectNoDialogOpened()
    expect(screen.queryByRole('searchbox', { name: 'Filter keys' })).toBeNull()
  })
})

describe('menu commands', () => {
  it('"new-key", "find" and "refresh" from the menu act like the shortcuts', async () => {
    const { fake } = await signedInApp()
    act(() => fake.emitMenuCommand('find'))
    expect(document.activeElement).toBe(filterBox())
    const before = fake.callCount('keys.list')
    act(() => fake.emitMenuCommand('refresh'))
    await waitFor(() => expect(fake.callCount('keys.list')).toBe(before + 1))
    await waitForListSettled()
    act(() => fake.emitMenuCommand('new-key'))
    expect(await screen.findByRole('dialog', { name: 'New API key' })).toBeTruthy()
    // Twice (menu accelerator and page shortcut both firing) still means one dialog.
    act(() => fake.emitMenuCommand('new-key'))
    expect(screen.getAllByRole('dialog', { name: 'New API key' })).toHaveLength(1)
  })

  it('"add-account" opens the Add account dialog, once', async () => {
    const { fake } = await signedInApp()
    act(() => fake.emitMenuCommand('add-account'))
    act(() => fake.emitMenuCommand('add-account'))
    expect(await screen.findAllByRole('dialog', { name: 'Add an account' })).toHaveLength(1)
  })

  it('subscribes once to each event and unsubscribes from all of them on unmount', async () => {
    const { fake, unmount } = await signedInApp()
    expect(fake.listenerCount('menuCommand')).toBe(1)
    expect(fake.listenerCount('accountsChanged')).toBe(1)
    expect(fake.listenerCount('tokenWaiting')).toBe(1)
    unmount()
    expect(fake.listenerCount('menuCommand')).toBe(0)
    expect(fake.listenerCount('accountsChanged')).toBe(0)
    expect(fake.listenerCount('tokenWaiting')).toBe(0)
  })
})
