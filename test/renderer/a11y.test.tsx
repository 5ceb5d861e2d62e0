/**
 * axe-core over every screen and dialog, in happy-dom. happy-dom has no layout, so rules that
 * need rendering (color-contrast, scrollable regions, target size) are off here; the e2e suite
 * runs axe in real Chromium with all rules.
 */
import { screen, waitFor } from '@testing-library/react'
import axe from 'axe-core'
import { describe, expect, it } from 'vitest'
import { createFakeApi, makeKey, makeKeys, signedIn, SANDBOX_ACCOUNT } from './fake-api'
import { renderApp, waitForListSettled } from './render-app'

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

describe('accessibility (axe-core in happy-dom)', () => {
  it('axe does detect problems in this environment (so passes below mean something)', async () => {
    const unnamed = document.createElement('button')
    document.body.append(unnamed)
    const results = await axe.run(document.body, { runOnly: ['button-name'] })
    unnamed.remove()
    expect(results.violations.map((violation) => violation.id)).toEqual(['button-name'])
  })

  it('sign-in screen, with errors and Advanced open', async () => {
    const fake = createFakeApi({ session: { state: 'signed-out', reason: 'The key was revoked.' } })
    fake.failNext('session.signIn', { kind: 'validation', message: 'x', fieldErrors: { apiKey: ['Bad key.'], baseUrl: ['Bad URL.'] } })
    const { user } = await renderApp(fake)
    await expectNoSeriousViolations()
    await user.type(screen.getByLabelText('API key'), 'nope{Enter}')
    await screen.findByText('Bad URL.')
    await expectNoSeriousViolations()
  })

  it('keys screen with rows, badge and banner', async () => {
    const fake = createFakeApi({ session: signedIn(), keys: [...makeKeys(5), makeKey(99, { name: 'Desktop', isAppKey: true })] })
    const { user } = await renderApp(fake)
    await waitForListSettled()
    await expectNoSeriousViolations()
    fake.failNext('keys.list', { kind: 'network', message: 'Offline.' })
    await user.click(screen.getByRole('button', { name: 'Refresh' }))
    await screen.findByRole('alert')
    await expectNoSeriousViolations()
  })

  it('empty list and error-without-data states', async () => {
    await renderApp({ session: signedIn(), keys: [] })
    await screen.findByText('No API keys yet')
    await expectNoSeriousViolations()
  })

  it('account popover (sandbox)', async () => {
    const { user } = await renderApp({ session: signedIn(SANDBOX_ACCOUNT), keys: makeKeys(2) })
    await user.click(screen.getByRole('button', { name: 'Account' }))
    await expectNoSeriousViolations()
  })

  it('new key dialog with a field error', async () => {
    const { user } = await renderApp({ session: signedIn(), keys: makeKeys(2) })
    await waitForListSettled()
    await user.click(screen.getByRole('button', { name: 'New key' }))
    await user.click(screen.getByRole('button', { name: 'Create key' }))
    await expectNoSeriousViolations()
  })

  it('copy-once dialog after Copy and Escape', async () => {
    const { user } = await renderApp({ session: signedIn(), keys: makeKeys(2) })
    await waitForListSettled()
    await user.click(screen.getByRole('button', { name: 'New key' }))
    await user.type(screen.getByRole('textbox', { name: 'Name' }), 'CRM{Enter}')
    await screen.findByRole('dialog', { name: 'Copy your new API key' })
    await user.click(screen.getByRole('button', { name: 'Copy' }))
    await user.keyboard('{Escape}')
    await waitFor(() => expect(screen.getByText('Confirm that you saved the key before closing.')).toBeTruthy())
    await expectNoSeriousViolations()
  })

  it('delete dialog for the app key', async () => {
    const { user } = await renderApp({ session: signedIn(), keys: [makeKey(1, { name: 'Desktop', isAppKey: true })] })
    await waitForListSettled()
    await user.click(screen.getByRole('button', { name: 'Delete Desktop' }))
    await expectNoSeriousViolations()
  })
})
