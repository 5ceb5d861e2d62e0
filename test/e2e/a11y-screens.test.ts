/**
 * Every screen and dialog, in light and dark: an axe-core scan (no serious or critical
 * violations) and a screenshot under test-results/screenshots/<state>-<light|dark>.png.
 */
import { NAME_TAKEN_422 } from '../support/sandbox-fixture'
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { keysInEveryHygieneState, type SandboxServer, type SeedKeySpec } from '../../src/sandbox/index'
import { useE2eWorld, type E2eApp, type SandboxAccount } from './support/app'
import { expectNoSeriousA11yViolations } from './support/a11y'
import { screenshotBothSchemes, setColorScheme } from './support/screenshots'
import {
  accountHeader,
  addAccountDialog,
  copyOnceDialog,
  deleteDialog,
  mainScreen,
  newKeyDialog,
  overviewScreen,
  settingsDialog,
  signIn,
  signInScreen,
  signOutDialog,
  submitSignIn,
  switcher,
  visibleKeyNames,
  waitForShownAccount,
  waitForText,
  waitUntil
} from './support/ui'

let app: E2eApp | undefined
// Two hosts: the accounts states show an agency's account and a client's on another server.
const e2e = useE2eWorld({ hosts: 2 })

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

  it('main screen: list, settings, no match, refresh error, empty list', async () => {
    const failures: string[] = []
    const account = await realisticAccount()
    app = await e2e.world.freshApp()
    const { page } = app
    const screen = mainScreen(page)
    await signIn(page, { baseUrl: e2e.world.sandbox.baseUrl, apiKey: account.token })
    await waitUntil(() => visibleKeyNames(page), (n) => n.length === KEY_NAMES.length + 1, 'all keys')
    await waitForText(screen.status, 'Updated just now')
    await checkState(page, 'keys', failures)

    await accountHeader(page).settings.click()
    await settingsDialog(page).dialog.waitFor()
    await checkState(page, 'settings', failures)
    await settingsDialog(page).done.click()
    await settingsDialog(page).dialog.waitFor({ state: 'detached' })

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
    // A sign-in brings the list with it; when that list fails, the account is shown while its
    // first list is fetched again (slowly, here).
    e2e.world.sandbox.faults.add({ method: 'GET', path: '/user/api-keys', fault: { type: 'malformed', body: '{}' } })
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

  it('accounts: switcher and header with two accounts on two hosts, add account, sign out, sign out of all, overview, needs sign-in', async () => {
    const failures: string[] = []
    const [agencyHost, clientHost] = e2e.world.hosts as [SandboxServer, SandboxServer]
    const now = Date.now()
    const agency = e2e.world.newAccount({ name: 'Northwind Voice', email: 'ops@northwind-voice.example', totalBalance: 1284.6, host: agencyHost })
    for (const spec of agencyKeys(now)) agencyHost.seedKey(agency.token, spec)
    const client = e2e.world.newAccount({ name: 'Harbor Dental', email: 'frontdesk@harbor-dental.example', totalBalance: 18.4, host: clientHost })
    for (const spec of keysInEveryHygieneState(now)) clientHost.seedKey(client.token, spec)
    app = await e2e.world.freshApp()
    const { page } = app
    // The size of the README's screenshot of the switcher.
    await page.setViewportSize({ width: 1100, height: 700 })
    await signIn(page, { baseUrl: agencyHost.baseUrl, apiKey: agency.token })

    await switcher(page).addAccount.click()
    const add = addAccountDialog(page)
    await add.dialog.waitFor()
    await checkState(page, 'add-account', failures)
    await submitSignIn(page, { baseUrl: clientHost.baseUrl, apiKey: client.token }, add.dialog)
    await add.dialog.waitFor({ state: 'detached', timeout: 15_000 })
    await waitForShownAccount(page, 'Harbor Dental')

    // The switcher with both accounts, the agency's shown (resources/screenshots/accounts-switcher.png).
    await switcher(page).account('Northwind Voice').click()
    await waitForShownAccount(page, 'Northwind Voice')
    await waitUntil(() => visibleKeyNames(page), (n) => n.length === agencyKeys(now).length + 1, 'the agency’s keys')
    await waitForText(mainScreen(page).status, 'Updated just now')
    await page.mouse.move(0, 0) // no hover highlight in the screenshot
    await checkState(page, 'accounts-switcher', failures)

    await accountHeader(page).signOut.click()
    const signOut = signOutDialog(page)
    await signOut.dialog.waitFor()
    await checkState(page, 'sign-out', failures)
    await signOut.cancel.click()
    await signOut.dialog.waitFor({ state: 'detached' })

    await switcher(page).allAccounts.click()
    const overview = overviewScreen(page)
    await overview.heading.waitFor()
    await overview.refreshAll.click()
    await waitUntil(() => overview.refreshAll.isEnabled(), (enabled) => enabled, '“Refresh all” to finish')
    await checkState(page, 'overview', failures)

    await overview.signOutOfAll.click()
    await signOut.dialog.waitFor()
    await checkState(page, 'sign-out-all', failures)
    await signOut.cancel.click()
    await signOut.dialog.waitFor({ state: 'detached' })

    // The client's server stops accepting its key.
    clientHost.faults.add({ fault: { type: 'unauthenticated' } })
    await switcher(page).account('Harbor Dental').click()
    await waitForShownAccount(page, 'Harbor Dental')
    await mainScreen(page).refresh.click()
    await mainScreen(page).needsSignIn.waitFor({ timeout: 15_000 })
    await checkState(page, 'needs-sign-in', failures)
    await mainScreen(page).signInAgain.click()
    await add.dialog.waitFor()
    await checkState(page, 'sign-in-again', failures, { screenshot: false })
    await add.cancel.click()
    await add.dialog.waitFor({ state: 'detached' })
    expect(failures).toEqual([])
  })
})

const DAY_MS = 86_400_000

/** An agency's own keys, of several ages and uses. */
const agencyKeys = (now: number): SeedKeySpec[] => [
  { name: 'Production CRM', createdAt: now - 180 * DAY_MS, lastUsedAt: now - 2 * 3_600_000 },
  { name: 'Zapier integration', createdAt: now - 95 * DAY_MS, lastUsedAt: now - 3 * DAY_MS },
  { name: 'Staging server', createdAt: now - 40 * DAY_MS, lastUsedAt: null },
  { name: 'Support inbox bot', createdAt: now - 12 * DAY_MS, lastUsedAt: now - DAY_MS },
  { name: 'Analytics export', createdAt: now - 4 * DAY_MS, lastUsedAt: null }
]
