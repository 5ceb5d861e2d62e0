/**
 * Sign-in, session and sign-out in real headless Chromium against the browser preview (real
 * services, real keychain) and the sandbox API.
 */
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { accountIdFor } from '../../src/main/accounts/account-sessions'
import { SHARED_MESSAGES } from '../../src/shared/messages'
import { refusedBaseUrl } from '../../src/sandbox/index'
import { useE2eWorld, type E2eApp } from './support/app'
import { e2eVault } from './support/env'
import { findSecretInPage } from './support/secrets'
import {
  accountHeader,
  mainScreen,
  signIn,
  signInScreen,
  signOut,
  signOutDialog,
  submitSignIn,
  switcherEntries,
  visibleKeyNames,
  waitForText,
  waitUntil
} from './support/ui'

const WRONG_KEY_MESSAGE =
  'That API key was not accepted. Check that you copied the whole key, and that it has not been deleted.'

let app: E2eApp | undefined
const e2e = useE2eWorld()

async function userDataText(dir: string): Promise<string> {
  const parts: string[] = []
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) parts.push(await readFile(join(entry.parentPath, entry.name), 'utf8'))
  }
  return parts.join('\n')
}

describe('sign in', () => {
  it('signs in through Advanced → API base URL, keeps the key only in the keychain, and restores it after a restart', async () => {
    const account = e2e.world.newAccount({ keys: 2 })
    app = await e2e.world.freshApp()
    const { page } = app
    const form = signInScreen(page)
    await form.heading.waitFor()
    // Advanced is a disclosure; the base URL is pre-filled with the production API.
    expect(await form.advanced.getAttribute('aria-expanded')).toBe('false')
    await form.advanced.click()
    expect(await form.advanced.getAttribute('aria-expanded')).toBe('true')
    expect(await form.baseUrl.inputValue()).toBe('https://app.autocalls.ai/api')
    expect(await form.apiKey.getAttribute('type')).toBe('password')

    await signIn(page, { baseUrl: e2e.world.sandbox.baseUrl, apiKey: account.token })
    await waitUntil(() => visibleKeyNames(page), (names) => names.length === 3, 'three keys')
    expect(await visibleKeyNames(page)).toEqual(['Sign-in key', 'Seeded key 2', 'Seeded key 1'])
    // Whose keys these are: the header and the window title name the account and its host.
    const host = new URL(e2e.world.sandbox.baseUrl).host
    expect(await mainScreen(page).heading.textContent()).toBe(account.name)
    expect(await page.title()).toBe(`${account.name} (${account.email}) on ${host} — Autocalls Keys`)

    // The credential is in the real keychain, under this account and server, and nowhere else.
    const accountId = accountIdFor(e2e.world.sandbox.baseUrl, account.email)
    expect(await e2eVault().get(accountId)).toBe(account.token)
    expect(await userDataText(app.userDataDir)).not.toContain(account.token)
    expect(await findSecretInPage(page, account.token)).toEqual([])

    // Quit and reopen: the stored key is read back from the keychain and re-verified.
    await app.restart()
    await mainScreen(page).region.waitFor()
    expect(await mainScreen(page).heading.textContent()).toBe(account.name)
    await waitUntil(() => visibleKeyNames(page), (names) => names.length === 3, 'the restored list')
    await waitForText(mainScreen(page).status, /Updated just now|Showing keys from/)
    expect(await findSecretInPage(page, account.token)).toEqual([])
  })

  it('shows the wrong-key message, stores nothing, and toggles the key visibility', async () => {
    app = await e2e.world.freshApp()
    const { page } = app
    const form = signInScreen(page)
    await form.apiKey.fill('999|thisIsNotAValidKeyAtAllxxxxxxxxxxxxxxxxxxx')
    await form.showApiKey.click()
    expect(await form.hideApiKey.getAttribute('aria-pressed')).toBe('true')
    expect(await form.apiKey.getAttribute('type')).toBe('text')
    await form.hideApiKey.click()
    expect(await form.showApiKey.getAttribute('aria-pressed')).toBe('false')
    expect(await form.apiKey.getAttribute('type')).toBe('password')

    await submitSignIn(page, { baseUrl: e2e.world.sandbox.baseUrl, apiKey: '999|thisIsNotAValidKeyAtAllxxxxxxxxxxxxxxxxxxx' })
    await waitForText(form.alerts, WRONG_KEY_MESSAGE)
    expect(await form.heading.isVisible()).toBe(true)
    expect(await form.signIn.isEnabled()).toBe(true)
    expect(await e2eVault().listAccounts()).toEqual([])
  })

  it('says which host could not be reached when the server is down', async () => {
    const down = await refusedBaseUrl()
    const host = new URL(down).host
    app = await e2e.world.freshApp()
    await submitSignIn(app.page, { baseUrl: down, apiKey: e2e.world.newAccount().token })
    const text = await waitForText(signInScreen(app.page).alerts, `Could not reach ${host}`, 15_000)
    expect(text).toContain('the connection was refused')
    expect(await signInScreen(app.page).signIn.isEnabled()).toBe(true)
    expect(await e2eVault().listAccounts()).toEqual([])
  })

  it('links a base-URL field error to its field', async () => {
    app = await e2e.world.freshApp()
    const { page } = app
    const form = signInScreen(page)
    await submitSignIn(page, { baseUrl: 'http://example.com/api', apiKey: e2e.world.newAccount().token })
    await waitUntil(() => form.baseUrl.getAttribute('aria-invalid'), (v) => v === 'true', 'aria-invalid on the base URL field')
    const describedBy = (await form.baseUrl.getAttribute('aria-describedby')) ?? ''
    expect(describedBy).not.toBe('')
    const description = await page.evaluate(
      (ids) => ids.split(/\s+/).map((id) => document.getElementById(id)?.textContent ?? '').join(' '),
      describedBy
    )
    expect(description).toContain('must use https://')
  })

  it('"Try the sandbox" signs in to a fresh demo account without touching the keychain', async () => {
    app = await e2e.world.freshApp()
    const { page } = app
    await signInScreen(page).trySandbox.click()
    await mainScreen(page).region.waitFor({ timeout: 15_000 })
    await waitUntil(() => visibleKeyNames(page), (names) => names.length === 3, 'the demo keys')
    expect(new Set(await visibleKeyNames(page))).toEqual(new Set(['Sign-in key', 'Development API Key', 'Production API Key']))
    expect(e2e.world.trySandboxes).toHaveLength(1)

    // The header always says whose keys these are, and that they are a sandbox's.
    const header = accountHeader(page)
    expect(await header.heading.textContent()).toBe('Demo User')
    const subtitle = await waitForText(header.subtitle, 'demo@example.com')
    expect(subtitle).toContain('Balance $125.50')
    expect(subtitle).toContain('Sandbox')
    expect(subtitle).toContain(new URL(e2e.world.trySandboxes[0]!.baseUrl).host)
    expect(await e2eVault().listAccounts()).toEqual([])
    await signOut(page)
    await signInScreen(page).heading.waitFor()
  })
})

