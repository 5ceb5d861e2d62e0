/**
 * The key list and its dialogs in real headless Chromium against the browser preview and the
 * sandbox API: list, filter, sort, create, copy, confirm, delete, delete own key, and the error
 * paths (422, 429, server down) on the main screen.
 */
import { NAME_TAKEN_422 } from '../support/sandbox-fixture'
import { describe, expect, it } from 'vitest'
import { accountIdFor } from '../../src/main/accounts/account-sessions'
import { SHARED_MESSAGES } from '../../src/shared/messages'
import { startSandbox } from '../../src/sandbox/index'
import { useE2eWorld, type E2eApp, type SandboxAccount } from './support/app'
import { e2eVault } from './support/env'
import { dumpWebStorage, findSecretInPage } from './support/secrets'
import {
  copyOnceDialog,
  deleteDialog,
  mainScreen,
  newKeyDialog,
  signIn,
  switcherEntries,
  visibleKeyNames,
  waitForText,
  waitUntil
} from './support/ui'

const TOKEN_PATTERN = /^\d+\|[A-Za-z0-9]{40,48}$/

let app: E2eApp | undefined
const e2e = useE2eWorld()

/** A fresh app signed in to a new sandbox account with `keys` seeded keys plus its sign-in key. */
async function signedIn(keys: number, options: { keyPrefix?: string } = {}): Promise<{ app: E2eApp; account: SandboxAccount }> {
  const account = e2e.world.newAccount({ keys, ...options })
  app = await e2e.world.freshApp()
  await signIn(app.page, { baseUrl: e2e.world.sandbox.baseUrl, apiKey: account.token })
  await waitUntil(() => visibleKeyNames(app!.page), (names) => names.length >= Math.min(keys + 1, 5), 'the key list')
  return { app, account }
}

const activeElementLabel = (app: E2eApp) =>
  app.page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null
    if (!el) return ''
    const labelledBy = el.getAttribute('aria-labelledby')
    const byId = el.id ? document.querySelector(`label[for="${CSS.escape(el.id)}"]`)?.textContent : null
    return (el.getAttribute('aria-label') ?? (labelledBy ? document.getElementById(labelledBy)?.textContent : null) ?? byId ?? el.textContent ?? '').trim()
  })

describe('list', () => {
  it('lists the keys newest first, marks the app’s own key, and shows ids and usage', async () => {
    const { app, account } = await signedIn(4)
    const screen = mainScreen(app.page)
    const expected = e2e.world.sandbox
      .listKeysOf(account.token)
      .sort((a, b) => b.created_at.localeCompare(a.created_at) || b.id - a.id)
    await waitUntil(() => visibleKeyNames(app.page), (names) => names.length === 5, 'five rows')
    expect(await visibleKeyNames(app.page)).toEqual(expected.map((k) => k.name))
    expect(await screen.columnHeader('Created').getAttribute('aria-sort')).toBe('descending')
    expect(await screen.table.getAttribute('aria-rowcount')).toBe(String(expected.length + 1))

    const own = screen.row('Sign-in key')
    expect(await own.getByText('This app', { exact: true }).count()).toBe(1)
    const ownId = expected.find((k) => k.name === 'Sign-in key')!.id
    expect(await own.getByText(`ID ${ownId}`, { exact: true }).count()).toBe(1)
    // The sign-in just used the key: "just now", with the exact time in title and <time dateTime>.
    const lastUsed = own.locator('time').last()
    expect(await lastUsed.textContent()).toBe('just now')
    expect(await lastUsed.getAttribute('title')).toBeTruthy()
    expect(Date.parse((await lastUsed.getAttribute('datetime')) ?? '')).toBeGreaterThan(Date.now() - 60_000)
    expect(await screen.rows.getByText('This app', { exact: true }).count()).toBe(1)
    const neverUsed = expected.find((k) => k.last_used_at === null)!
    expect(await screen.row(neverUsed.name).getByText('Never used', { exact: true }).count()).toBe(1)
    await waitForText(screen.status, 'Updated just now')
  })

  it('renders only the rows in view of a long list', async () => {
    const { app } = await signedIn(400)
    const screen = mainScreen(app.page)
    expect(await screen.table.getAttribute('aria-rowcount')).toBe('402')
    const rendered = await screen.rows.count()
    expect(rendered).toBeGreaterThan(5)
    expect(rendered).toBeLessThan(80)
  })
})

