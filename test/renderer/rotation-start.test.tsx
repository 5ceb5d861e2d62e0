/**
 * Starting a rotation: the Rotate dialog proposes the old name, checks it like New key does,
 * makes one rotation.start per submission, and hands the token to the copy-once dialog labelled
 * as the replacement. Rendered with the store and the dialog host (the row's "Rotate…" action
 * belongs to the key table; here the dialog is opened as that action does, through the store).
 */
import { act, render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { StrictMode } from 'react'
import { describe, expect, it } from 'vitest'
import { CopyOnceHost } from '../../src/renderer/src/dialogs/CopyOnceHost'
import { DialogHost } from '../../src/renderer/src/dialogs/DialogHost'
import { createAppStore } from '../../src/renderer/src/store/app-store'
import { AppStoreProvider } from '../../src/renderer/src/store/store-context'
import { ADA, createFakeApi, daysAgo, makeKey, type FakeApi } from './fake-api'

const OLD = makeKey(12, { name: 'Production CRM', createdAt: daysAgo(200), lastUsedAt: daysAgo(1) })
const APP_KEY = makeKey(1, { name: 'Autocalls Keys', isAppKey: true })

async function openRotate(fake: FakeApi = createFakeApi({ accounts: [{ account: ADA, keys: [OLD, APP_KEY] }] }), keyId = OLD.id) {
  const store = createAppStore(fake.api)
  await store.getState().start()
  await store.getState().refresh(ADA.id)
  const user = userEvent.setup()
  render(
    <StrictMode>
      <AppStoreProvider store={store}>
        <CopyOnceHost>
          <DialogHost />
        </CopyOnceHost>
      </AppStoreProvider>
    </StrictMode>
  )
  act(() => store.getState().openDialog({ kind: 'rotate', accountId: ADA.id, keyId }))
  const dialog = await screen.findByRole('dialog', { name: 'Rotate key' })
  return { fake, store, user, dialog }
}

const nameField = (dialog: HTMLElement) => within(dialog).getByRole<HTMLInputElement>('textbox', { name: 'Name of the replacement' })
const fieldErrorOf = (input: HTMLElement) => document.getElementById(input.getAttribute('aria-describedby') ?? '')?.textContent

describe('the Rotate dialog', () => {
  it('proposes the old key’s name, focused, and names the key and the account', async () => {
    const { dialog } = await openRotate()
    expect(nameField(dialog).value).toBe('Production CRM')
    expect(document.activeElement).toBe(nameField(dialog))
    expect(within(dialog).getByText('In ada@example.com on app.autocalls.ai')).toBeTruthy()
    expect(dialog.textContent).toContain('Creates a replacement for Production CRM (#12)')
  })

  it('creates the replacement with one rotation.start, then shows the token labelled as the replacement', async () => {
    const { fake, user, dialog, store } = await openRotate()
    await user.clear(nameField(dialog))
    await user.type(nameField(dialog), '  Production CRM 2026  ')
    await user.click(within(dialog).getByRole('button', { name: 'Create replacement' }))
    const copyOnce = await screen.findByRole('dialog', { name: 'Copy your new API key' })
    expect(within(copyOnce).getByText('Replacement for Production CRM (#12)')).toBeTruthy()
    expect((within(copyOnce).getByRole<HTMLInputElement>('textbox', { name: 'New API key token' })).value).toMatch(/^100\|fakeSecretToken100xyz$/)
    expect(screen.queryByRole('dialog', { name: 'Rotate key' })).toBeNull()
    expect(fake.calls('rotation.start')).toEqual([[{ accountId: ADA.id, keyId: 12, name: 'Production CRM 2026', requestId: expect.any(String) }]])
    expect(fake.callCount('keys.create')).toBe(0)
    // The provisional row and, after the list that follows, the open rotation.
    expect(store.getState().lists[ADA.id]?.items?.[0]).toMatchObject({ id: 100, name: 'Production CRM 2026' })
    await waitFor(() => expect(store.getState().lists[ADA.id]?.rotations).toEqual([expect.objectContaining({ oldKey: { id: 12, name: 'Production CRM' }, newKey: { id: 100, name: 'Production CRM 2026' } })]))
  })

  it('a double click or Enter while the create runs sends one request', async () => {
    const fake = createFakeApi({ accounts: [{ account: ADA, keys: [OLD] }] })
    const held = fake.defer('rotation.start')
    const { user, dialog } = await openRotate(fake)
    const create = within(dialog).getByRole('button', { name: 'Create replacement' })
    await user.dblClick(create)
    await user.type(nameField(dialog), '{Enter}')
    await held.called
    expect(fake.callCount('rotation.start')).toBe(1)
    expect((within(dialog).getByRole<HTMLButtonElement>('button', { name: 'Creating…' })).disabled).toBe(true)
    held.proceed()
    await screen.findByRole('dialog', { name: 'Copy your new API key' })
    expect(fake.callCount('rotation.start')).toBe(1)
  })

  it.each([
    ['empty', '', 'Enter a name for the key.'],
    ['256 code points', 'a'.repeat(256), 'The name is 256 characters long; the most allowed is 255.']
  ])('rejects a %s name under the field without calling main', async (_label, name, message) => {
    const { fake, user, dialog } = await openRotate()
    await user.clear(nameField(dialog))
    if (name) {
      await user.click(nameField(dialog))
      await user.paste(name)
    }
    await user.click(within(dialog).getByRole('button', { name: 'Create replacement' }))
    expect(nameField(dialog).getAttribute('aria-invalid')).toBe('true')
    expect(fieldErrorOf(nameField(dialog))).toBe(message)
    expect(fake.callCount('rotation.start')).toBe(0)
  })

  it('shows the server’s 422 field message under the field and keeps the dialog open', async () => {
    const fake = createFakeApi({ accounts: [{ account: ADA, keys: [OLD] }] })
    fake.failNext('rotation.start', { kind: 'validation', message: 'The given data was invalid.', status: 422, fieldErrors: { name: ['The name may not be greater than 255 characters.'] } })
    const { user, dialog } = await openRotate(fake)
    await user.click(within(dialog).getByRole('button', { name: 'Create replacement' }))
    await waitFor(() => expect(nameField(dialog).getAttribute('aria-invalid')).toBe('true'))
    expect(fieldErrorOf(nameField(dialog))).toBe('The name may not be greater than 255 characters.')
    expect(screen.getByRole('dialog', { name: 'Rotate key' })).toBeTruthy()
    expect(fake.callCount('rotation.start')).toBe(1)
  })

  it('after a lost answer: no retry, the list is refreshed, and main’s words say which key to look for', async () => {
    const fake = createFakeApi({ accounts: [{ account: ADA, keys: [OLD] }] })
    const message =
      'The server did not confirm the replacement of “Production CRM” (timeout), so no rotation was opened. The replacement may have been created anyway, so do not simply try again: check the refreshed list for a new key named “Production CRM” besides #12.'
    fake.failNext('rotation.start', { kind: 'create_outcome_unknown', message })
    const { user, dialog } = await openRotate(fake)
    const listsBefore = fake.callCount('keys.list')
    await user.click(within(dialog).getByRole('button', { name: 'Create replacement' }))
    const alert = await within(dialog).findByRole('alert')
    expect(alert.textContent).toBe(message)
    await waitFor(() => expect(fake.callCount('keys.list')).toBe(listsBefore + 1))
    // No second try from this dialog (Enter included): the person looks at the list first.
    expect(within(dialog).queryByRole('button', { name: 'Create replacement' })).toBeNull()
    await user.type(nameField(dialog), '{Enter}')
    expect(fake.callCount('rotation.start')).toBe(1)
    await user.click(within(dialog).getByRole('button', { name: 'Close' }))
    expect(screen.queryByRole('dialog', { name: 'Rotate key' })).toBeNull()
  })

  it('for the app’s own key, points to “Replace this app’s key…” instead of creating anything', async () => {
    const { fake, user, dialog } = await openRotate(undefined, APP_KEY.id)
    expect(within(dialog).queryByRole('textbox')).toBeNull()
    await user.click(within(dialog).getByRole('button', { name: 'Replace this app’s key…' }))
    expect(await screen.findByRole('dialog', { name: 'Replace this app’s key' })).toBeTruthy()
    expect(fake.callCount('rotation.start')).toBe(0)
  })
})
