/**
 * axe-core over every screen and dialog, in happy-dom. happy-dom has no layout, so rules that
 * need rendering (color-contrast, scrollable regions, target size) are off here; the e2e suite
 * runs axe in real Chromium with all rules.
 */
import { act, screen, waitFor, within } from '@testing-library/react'
import axe from 'axe-core'
import { describe, expect, it } from 'vitest'
import type { AccountView } from '../../src/shared/domain'
import { ADA, createFakeApi, GRACE, LIN, makeAccount, makeKey, makeKeys } from './fake-api'
import { accountHeader, findKeysRegion, renderApp, switcher, waitForListSettled } from './render-app'

const LAYOUT_RULES = ['color-contrast', 'scrollable-region-focusable', 'target-size']

async function expectNoSeriousViolations(): Promise<void> {
  const results = await axe.run(document.body, {
    rules: Object.fromEntries(LAYOUT_RULES.map((id) => [id, { enabled: false }]))
  })
  const serious = results.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
  const report = serious.map((violation) => `${violation.id}: ${violation.help}\n  ${violation.nodes.map((node) => node.html).join('\n  ')}`)
  expect(report).toEqual([])
  // Guard against a vacuous pass: axe did look at the page.
  expect(results.passes.length).toBeGreaterThan(5)
}

const withStatus = (account: AccountView, status: AccountView['status'], message: string | null, refreshing = false): AccountView => ({
  ...account,
  status,
  refreshing,
  problem: message === null ? null : { kind: status === 'keychain-locked' ? 'keychain_unavailable' : status === 'needs-sign-in' ? 'not_signed_in' : 'network', message }
})
const dana = makeAccount({ name: 'Dana', email: 'dana@example.com' }, { colorIndex: 3 })
const eve = makeAccount({ name: 'Eve', email: 'eve@example.com' }, { colorIndex: 4 })
/** Five accounts, one in each state. */
const everyState = () =>
  createFakeApi({
    accounts: [
      { account: withStatus(ADA, 'ready', null), keys: [...makeKeys(5), makeKey(99, { name: 'Desktop', isAppKey: true })] },
      { account: withStatus(GRACE, 'ready', null, true), keys: makeKeys(2, 50) },
      withStatus(LIN, 'needs-sign-in', 'The API key this app signs in with for this account was rejected by the server.'),
      withStatus(dana, 'unreachable', 'Could not reach app.autocalls.ai.'),
      withStatus(eve, 'keychain-locked', 'The system keychain is locked. Unlock it and try again.')
    ]
  })

