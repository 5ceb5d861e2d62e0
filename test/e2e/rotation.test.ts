/**
 * Guided rotation (issue 11), end to end: real Chromium, the browser preview (real services, real
 * keychain) and the sandbox behind a proxy that records every request with its Authorization
 * header, so "one POST, one DELETE of the old id" and "every request carries the new token" are
 * checked on the wire.
 *
 * Time. `last_used_at` is the witness, on the server's clock; the quiet period is measured against
 * this computer's. The sandbox's clock can be set behind this one (`serverLag`): a use the
 * sandbox records "40 s ago" counts 40 s towards a 1-minute quiet period at once, so the states
 * move on in about 20 s of real time instead of a minute, and no other clock is faked.
 */
import type { Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { accountIdFor } from '../../src/main/accounts/account-sessions'
import type { RecordingClipboard } from '../../src/preview/server/preview-server'
import { replacementEntryOf } from '../../src/main/rotation/own-key-rotation'
import { expectNoSeriousA11yViolations } from './support/a11y'
import { readmeScreenshot, useE2eWorld, type E2eApp, type SandboxAccount } from './support/app'
import { e2eVault } from './support/env'
import { startRecordingProxy, type ProxiedRequest, type RecordingProxy } from './support/recording-proxy'
import { idOfToken, useKey } from './support/sandbox-keys'
import {
  chooseFromAccountMenu,
  copyOnceDialog,
  keyRow,
  mainScreen,
  newKeyDialog,
  notesDialog,
  readActivity,
  rotateButton,
  rotateDialog,
  rotateOwnKeyDialog,
  rotationDialog,
  rotationsPanel,
  saveHygieneSettings,
  signIn,
  switcher,
  visibleKeyNames,
  waitForShownAccount,
  waitForText,
  waitUntil,
  writeNote,
  type ActivityRowText
} from './support/ui'

const DAY_MS = 86_400_000
const TOKEN_PATTERN = /^\d+\|[A-Za-z0-9]{40,48}$/

/** How far the sandbox's clock runs behind this computer's (ms); 0 unless a test sets it. */
let serverLag = 0
const e2e = useE2eWorld({ sandbox: { clock: () => Date.now() - serverLag } })

let proxy: RecordingProxy
beforeAll(async () => {
  proxy = await startRecordingProxy(e2e.world.sandbox.baseUrl)
})
afterAll(async () => {
  await proxy?.close()
})
beforeEach(() => {
  proxy.reset()
})
afterEach(() => {
  serverLag = 0
  e2e.world.sandbox.faults.clear()
})

interface RotationWorld {
  app: E2eApp
  page: Page
  account: SandboxAccount
  accountId: string
  /** The seeded keys that can be rotated, by name: their ids and own tokens. */
  keys: Record<string, { id: number; token: string }>
}

const ROTATABLE = ['Billing webhook', 'Call center dialer', 'Website chat'] as const

/** A fresh app signed in (through the proxy) to an account with three keys in use, plus its sign-in key. */
async function signedIn(options: { email?: string } = {}): Promise<RotationWorld> {
  const account = e2e.world.newAccount({ name: 'Northwind Voice', ...options })
  const now = Date.now() - serverLag
  const keys: RotationWorld['keys'] = {}
  for (const [index, name] of ROTATABLE.entries()) {
    const seeded = e2e.world.sandbox.seedKey(account.token, { name, createdAt: now - (100 + index) * DAY_MS, lastUsedAt: now - DAY_MS })
    keys[name] = { id: seeded.key.id, token: seeded.token }
  }
  const app = await e2e.world.freshApp()
  await signIn(app.page, { baseUrl: proxy.baseUrl, apiKey: account.token })
  await waitUntil(() => visibleKeyNames(app.page), (names) => names.length === ROTATABLE.length + 1, 'the key list')
  return { app, page: app.page, account, accountId: accountIdFor(proxy.baseUrl, account.email), keys }
}

const writes = (requests: readonly ProxiedRequest[]) => requests.filter((r) => r.method === 'POST' || r.method === 'DELETE').map((r) => `${r.method} ${r.path}`)
const serverKeys = (account: SandboxAccount) => e2e.world.sandbox.listKeysOf(account.token)

/** Starts the rotation of `oldName` from its row, names the replacement, and returns the token the copy-once dialog showed. */
async function startRotation(
  page: Page,
  oldName: string,
  options: { newName?: string; scan?: boolean; keyboard?: boolean; copyTo?: RecordingClipboard } = {}
): Promise<{ token: string; newId: number; dialogText: string }> {
  if (options.keyboard) {
    // R on the focused row.
    await mainScreen(page).row(oldName).focus()
    await page.keyboard.press('r')
  } else {
    await rotateButton(page, oldName).click()
  }
  const dialog = rotateDialog(page)
  await dialog.dialog.waitFor()
  // The old key's name is proposed.
  expect(await dialog.name.inputValue()).toBe(oldName)
  if (options.scan) await expectNoSeriousA11yViolations(page, 'rotate key dialog')
  if (options.newName !== undefined) await dialog.name.fill(options.newName)
  await dialog.create.click()
  const copy = copyOnceDialog(page)
  await copy.dialog.waitFor()
  if (options.scan) await expectNoSeriousA11yViolations(page, 'copy-once dialog of a replacement')
  const token = await copy.token.inputValue()
  expect(token).toMatch(TOKEN_PATTERN)
  const dialogText = ((await copy.dialog.textContent()) ?? '').replace(/\s+/g, ' ')
  if (options.copyTo) {
    // "Copy" puts the same token on the clipboard (the preview's stand-in).
    await copy.copy.click()
    await waitForText(copy.status, 'Copied')
    expect(options.copyTo.current).toBe(token)
  }
  await copy.saved.check()
  await copy.done.click()
  await copy.dialog.waitFor({ state: 'detached' })
  return { token, newId: idOfToken(token), dialogText }
}

/** Opens the rotation's dialog from the panel and returns its state line (read with a fresh "now"). */
async function openRotation(page: Page, newKeyId: number): Promise<string> {
  await rotationsPanel(page).open(newKeyId).click()
  const dialog = rotationDialog(page)
  await dialog.dialog.waitFor()
  return ((await dialog.stateLine.textContent()) ?? '').replace(/\s+/g, ' ').trim()
}

/**
 * The rotation dialog's closing line (its status). Checked softly: when the dialog shows something
 * else, the test is marked failed with what it showed, and goes on to check the server and the wire.
 */
async function expectOutcome(page: Page, text: string): Promise<void> {
  const dialog = rotationDialog(page)
  const shown = await waitForText(dialog.status, text).catch(async () => (await page.locator('dialog[open]').allInnerTexts()).join(' | ').replace(/\s+/g, ' '))
  expect.soft(shown, 'the rotation dialog’s closing line').toContain(text)
}

async function closeRotation(page: Page): Promise<void> {
  const dialog = rotationDialog(page)
  await dialog.close.click()
  await dialog.dialog.waitFor({ state: 'detached' })
}

/** Presses Refresh and waits until the list has been fetched again (the sandbox saw one more list request). */
async function refreshList(page: Page): Promise<void> {
  const lists = () => proxy.requests.filter((r) => r.method === 'GET' && r.path === '/user/api-keys').length
  const before = lists()
  await mainScreen(page).refresh.click()
  await waitUntil(() => Promise.resolve(lists()), (count) => count > before, 'the list request')
  await waitUntil(() => mainScreen(page).refresh.isEnabled(), (enabled) => enabled, 'the refresh to finish')
}

const activityOf = (rows: ActivityRowText[], action: string) => rows.filter((row) => row.action === action)

describe('rotating a key', () => {
  it('rotates a key: the token once, labelled as the replacement; the states advance as the keys are used; finishing deletes the old key (one POST, one DELETE on the wire)', async () => {
    serverLag = 40_000
    const { app, page, account, keys } = await signedIn()
    await saveHygieneSettings(page, { quietPeriodMinutes: 1 }, { check: () => expectNoSeriousA11yViolations(page, 'settings with key hygiene and rotation') })
    const old = keys['Billing webhook']!
    await writeNote(page, 'Billing webhook', 'Stripe webhook of the billing service', '2027-03-01')
    proxy.reset()

    const { token, newId, dialogText } = await startRotation(page, 'Billing webhook', { newName: 'Billing webhook 2026', scan: true, copyTo: app.preview.clipboard })
    expect(dialogText).toContain(`Replacement for Billing webhook (#${old.id})`)
    expect(serverKeys(account).find((k) => k.id === newId)?.name).toBe('Billing webhook 2026')
    // The old key's note and review date move to the replacement.
    await waitForText(keyRow(page, 'Billing webhook 2026').note, 'Stripe webhook of the billing service')
    expect(await keyRow(page, 'Billing webhook').note.count()).toBe(0)

    // Open: the panel lists it, both rows show the link.
    const panel = rotationsPanel(page)
    await waitForText(panel.heading, '1 open rotation')
    const item = panel.item(newId)
    await waitForText(item, `“Billing webhook” (#${old.id}) → “Billing webhook 2026” (#${newId})`)
    await waitForText(item, 'Waiting for the new key’s first use')
    await waitForText(item, 'open for less than a minute')
    await waitForText(mainScreen(page).row('Billing webhook'), `#${newId}`)
    await waitForText(mainScreen(page).row('Billing webhook 2026'), `#${old.id}`)
    expect(await openRotation(page, newId)).toContain('Waiting for the new key’s first use')
    await expectNoSeriousA11yViolations(page, 'rotation dialog (waiting)')
    await closeRotation(page)

    // Whatever uses the key is switched to the replacement: its first use.
    expect(await useKey(e2e.world.sandbox.baseUrl, token)).toBe(200)
    await refreshList(page)
    await waitForText(item, 'Old key quiet for')
    expect(await openRotation(page, newId)).toMatch(/^Old key quiet for less than a minute of 1 min/)
    await closeRotation(page)

    // Something still had the old key: it is used after the new one went live.
    expect(await useKey(e2e.world.sandbox.baseUrl, old.token)).toBe(200)
    await refreshList(page)
    await waitForText(item, 'New key in use; the old key is still used too')
    expect(await openRotation(page, newId)).toContain('New key in use; the old key is still used too')
    await closeRotation(page)

    // The old key's last use, on the server's clock: safe once it is a full quiet period (and the
    // second it stands for) behind this computer's clock. The quiet period is real time: wait it out.
    const oldLastUsed = Date.parse(serverKeys(account).find((k) => k.id === old.id)!.last_used_at!)
    const safeAt = oldLastUsed + 1000 + 60_000
    expect(safeAt - Date.now(), 'the server lag leaves less than a quiet period to wait').toBeLessThan(25_000)
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, safeAt - Date.now()) + 250))
    await refreshList(page)
    expect(await openRotation(page, newId)).toMatch(/^Safe to finish/)

    // Finish: recommended now; the confirmation names the key and has no warning.
    const dialog = rotationDialog(page)
    await dialog.recommendedDelete.click()
    await waitForText(dialog.heading, 'Delete the old key?')
    expect(await dialog.dialog.textContent()).toContain('Billing webhook')
    expect(await dialog.warnings.count()).toBe(0)
    await expectNoSeriousA11yViolations(page, 'rotation dialog (confirm finish)')
    await dialog.confirmDelete('Billing webhook').click()
    await expectOutcome(page, `Done: “Billing webhook” (#${old.id}) was deleted; “Billing webhook 2026” (#${newId}) replaces it.`)
    await dialog.close.click()
    await dialog.dialog.waitFor({ state: 'detached' })

    // On the wire: exactly one create and one delete, of the old key.
    expect(writes(proxy.requests)).toEqual(['POST /user/api-keys', `DELETE /user/api-keys/${old.id}`])
    const left = serverKeys(account).map((k) => k.id)
    expect(left).not.toContain(old.id)
    expect(left).toContain(newId)
    await waitUntil(() => visibleKeyNames(page), (names) => !names.includes('Billing webhook') && names.includes('Billing webhook 2026'), 'the list without the old key')
    await waitUntil(() => panel.panel.count(), (count) => count === 0, 'the rotations panel to go')
    expect(await useKey(e2e.world.sandbox.baseUrl, old.token)).toBe(401)
    await waitForText(keyRow(page, 'Billing webhook 2026').note, 'Stripe webhook of the billing service')
    await keyRow(page, 'Billing webhook 2026').notes.click()
    expect(await notesDialog(page).reviewBy.inputValue()).toBe('2027-03-01')
    await notesDialog(page).cancel.click()
    await notesDialog(page).dialog.waitFor({ state: 'detached' })

    // The activity log has every step.
    const rows = await readActivity(page)
    await expectNoSeriousA11yViolations(page, 'activity log')
    expect(activityOf(rows, 'Rotation started').map((r) => r.key)).toEqual([`Billing webhook (#${old.id}) · with #${newId}`])
    expect(activityOf(rows, 'Replacement created').map((r) => r.key)).toEqual([`Billing webhook 2026 (#${newId}) · with #${old.id}`])
    expect(activityOf(rows, 'Replacement in use').map((r) => r.key)).toEqual([`Billing webhook 2026 (#${newId}) · with #${old.id}`])
    const finished = activityOf(rows, 'Rotation finished')
    expect(finished.map((r) => r.key)).toEqual([`Billing webhook (#${old.id}) · with #${newId}`])
    expect(finished[0]!.outcome).toBe('Done state: safe-to-finish')
    expect(JSON.stringify(rows)).not.toContain(token)
  }, 90_000)

  it('cancels (keeping both keys, or deleting the replacement) and finishes early only after a warning', async () => {
    const { page, account, keys } = await signedIn()
    proxy.reset()

    // Cancel, keeping both.
    const first = await startRotation(page, 'Billing webhook')
    expect(await openRotation(page, first.newId)).toContain('Waiting for the new key’s first use')
    const dialog = rotationDialog(page)
    await dialog.cancelRotation.click()
    await waitForText(dialog.heading, 'Cancel this rotation?')
    expect(await dialog.alsoDeleteReplacement.isChecked()).toBe(false)
    await expectNoSeriousA11yViolations(page, 'rotation dialog (confirm cancel)')
    await dialog.confirmCancel.click()
    await expectOutcome(page, 'Rotation cancelled: “Billing webhook” is kept, and so is its replacement.')
    await dialog.close.click()
    await dialog.dialog.waitFor({ state: 'detached' })
    expect(serverKeys(account).filter((k) => k.name === 'Billing webhook').map((k) => k.id).sort()).toEqual([keys['Billing webhook']!.id, first.newId].sort())

    // Cancel, deleting the replacement.
    const second = await startRotation(page, 'Call center dialer')
    await openRotation(page, second.newId)
    await dialog.cancelRotation.click()
    await dialog.alsoDeleteReplacement.check()
    await waitForText(dialog.warnings, 'Whatever already uses the replacement stops working.')
    await dialog.confirmCancel.click()
    await expectOutcome(page, `Rotation cancelled: the replacement “Call center dialer” (#${second.newId}) was deleted; “Call center dialer” is kept.`)
    await dialog.close.click()
    await dialog.dialog.waitFor({ state: 'detached' })
    expect(serverKeys(account).filter((k) => k.name === 'Call center dialer').map((k) => k.id)).toEqual([keys['Call center dialer']!.id])

    // Finish early: the replacement was never used; deleting the old key is possible, with a warning first.
    const third = await startRotation(page, 'Website chat', { keyboard: true })
    expect(await openRotation(page, third.newId)).toContain('Waiting for the new key’s first use')
    await waitForText(dialog.warnings, 'You can delete the old key now, but whatever still uses “Website chat” stops working.')
    expect(await dialog.recommendedDelete.count()).toBe(0)
    await dialog.deleteOldKey.click()
    await waitForText(dialog.heading, 'Delete the old key?')
    await waitForText(dialog.warnings, 'Not yet safe: Waiting for the new key’s first use. Whatever still uses “Website chat” stops working the moment it is deleted.')
    await dialog.confirmDelete('Website chat').click()
    await expectOutcome(page, `Done: “Website chat” (#${keys['Website chat']!.id}) was deleted`)
    await dialog.close.click()
    await dialog.dialog.waitFor({ state: 'detached' })

    expect(writes(proxy.requests)).toEqual([
      'POST /user/api-keys',
      'POST /user/api-keys',
      `DELETE /user/api-keys/${second.newId}`,
      'POST /user/api-keys',
      `DELETE /user/api-keys/${keys['Website chat']!.id}`
    ])
    await waitUntil(() => rotationsPanel(page).panel.count(), (count) => count === 0, 'no open rotation left')

    const rows = await readActivity(page, { actionLabel: 'Rotation cancelled' })
    expect(rows.map((r) => [r.key, r.outcome])).toEqual([
      [`Call center dialer (#${keys['Call center dialer']!.id}) · with #${second.newId}`, 'Done the replacement was deleted'],
      [`Billing webhook (#${keys['Billing webhook']!.id}) · with #${first.newId}`, 'Done both keys were kept']
    ])
    const finished = await readActivity(page, { actionLabel: 'Rotation finished' })
    expect(finished.map((r) => [r.key, r.outcome])).toEqual([[`Website chat (#${keys['Website chat']!.id}) · with #${third.newId}`, 'Done state: waiting-for-first-use']])
  }, 60_000)

  it('an open rotation survives a restart of the app; the old key deleted elsewhere completes it', async () => {
    const { app, page, account, accountId, keys } = await signedIn({ email: 'ops@northwind-voice.example' })
    const old = keys['Billing webhook']!
    const { token, newId } = await startRotation(page, 'Billing webhook')
    expect(await useKey(e2e.world.sandbox.baseUrl, token)).toBe(200)
    await refreshList(page)
    const panel = rotationsPanel(page)
    await waitForText(panel.item(newId), 'Old key quiet for less than a minute of 15 min')

    await app.restart()
    await waitForShownAccount(page, 'Northwind Voice')
    await waitForText(panel.heading, '1 open rotation')
    await waitForText(panel.item(newId), `“Billing webhook” (#${old.id}) → “Billing webhook” (#${newId})`)
    await waitForText(panel.item(newId), 'Old key quiet for')
    await waitForText(mainScreen(page).status, 'Updated just now')
    await page.mouse.move(0, 0)
    await readmeScreenshot(page, 'rotation-open.png', { width: 1280, height: 560 })
    expect(await openRotation(page, newId)).toContain('Old key quiet for')
    await closeRotation(page)
    expect(proxy.requests.filter((r) => r.method === 'DELETE')).toEqual([])

    // Someone deletes the old key elsewhere (the dashboard): the next list completes the rotation.
    const deleted = await fetch(`${e2e.world.sandbox.baseUrl}/user/api-keys/${old.id}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${account.token}`, Accept: 'application/json' }
    })
    expect(deleted.status).toBe(200)
    await refreshList(page)
    const finished = await readActivity(page, { actionLabel: 'Rotation finished' })
    expect(finished.map((r) => [r.key, r.outcome])).toEqual([[`Billing webhook (#${old.id}) · with #${newId}`, 'Done the old key was deleted elsewhere: the rotation completed itself']])
    expect(app.preview.services.rotations.of(accountId)).toEqual([])
    // The window says so too: the panel's "Done" line, until the person dismisses it.
    await switcher(page).account('Northwind Voice').click()
    await waitForShownAccount(page, 'Northwind Voice')
    const doneLine = await waitForText(panel.item(newId), 'Done: the old key was deleted elsewhere', 3000).catch(() => null)
    expect.soft(doneLine, 'the panel’s line for a rotation completed elsewhere').not.toBeNull()
    if (doneLine !== null) await panel.item(newId).getByRole('button', { name: 'Dismiss', exact: true }).click()
    await waitUntil(() => panel.panel.count(), (count) => count === 0, 'the panel to go')
    expect(proxy.requests.filter((r) => r.method === 'DELETE')).toEqual([])
  }, 60_000)

  it('a replacement deleted elsewhere: the rotation says so and offers to cancel, which keeps the old key', async () => {
    const { page, account, keys } = await signedIn()
    const old = keys['Call center dialer']!
    const { newId } = await startRotation(page, 'Call center dialer')
    const gone = await fetch(`${e2e.world.sandbox.baseUrl}/user/api-keys/${newId}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${account.token}`, Accept: 'application/json' }
    })
    expect(gone.status).toBe(200)
    proxy.reset()
    await refreshList(page)
    await waitForText(rotationsPanel(page).item(newId), 'The replacement key is gone')
    expect(await openRotation(page, newId)).toContain('The replacement key is gone')
    const dialog = rotationDialog(page)
    expect(await dialog.deleteOldKey.count()).toBe(0)
    await dialog.cancelRotation.click()
    await waitForText(dialog.heading, 'Cancel this rotation?')
    expect(await dialog.alsoDeleteReplacement.count()).toBe(0)
    await dialog.confirmCancel.click()
    await expectOutcome(page, 'Rotation cancelled: “Call center dialer” is kept.')
    await dialog.close.click()
    await dialog.dialog.waitFor({ state: 'detached' })
    await waitUntil(() => rotationsPanel(page).panel.count(), (count) => count === 0, 'no open rotation left')
    expect(writes(proxy.requests)).toEqual([])
    expect(serverKeys(account).map((k) => k.id)).toContain(old.id)
  })

  it('the rotations panel is a region named by its heading, for assistive technology', async () => {
    const { page } = await signedIn()
    const { newId } = await startRotation(page, 'Billing webhook')
    const panel = rotationsPanel(page)
    await waitForText(panel.item(newId), 'Waiting for the new key’s first use')
    // The heading's id is made from the account id, which holds spaces ("<email> on <base URL>"):
    // aria-labelledby splits on spaces, so such an id names nothing.
    expect(await panel.namedRegion.count(), 'a region named “1 open rotation”').toBe(1)
    await expectNoSeriousA11yViolations(page, 'rotations panel')
  })
})