describe('session', () => {
  it('shows the account, and signing out removes the key from the keychain for good', async () => {
    const account = e2e.world.newAccount({ keys: 1, name: 'Ada Lovelace', totalBalance: 1234.5 })
    app = await e2e.world.freshApp()
    const { page } = app
    await signIn(page, { baseUrl: e2e.world.sandbox.baseUrl, apiKey: account.token })
    const accountId = accountIdFor(e2e.world.sandbox.baseUrl, account.email)
    expect(await e2eVault().listAccounts()).toContain(accountId)

    const header = accountHeader(page)
    expect(await header.heading.textContent()).toBe('Ada Lovelace')
    const subtitle = await waitForText(header.subtitle, account.email)
    expect(subtitle).toContain('Balance $1,234.50')
    expect(await page.getByText('Sandbox', { exact: true }).count()).toBe(0)

    // The confirmation names the account and its host; Cancel changes nothing.
    await header.signOut.click()
    const dialog = signOutDialog(page)
    await dialog.dialog.waitFor()
    expect(await dialog.dialog.textContent()).toContain(`${account.email} on ${new URL(e2e.world.sandbox.baseUrl).host}`)
    await dialog.cancel.click()
    await dialog.dialog.waitFor({ state: 'detached' })
    expect(await e2eVault().get(accountId)).toBe(account.token)

    await signOut(page)
    await signInScreen(page).heading.waitFor()
    expect(await e2eVault().listAccounts()).not.toContain(accountId)
    expect(await e2eVault().get(accountId)).toBeNull()
    // Reopening the app finds no session and no cached list.
    await app.restart()
    await signInScreen(page).heading.waitFor()
    expect(await mainScreen(page).table.count()).toBe(0)
    expect(await userDataText(app.userDataDir)).not.toContain('Seeded key 1')
  })

  it('ends only the session of an account whose key was revoked elsewhere: "needs sign-in" with the reason', async () => {
    const account = e2e.world.newAccount({ keys: 1 })
    app = await e2e.world.freshApp()
    const { page } = app
    await signIn(page, { baseUrl: e2e.world.sandbox.baseUrl, apiKey: account.token })
    await waitUntil(() => visibleKeyNames(page), (names) => names.length === 2, 'two keys')
    // Someone deletes the app's key from another device.
    const own = e2e.world.sandbox.listKeysOf(account.token).find((k) => k.name === 'Sign-in key')!
    const response = await fetch(`${e2e.world.sandbox.baseUrl}/user/api-keys/${own.id}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${account.token}`, Accept: 'application/json' }
    })
    expect(response.status).toBe(200)

    await mainScreen(page).refresh.click()
    const screen = mainScreen(page)
    await screen.needsSignIn.waitFor({ timeout: 15_000 })
    await waitForText(screen.needsSignIn, SHARED_MESSAGES.credentialRevoked)
    expect(await screen.signInAgain.isVisible()).toBe(true)
    expect(await screen.table.count()).toBe(0)
    // The account stays listed, marked, and its useless credential left the keychain.
    expect(await mainScreen(page).heading.textContent()).toBe(account.name)
    await waitUntil(() => switcherEntries(page), (entries) => entries.length === 1 && entries[0]!.includes('Needs sign-in'), 'the switcher to say "Needs sign-in"')
    expect(await e2eVault().listAccounts()).not.toContain(accountIdFor(e2e.world.sandbox.baseUrl, account.email))
  })
})