describe('accessibility (axe-core in happy-dom)', () => {
  it('axe does detect problems in this environment (so passes below mean something)', async () => {
    const unnamed = document.createElement('button')
    document.body.append(unnamed)
    const results = await axe.run(document.body, { runOnly: ['button-name'] })
    unnamed.remove()
    expect(results.violations.map((violation) => violation.id)).toEqual(['button-name'])
  })

  it('sign-in screen, with errors and Advanced open', async () => {
    const fake = createFakeApi()
    fake.failNext('accounts.add', { kind: 'validation', message: 'x', fieldErrors: { apiKey: ['Bad key.'], baseUrl: ['Bad URL.'] } })
    const { user } = await renderApp(fake)
    await expectNoSeriousViolations()
    await user.type(screen.getByLabelText('API key'), 'nope{Enter}')
    await screen.findByText('Bad URL.')
    await expectNoSeriousViolations()
  })

  it('keys screen with the switcher (an account in every state), header, rows, badges and a banner', async () => {
    const fake = everyState()
    const { user } = await renderApp(fake)
    await waitForListSettled()
    expect(within(switcher()).getAllByRole('listitem')).toHaveLength(5)
    await expectNoSeriousViolations()
    fake.failNext('keys.list', { kind: 'network', message: 'Offline.' })
    await user.click(screen.getByRole('button', { name: 'Refresh' }))
    await screen.findByRole('alert')
    await expectNoSeriousViolations()
  })

  it('a provisional "Not yet confirmed" row', async () => {
    const fake = createFakeApi({ accounts: [{ account: ADA, keys: makeKeys(2) }] })
    const { user } = await renderApp(fake)
    await waitForListSettled()
    fake.defer('keys.getCached') // main's confirming list never reaches the window: the row stays provisional
    await user.click(screen.getByRole('button', { name: 'New key' }))
    await user.type(await screen.findByRole('textbox', { name: 'Name' }), 'CRM{Enter}')
    const copyOnce = await screen.findByRole('dialog', { name: 'Copy your new API key' })
    await user.click(within(copyOnce).getByRole('checkbox', { name: 'I have saved this key' }))
    await user.click(within(copyOnce).getByRole('button', { name: 'Done' }))
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
    expect(screen.getByText('Not yet confirmed')).toBeTruthy()
    await expectNoSeriousViolations()
  })

  it('an account that needs a new sign-in, and one whose keychain is locked', async () => {
    const fake = everyState()
    fake.setFault(eve.id, { kind: 'keychain_unavailable', message: 'The system keychain is locked. Unlock it and try again.' })
    const { user } = await renderApp(fake)
    await user.click(within(switcher()).getByRole('button', { name: /^lin@example\.org/ }))
    await screen.findByText('Signed out of this account')
    await expectNoSeriousViolations()
    await user.click(within(switcher()).getByRole('button', { name: /^Eve/ }))
    await findKeysRegion(eve)
    expect(accountHeader().textContent).toContain('Keychain locked')
    await expectNoSeriousViolations()
  })

  it('empty list and error-without-data states', async () => {
    const fake = createFakeApi({ accounts: [{ account: ADA, keys: [] }, GRACE] })
    const { user } = await renderApp(fake)
    await screen.findByText('No API keys yet')
    await expectNoSeriousViolations()
    fake.failNext('keys.list', { kind: 'network', message: 'Offline.' })
    await user.click(within(switcher()).getByRole('button', { name: /^Grace Hopper/ }))
    await screen.findByText(/Could not load keys/)
    await expectNoSeriousViolations()
  })

  it('overview, while refreshing and with an error on a row', async () => {
    const fake = everyState()
    const { user } = await renderApp(fake)
    await waitForListSettled()
    await user.click(within(switcher()).getByRole('button', { name: /^All accounts/ }))
    await screen.findByRole('heading', { level: 1, name: 'All accounts' })
    await expectNoSeriousViolations()
    fake.setFault(ADA.id, { kind: 'server', message: 'The server had a problem (HTTP 500).' })
    const held = fake.holdServer(GRACE.id)
    await user.click(screen.getByRole('button', { name: 'Refresh all' }))
    await held.reached
    await screen.findByText('The server had a problem (HTTP 500).')
    await expectNoSeriousViolations()
    await act(async () => held.release())
  })

  it('add account dialog with an error and Advanced open, and "Sign in again"', async () => {
    const fake = everyState()
    fake.failNext('accounts.add', { kind: 'network', message: 'Could not reach voice.example.com.' })
    const { user } = await renderApp(fake)
    await waitForListSettled()
    await user.click(within(switcher()).getByRole('button', { name: 'Add account' }))
    const dialog = await screen.findByRole('dialog', { name: 'Add an account' })
    await user.click(within(dialog).getByRole('button', { name: 'Advanced' }))
    await user.type(within(dialog).getByLabelText('API key'), 'ak_live_x{Enter}')
    await within(dialog).findByRole('alert')
    await expectNoSeriousViolations()
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }))
    await user.click(within(switcher()).getByRole('button', { name: /^lin@example\.org/ }))
    await user.click(await screen.findByRole('button', { name: 'Sign in again' }))
    await screen.findByRole('dialog', { name: 'Sign in again to lin@example.org' })
    await expectNoSeriousViolations()
  })

  it('sign-out dialogs: one account, and all accounts with an error', async () => {
    const fake = everyState()
    fake.failNext('accounts.removeAll', { kind: 'keychain_unavailable', message: 'The system keychain is locked.' })
    const { user } = await renderApp(fake)
    await waitForListSettled()
    await user.click(within(accountHeader()).getByRole('button', { name: 'Sign out…' }))
    await screen.findByRole('dialog', { name: 'Sign out of Ada Lovelace?' })
    await expectNoSeriousViolations()
    await user.click(screen.getByRole('button', { name: 'Cancel' }))
    await user.click(within(switcher()).getByRole('button', { name: /^All accounts/ }))
    await user.click(await screen.findByRole('button', { name: 'Sign out of all…' }))
    const dialog = await screen.findByRole('dialog', { name: 'Sign out of all 5 accounts?' })
    await user.click(within(dialog).getByRole('button', { name: 'Sign out of all' }))
    await within(dialog).findByRole('alert')
    await expectNoSeriousViolations()
  })

  it('settings dialog (loaded on demand)', async () => {
    const { user } = await renderApp({ accounts: [{ account: ADA, keys: makeKeys(1) }] })
    await user.click(screen.getByRole('button', { name: 'Settings' }))
    await screen.findByRole('dialog', { name: 'Settings' })
    await expectNoSeriousViolations()
  })

  it('new key dialog with a field error', async () => {
    const { user } = await renderApp({ accounts: [{ account: ADA, keys: makeKeys(2) }] })
    await waitForListSettled()
    await user.click(screen.getByRole('button', { name: 'New key' }))
    await user.click(screen.getByRole('button', { name: 'Create key' }))
    await expectNoSeriousViolations()
  })

  it('copy-once dialog after Copy and Escape', async () => {
    const { user } = await renderApp({ accounts: [{ account: ADA, keys: makeKeys(2) }, GRACE] })
    await waitForListSettled()
    await user.click(screen.getByRole('button', { name: 'New key' }))
    await user.type(await screen.findByRole('textbox', { name: 'Name' }), 'CRM{Enter}')
    await screen.findByRole('dialog', { name: 'Copy your new API key' })
    await user.click(screen.getByRole('button', { name: 'Copy' }))
    await user.keyboard('{Escape}')
    await waitFor(() => expect(screen.getByText('Confirm that you saved the key before closing.')).toBeTruthy())
    await expectNoSeriousViolations()
  })

  it('delete dialog for the app key', async () => {
    const { user } = await renderApp({ accounts: [{ account: ADA, keys: [makeKey(1, { name: 'Desktop', isAppKey: true })] }] })
    await waitForListSettled()
    await user.click(screen.getByRole('button', { name: 'Delete Desktop' }))
    await expectNoSeriousViolations()
  })

  it('start-up failure and the missing bridge', async () => {
    const fake = createFakeApi()
    fake.failNext('app.getInitialState', { kind: 'internal', message: 'The app state file could not be read.' })
    await renderApp(fake)
    await screen.findByRole('heading', { name: 'Autocalls Keys could not start' })
    await expectNoSeriousViolations()
  })
})
