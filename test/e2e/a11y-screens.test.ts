/**
 * Every screen and dialog, in light and dark: an axe-core scan (no serious or critical
 * violations) and a screenshot under test-results/screenshots/<state>-<light|dark>.png.
 */
import { NAME_TAKEN_422 } from '../support/sandbox-fixture'
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { useE2eWorld, type E2eApp, type SandboxAccount } from './support/app'
import { expectNoSeriousA11yViolations } from './support/a11y'
import { screenshotBothSchemes, setColorScheme } from './support/screenshots'
import {
  copyOnceDialog,
  deleteDialog,
  mainScreen,
  newKeyDialog,
  signIn,
  signInScreen,
  submitSignIn,
  visibleKeyNames,
  waitForText,
  waitUntil
} from './support/ui'

let app: E2eApp | undefined
const e2e = useE2eWorld()

/** Scans in light and dark (colour contrast differs) and writes both screenshots. */
async function checkState(page: Page, name: string, failures: string[], { screenshot = true } = {}): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await setColorScheme(page, scheme)
    try {
      await expectNoSeriousA11yViolations(page, `${name} (${scheme})`)
    } catch (error) {
      failures.push(error instanceof Error ? error.message : String(error))
    }
  }
  await setColorScheme(page, 'light')
  if (screenshot) await screenshotBothSchemes(page, name)
}

const KEY_NAMES = ['Production CRM', 'Staging server', 'Zapier integration', 'Analytics export', 'Support inbox bot']

/** An account with realistic key names; some keys have been used. */
async function realisticAccount(): Promise<SandboxAccount> {
  const account = e2e.world.newAccount({ name: 'Jordan Rivera', totalBalance: 248.75 })
  for (const [index, name] of KEY_NAMES.entries()) {
    const response = await fetch(`${e2e.world.sandbox.baseUrl}/user/api-keys`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${account.token}`, Accept: 'application/json', 'Content-Type': 'application/json' },
      body: JSON.stringify({ name })
    })
    const { api_key } = (await response.json()) as { api_key: { token: string } }
    if (index % 2 === 0) {
      await fetch(`${e2e.world.sandbox.baseUrl}/user/me`, { headers: { Authorization: `Bearer ${api_key.token}`, Accept: 'application/json' } })
    }
  }
  return account
}

describe('accessibility and screenshots', () => {
  it('sign-in screen: empty, and with Advanced open and an error', async () => {
    const failures: string[] = []
    app = await e2e.world.freshApp()
    const { page } = app
    await signInScreen(page).heading.waitFor()
    await checkState(page, 'sign-in', failures)

    await submitSignIn(page, { baseUrl: e2e.world.sandbox.baseUrl, apiKey: '12|notAValidKeyxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' })
    await waitForText(signInScreen(page).alerts, 'That API key was not accepted.')
    await checkState(page, 'sign-in-error', failures)

    await signInScreen(page).apiKey.fill('')
    await signInScreen(page).baseUrl.fill('http://example.com/api')
    await signInScreen(page).signIn.click()
    await waitUntil(() => signInScreen(page).baseUrl.getAttribute('aria-invalid'), (v) => v === 'true', 'a field error')
    await checkState(page, 'sign-in-field-errors', failures, { screenshot: false })
    expect(failures).toEqual([])
  })

  it('main screen: list, account, no match, refresh error, empty list', async () => {
    const failures: string[] = []
    const account = await realisticAccount()
    app = await e2e.world.freshApp()
    const { page } = app
    const screen = mainScreen(page)
    await signIn(page, { baseUrl: e2e.world.sandbox.baseUrl, apiKey: account.token })
    await waitUntil(() => visibleKeyNames(page), (n) => n.length === KEY_NAMES.length + 1, 'all keys')
    await waitForText(screen.status, 'Updated just now')
    await checkState(page, 'keys', failures)

    await screen.account.click()
    await waitForText(page.locator('body'), account.email)
    await checkState(page, 'account', failures)
    await page.keyboard.press('Escape')
    await screen.heading.click()

    await screen.filter.fill('nothing like this')
    await waitForText(page.locator('body'), 'No keys match “nothing like this”')
    await checkState(page, 'no-match', failures, { screenshot: false })
    await screen.filter.fill('')

    e2e.world.sandbox.faults.add({ method: 'GET', path: '/user/api-keys', times: 3, fault: { type: 'status', status: 503 } })
    await screen.refresh.click()
    await waitForText(screen.alerts, 'Could not refresh', 15_000)
    await checkState(page, 'refresh-error', failures)
    e2e.world.sandbox.faults.clear()

    e2e.world.sandbox.faults.add({ method: 'GET', path: '/user/api-keys', fault: { type: 'malformed', status: 200, contentType: 'application/json', body: '{"api_keys":[]}' } })
    await screen.refresh.click()
    await waitForText(page.locator('body'), 'No API keys yet')
    expect(await screen.createFirstKey.isVisible()).toBe(true)
    await checkState(page, 'empty', failures)
    expect(failures).toEqual([])
  })

  it('loading: the first list while it is on its way', async () => {
    const failures: string[] = []
    const account = e2e.world.newAccount({ keys: 3 })
    app = await e2e.world.freshApp()
    const { page } = app
    e2e.world.sandbox.faults.add({ method: 'GET', path: '/user/api-keys', fault: { type: 'latency', ms: 3000 } })
    await submitSignIn(page, { baseUrl: e2e.world.sandbox.baseUrl, apiKey: account.token })
    await waitForText(mainScreen(page).status, 'Loading keys…')
    await checkState(page, 'loading', failures)
    await waitUntil(() => visibleKeyNames(page), (n) => n.length === 4, 'the list after the delay', 10_000)
    expect(failures).toEqual([])
  })

  it('dialogs: new key (and its field error), copy once, delete, delete own key', async () => {
    const failures: string[] = []
    const account = await realisticAccount()
    app = await e2e.world.freshApp()
    const { page } = app
    const screen = mainScreen(page)
    await signIn(page, { baseUrl: e2e.world.sandbox.baseUrl, apiKey: account.token })
    await waitUntil(() => visibleKeyNames(page), (n) => n.length === KEY_NAMES.length + 1, 'all keys')

    await screen.newKey.click()
    const form = newKeyDialog(page)
    await form.dialog.waitFor()
    await form.name.fill('Billing webhook')
    await checkState(page, 'new-key', failures)

    e2e.world.sandbox.faults.add({
      method: 'POST',
      path: '/user/api-keys',
      fault: NAME_TAKEN_422
    })
    await form.create.click()
    await waitUntil(() => form.name.getAttribute('aria-invalid'), (v) => v === 'true', 'the field error')
    await checkState(page, 'new-key-error', failures, { screenshot: false })

    await form.create.click()
    const copy = copyOnceDialog(page)
    await copy.dialog.waitFor()
    await copy.copy.click()
    await waitForText(copy.status, 'Copied.')
    await checkState(page, 'copy-once', failures)
    await copy.saved.check()
    await copy.done.click()
    await copy.dialog.waitFor({ state: 'detached' })

    await screen.deleteButton('Staging server').click()
    const del = deleteDialog(page)
    await del.dialog.waitFor()
    await checkState(page, 'delete', failures)
    await del.cancel.click()
    await del.dialog.waitFor({ state: 'detached' })

    await screen.deleteButton('Sign-in key').click()
    await del.dialog.waitFor()
    await del.typeName.fill('Sign-in')
    await checkState(page, 'delete-own-key', failures)
    await del.cancel.click()
    expect(failures).toEqual([])
  })
})
