/** Signing out of one account (its confirmation names the account and host) and of all of them. */
import { act, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { ADA, createFakeApi, failure, GRACE, LIN, makeKeys, type FakeApi } from './fake-api'
import { accountHeader, findKeysRegion, isDisabled, renderApp, rowNames, switcher, switcherItem, waitForListSettled } from './render-app'

const threeAccounts = () =>
  createFakeApi({
    accounts: [
      { account: ADA, keys: makeKeys(3, 1, 'Ada') },
      { account: GRACE, keys: makeKeys(2, 50, 'Grace') },
      { account: LIN, keys: makeKeys(1, 70, 'Lin') }
    ],
    shownAccountId: GRACE.id
  })

async function openRemove(fake: FakeApi = threeAccounts()) {
  const rendered = await renderApp(fake)
  await waitForListSettled()
  await rendered.user.click(within(accountHeader()).getByRole('button', { name: 'Sign out…' }))
  const dialog = await screen.findByRole('dialog', { name: 'Sign out of Grace Hopper?' })
  return { ...rendered, dialog }
}

const switcherNames = () =>
  within(switcher())
    .queryAllByRole('listitem')
    .map((item) => item.querySelector('.account-item-name')?.textContent)

describe('signing out of one account', () => {
  it('names the account and its host, says what goes and what stays, and focuses Cancel first', async () => {
    const { dialog } = await openRemove()
    expect(dialog.querySelector('.dialog-lead')?.textContent).toBe(
      'grace@client.example on voice.agency.example: its saved API key is removed from this computer’s keychain and its cached list is forgotten.'
    )
    expect(within(dialog).getByText('The API keys themselves stay on the server; you can sign in again at any time.')).toBeTruthy()
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }))
  })

  it('"Sign out" removes that account only and shows the next one', async () => {
    const { fake, user, dialog } = await openRemove()
    await user.click(within(dialog).getByRole('button', { name: 'Sign out' }))
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Sign out of Grace Hopper?' })).toBeNull())
    expect(fake.calls('accounts.remove')).toEqual([[{ accountId: GRACE.id }]])
    expect(switcherNames()).toEqual(['Ada Lovelace', 'lin@example.org'])
    await findKeysRegion(ADA)
    await waitForListSettled()
    expect(rowNames()).toEqual(['Ada 00003', 'Ada 00002', 'Ada 00001'])
    await waitFor(() => expect(document.title).toBe('Ada Lovelace (ada@example.com) — Autocalls Keys'))
    expect(switcherItem('lin@example.org').textContent).toContain('Ready')
  })

  it('the next account is shown without the filter typed for the removed one', async () => {
    const { user } = await openRemove()
    await user.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Cancel' }))
    await user.type(screen.getByRole('searchbox', { name: 'Filter keys' }), 'Grace')
    await user.click(within(accountHeader()).getByRole('button', { name: 'Sign out…' }))
    await user.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Sign out' }))
    await findKeysRegion(ADA)
    await waitForListSettled()
    expect((screen.getByRole<HTMLInputElement>('searchbox', { name: 'Filter keys' })).value).toBe('')
    expect(rowNames()).toEqual(['Ada 00003', 'Ada 00002', 'Ada 00001'])
  })

  it('Cancel changes nothing', async () => {
    const { fake, user, dialog } = await openRemove()
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }))
    expect(screen.queryByRole('dialog')).toBeNull()
    expect(fake.callCount('accounts.remove')).toBe(0)
    expect(switcherNames()).toHaveLength(3)
  })

  it('shows "Signing out…" while main works, then a failure (keychain) in the dialog, keeping the account', async () => {
    const fake = threeAccounts()
    const pending = fake.defer('accounts.remove')
    const { user, dialog } = await openRemove(fake)
    await user.click(within(dialog).getByRole('button', { name: 'Sign out' }))
    expect(isDisabled(within(dialog).getByRole('button', { name: 'Signing out…' }))).toBe(true)
    expect(isDisabled(within(dialog).getByRole('button', { name: 'Cancel' }))).toBe(true)
    await act(async () => pending.fail({ kind: 'keychain_unavailable', message: 'The system keychain is locked. Unlock it and try again.' }))
    expect((await within(dialog).findByRole('alert')).textContent).toBe('The system keychain is locked. Unlock it and try again.')
    expect(switcherNames()).toHaveLength(3)
    expect(isDisabled(within(dialog).getByRole('button', { name: 'Sign out' }))).toBe(false)
  })

  it('an account that needs a new sign-in can be removed from its own screen', async () => {
    const signedOut = { ...GRACE, status: 'needs-sign-in' as const, problem: { kind: 'not_signed_in' as const, message: 'Rejected.' } }
    const { fake, user } = await renderApp({ accounts: [ADA, signedOut], shownAccountId: GRACE.id })
    await user.click(screen.getByRole('button', { name: 'Remove account…' }))
    await user.click(within(await screen.findByRole('dialog', { name: 'Sign out of Grace Hopper?' })).getByRole('button', { name: 'Sign out' }))
    await findKeysRegion(ADA)
    expect(fake.calls('accounts.remove')).toEqual([[{ accountId: GRACE.id }]])
    expect(switcherNames()).toEqual(['Ada Lovelace'])
  })

  it('removing the last account goes back to the first-run sign-in screen', async () => {
    const { user, fake } = await renderApp({ accounts: [{ account: ADA, keys: makeKeys(1) }] })
    await waitForListSettled()
    await user.click(screen.getByRole('button', { name: 'Sign out…' }))
    await user.click(within(await screen.findByRole('dialog', { name: 'Sign out of Ada Lovelace?' })).getByRole('button', { name: 'Sign out' }))
    expect(await screen.findByRole('heading', { name: 'Sign in to Autocalls' })).toBeTruthy()
    await waitFor(() => expect(document.title).toBe('Autocalls Keys'))
    expect(fake.model.accounts).toEqual([])
  })
})