describe('filter and sort', () => {
  it('filters by name as you type, case-insensitively, and says when nothing matches', async () => {
    const { app } = await signedIn(5)
    const screen = mainScreen(app.page)
    // "/" outside a field focuses the filter.
    await app.page.locator('body').click({ position: { x: 5, y: 5 } })
    await app.page.keyboard.press('/')
    await waitUntil(() => screen.filter.evaluate((el) => el === document.activeElement), (v) => v, 'focus on the filter')
    await app.page.keyboard.type('SEEDED KEY 3')
    await waitUntil(() => visibleKeyNames(app.page), (n) => n.length === 1, 'one match')
    expect(await visibleKeyNames(app.page)).toEqual(['Seeded key 3'])

    await screen.filter.fill('key')
    await waitUntil(() => visibleKeyNames(app.page), (n) => n.length === 6, 'all keys contain "key"')

    await screen.filter.fill('zzz-nothing')
    await waitForText(app.page.locator('body'), 'No keys match “zzz-nothing”')
    expect(await screen.rows.count()).toBe(0)

    await screen.filter.fill('')
    await waitUntil(() => visibleKeyNames(app.page), (n) => n.length === 6, 'the full list back')
  })

  it('sorts by a column and flips direction on a second click', async () => {
    const { app, account } = await signedIn(5)
    const screen = mainScreen(app.page)
    const keys = e2e.world.sandbox.listKeysOf(account.token)
    const byName = keys.map((k) => k.name).sort((a, b) => a.localeCompare(b))

    await screen.sortButton('Name').click()
    await waitUntil(() => screen.columnHeader('Name').getAttribute('aria-sort'), (v) => v === 'ascending', 'Name ascending')
    expect((await screen.columnHeader('Created').getAttribute('aria-sort')) ?? 'none').not.toMatch(/ascending|descending/)
    expect(await visibleKeyNames(app.page)).toEqual(byName)

    await screen.sortButton('Name').click()
    await waitUntil(() => screen.columnHeader('Name').getAttribute('aria-sort'), (v) => v === 'descending', 'Name descending')
    expect(await visibleKeyNames(app.page)).toEqual([...byName].reverse())

    await screen.sortButton('Created').click()
    const createdSort = await screen.columnHeader('Created').getAttribute('aria-sort')
    expect(createdSort).toMatch(/^(ascending|descending)$/)
    const byCreated = [...keys].sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id - b.id).map((k) => k.name)
    expect(await visibleKeyNames(app.page)).toEqual(createdSort === 'ascending' ? byCreated : [...byCreated].reverse())

    await screen.sortButton('Last used').click()
    expect(await screen.columnHeader('Last used').getAttribute('aria-sort')).toMatch(/^(ascending|descending)$/)
    expect((await screen.columnHeader('Name').getAttribute('aria-sort')) ?? 'none').not.toMatch(/ascending|descending/)
  })
})

