/**
 * Replacing the app's own key from the account header's menu: the steps explained, progress
 * while main works, the result, and the new token only when asked for (then copy-once, labelled
 * as the replacement).
 */
import { screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { ADA, createFakeApi, makeKey, type FakeApi } from './fake-api'
import { accountHeader, renderApp, rowNames, waitForListSettled } from './render-app'

const APP_KEY = makeKey(7, { name: 'Autocalls Keys', isAppKey: true })
const OTHER = makeKey(8, { name: 'CRM' })

async function openOwnKeyDialog(fake: FakeApi = createFakeApi({ accounts: [{ account: ADA, keys: [APP_KEY, OTHER] }] })) {
  const rendered = await renderApp(fake)
  await waitForListSettled()
  await rendered.user.click(within(accountHeader()).getByRole('button', { name: 'More' }))
  await rendered.user.click(await within(accountHeader()).findByRole('button', { name: 'Replace this app’s key…' }))
  const dialog = await screen.findByRole('dialog', { name: 'Replace this app’s key' })
  return { ...rendered, dialog }
}

describe('replacing the app’s own key', () => {
  it('explains the four steps before doing anything', async () => {
    const { fake, dialog } = await openOwnKeyDialog()
    const steps = within(dialog).getAllByRole('listitem').map((item) => item.textContent)
    expect(steps).toEqual([
      'Create a replacement key',
      'Check that it works (GET /user/me)',
      'Put it in the system keychain in place of the old one',
      'Delete the old key'
    ])
    expect(fake.callCount('rotation.rotateOwn')).toBe(0)
  })

  it('shows progress while main works, then the result; the token is not shown unless asked for', async () => {
    const fake = createFakeApi({ accounts: [{ account: ADA, keys: [APP_KEY, OTHER] }] })
    const held = fake.defer('rotation.rotateOwn')
    const { user, dialog } = await openOwnKeyDialog(fake)
    await user.click(within(dialog).getByRole('button', { name: 'Replace key' }))
    const [request] = await held.called
    expect(request).toEqual({ accountId: ADA.id, requestId: expect.any(String), reveal: false })
    expect(within(dialog).getByRole('status').textContent).toBe('Replacing the key… this takes a few seconds.')
    expect((within(dialog).getByRole<HTMLButtonElement>('button', { name: 'Replacing…' })).disabled).toBe(true)
    held.proceed()
    expect((await within(dialog).findByText(/^Done\./)).textContent).toBe(
      'Done. Autocalls Keys now signs in with “Autocalls Keys” (#100); the old key “Autocalls Keys” (#7) was deleted.'
    )
    expect(screen.queryByRole('dialog', { name: 'Copy your new API key' })).toBeNull()
    expect(fake.callCount('rotation.rotateOwn')).toBe(1)
    // The list follows: the old key's row is gone, the replacement's is there.
    await waitFor(() => expect(screen.queryByText('ID 7')).toBeNull())
    expect(screen.getByText('ID 100')).toBeTruthy()
    expect(rowNames()).toEqual(['Autocalls Keys', 'CRM'])
  })

  it('with "show me the new key" ticked, the token goes to the copy-once dialog labelled as the replacement', async () => {
    const { fake, user, dialog } = await openOwnKeyDialog()
    await user.click(within(dialog).getByRole('checkbox', { name: /Show me the new key once/ }))
    await user.click(within(dialog).getByRole('button', { name: 'Replace key' }))
    const copyOnce = await screen.findByRole('dialog', { name: 'Copy your new API key' })
    expect(within(copyOnce).getByText('Replacement for Autocalls Keys (#7)')).toBeTruthy()
    expect((within(copyOnce).getByRole<HTMLInputElement>('textbox', { name: 'New API key token' })).value).toBe('100|fakeSecretToken100xyz')
    expect(fake.calls('rotation.rotateOwn')[0]?.[0].reveal).toBe(true)
    expect(screen.queryByRole('dialog', { name: 'Replace this app’s key' })).toBeNull()
  })

  it('a failure says why and allows another try; after a lost create it does not offer one', async () => {
    const fake = createFakeApi({ accounts: [{ account: ADA, keys: [APP_KEY, OTHER] }] })
    fake.failNext('rotation.rotateOwn', { kind: 'network', message: 'Could not reach the server.' })
    fake.failNext('rotation.rotateOwn', { kind: 'create_outcome_unknown', message: 'The server did not answer the create.' })
    const { user, dialog } = await openOwnKeyDialog(fake)
    await user.click(within(dialog).getByRole('button', { name: 'Replace key' }))
    expect((await within(dialog).findByRole('alert')).textContent).toBe('Could not reach the server.')
    await user.click(within(dialog).getByRole('button', { name: 'Try again' }))
    await waitFor(() => expect(within(dialog).getByRole('alert').textContent).toContain('The server did not answer the create. Nothing was swapped'))
    expect(within(dialog).queryByRole('button', { name: /Try again|Replace key/ })).toBeNull()
    const [first, second] = fake.calls('rotation.rotateOwn').map(([request]) => request.requestId)
    expect(first).not.toBe(second)
  })
})
