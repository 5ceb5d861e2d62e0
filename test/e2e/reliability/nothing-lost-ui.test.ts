/**
 * Nothing lost, nothing doubled, through the window (Chromium + browser preview + sandbox):
 * - the copy-once token survives the window crashing and reopening, is gone after Done, and after
 *   its bounded time;
 * - a double Enter creates one key; two windows deleting the same key send one DELETE;
 * - key names of every kind render as text, never as markup: in the table, the copy-once and
 *   delete dialogs, and the "may have been created" message, with no element injected, no script
 *   run and no CSP violation.
 */
import type { Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startE2eWorld, waitForAppPainted, type E2eApp, type E2eWorld, type SandboxAccount } from '../support/app'
import { cleanupKeychain } from '../support/env'
import { copyOnceDialog, deleteDialog, mainScreen, newKeyDialog, signIn, visibleKeyNames, waitForText, waitUntil } from '../support/ui'

let world: E2eWorld
let app: E2eApp | undefined
const extraPages: Page[] = []

beforeAll(async () => {
  world = await startE2eWorld()
})
afterAll(async () => {
  await world?.close()
})
afterEach(async () => {
  world.sandbox.faults.clear()
  for (const page of extraPages.splice(0)) if (!page.isClosed()) await page.close()
  const problems = app?.pageProblems ?? []
  await app?.close()
  app = undefined
  await cleanupKeychain()
  expect(problems, 'page errors or CSP violations').toEqual([])
})

async function signedIn(keys: number, options: Parameters<E2eWorld['freshApp']>[0] = {}): Promise<{ app: E2eApp; account: SandboxAccount }> {
  const account = world.newAccount({ keys })
  app = await world.freshApp(options)
  await signIn(app.page, { baseUrl: world.sandbox.baseUrl, apiKey: account.token })
  await waitUntil(() => visibleKeyNames(app!.page), (names) => names.length === keys + 1, 'the key list')
  return { app, account }
}

async function createThroughDialog(page: Page, name: string): Promise<string> {
  await mainScreen(page).newKey.click()
  const form = newKeyDialog(page)
  await form.name.fill(name)
  await form.create.click()
  const copy = copyOnceDialog(page)
  await copy.dialog.waitFor()
  return copy.token.inputValue()
}

/** A second window on the same app (main process): another page on the same preview. */
async function secondWindow(current: E2eApp): Promise<Page> {
  const page = await world.browser.context.newPage()
  extraPages.push(page)
  await page.goto(current.preview.url, { waitUntil: 'load' })
  await waitForAppPainted(page)
  return page
}

describe('the copy-once token survives the window', () => {
  it('a window that crashes while the dialog is open gets the same token back when reopened; Done wipes it', async () => {
    const { app } = await signedIn(0)
    const token = await createThroughDialog(app.page, 'Crash survivor')
    // The renderer crashes (the page is gone), then the window is opened again.
    await app.page.close()
    const reopened = await secondWindow(app)
    const copy = copyOnceDialog(reopened)
    await copy.dialog.waitFor()
    expect(await copy.token.inputValue()).toBe(token)
    await waitForText(copy.dialog, 'Crash survivor')
    await copy.saved.check()
    await copy.done.click()
    await copy.dialog.waitFor({ state: 'detached' })
    expect(app.preview.services.pending.list()).toEqual([])
    // Reopened once more: nothing offered.
    await reopened.reload({ waitUntil: 'load' })
    await mainScreen(reopened).table.waitFor()
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(await copyOnceDialog(reopened).dialog.count()).toBe(0)
  })

  it('after its bounded time main forgets the token: a later reload offers nothing', async () => {
    const { app } = await signedIn(0, { pendingTokenTtlMs: 1_500 })
    await createThroughDialog(app.page, 'Short-lived token')
    await app.reload()
    await copyOnceDialog(app.page).dialog.waitFor() // still offered within its time
    await new Promise((resolve) => setTimeout(resolve, 1_700))
    expect(app.preview.services.pending.list()).toEqual([])
    await app.reload()
    await mainScreen(app.page).table.waitFor()
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(await copyOnceDialog(app.page).dialog.count()).toBe(0)
  })
})

