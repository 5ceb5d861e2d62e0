import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { ADA, createFakeApi, makeKeys, ok, type FakeApi } from './fake-api'
import { bodyRows, expectNoDialogOpened, isDisabled, renderApp, rowNames, waitForListSettled } from './render-app'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

async function openNewKey(fake: FakeApi = adaWith(2)) {
  const rendered = await renderApp(fake)
  await waitForListSettled()
  await rendered.user.click(screen.getByRole('button', { name: 'New key' }))
  const dialog = await screen.findByRole('dialog', { name: 'New API key' })
  const input = within(dialog).getByRole<HTMLInputElement>('textbox', { name: 'Name' })
  return { ...rendered, dialog, input }
}

const adaWith = (count: number) => createFakeApi({ accounts: [{ account: ADA, keys: makeKeys(count) }] })
const badgeOf = (name: string) => bodyRows().find((row) => row.querySelector('.key-name')?.textContent === name)?.querySelector('.badge-unconfirmed') ?? null

const fieldErrorOf = (input: HTMLElement) => document.getElementById(input.getAttribute('aria-describedby') ?? '')?.textContent

describe('new key dialog', () => {
  it('opens as a modal <dialog> titled "New API key", naming the account, with the Name field focused', async () => {
    const { dialog, input } = await openNewKey()
    expect(dialog.tagName).toBe('DIALOG')
    expect(within(dialog).getByText('For ada@example.com on app.autocalls.ai')).toBeTruthy()
    expect((dialog as HTMLDialogElement).open).toBe(true)
    expect(document.activeElement).toBe(input)
    expect(within(dialog).getByRole('button', { name: 'Create key' })).toBeTruthy()
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toBeTruthy()
  })

  it.each([
    ['empty', '', 'Enter a name for the key.'],
    ['whitespace only', '   ', 'Enter a name for the key.'],
    ['256 code points', 'a'.repeat(256), 'The name is 256 characters long; the most allowed is 255.']
  ])('rejects a %s name locally, under the field, without calling main', async (_label, name, message) => {
    const { fake, user, dialog, input } = await openNewKey()
    if (name) {
      await user.click(input)
      await user.paste(name)
    }
    await user.click(within(dialog).getByRole('button', { name: 'Create key' }))
    expect(input.getAttribute('aria-invalid')).toBe('true')
    expect(fieldErrorOf(input)).toBe(message)
    expect(fake.callCount('keys.create')).toBe(0)
  })

  it('accepts 255 emoji (255 code points, 510 UTF-16 units) and sends the name with a UUID request id', async () => {
    const { fake, user, dialog, input } = await openNewKey()
    const name = '😀'.repeat(255)
    await user.click(input)
    await user.paste(name)
    await user.click(within(dialog).getByRole('button', { name: 'Create key' }))
    await waitFor(() => expect(fake.callCount('keys.create')).toBe(1))
    const [request] = fake.calls('keys.create')[0]!
    expect(request).toEqual({ accountId: ADA.id, name, requestId: expect.stringMatching(UUID) })
  })

  it('trims the name before sending', async () => {
    const { fake, user, dialog, input } = await openNewKey()
    await user.type(input, '  CRM  ')
    await user.click(within(dialog).getByRole('button', { name: 'Create key' }))
    await waitFor(() => expect(fake.calls('keys.create')[0]?.[0].name).toBe('CRM'))
  })

  it('shows a 422 field error from the server under the field', async () => {
    const fake = adaWith(1)
    fake.failNext('keys.create', { kind: 'validation', message: 'The given data was invalid.', status: 422, fieldErrors: { name: ['The name has already been taken.'] } })
    const { user, dialog, input } = await openNewKey(fake)
    await user.type(input, 'Key 00001')
    await user.click(within(dialog).getByRole('button', { name: 'Create key' }))
    await waitFor(() => expect(input.getAttribute('aria-invalid')).toBe('true'))
    expect(fieldErrorOf(input)).toBe('The name has already been taken.')
    expect(await screen.findByRole('dialog', { name: 'New API key' })).toBeTruthy()
  })

  it('shows a 422 without field errors as its message under the field', async () => {
    const fake = adaWith(1)
    fake.failNext('keys.create', { kind: 'validation', message: 'The name must be a string.', status: 422 })
    const { user, dialog, input } = await openNewKey(fake)
    await user.type(input, 'x')
    await user.click(within(dialog).getByRole('button', { name: 'Create key' }))
    await waitFor(() => expect(fieldErrorOf(input)).toBe('The name must be a string.'))
  })

  it('on create_outcome_unknown keeps the dialog open, alerts, refreshes the list, and never retries', async () => {
    const fake = adaWith(2)
    const message = 'The server did not confirm the new key (the connection was reset.) It may have been created anyway.'
    fake.failNext('keys.create', { kind: 'create_outcome_unknown', message })
    const { user, dialog, input } = await openNewKey(fake)
    const listCallsBefore = fake.callCount('keys.list')
    await user.type(input, 'CRM')
    await user.click(within(dialog).getByRole('button', { name: 'Create key' }))
    const alert = await within(dialog).findByRole('alert')
    expect(alert.textContent).toBe(message)
    expect(await screen.findByRole('dialog', { name: 'New API key' })).toBe(dialog)
    await waitFor(() => expect(fake.callCount('keys.list')).toBe(listCallsBefore + 1))
    expect(fake.callCount('keys.create')).toBe(1)
    await expectNoDialogOpened('Copy your new API key')
  })

  it.each([
    ['rate_limited', 'Too many requests. Try again in 42 seconds.'],
    ['server', 'The server had a problem (HTTP 500).'],
    ['network', 'Could not reach app.autocalls.ai.']
  ] as const)('shows a %s error in an alert inside the dialog', async (kind, message) => {
    const fake = adaWith(1)
    fake.failNext('keys.create', { kind, message })
    const { user, dialog, input } = await openNewKey(fake)
    await user.type(input, 'CRM')
    await user.click(within(dialog).getByRole('button', { name: 'Create key' }))
    expect((await within(dialog).findByRole('alert')).textContent).toBe(message)
  })

  it('adds the wait to a rate_limited message that lacks it', async () => {
    const fake = adaWith(1)
    fake.failNext('keys.create', { kind: 'rate_limited', message: 'Too many requests.', retryAfterSeconds: 17 })
    const { user, dialog, input } = await openNewKey(fake)
    await user.type(input, 'CRM')
    await user.click(within(dialog).getByRole('button', { name: 'Create key' }))
    expect((await within(dialog).findByRole('alert')).textContent).toBe('Too many requests. Try again in 17 seconds.')
  })

  it('shows "Creating…" disabled and busy while in flight; Escape and Cancel do not close it meanwhile', async () => {
    const fake = adaWith(1)
    const create = fake.defer('keys.create')
    const { user, dialog, input } = await openNewKey(fake)
    await user.type(input, 'CRM')
    await user.click(within(dialog).getByRole('button', { name: 'Create key' }))
    const busy = within(dialog).getByRole('button', { name: 'Creating…' })
    expect(isDisabled(busy)).toBe(true)
    expect(busy.getAttribute('aria-busy')).toBe('true')
    expect(isDisabled(within(dialog).getByRole('button', { name: 'Cancel' }))).toBe(true)
    fireEvent.keyDown(dialog, { key: 'Escape' })
    expect(await screen.findByRole('dialog', { name: 'New API key' })).toBe(dialog)
    await act(async () => create.proceed())
    expect(await screen.findByRole('dialog', { name: 'Copy your new API key' })).toBeTruthy()
  })

  it('a double click creates exactly one key', async () => {
    const fake = adaWith(1)
    // Held open, so the second click lands while the first create is still in flight.
    const create = fake.defer('keys.create')
    const { user, dialog, input } = await openNewKey(fake)
    await user.type(input, 'CRM')
    await user.dblClick(within(dialog).getByRole('button', { name: 'Create key' }))
    await act(async () => create.proceed())
    await screen.findByRole('dialog', { name: 'Copy your new API key' })
    expect(fake.callCount('keys.create')).toBe(1)
  })

  it('a double Enter creates exactly one key', async () => {
    const fake = adaWith(1)
    const create = fake.defer('keys.create')
    const { user, input } = await openNewKey(fake)
    await user.type(input, 'CRM{Enter}{Enter}')
    // A submit event straight on the form, as a second Enter would send it, is ignored too.
    fireEvent.submit(input.form!)
    await act(async () => create.proceed())
    await screen.findByRole('dialog', { name: 'Copy your new API key' })
    expect(fake.callCount('keys.create')).toBe(1)
  })

  it('uses a fresh request id for a new attempt after a failure', async () => {
    const fake = adaWith(1)
    fake.failNext('keys.create', { kind: 'network', message: 'Offline.' })
    const { user, dialog, input } = await openNewKey(fake)
    await user.type(input, 'CRM')
    await user.click(within(dialog).getByRole('button', { name: 'Create key' }))
    await within(dialog).findByRole('alert')
    await user.click(within(dialog).getByRole('button', { name: 'Create key' }))
    await screen.findByRole('dialog', { name: 'Copy your new API key' })
    const [first, second] = fake.calls('keys.create')
    expect(first?.[0].requestId).toMatch(UUID)
    expect(second?.[0].requestId).toMatch(UUID)
    expect(first?.[0].requestId).not.toBe(second?.[0].requestId)
  })

  it('on success closes, opens the copy-once dialog and shows the new key as "Not yet confirmed" until main\'s confirming list has it', async () => {
    const { fake, user, input } = await openNewKey()
    const listsBefore = fake.callCount('keys.list')
    // The account's next two server requests: the POST, then the list main fetches to confirm it.
    const post = fake.holdServer(ADA.id)
    const confirming = fake.holdServer(ADA.id)
    await user.type(input, 'Production CRM{Enter}')
    await post.reached
    post.release()
    const copyOnce = await screen.findByRole('dialog', { name: 'Copy your new API key' })
    expect(screen.queryByRole('dialog', { name: 'New API key' })).toBeNull()
    expect(within(copyOnce).getByText('Production CRM')).toBeTruthy()
    // Shown from the create's answer alone, at the top, marked as provisional: right after the
    // token's dialog is painted, not in the same frame (the row is behind the modal dialog).
    await waitFor(() => expect(rowNames()[0]).toBe('Production CRM'))
    expect(badgeOf('Production CRM')?.textContent).toBe('Not yet confirmed')
    expect(badgeOf('Key 00002')).toBeNull()
    // Main's confirming list is under way; the window asks for no list of its own (one GET per create).
    await confirming.reached
    expect(fake.callCount('keys.list')).toBe(listsBefore)
    await act(async () => confirming.release())
    await waitFor(() => expect(badgeOf('Production CRM')).toBeNull())
    expect(rowNames()).toEqual(['Production CRM', 'Key 00002', 'Key 00001'])
    expect(fake.callCount('keys.list')).toBe(listsBefore)
  })

  it('a create answered without the key\'s id adds no provisional row; the next list shows the key', async () => {
    const fake = adaWith(1)
    fake.next('keys.create', (request) => {
      // The server made the key, but its token had no "<id>|" prefix.
      fake.account(ADA.id).keys.unshift({ id: 555, name: request.name, createdAt: new Date().toISOString(), lastUsedAt: null, isAppKey: false })
      return ok({ accountId: ADA.id, key: null, pendingId: 'p-555', token: 'tokenWithoutId', replaces: null })
    })
    const { user, input } = await openNewKey(fake)
    const confirming = fake.defer('keys.list')
    await user.type(input, 'Unknown id{Enter}')
    await screen.findByRole('dialog', { name: 'Copy your new API key' })
    expect(rowNames()).toEqual(['Key 00001'])
    await confirming.called
    await act(async () => confirming.proceed())
    await waitFor(() => expect(rowNames()).toEqual(['Unknown id', 'Key 00001']))
    expect(badgeOf('Unknown id')).toBeNull()
  })

  it('Cancel closes the dialog and returns focus to "New key"', async () => {
    const { user, dialog } = await openNewKey()
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }))
    expect(screen.queryByRole('dialog', { name: 'New API key' })).toBeNull()
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'New key' }))
  })

  it('Escape (keydown or the cancel event) closes the dialog', async () => {
    const { user, dialog } = await openNewKey()
    fireEvent.keyDown(dialog, { key: 'Escape' })
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'New API key' })).toBeNull())
    await user.click(screen.getByRole('button', { name: 'New key' }))
    const again = await screen.findByRole('dialog', { name: 'New API key' })
    const cancel = new Event('cancel', { cancelable: true })
    act(() => {
      again.dispatchEvent(cancel)
    })
    expect(cancel.defaultPrevented).toBe(true)
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'New API key' })).toBeNull())
  })
})