describe('signing out of all accounts', () => {
  async function openRemoveAll(fake: FakeApi = threeAccounts()) {
    const rendered = await renderApp(fake)
    await waitForListSettled()
    await rendered.user.click(within(switcher()).getByRole('button', { name: /^All accounts/ }))
    await rendered.user.click(await screen.findByRole('button', { name: 'Sign out of all…' }))
    const dialog = await screen.findByRole('dialog', { name: 'Sign out of all 3 accounts?' })
    return { ...rendered, dialog }
  }

  it('lists every account with its host, and signs out of all of them', async () => {
    const { fake, user, dialog } = await openRemoveAll()
    expect(within(dialog).getAllByRole('listitem').map((item) => item.textContent)).toEqual([
      'ada@example.com on app.autocalls.ai',
      'grace@client.example on voice.agency.example',
      'lin@example.org on app.autocalls.ai'
    ])
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }))
    await user.click(within(dialog).getByRole('button', { name: 'Sign out of all' }))
    expect(await screen.findByRole('heading', { name: 'Sign in to Autocalls' })).toBeTruthy()
    expect(fake.callCount('accounts.removeAll')).toBe(1)
    expect(fake.callCount('accounts.remove')).toBe(0)
  })

  it('when main stops part-way, shows what is left and why', async () => {
    const fake = threeAccounts()
    fake.next('accounts.removeAll', () => {
      fake.model.accounts = fake.model.accounts.filter((record) => record.view.id !== ADA.id)
      return failure({ kind: 'keychain_unavailable', message: 'The system keychain is locked. Unlock it and try again.' })
    })
    const { user, dialog } = await openRemoveAll(fake)
    await user.click(within(dialog).getByRole('button', { name: 'Sign out of all' }))
    expect((await within(dialog).findByRole('alert')).textContent).toBe('The system keychain is locked. Unlock it and try again.')
    expect(fake.callCount('accounts.list')).toBe(1)
    expect(switcherNames()).toEqual(['Grace Hopper', 'lin@example.org'])
    expect(within(dialog).getAllByRole('listitem')).toHaveLength(2)
  })
})