describe('create, copy, confirm', () => {
  it('creates a key, copies its token in main, and leaves no trace of it in the page after Done', async () => {
    const { app, account } = await signedIn(1)
    const { page, preview } = app
    const screen = mainScreen(page)
    await screen.newKey.click()
    const form = newKeyDialog(page)
    await form.dialog.waitFor()
    expect(await form.name.evaluate((el) => el === document.activeElement)).toBe(true)
    await form.name.fill('CI deploy key')
    await form.create.click()

    const copy = copyOnceDialog(page)
    await copy.dialog.waitFor()
    expect(await form.dialog.count()).toBe(0)
    const token = await copy.token.inputValue()
    expect(token).toMatch(TOKEN_PATTERN)
    expect(await copy.token.getAttribute('readonly')).not.toBeNull()
    await waitForText(copy.dialog, 'This key will not be shown again.')
    await waitForText(copy.dialog, 'CI deploy key')
    const created = e2e.world.sandbox.listKeysOf(account.token).find((k) => k.name === 'CI deploy key')
    expect(created).toBeDefined()
    expect(token.startsWith(`${created!.id}|`)).toBe(true)

    // Copy goes through main: the recording clipboard gets the token.
    await copy.copy.click()
    await waitForText(copy.status, 'Copied. The clipboard will be cleared in 60 seconds.')
    expect(preview.clipboard.writes).toEqual([token])
    expect(preview.clipboard.current).toBe(token)

    // It cannot be dismissed before the person confirms: Escape, right after Copy, shows the hint.
    expect(await copy.done.isDisabled()).toBe(true)
    const focusInDialog = await copy.dialog.evaluate((dialog) => dialog.contains(document.activeElement))
    expect(focusInDialog, 'focus stays inside the copy-once dialog after Copy (else Escape never reaches it)').toBe(true)
    await page.keyboard.press('Escape')
    await waitForText(copy.alerts, 'Confirm that you saved the key before closing.')
    expect(await copy.dialog.isVisible()).toBe(true)
    await copy.saved.check()
    expect(await copy.done.isEnabled()).toBe(true)
    await copy.done.click()
    await copy.dialog.waitFor({ state: 'detached' })

    // The token is gone from the window: DOM, form values, web storage, URL; and main wiped it.
    expect(await findSecretInPage(page, token)).toEqual([])
    expect(JSON.stringify(await dumpWebStorage(page))).not.toContain(token)
    expect(preview.services.pending.list()).toEqual([])
    expect(await visibleKeyNames(page)).toContain('CI deploy key')
    // Focus went back to the opener.
    expect(await activeElementLabel(app)).toBe('New key')
  })

  it('creates one key for a double click on Create key', async () => {
    const { app, account } = await signedIn(0)
    const { page } = app
    e2e.world.sandbox.resetRequests()
    // A slow server widens the window for a second submission.
    e2e.world.sandbox.faults.add({ method: 'POST', path: '/user/api-keys', fault: { type: 'latency', ms: 500 } })
    await mainScreen(page).newKey.click()
    const form = newKeyDialog(page)
    await form.name.fill('Double click')
    await form.create.dblclick()
    await page.keyboard.press('Enter')
    await copyOnceDialog(page).dialog.waitFor()
    expect(e2e.world.sandbox.requests.filter((r) => r.method === 'POST')).toHaveLength(1)
    expect(e2e.world.sandbox.listKeysOf(account.token).filter((k) => k.name === 'Double click')).toHaveLength(1)
    expect(await copyOnceDialog(page).dialog.count()).toBe(1)
  })

  it('offers an unconfirmed token again after a window reload', async () => {
    const { app } = await signedIn(0)
    const { page } = app
    await page.keyboard.press('Control+n')
    const form = newKeyDialog(page)
    await form.dialog.waitFor()
    await form.name.fill('Survives reload')
    await page.keyboard.press('Enter')
    const copy = copyOnceDialog(page)
    await copy.dialog.waitFor()
    const token = await copy.token.inputValue()

    await app.reload()
    await copy.dialog.waitFor()
    expect(await copy.token.inputValue()).toBe(token)
    await copy.saved.check()
    await copy.done.click()
    await copy.dialog.waitFor({ state: 'detached' })
    await app.reload()
    await mainScreen(page).heading.waitFor()
    await waitUntil(() => visibleKeyNames(page), (n) => n.includes('Survives reload'), 'the new key in the list')
    expect(await copy.dialog.count()).toBe(0)
    expect(await findSecretInPage(page, token)).toEqual([])
  })

  it('opens the New key dialog on the native menu command (events reach the page)', async () => {
    const { app } = await signedIn(0)
    await waitUntil(async () => app.preview.eventClientCount, (n) => n > 0, 'the page’s event stream')
    app.preview.emit('event:menu-command', { command: 'new-key' })
    await newKeyDialog(app.page).dialog.waitFor()
    await newKeyDialog(app.page).cancel.click()
    await newKeyDialog(app.page).dialog.waitFor({ state: 'detached' })
  })

  it('shows a 422 under the Name field and keeps the dialog open', async () => {
    const { app, account } = await signedIn(0)
    const { page } = app
    const before = e2e.world.sandbox.listKeysOf(account.token).length
    e2e.world.sandbox.faults.add({
      method: 'POST',
      path: '/user/api-keys',
      fault: NAME_TAKEN_422
    })
    await mainScreen(page).newKey.click()
    const form = newKeyDialog(page)
    await form.name.fill('Taken name')
    await form.create.click()
    await waitUntil(() => form.name.getAttribute('aria-invalid'), (v) => v === 'true', 'aria-invalid on Name')
    const describedBy = (await form.name.getAttribute('aria-describedby')) ?? ''
    const description = await page.evaluate((ids) => ids.split(/\s+/).map((id) => document.getElementById(id)?.textContent ?? '').join(' '), describedBy)
    expect(description).toContain('The name has already been taken.')
    expect(await form.dialog.isVisible()).toBe(true)
    expect(await copyOnceDialog(page).dialog.count()).toBe(0)
    expect(e2e.world.sandbox.listKeysOf(account.token)).toHaveLength(before)
  })

  it('shows a 429 with the wait, creates nothing, and does not retry on its own', async () => {
    const { app, account } = await signedIn(0)
    const { page } = app
    const before = e2e.world.sandbox.listKeysOf(account.token).length
    e2e.world.sandbox.faults.add({ method: 'POST', path: '/user/api-keys', fault: { type: 'rate-limit', retryAfterSeconds: 30 } })
    e2e.world.sandbox.resetRequests()
    await mainScreen(page).newKey.click()
    const form = newKeyDialog(page)
    await form.name.fill('Too fast')
    await form.create.click()
    await waitForText(form.alerts, /30 seconds/)
    expect(await form.dialog.isVisible()).toBe(true)
    expect(await form.create.isEnabled()).toBe(true)
    expect(e2e.world.sandbox.requests.filter((r) => r.method === 'POST')).toHaveLength(1)
    expect(e2e.world.sandbox.listKeysOf(account.token)).toHaveLength(before)
  })
})

