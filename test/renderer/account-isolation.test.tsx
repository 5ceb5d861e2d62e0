/**
 * The rules that keep accounts apart, as the window sees them: work started in one account that
 * finishes after the person switched changes only that account, a copy-once dialog keeps naming
 * the account its token belongs to, and a 401 ends one account's session only.
 */
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { ADA, API_KEYS, createFakeApi, GRACE, makeKeys, SHARED_MESSAGES, type FakeApi } from './fake-api'
import { accountHeader, findKeysRegion, keysRegion, renderApp, rowNames, switcherItem, waitForListSettled } from './render-app'

const ADA_ROWS = ['Ada 00003', 'Ada 00002', 'Ada 00001']
const GRACE_ROWS = ['Grace 00051', 'Grace 00050']

/** Ada (shown) and Grace on a white-label host, each with her own keys. */
async function twoAccounts(fake: FakeApi = createFakeApi({ accounts: [{ account: ADA, keys: makeKeys(3, 1, 'Ada') }, { account: GRACE, keys: makeKeys(2, 50, 'Grace') }] })) {
  const rendered = await renderApp(fake)
  await waitForListSettled()
  return rendered
}

/** Ctrl+2 (Grace) or Ctrl+1 (Ada), and waits for that account's keys. */
async function switchTo(account: typeof ADA, { signedOut = false } = {}) {
  fireEvent.keyDown(window, { key: account === ADA ? '1' : '2', ctrlKey: true })
  await findKeysRegion(account)
  if (!signedOut) await waitForListSettled()
}

describe('work started in one account and finished after a switch', () => {
  it('a create in A changes only A\'s list; its copy-once dialog names A whatever is shown; A shows the key when going back', async () => {
    const { fake, user } = await twoAccounts()
    const create = fake.defer('keys.create')
    await user.click(screen.getByRole('button', { name: 'New key' }))
    await user.type(await screen.findByRole('textbox', { name: 'Name' }), 'Ada CRM{Enter}')
    await create.called
    await switchTo(GRACE)
    expect(rowNames()).toEqual(GRACE_ROWS)
    const graceListsBefore = fake.calls('keys.list').filter(([request]) => request.accountId === GRACE.id).length

    await act(async () => create.proceed())
    const copyOnce = await screen.findByRole('dialog', { name: 'Copy your new API key' })
    expect(copyOnce.querySelector('.dialog-lead')?.textContent).toBe('Key Ada CRM was created in ada@example.com on app.autocalls.ai.')
    // Grace's view is untouched: no new row, no request for her list.
    expect(keysRegion(GRACE)).toBeTruthy()
    expect(rowNames()).toEqual(GRACE_ROWS)
    // The confirming list (main's) is Ada's: her cached list catches up, Grace's is not asked for.
    await waitFor(() => expect(fake.account(ADA.id).cached?.keys.some((key) => key.name === 'Ada CRM')).toBe(true))
    expect(fake.calls('keys.list').filter(([request]) => request.accountId === GRACE.id)).toHaveLength(graceListsBefore)

    // Whatever is shown behind it, the dialog stays open and keeps naming Ada.
    act(() => fake.emitMenuCommand('show-overview'))
    expect(await screen.findByRole('heading', { level: 1, name: 'All accounts' })).toBeTruthy()
    act(() => fake.emitMenuCommand('show-account', GRACE.id))
    await findKeysRegion(GRACE)
    expect(await screen.findByRole('dialog', { name: 'Copy your new API key' })).toBe(copyOnce)
    expect(within(copyOnce).getByText('ada@example.com on app.autocalls.ai')).toBeTruthy()
    await user.click(within(copyOnce).getByRole('button', { name: 'Copy' }))
    await user.click(within(copyOnce).getByRole('checkbox', { name: 'I have saved this key' }))
    await user.click(within(copyOnce).getByRole('button', { name: 'Done' }))
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Copy your new API key' })).toBeNull())

    await switchTo(ADA)
    expect(rowNames()).toEqual(['Ada CRM', ...ADA_ROWS])
    expect(fake.account(GRACE.id).keys.map((key) => key.name).sort()).toEqual([...GRACE_ROWS].sort())
  })

  it('a delete in A changes only A\'s list, and A\'s list no longer has the key when going back', async () => {
    const { fake, user } = await twoAccounts()
    const remove = fake.defer('keys.delete')
    await user.click(screen.getByRole('button', { name: 'Delete Ada 00002' }))
    await user.click(within(await screen.findByRole('dialog', { name: 'Delete API key?' })).getByRole('button', { name: 'Delete key' }))
    await remove.called
    await switchTo(GRACE)
    // The dialog still names the account the key is in.
    expect(within(await screen.findByRole('dialog', { name: 'Delete API key?' })).getByText('From ada@example.com on app.autocalls.ai')).toBeTruthy()

    await act(async () => remove.proceed())
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Delete API key?' })).toBeNull())
    expect(keysRegion(GRACE)).toBeTruthy()
    expect(rowNames()).toEqual(GRACE_ROWS)
    expect(fake.calls('keys.delete')).toEqual([[{ accountId: ADA.id, id: 2 }]])

    await switchTo(ADA)
    expect(rowNames()).toEqual(['Ada 00003', 'Ada 00001'])
  })

  it('a refresh of A answered after switching to B fills A\'s list, never B\'s', async () => {
    const { fake, user } = await twoAccounts()
    fake.account(ADA.id).keys = makeKeys(4, 1, 'Ada')
    const server = fake.holdServer(ADA.id)
    await user.click(screen.getByRole('button', { name: 'Refresh' }))
    await server.reached
    await switchTo(GRACE)
    await act(async () => server.release())
    await waitFor(() => expect(fake.account(ADA.id).view.refreshing).toBe(false))
    expect(rowNames()).toEqual(GRACE_ROWS)
    fireEvent.keyDown(window, { key: '1', ctrlKey: true })
    await findKeysRegion(ADA)
    expect(rowNames()).toEqual(['Ada 00004', ...ADA_ROWS])
  })

  it('a failed delete in A after the switch stays in its dialog, naming A, and changes nothing', async () => {
    const { fake, user } = await twoAccounts()
    const remove = fake.defer('keys.delete')
    await user.click(screen.getByRole('button', { name: 'Delete Ada 00002' }))
    const dialog = await screen.findByRole('dialog', { name: 'Delete API key?' })
    await user.click(within(dialog).getByRole('button', { name: 'Delete key' }))
    await remove.called
    await switchTo(GRACE)
    await act(async () => remove.fail({ kind: 'server', message: 'The server had a problem (HTTP 500).' }))
    expect((await within(dialog).findByRole('alert')).textContent).toBe('The server had a problem (HTTP 500).')
    expect(rowNames()).toEqual(GRACE_ROWS)
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }))
    await switchTo(ADA)
    expect(rowNames()).toEqual(ADA_ROWS)
  })
})