describe('replacing the app’s own key', () => {
  it('replaces the key the app signs in with: afterwards every request carries the new token, the old key is gone, and after a restart the app is still signed in', async () => {
    const { app, page, account, accountId } = await signedIn()
    const oldId = idOfToken(account.token)
    expect(await e2eVault().get(accountId)).toBe(account.token)
    proxy.reset()

    await chooseFromAccountMenu(page, 'replaceOwnKey')
    const dialog = rotateOwnKeyDialog(page)
    await dialog.dialog.waitFor()
    expect(await dialog.reveal.isChecked()).toBe(false)
    await expectNoSeriousA11yViolations(page, 'replace this app’s key')
    await dialog.replace.click()
    const done = await waitForText(dialog.status, 'Done. Autocalls Keys now signs in with', 20_000)
    const newId = Number(/\(#(\d+)\); the old key/.exec(done)?.[1])
    expect(done).toContain(`the old key “Sign-in key” (#${oldId}) was deleted.`)
    await dialog.close.click()
    await dialog.dialog.waitFor({ state: 'detached' })

    // The keychain holds the new token, and nothing else is left there.
    const newToken = await e2eVault().get(accountId)
    expect(newToken).toMatch(TOKEN_PATTERN)
    expect(newToken).not.toBe(account.token)
    expect(idOfToken(newToken!)).toBe(newId)
    expect(await e2eVault().listAccounts()).toEqual([accountId])
    expect(await e2eVault().get(replacementEntryOf(accountId))).toBeNull()
    // No copy-once dialog: the new token never left main.
    expect(await copyOnceDialog(page).dialog.count()).toBe(0)
    expect(await page.content()).not.toContain(newToken!)

    // On the server: the old key is gone, the replacement is the app's key.
    const listed = e2e.world.sandbox.listKeysOf(newToken!)
    expect(listed.map((k) => k.id)).not.toContain(oldId)
    expect(listed.find((k) => k.id === newId)?.name).toMatch(/^Autocalls Keys \(replacement, \d{4}-\d{2}-\d{2}\)$/)
    expect(await useKey(e2e.world.sandbox.baseUrl, account.token)).toBe(401)
    await waitUntil(() => visibleKeyNames(page), (names) => !names.includes('Sign-in key') && names.some((n) => n.startsWith('Autocalls Keys (replacement')), 'the list with the replacement')
    expect(await mainScreen(page).row(listed.find((k) => k.id === newId)!.name).getByText('This app', { exact: true }).count()).toBe(1)

    // On the wire: the create with the old token, and every request after it with the new one.
    const [create, ...after] = proxy.requests
    expect(`${create!.method} ${create!.path}`).toBe('POST /user/api-keys')
    expect(create!.authorization).toBe(`Bearer ${account.token}`)
    expect(after.map((r) => `${r.method} ${r.path}`)).toEqual(expect.arrayContaining(['GET /user/me', `DELETE /user/api-keys/${oldId}`]))
    expect(after.filter((r) => r.authorization !== `Bearer ${newToken}`)).toEqual([])
    expect(writes(proxy.requests)).toEqual(['POST /user/api-keys', `DELETE /user/api-keys/${oldId}`])

    // Later work uses the new token too: a create and a refresh.
    proxy.reset()
    await mainScreen(page).newKey.click()
    await newKeyDialog(page).name.fill('After the swap')
    await newKeyDialog(page).create.click()
    const copy = copyOnceDialog(page)
    await copy.dialog.waitFor()
    await copy.saved.check()
    await copy.done.click()
    await copy.dialog.waitFor({ state: 'detached' })
    await refreshList(page)

    // A restart: still signed in, with the new credential.
    await app.restart()
    await waitForShownAccount(page, 'Northwind Voice')
    await waitUntil(() => visibleKeyNames(page), (names) => names.includes('After the swap'), 'the list after the restart')
    await waitForText(mainScreen(page).status, 'Updated just now')
    expect(await mainScreen(page).needsSignIn.count()).toBe(0)
    await refreshList(page)
    expect(proxy.requests.length).toBeGreaterThanOrEqual(3)
    expect(proxy.requests.filter((r) => r.authorization !== `Bearer ${newToken}`)).toEqual([])
    expect(await e2eVault().get(accountId)).toBe(newToken)

    const rows = await readActivity(page)
    expect(rows.filter((r) => r.action.startsWith('App key')).map((r) => r.action)).toEqual([
      'App key rotation finished',
      'App key replaced in the keychain',
      'App key replacement verified',
      'App key rotation started'
    ])
    expect(JSON.stringify(rows)).not.toContain(newToken!)
  }, 60_000)
})