describe('refresh errors', () => {
  it('keeps the list and shows a banner when a refresh is rate-limited (429), then recovers', async () => {
    const { app } = await signedIn(2)
    const screen = mainScreen(app.page)
    e2e.world.sandbox.faults.add({ method: 'GET', path: '/user/api-keys', fault: { type: 'rate-limit', retryAfterSeconds: 30 } })
    await screen.refresh.click()
    await waitForText(screen.alerts, /30 seconds/)
    expect(await visibleKeyNames(app.page)).toHaveLength(3)
    await screen.tryAgain.click()
    await waitUntil(() => screen.alerts.count(), (n) => n === 0, 'the banner to go')
    await waitForText(screen.status, 'Updated just now')
  })

  it('keeps the list and names the host when the server goes down', async () => {
    const own = await startSandbox()
    try {
      const { token } = own.createAccount({ name: 'Down Test', email: 'down@example.test', totalBalance: 1 })
      own.seedKeys(token, 2)
      app = await e2e.world.freshApp()
      const screen = mainScreen(app.page)
      await signIn(app.page, { baseUrl: own.baseUrl, apiKey: token })
      await waitUntil(() => visibleKeyNames(app!.page), (n) => n.length === 3, 'three keys')
      const host = new URL(own.baseUrl).host
      await own.close()
      await screen.refresh.click()
      const banner = await waitForText(screen.alerts, `Could not reach ${host}`, 15_000)
      expect(banner).toContain('Could not refresh')
      expect(await screen.tryAgain.isVisible()).toBe(true)
      expect(await visibleKeyNames(app.page)).toHaveLength(3)
    } finally {
      await own.close()
    }
  })
})