describe('a 401 in one account', () => {
  it('ends that account\'s session only: it says "Needs sign-in" with a one-click "Sign in again"; the other goes on', async () => {
    const { fake, user } = await twoAccounts()
    await switchTo(GRACE)
    fake.setFault(GRACE.id, { kind: 'unauthenticated', message: 'HTTP 401', status: 401 })
    await user.click(screen.getByRole('button', { name: 'Refresh' }))
    const alert = await within(keysRegion(GRACE)).findByRole('alert')
    expect(within(alert).getByText('Signed out of this account')).toBeTruthy()
    expect(alert.textContent).toContain(SHARED_MESSAGES.credentialRevoked)
    expect(switcherItem('Grace Hopper').textContent).toContain('Needs sign-in')
    expect(accountHeader().querySelector('.account-status')?.textContent).toBe('Needs sign-in')
    expect(switcherItem('Ada Lovelace').textContent).toContain('Ready')

    // Ada keeps working: her list, a create.
    await switchTo(ADA)
    expect(rowNames()).toEqual(ADA_ROWS)
    await user.click(screen.getByRole('button', { name: 'New key' }))
    await user.type(await screen.findByRole('textbox', { name: 'Name' }), 'Still works{Enter}')
    const copyOnce = await screen.findByRole('dialog', { name: 'Copy your new API key' })
    await user.click(within(copyOnce).getByRole('checkbox', { name: 'I have saved this key' }))
    await user.click(within(copyOnce).getByRole('button', { name: 'Done' }))
    await waitFor(() => expect(rowNames()[0]).toBe('Still works'))
    // Nothing more was asked of Grace's server after her session ended.
    expect(fake.calls('keys.list').filter(([request]) => request.accountId === GRACE.id)).toHaveLength(2)

    // One click on "Sign in again": the sign-in form for that account, on its host.
    await switchTo(GRACE, { signedOut: true })
    fake.setFault(GRACE.id, null)
    fake.model.people[API_KEYS.grace]!.keys = []
    await user.click(screen.getByRole('button', { name: 'Sign in again' }))
    const dialog = await screen.findByRole('dialog', { name: 'Sign in again to grace@client.example' })
    expect((within(dialog).getByRole<HTMLInputElement>('textbox', { name: 'API base URL' })).value).toBe(GRACE.baseUrl)
    await user.type(within(dialog).getByLabelText('API key'), `${API_KEYS.grace}{Enter}`)
    await waitFor(() => expect(screen.queryByRole('dialog', { name: /Sign in again/ })).toBeNull())
    expect(fake.calls('accounts.add')).toEqual([[{ baseUrl: GRACE.baseUrl, apiKey: API_KEYS.grace }]])
    expect(switcherItem('Grace Hopper').textContent).toContain('Ready')
    expect(rowNames()).toEqual(GRACE_ROWS)
    expect(within(switcherItem('Ada Lovelace')).getByText('Ready')).toBeTruthy()
  })

  it('in an account that is not shown leaves the shown one as it is', async () => {
    const { fake } = await twoAccounts()
    act(() => fake.endSession(GRACE.id))
    expect(switcherItem('Grace Hopper').textContent).toContain('Needs sign-in')
    expect(keysRegion(ADA)).toBeTruthy()
    expect(rowNames()).toEqual(ADA_ROWS)
    expect(screen.queryByRole('alert')).toBeNull()
    expect(screen.getByRole('button', { name: 'New key' })).toBeTruthy()
  })
})
