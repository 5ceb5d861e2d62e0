/**
 * Round trips per action as a person does them, through the real window: the built renderer in
 * headless Chromium on the browser preview (real services), counted on the sandbox. This catches
 * what the service-level count cannot: a window that refreshes the list after a create, or
 * restores the session twice at start.
 */
import type { Page } from 'playwright-core'
import type { SandboxServer } from '../../src/sandbox/index'
import { copyOnceDialog, deleteDialog, mainScreen, newKeyDialog, waitUntil } from '../e2e/support/ui'
import { loadApp, openPreviewWithKeys, type BrowserBenchContext } from './browser-bench'
import type { ActionCount } from './round-trips'

/** How long the sandbox must see no new request before an action counts as finished. */
const QUIET_MS = 400

async function settle(sandbox: SandboxServer): Promise<void> {
  let seen = sandbox.requests.length
  let quietSince = Date.now()
  const deadline = Date.now() + 15_000
  while (Date.now() - quietSince < QUIET_MS) {
    if (Date.now() > deadline) throw new Error('the app kept sending requests for 15 s')
    await new Promise((resolve) => setTimeout(resolve, 25))
    const now = sandbox.requests.length
    if (now !== seen) {
      seen = now
      quietSince = Date.now()
    }
  }
}

async function counted(sandbox: SandboxServer, work: () => Promise<void>): Promise<string[]> {
  await settle(sandbox)
  const from = sandbox.requests.length
  await work()
  await settle(sandbox)
  return sandbox.requests.slice(from).map((r) => `${r.method} ${r.path}`)
}

const NEW_KEY_NAME = 'Bench key from the window'

export interface WindowRoundTrips {
  startup: ActionCount
  refresh: ActionCount
  create: ActionCount
  delete: ActionCount
}

export async function benchUiRoundTrips(ctx: BrowserBenchContext): Promise<WindowRoundTrips> {
  const open = await openPreviewWithKeys(ctx, 10)
  let page: Page | undefined
  try {
    const startup = await counted(ctx.sandbox, async () => {
      page = (await loadApp(ctx, open)).page
    })
    const p = page as unknown as Page
    const screen = mainScreen(p)

    const refresh = await counted(ctx.sandbox, async () => {
      const lists = ctx.sandbox.requests.filter((r) => r.path === '/user/api-keys' && r.method === 'GET').length
      await screen.refresh.click()
      await waitUntil(
        () => Promise.resolve(ctx.sandbox.requests.filter((r) => r.path === '/user/api-keys' && r.method === 'GET' && r.status !== null).length),
        (n) => n > lists,
        'the refresh request'
      )
      await waitUntil(() => screen.refresh.isEnabled(), Boolean, 'the Refresh button to be enabled again')
    })

    const create = await counted(ctx.sandbox, async () => {
      await screen.newKey.click()
      const dialog = newKeyDialog(p)
      await dialog.name.fill(NEW_KEY_NAME)
      await dialog.create.click()
      const copy = copyOnceDialog(p)
      await copy.dialog.waitFor({ timeout: 15_000 })
      await screen.row(NEW_KEY_NAME).waitFor({ state: 'attached', timeout: 15_000 })
      await copy.saved.check()
      await copy.done.click()
      await copy.dialog.waitFor({ state: 'hidden' })
    })

    const remove = await counted(ctx.sandbox, async () => {
      await screen.deleteButton(NEW_KEY_NAME).click()
      const dialog = deleteDialog(p)
      await dialog.confirmDelete.click()
      await dialog.dialog.waitFor({ state: 'hidden', timeout: 15_000 })
      await screen.row(NEW_KEY_NAME).waitFor({ state: 'detached', timeout: 15_000 })
    })

    return {
      startup: { action: 'start-up with a stored credential, in the window', requests: startup },
      refresh: { action: 'Refresh button', requests: refresh },
      create: { action: 'New key → Create key → key in the list → Done', requests: create },
      delete: { action: 'Delete → Delete key → row gone', requests: remove }
    }
  } finally {
    if (page && !page.isClosed()) await page.close()
    await open.close()
  }
}