describe('delete', () => {
  it('asks first (focus on Cancel), then deletes the key on the server and from the list', async () => {
    const { app, account } = await signedIn(3)
    const { page } = app
    const screen = mainScreen(page)
    const target = e2e.world.sandbox.listKeysOf(account.token).find((k) => k.name === 'Seeded key 2')!

    await screen.deleteButton('Seeded key 2').click()
    const dialog = deleteDialog(page)
    await dialog.dialog.waitFor()
    await waitForText(dialog.dialog, `Delete “Seeded key 2” (ID ${target.id})? Anything using this key loses access at once. This cannot be undone.`)
    // The dialog names the account it deletes from.
    await waitForText(dialog.dialog, `From ${account.email} on ${new URL(e2e.world.sandbox.baseUrl).host}`)
    expect(await dialog.cancel.evaluate((el) => el === document.activeElement)).toBe(true)
    expect(await dialog.typeName.count()).toBe(0)
    await dialog.cancel.click()
    await dialog.dialog.waitFor({ state: 'detached' })
    expect(await activeElementLabel(app)).toBe('Delete Seeded key 2')
    expect(e2e.world.sandbox.listKeysOf(account.token).some((k) => k.id === target.id)).toBe(true)

    await screen.deleteButton('Seeded key 2').click()
    await dialog.confirmDelete.click()
    await dialog.dialog.waitFor({ state: 'detached' })
    await waitUntil(() => visibleKeyNames(page), (n) => !n.includes('Seeded key 2') && n.length === 3, 'the row to go')
    expect(e2e.world.sandbox.listKeysOf(account.token).some((k) => k.id === target.id)).toBe(false)
  })

  it('deleting the app’s own key needs its name typed, then signs that account out and clears its keychain entry', async () => {
    const { app, account } = await signedIn(1)
    const { page } = app
    const accountId = accountIdFor(e2e.world.sandbox.baseUrl, account.email)
    expect(await e2eVault().get(accountId)).toBe(account.token)

    await mainScreen(page).deleteButton('Sign-in key').click()
    const dialog = deleteDialog(page)
    await dialog.dialog.waitFor()
    await waitForText(dialog.dialog, 'This is the key Autocalls Keys signs in with. Deleting it signs the app out.')
    expect(await dialog.confirmDelete.isDisabled()).toBe(true)
    await dialog.typeName.fill('sign-in key')
    expect(await dialog.confirmDelete.isDisabled()).toBe(true)
    await dialog.typeName.fill('Sign-in key')
    expect(await dialog.confirmDelete.isEnabled()).toBe(true)
    await dialog.confirmDelete.click()

    const screen = mainScreen(page)
    await screen.needsSignIn.waitFor()
    await waitForText(screen.needsSignIn, SHARED_MESSAGES.ownKeyDeleted)
    expect(await screen.signInAgain.isVisible()).toBe(true)
    await waitUntil(() => switcherEntries(page), (entries) => entries[0]?.includes('Needs sign-in') === true, 'the switcher to say "Needs sign-in"')
    expect(e2e.world.sandbox.requests.some((r) => r.method === 'DELETE' && r.status === 200)).toBe(true)
    expect(await e2eVault().get(accountId)).toBeNull()
    expect(await findSecretInPage(page, account.token)).toEqual([])
  })
})
