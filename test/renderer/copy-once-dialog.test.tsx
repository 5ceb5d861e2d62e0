import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { ADA, createFakeApi, GRACE, makeKeys, pendingToken } from './fake-api'
import { expectNoDialogOpened, isDisabled, renderApp, waitForListSettled } from './render-app'

const WARNING = 'This key will not be shown again.'
const HINT = 'Confirm that you saved the key before closing.'

/** Signs in, creates "CRM" through the UI and returns the copy-once dialog. */
async function createKeyAndOpenCopyOnce() {
  const fake = createFakeApi({ accounts: [{ account: ADA, keys: makeKeys(2) }] })
  const rendered = await renderApp(fake)
  await waitForListSettled()
  await rendered.user.click(screen.getByRole('button', { name: 'New key' }))
  await rendered.user.type(await screen.findByRole('textbox', { name: 'Name' }), 'CRM{Enter}')
  const dialog = await screen.findByRole('dialog', { name: 'Copy your new API key' })
  const pending = fake.model.pendingTokens[0]!
  return { ...rendered, dialog, pending }
}

const everythingStored = () =>
  JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + location.href + document.cookie

describe('copy-once dialog', () => {
  it('shows the token in a read-only field, the key name, the account and the warning', async () => {
    const { dialog, pending } = await createKeyAndOpenCopyOnce()
    expect(dialog.tagName).toBe('DIALOG')
    expect(dialog.querySelector('.dialog-lead')?.textContent).toBe('Key CRM was created in ada@example.com on app.autocalls.ai.')
    const field = within(dialog).getByRole<HTMLInputElement>('textbox', { name: 'New API key token' })
    expect(field.value).toBe(pending.token)
    expect(field.readOnly).toBe(true)
    expect(within(dialog).getByText('CRM')).toBeTruthy()
    expect(within(dialog).getByText(WARNING)).toBeTruthy()
  })

  it('selects the whole token when the field gets focus', async () => {
    const { dialog, pending } = await createKeyAndOpenCopyOnce()
    const field = within(dialog).getByRole<HTMLInputElement>('textbox', { name: 'New API key token' })
    act(() => field.focus())
    expect(field.selectionStart).toBe(0)
    expect(field.selectionEnd).toBe(pending.token.length)
  })

  it('Copy asks main to copy by pendingId and says when the clipboard is cleared', async () => {
    const { fake, user, dialog, pending } = await createKeyAndOpenCopyOnce()
    await user.click(within(dialog).getByRole('button', { name: 'Copy' }))
    await waitFor(() =>
      expect(within(dialog).getByRole('status').textContent).toBe('Copied. The clipboard will be cleared in 60 seconds.')
    )
    expect(fake.calls('token.copy')).toEqual([[{ pendingId: pending.pendingId }]])
  })

  it('shows a copy failure in an alert', async () => {
    const { fake, user, dialog } = await createKeyAndOpenCopyOnce()
    fake.failNext('token.copy', { kind: 'token_gone', message: 'This token is no longer held by the app.' })
    await user.click(within(dialog).getByRole('button', { name: 'Copy' }))
    expect((await within(dialog).findByRole('alert')).textContent).toBe('This token is no longer held by the app.')
  })

  it('Escape does not close it and shows the hint', async () => {
    const { dialog } = await createKeyAndOpenCopyOnce()
    expect(within(dialog).queryByText(HINT)).toBeNull()
    const notPrevented = fireEvent.keyDown(dialog, { key: 'Escape' })
    expect(notPrevented).toBe(false)
    expect((dialog as HTMLDialogElement).open).toBe(true)
    expect(within(dialog).getByRole('alert').textContent).toBe(HINT)
  })

  it('the cancel event is prevented, a backdrop click and a stray close keep it open', async () => {
    const { dialog } = await createKeyAndOpenCopyOnce()
    const cancel = new Event('cancel', { cancelable: true })
    act(() => {
      dialog.dispatchEvent(cancel)
    })
    expect(cancel.defaultPrevented).toBe(true)
    expect(within(dialog).getByRole('alert').textContent).toBe(HINT)
    fireEvent.click(dialog) // the <dialog> element itself is the backdrop area
    act(() => (dialog as HTMLDialogElement).close())
    expect((dialog as HTMLDialogElement).open).toBe(true)
    expect(await screen.findByRole('dialog', { name: 'Copy your new API key' })).toBe(dialog)
  })

  it('Done is disabled until "I have saved this key" is checked; Done confirms, closes and removes the token from the DOM', async () => {
    const { fake, user, dialog, pending } = await createKeyAndOpenCopyOnce()
    const done = within(dialog).getByRole('button', { name: 'Done' })
    expect(isDisabled(done)).toBe(true)
    await user.click(within(dialog).getByRole('checkbox', { name: 'I have saved this key' }))
    expect(isDisabled(done)).toBe(false)
    await user.click(done)
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Copy your new API key' })).toBeNull())
    expect(fake.calls('token.confirmSaved')).toEqual([[{ pendingId: pending.pendingId }]])
    expect(document.body.innerHTML).not.toContain(pending.token)
    expect(document.body.textContent).not.toContain(pending.token)
    const values = [...document.querySelectorAll('input')].map((input) => input.value)
    expect(values.join('\n')).not.toContain(pending.token)
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'New key' }))
  })

  it('closes even when main no longer holds the token at Done', async () => {
    const { fake, user, dialog } = await createKeyAndOpenCopyOnce()
    fake.failNext('token.confirmSaved', { kind: 'token_gone', message: 'Gone.' })
    await user.click(within(dialog).getByRole('checkbox', { name: 'I have saved this key' }))
    await user.click(within(dialog).getByRole('button', { name: 'Done' }))
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Copy your new API key' })).toBeNull())
  })

  it('never writes the token to web storage, cookies or the URL', async () => {
    const { user, dialog, pending } = await createKeyAndOpenCopyOnce()
    expect(everythingStored()).not.toContain(pending.token)
    await user.click(within(dialog).getByRole('button', { name: 'Copy' }))
    await user.click(within(dialog).getByRole('checkbox', { name: 'I have saved this key' }))
    await user.click(within(dialog).getByRole('button', { name: 'Done' }))
    expect(everythingStored()).not.toContain(pending.token)
  })

  it('comes back after a window reload before Done (main still holds the token)', async () => {
    const { fake, unmount, pending } = await createKeyAndOpenCopyOnce()
    unmount() // the window reloads: all renderer state is gone
    expect(document.body.innerHTML).not.toContain(pending.token)
    const { user } = await renderApp(fake)
    const dialog = await screen.findByRole('dialog', { name: 'Copy your new API key' })
    expect((within(dialog).getByRole<HTMLInputElement>('textbox', { name: 'New API key token' })).value).toBe(pending.token)
    await user.click(within(dialog).getByRole('button', { name: 'Copy' }))
    expect(fake.calls('token.copy').at(-1)).toEqual([{ pendingId: pending.pendingId }])
  })

  it('reopens for tokens still pending after a reload, one after the other', async () => {
    const pendingTokens = [
      pendingToken(ADA, { pendingId: 'p-a', token: '11|firstTokenValue', keyName: 'First', keyId: 11 }),
      pendingToken(GRACE, { pendingId: 'p-b', token: '12|secondTokenValue', keyName: 'Second', keyId: 12 })
    ]
    const fake = createFakeApi({ accounts: [{ account: ADA, keys: makeKeys(2) }, GRACE], pendingTokens })
    const { user } = await renderApp(fake)
    let dialog = await screen.findByRole('dialog', { name: 'Copy your new API key' })
    expect((within(dialog).getByRole<HTMLInputElement>('textbox', { name: 'New API key token' })).value).toBe('11|firstTokenValue')
    await user.click(within(dialog).getByRole('button', { name: 'Copy' }))
    expect(fake.calls('token.copy')).toEqual([[{ pendingId: 'p-a' }]])
    await user.click(within(dialog).getByRole('checkbox', { name: 'I have saved this key' }))
    await user.click(within(dialog).getByRole('button', { name: 'Done' }))
    await waitFor(() =>
      expect((screen.getByRole<HTMLInputElement>('textbox', { name: 'New API key token' })).value).toBe('12|secondTokenValue')
    )
    dialog = await screen.findByRole('dialog', { name: 'Copy your new API key' })
    // A new dialog: the checkbox starts unchecked again.
    expect((within(dialog).getByRole<HTMLInputElement>('checkbox', { name: 'I have saved this key' })).checked).toBe(false)
    expect(within(dialog).getByText('Second')).toBeTruthy()
    // Each token is labelled with the account it was made in, not the one shown.
    expect(within(dialog).getByText('grace@client.example on voice.agency.example')).toBeTruthy()
  })

  it('shows a pending token even on the sign-in screen (its account was removed since)', async () => {
    const fake = createFakeApi({ pendingTokens: [pendingToken(ADA, { pendingId: 'p-z', token: '9|tok', keyName: 'Old', keyId: 9 })] })
    await renderApp(fake)
    const dialog = await screen.findByRole('dialog', { name: 'Copy your new API key' })
    expect(within(dialog).getByText('ada@example.com on app.autocalls.ai')).toBeTruthy()
    expect(screen.getByRole('heading', { name: 'Sign in to Autocalls' })).toBeTruthy()
  })

  it('keeps Ctrl+N from opening a second dialog over it', async () => {
    await createKeyAndOpenCopyOnce()
    fireEvent.keyDown(window, { key: 'n', ctrlKey: true })
    await expectNoDialogOpened('New API key')
  })
})
