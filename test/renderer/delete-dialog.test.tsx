import { act, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { ADA, createFakeApi, GRACE, makeKey, makeKeys, ok, SHARED_MESSAGES, type FakeApi } from './fake-api'
import { isDisabled, renderApp, rowNames as names, switcherItem, waitForListSettled } from './render-app'

const OWN_KEY_WARNING = 'This is the key Autocalls Keys signs in with. Deleting it signs the app out.'
const keys = () => [makeKey(7, { name: 'Billing sync' }), makeKey(8, { name: 'Desktop', isAppKey: true }), makeKey(9, { name: 'Zapier' })]
/** Ada (shown) with the keys above, and Grace on another host. */
const twoAccounts = () =>
  createFakeApi({
    accounts: [
      { account: ADA, keys: keys() },
      { account: GRACE, keys: makeKeys(2, 50) }
    ]
  })

async function openDelete(name: string, fake: FakeApi = twoAccounts()) {
  const rendered = await renderApp(fake)
  await waitForListSettled()
  const opener = screen.getByRole('button', { name: `Delete ${name}` })
  await rendered.user.click(opener)
  const dialog = await screen.findByRole('dialog', { name: 'Delete API key?' })
  return { ...rendered, dialog, opener }
}

describe('delete dialog', () => {
  it('names the key, its id and the account, focuses Cancel first, and deletes on "Delete key"', async () => {
    const { fake, user, dialog } = await openDelete('Billing sync')
    expect(dialog.tagName).toBe('DIALOG')
    expect(within(dialog).getByText('From ada@example.com on app.autocalls.ai')).toBeTruthy()
    expect(
      within(dialog).getByText('Delete “Billing sync” (ID 7)? Anything using this key loses access at once. This cannot be undone.')
    ).toBeTruthy()
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }))
    const remove = within(dialog).getByRole('button', { name: 'Delete key' })
    expect(remove.className).toContain('danger')
    expect(within(dialog).queryByText(OWN_KEY_WARNING)).toBeNull()
    await user.click(remove)
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Delete API key?' })).toBeNull())
    expect(fake.calls('keys.delete')).toEqual([[{ accountId: ADA.id, id: 7 }]])
    expect(names()).not.toContain('Billing sync')
    expect(names()).toHaveLength(2)
    // The switcher counts the account's keys: one fewer at once.
    expect(switcherItem('Ada Lovelace').textContent).toContain('2 keys')
  })

  it('shows "Deleting…" disabled while in flight', async () => {
    const fake = twoAccounts()
    const pending = fake.defer('keys.delete')
    const { user, dialog } = await openDelete('Zapier', fake)
    await user.click(within(dialog).getByRole('button', { name: 'Delete key' }))
    const busy = within(dialog).getByRole('button', { name: 'Deleting…' })
    expect(isDisabled(busy)).toBe(true)
    expect(busy.getAttribute('aria-busy')).toBe('true')
    expect(isDisabled(within(dialog).getByRole('button', { name: 'Cancel' }))).toBe(true)
    await act(async () => pending.proceed())
    await waitFor(() => expect(names()).not.toContain('Zapier'))
  })

  it('keeps the dialog and the row on an error, shown in an alert inside the dialog', async () => {
    const fake = twoAccounts()
    fake.failNext('keys.delete', { kind: 'server', message: 'The server had a problem (HTTP 500).' })
    const { user, dialog } = await openDelete('Zapier', fake)
    await user.click(within(dialog).getByRole('button', { name: 'Delete key' }))
    expect((await within(dialog).findByRole('alert')).textContent).toBe('The server had a problem (HTTP 500).')
    expect(await screen.findByRole('dialog', { name: 'Delete API key?' })).toBe(dialog)
    expect(names()).toContain('Zapier')
    expect(isDisabled(within(dialog).getByRole('button', { name: 'Delete key' }))).toBe(false)
  })

  it('treats not_found as success: the row disappears quietly', async () => {
    const fake = twoAccounts()
    fake.failNext('keys.delete', { kind: 'not_found', message: 'No such key.', status: 404 })
    const { user, dialog } = await openDelete('Zapier', fake)
    await user.click(within(dialog).getByRole('button', { name: 'Delete key' }))
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Delete API key?' })).toBeNull())
    expect(names()).not.toContain('Zapier')
    expect(screen.queryByRole('alert')).toBeNull()
  })

  it('treats alreadyGone as success too', async () => {
    const fake = twoAccounts()
    fake.next('keys.delete', ({ accountId, id }) => ok({ accountId, id, alreadyGone: true, signedOut: false }))
    const { user, dialog } = await openDelete('Zapier', fake)
    await user.click(within(dialog).getByRole('button', { name: 'Delete key' }))
    await waitFor(() => expect(names()).not.toContain('Zapier'))
    expect(screen.queryByRole('alert')).toBeNull()
  })

  it('for the app\'s own key, warns and requires the exact name before deleting, then signs out of that account only', async () => {
    const { fake, user, dialog } = await openDelete('Desktop')
    expect(within(dialog).getByText(OWN_KEY_WARNING)).toBeTruthy()
    const remove = within(dialog).getByRole('button', { name: 'Delete key' })
    const confirm = within(dialog).getByRole('textbox', { name: 'Type the key name to confirm' })
    expect(isDisabled(remove)).toBe(true)
    await user.type(confirm, 'desktop')
    expect(isDisabled(remove)).toBe(true)
    await user.clear(confirm)
    await user.type(confirm, 'Desktop')
    expect(isDisabled(remove)).toBe(false)
    await user.click(remove)
    expect(await screen.findByText('Signed out of this account')).toBeTruthy()
    expect(screen.getByRole('alert').textContent).toContain(SHARED_MESSAGES.ownKeyDeleted)
    expect(screen.getByRole('button', { name: 'Sign in again' })).toBeTruthy()
    expect(fake.calls('keys.delete')).toEqual([[{ accountId: ADA.id, id: 8 }]])
    expect(switcherItem('Ada Lovelace').textContent).toContain('Needs sign-in')
    // The other account is untouched and still works.
    expect(switcherItem('Grace Hopper').textContent).toContain('Ready')
    await user.click(switcherItem('Grace Hopper'))
    await waitForListSettled()
    expect(names()).toEqual(['Key 00051', 'Key 00050'])
  })

  it('ends in the same place when main\'s accounts event arrives after the answer', async () => {
    const fake = twoAccounts()
    fake.next('keys.delete', ({ accountId, id }) => {
      setTimeout(() => fake.endSession(ADA.id, SHARED_MESSAGES.ownKeyDeleted), 0)
      return ok({ accountId, id, alreadyGone: false, signedOut: true })
    })
    const { user, dialog } = await openDelete('Desktop', fake)
    await user.type(within(dialog).getByRole('textbox', { name: 'Type the key name to confirm' }), 'Desktop')
    await user.click(within(dialog).getByRole('button', { name: 'Delete key' }))
    expect(await screen.findByText('Signed out of this account')).toBeTruthy()
    expect(screen.getByRole('alert').textContent).toContain(SHARED_MESSAGES.ownKeyDeleted)
    expect(screen.queryByRole('dialog', { name: 'Delete API key?' })).toBeNull()
  })

  it('Cancel closes and returns focus to the row\'s Delete button', async () => {
    const { user, dialog, opener } = await openDelete('Zapier')
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }))
    expect(screen.queryByRole('dialog', { name: 'Delete API key?' })).toBeNull()
    expect(document.activeElement).toBe(opener)
    expect(names()).toContain('Zapier')
  })

  it('after a delete, focus goes to the table (the opener is gone)', async () => {
    const { user, dialog } = await openDelete('Zapier')
    await user.click(within(dialog).getByRole('button', { name: 'Delete key' }))
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Delete API key?' })).toBeNull())
    expect(document.activeElement).toBe(screen.getByRole('table', { name: 'API keys' }))
  })
})
