import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { ACCOUNT, createFakeApi, makeKeys, signedIn } from './fake-api'
import { renderApp, waitForListSettled } from './render-app'

const usd = (amount: number) => new Intl.NumberFormat(undefined, { style: 'currency', currency: 'USD' }).format(amount)
const filterBox = () => screen.getByRole('searchbox', { name: 'Filter keys' }) as HTMLInputElement

async function signedInApp() {
  const fake = createFakeApi({ session: signedIn(), keys: makeKeys(3) })
  const rendered = await renderApp(fake)
  await waitForListSettled()
  return rendered
}

describe('account popover', () => {
  it('shows name, email and balance in USD, without a Sandbox badge for a real account', async () => {
    const { user } = await signedInApp()
    const button = screen.getByRole('button', { name: 'Account' })
    expect(button.getAttribute('aria-expanded')).toBe('false')
    await user.click(button)
    expect(button.getAttribute('aria-expanded')).toBe('true')
    const popover = screen.getByRole('dialog', { name: 'Account' })
    expect(within(popover).getByText(ACCOUNT.profile.name)).toBeTruthy()
    expect(within(popover).getByText(ACCOUNT.profile.email)).toBeTruthy()
    expect(within(popover).getByText(usd(1234.5))).toBeTruthy()
    expect(within(popover).queryByText('Sandbox')).toBeNull()
    expect(document.activeElement).toBe(popover)
  })

  it('closes on Escape, returning focus to "Account", and on a click outside', async () => {
    const { user } = await signedInApp()
    const button = screen.getByRole('button', { name: 'Account' })
    await user.click(button)
    await user.keyboard('{Escape}')
    expect(screen.queryByRole('dialog', { name: 'Account' })).toBeNull()
    expect(document.activeElement).toBe(button)
    await user.click(button)
    await user.click(screen.getByRole('heading', { name: 'API keys' }))
    expect(screen.queryByRole('dialog', { name: 'Account' })).toBeNull()
  })

  it('"Sign out" signs out and shows the sign-in screen without a reason', async () => {
    const { fake, user } = await signedInApp()
    await user.click(screen.getByRole('button', { name: 'Account' }))
    await user.click(screen.getByRole('button', { name: 'Sign out' }))
    expect(await screen.findByRole('heading', { name: 'Sign in to Autocalls' })).toBeTruthy()
    expect(screen.queryByRole('alert')).toBeNull()
    expect(fake.callCount('session.signOut')).toBe(1)
  })

  it('shows a sign-out failure (keychain) in the popover and stays signed in', async () => {
    const fake = createFakeApi({ session: signedIn(), keys: makeKeys(1) })
    fake.failNext('session.signOut', { kind: 'keychain_unavailable', message: 'The system keychain is locked. Unlock it and try again.' })
    const { user } = await renderApp(fake)
    await user.click(screen.getByRole('button', { name: 'Account' }))
    await user.click(screen.getByRole('button', { name: 'Sign out' }))
    const popover = screen.getByRole('dialog', { name: 'Account' })
    expect((await within(popover).findByRole('alert')).textContent).toBe('The system keychain is locked. Unlock it and try again.')
    expect(screen.getByRole('heading', { name: 'API keys' })).toBeTruthy()
  })
})

describe('keyboard shortcuts', () => {
  it.each([
    ['Ctrl+N', { key: 'n', ctrlKey: true }],
    ['Cmd+N', { key: 'n', metaKey: true }]
  ])('%s opens the New key dialog (and prevents the default)', async (_label, init) => {
    await signedInApp()
    expect(fireEvent.keyDown(window, init)).toBe(false)
    expect(screen.getByRole('dialog', { name: 'New API key' })).toBeTruthy()
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
  ])('%s refreshes the list', async (_label, init) => {
    const { fake } = await signedInApp()
    const before = fake.callCount('keys.list')
    expect(fireEvent.keyDown(window, init)).toBe(false)
    await waitFor(() => expect(fake.callCount('keys.list')).toBe(before + 1))
  })

  it('leaves other keys alone', async () => {
    await signedInApp()
    expect(fireEvent.keyDown(window, { key: 'n' })).toBe(true)
    expect(fireEvent.keyDown(window, { key: 'r', ctrlKey: true, altKey: true })).toBe(true)
    expect(screen.queryByRole('dialog')).toBeNull()
  })

  it('does nothing on the sign-in screen', async () => {
    const { fake } = await renderApp()
    fireEvent.keyDown(window, { key: 'n', ctrlKey: true })
    fireEvent.keyDown(window, { key: 'r', ctrlKey: true })
    expect(screen.queryByRole('dialog')).toBeNull()
    expect(fake.callCount('keys.list')).toBe(0)
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
    expect(screen.getByRole('dialog', { name: 'New API key' })).toBeTruthy()
    // Twice (menu accelerator and page shortcut both firing) still means one dialog.
    act(() => fake.emitMenuCommand('new-key'))
    expect(screen.getAllByRole('dialog', { name: 'New API key' })).toHaveLength(1)
  })

  it('subscribes once and unsubscribes from both events on unmount', async () => {
    const { fake, unmount } = await signedInApp()
    expect(fake.listenerCount('menu-command')).toBe(1)
    expect(fake.listenerCount('session-ended')).toBe(1)
    unmount()
    expect(fake.listenerCount('menu-command')).toBe(0)
    expect(fake.listenerCount('session-ended')).toBe(0)
  })
})

describe('account popover and focus', () => {
  it('closes when focus moves elsewhere, e.g. Ctrl+N opening the New key dialog', async () => {
    const { user } = await signedInApp()
    await user.click(screen.getByRole('button', { name: 'Account' }))
    expect(screen.getByRole('dialog', { name: 'Account' })).toBeTruthy()
    fireEvent.keyDown(window, { key: 'n', ctrlKey: true })
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Account' })).toBeNull())
    expect(screen.getByRole('dialog', { name: 'New API key' })).toBeTruthy()
  })
})

describe('clipboard delay preference', () => {
  const delaySelect = () => screen.getByRole('combobox', { name: 'Clear copied keys from the clipboard after' }) as HTMLSelectElement

  it('shows the current delay and saves a new one through main', async () => {
    const fake = createFakeApi({ session: signedIn(), keys: makeKeys(1) })
    const { user } = await renderApp(fake)
    await waitForListSettled()
    await user.click(screen.getByRole('button', { name: 'Account' }))
    expect(delaySelect().value).toBe('60')
    expect(delaySelect().selectedOptions[0]?.textContent).toBe('1 minute')
    await user.selectOptions(delaySelect(), '2 minutes')
    await waitFor(() => expect(fake.calls('preferences.update')).toEqual([[{ clipboardClearSeconds: 120 }]]))
    await waitFor(() => expect(delaySelect().value).toBe('120'))
  })

  it('says why when main refuses the change, and keeps the old value', async () => {
    const fake = createFakeApi({ session: signedIn(), keys: makeKeys(1) })
    fake.failNext('preferences.update', { kind: 'internal', message: 'Could not save the preference.' })
    const { user } = await renderApp(fake)
    await waitForListSettled()
    await user.click(screen.getByRole('button', { name: 'Account' }))
    await user.selectOptions(delaySelect(), '15 seconds')
    expect(await screen.findByText('Could not save the preference.')).toBeTruthy()
    expect(delaySelect().value).toBe('60')
  })
})