describe('a window reloaded while its create is on the way', () => {
  // The create finishes in main after the reloaded window has asked for waiting tokens (at start),
  // so main holds the token but nothing tells the window: it shows up only at the next reload, and
  // is wiped unseen when its time runs out.
  it('still gets the copy-once dialog when the answer arrives, without another reload', async () => {
    const { app, account } = await signedIn(0)
    world.sandbox.faults.add({ method: 'POST', path: '/user/api-keys', fault: { type: 'latency', ms: 1_500 } })
    await mainScreen(app.page).newKey.click()
    const form = newKeyDialog(app.page)
    await form.name.fill('Answer after reload')
    await form.create.click()
    await waitUntil(async () => world.sandbox.requests.some((r) => r.method === 'POST'), (seen) => seen, 'the POST to reach the server')
    await app.reload() // the window reloads (or crashes and is reopened) before the answer
    await waitUntil(async () => app.preview.services.pending.list().length, (n) => n === 1, 'main to hold the new token', 10_000)
    expect(world.sandbox.listKeysOf(account.token).some((k) => k.name === 'Answer after reload')).toBe(true)
    await copyOnceDialog(app.page).dialog.waitFor({ timeout: 5_000 })
    expect(await copyOnceDialog(app.page).token.inputValue()).toBe(app.preview.services.pending.list()[0]!.token)
  })
})

describe('double Enter and two windows', () => {
  it('a double Enter in the name field creates one key', async () => {
    const { app, account } = await signedIn(0)
    await mainScreen(app.page).newKey.click()
    const form = newKeyDialog(app.page)
    await form.name.fill('Entered twice')
    world.sandbox.faults.add({ method: 'POST', path: '/user/api-keys', fault: { type: 'latency', ms: 300 } })
    const since = world.sandbox.requests.length
    await form.name.press('Enter')
    await form.name.press('Enter').catch(() => undefined) // the field may already be disabled
    await app.page.keyboard.press('Enter')
    await copyOnceDialog(app.page).dialog.waitFor()
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(world.sandbox.requests.slice(since).filter((r) => r.method === 'POST')).toHaveLength(1)
    expect(world.sandbox.listKeysOf(account.token).filter((k) => k.name === 'Entered twice')).toHaveLength(1)
    expect(await copyOnceDialog(app.page).dialog.count()).toBe(1)
  })

  it('two windows deleting the same key at once send one DELETE; both end without the row and without an error', async () => {
    const { app, account } = await signedIn(2)
    const other = await secondWindow(app)
    await mainScreen(other).table.waitFor()
    const target = world.sandbox.listKeysOf(account.token).find((k) => k.name === 'Seeded key 1')!
    for (const page of [app.page, other]) {
      await mainScreen(page).deleteButton('Seeded key 1').click()
      await deleteDialog(page).dialog.waitFor()
    }
    // The first DELETE stays in flight until both windows' deletes have reached main, however
    // slowly a loaded machine delivers the second click.
    world.sandbox.faults.add({ method: 'DELETE', fault: { type: 'latency', ms: 4000 } })
    const since = world.sandbox.requests.length
    const deletesAsked = async () => app.preview.requestLog.filter((r) => r.channel === 'keys:delete').length
    await Promise.all([deleteDialog(app.page).confirmDelete.click(), deleteDialog(other).confirmDelete.click()])
    await waitUntil(deletesAsked, (n) => n === 2, 'both windows to ask main for the delete')
    expect(world.sandbox.requests.slice(since).filter((r) => r.method === 'DELETE' && r.status !== null)).toHaveLength(0)
    for (const page of [app.page, other]) {
      await deleteDialog(page).dialog.waitFor({ state: 'detached', timeout: 10_000 })
      await waitUntil(() => visibleKeyNames(page), (names) => !names.includes('Seeded key 1'), 'the row to go')
      expect(await mainScreen(page).alerts.count()).toBe(0)
    }
    expect(world.sandbox.requests.slice(since).filter((r) => r.method === 'DELETE')).toHaveLength(1)
    expect(world.sandbox.listKeysOf(account.token).some((k) => k.id === target.id)).toBe(false)
  })
})

