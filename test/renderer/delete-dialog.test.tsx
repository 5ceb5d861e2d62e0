import { act, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { createFakeApi, makeKey, ok, OWN_KEY_REASON_FROM_MAIN, signedIn, type FakeApi } from './fake-api'
import { bodyRows, isDisabled, renderApp, waitForListSettled } from './render-app'

const OWN_KEY_WARNING = 'This is the key Autocalls Keys signs in with. Deleting it signs the app out.'
const SIGNED_OUT = 'You deleted the key this app signed in with, so you have been signed out.'
const keys = () => [makeKey(7, { name: 'Billing sync' }), makeKey(8, { name: 'Desktop', isAppKey: true }), makeKey(9, { name: 'Zapier' })]
const names = () => bodyRows().map((row) => row.querySelector('.key-name')?.textContent)

async function openDelete(name: string, fake: FakeApi = createFakeApi({ session: signedIn(), keys: keys() })) {
  const rendered = await renderApp(fake)
  await waitForListSettled()
  const opener = screen.getByRole('button', { name: `Delete ${name}` })
  await rendered.user.click(opener)
  const dialog = screen.getByRole('dialog', { name: 'Delete API key?' })
  return { ...rendered, dialog, opener }
}

describe('delete dialog', () => {
  it('names the key and its id, focuses Cancel first, and deletes on "Delete key"', async () => {
    const { fake, user, dialog } = await openDelete('Billing sync')
    expect(dialog.tagName).toBe('DIALOG')
    expect(
      within(dialog).getByText('Delete “Billing sync” (ID 7)? Anything using this key loses access at once. This cannot be undone.')
    ).toBeTruthy()
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }))
    const remove = within(dialog).getByRole('button', { name: 'Delete key' })
    expect(remove.className).toContain('danger')
    expect(within(dialog).queryByText(OWN_KEY_WARNING)).toBeNull()
    await user.click(remove)
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Delete API key?' })).toBeNull())
    expect(fake.calls('keys.delete')).toEqual([[7]])
    expect(names()).not.toContain('Billing sync')
    expect(names()).toHaveLength(2)
  })

  it('shows "Deleting…" disabled while in flight', async () => {
    const fake = createFakeApi({ session: signedIn(), keys: keys() })
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
    const fake = createFakeApi({ session: signedIn(), keys: keys() })
    fake.failNext('keys.delete', { kind: 'server', message: 'The server had a problem (HTTP 500).' })
    const { user, dialog } = await openDelete('Zapier', fake)
    await user.click(within(dialog).getByRole('button', { name: 'Delete key' }))
    expect((await within(dialog).findByRole('alert')).textContent).toBe('The server had a problem (HTTP 500).')
    expect(screen.getByRole('dialog', { name: 'Delete API key?' })).toBe(dialog)
    expect(names()).toContain('Zapier')
    expect(isDisabled(within(dialog).getByRole('button', { name: 'Delete key' }))).toBe(false)
  })

  it('treats not_found as success: the row disappears quietly', async () => {
    const fake = createFakeApi({ session: signedIn(), keys: keys() })
    fake.failNext('keys.delete', { kind: 'not_found', message: 'No such key.', status: 404 })
    const { user, dialog } = await openDelete('Zapier', fake)
    await user.click(within(dialog).getByRole('button', { name: 'Delete key' }))
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Delete API key?' })).toBeNull())
    expect(names()).not.toContain('Zapier')
    expect(screen.queryByRole('alert')).toBeNull()
  })

  it('treats alreadyGone as success too', async () => {
    const fake = createFakeApi({ session: signedIn(), keys: keys() })
    fake.next('keys.delete', (id) => ok({ id, alreadyGone: true, signedOut: false }))
    const { user, dialog } = await openDelete('Zapier', fake)
    await user.click(within(dialog).getByRole('button', { name: 'Delete key' }))
    await waitFor(() => expect(names()).not.toContain('Zapier'))
    expect(screen.queryByRole('alert')).toBeNull()
  })

  it('for the app\'s own key, warns and requires the exact name before deleting, then signs out', async () => {
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
    expect(await screen.findByRole('heading', { name: 'Sign in to Autocalls' })).toBeTruthy()
    // The fake sends main's session-ended event before the answer; the spec's sentence wins.
    expect(screen.getByRole('alert').textContent).toBe(SIGNED_OUT)
    expect(fake.calls('keys.delete')).toEqual([[8]])
  })

  it('shows the same sentence when the session-ended event arrives after the answer', async () => {
    const fake = createFakeApi({ session: signedIn(), keys: keys() })
    fake.next('keys.delete', (id) => {
      setTimeout(() => fake.emitSessionEnded(OWN_KEY_REASON_FROM_MAIN), 0)
      return ok({ id, alreadyGone: false, signedOut: true })
    })
    const { user, dialog } = await openDelete('Desktop', fake)
    await user.type(within(dialog).getByRole('textbox', { name: 'Type the key name to confirm' }), 'Desktop')
    await user.click(within(dialog).getByRole('button', { name: 'Delete key' }))
    await screen.findByRole('heading', { name: 'Sign in to Autocalls' })
    await act(() => new Promise((resolve) => setTimeout(resolve, 10)))
    expect(screen.getByRole('alert').textContent).toBe(SIGNED_OUT)
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