describe('key names render as text, never as markup', () => {
  const NAMES = [
    '<img src=x onerror="window.__pwned=1">',
    '"><svg onload="window.__pwned=2"></svg>',
    '<script>window.__pwned=3</script>',
    '<b>not bold</b> &amp; &lt;i&gt;',
    'שלום \u202eevil.exe',
    'Z\u0351\u0307\u0327a\u0324l\u0301g\u0354o 👩‍👩‍👧‍👦'
  ]

  /** Elements whose own text is exactly `text`, and markup elements where none should be. */
  const inspect = (page: Page, scope: string, text: string) =>
    page.evaluate(
      ({ scope, text }) => {
        const root = document.querySelector(scope) ?? document.body
        const exact = Array.from(root.querySelectorAll('*')).filter((el) => el.children.length === 0 && el.textContent === text).length
        const injected = root.querySelectorAll('img, svg:not([aria-hidden="true"]), script, b, iframe, object, embed').length
        return { exact, injected, pwned: (window as unknown as { __pwned?: number }).__pwned ?? null }
      },
      { scope, text }
    )

  it('names typed in the window: in the copy-once dialog, the table and the delete dialog', async () => {
    const { app } = await signedIn(0)
    for (const name of NAMES) {
      await createThroughDialog(app.page, name)
      const inDialog = await inspect(app.page, '[role="dialog"]', name)
      expect(inDialog, `copy-once dialog for ${name}`).toMatchObject({ injected: 0, pwned: null })
      expect(inDialog.exact, `copy-once dialog shows ${name} as text`).toBeGreaterThanOrEqual(1)
      const copy = copyOnceDialog(app.page)
      await copy.saved.check()
      await copy.done.click()
      await copy.dialog.waitFor({ state: 'detached' })
      await waitUntil(() => visibleKeyNames(app.page), (names) => names.includes(name), `row for ${name}`)
    }
    const table = await app.page.evaluate(() => document.querySelectorAll('[role="table"] img, [role="table"] script, [role="table"] b, [role="table"] svg:not([aria-hidden="true"])').length)
    expect(table).toBe(0)
    for (const name of NAMES) expect((await inspect(app.page, '[role="table"]', name)).exact, `table cell for ${name}`).toBeGreaterThanOrEqual(1)
    // The delete dialog's question quotes the name, as text.
    await mainScreen(app.page).deleteButton(NAMES[0]!).click()
    const dialog = deleteDialog(app.page)
    await dialog.dialog.waitFor()
    expect(await dialog.dialog.textContent()).toContain(`“${NAMES[0]}”`)
    expect(await inspect(app.page, '[role="dialog"]', '')).toMatchObject({ injected: 0, pwned: null })
    await dialog.cancel.click()
  })

  it('names that come from the server, and a name inside the “may have been created” message', async () => {
    const account = world.newAccount({ keys: 2, keyPrefix: '<img src=x onerror="window.__pwned=4">' })
    app = await world.freshApp()
    await signIn(app.page, { baseUrl: world.sandbox.baseUrl, apiKey: account.token })
    await waitUntil(() => visibleKeyNames(app!.page), (names) => names.length === 3, 'the key list')
    expect((await inspect(app.page, '[role="table"]', '<img src=x onerror="window.__pwned=4"> 1')).exact).toBeGreaterThanOrEqual(1)
    expect(await inspect(app.page, '[role="table"]', '')).toMatchObject({ injected: 0, pwned: null })

    await mainScreen(app.page).newKey.click()
    const form = newKeyDialog(app.page)
    await form.name.fill(NAMES[1]!)
    world.sandbox.faults.add({ method: 'POST', path: '/user/api-keys', fault: { type: 'drop-after-commit' } })
    await form.create.click()
    const said = await waitForText(form.alerts, 'It may have been created anyway')
    expect(said).toContain(`“${NAMES[1]}”`)
    expect(await inspect(app.page, '[role="dialog"]', '')).toMatchObject({ injected: 0, pwned: null })
  })
})
