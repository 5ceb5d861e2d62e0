/**
 * The fault matrix through the window: real Chromium, the browser preview (real services and
 * keychain), the sandbox with fault injection behind a switchable proxy (for "connection refused").
 *
 * - A refresh under every fault: a banner with the specific message, the rows kept and labelled
 *   as not fresh ("Showing keys from …", never "Updated …"), and "Try again" recovers once the
 *   server does; a transient fault recovers by itself, with no banner at all.
 * - A create under every fault: the dialog says what happened (under the field for a 422), no
 *   copy-once dialog, exactly one POST; when the key may exist the list is refreshed and shows it.
 * - 401 anywhere: that account's session ends ("needs sign-in", with the reason and "Sign in again").
 * What the window showed is written to test-results/reliability/fault-ui.json for the README.
 */
import { NAME_TAKEN_422 } from '../../support/sandbox-fixture'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Fault } from '../../../src/sandbox/index'
import { SHARED_MESSAGES } from '../../../src/shared/messages'
import { startSwitchableProxy, type SwitchableProxy } from '../../reliability/support/switchable-proxy'
import { writeResult } from '../../reliability/support/results'
import { startE2eWorld, type E2eApp, type E2eWorld, type SandboxAccount } from '../support/app'
import { cleanupKeychain, e2eVault } from '../support/env'
import { copyOnceDialog, mainScreen, newKeyDialog, signIn, switcherEntries, visibleKeyNames, waitForText, waitUntil } from '../support/ui'

let world: E2eWorld
let proxy: SwitchableProxy
/** What the window showed, per fault: the refresh banner and status, the create dialog's text. */
const shown = new Map<string, { fault: string; refresh?: string; create?: string }>()
const show = (fault: string, what: 'refresh' | 'create', text: string) => shown.set(fault, { fault, ...shown.get(fault), [what]: text })

beforeAll(async () => {
  world = await startE2eWorld()
  proxy = await startSwitchableProxy(world.sandbox.baseUrl)
})
afterEach(async () => {
  // A failed step must not leave its fault (or a stopped server) to the next one.
  world.sandbox.faults.clear()
  await proxy.start()
})
afterAll(async () => {
  writeResult('fault-ui.json', { rows: [...shown.values()] })
  await proxy?.close()
  await world?.close()
  await cleanupKeychain()
})

/** Fast retries (no back-off sleeps) and a 1 s per-attempt timeout, so "never answers" takes 3 s. */
const FAST_CLIENT = { sleep: async () => undefined, timeoutMs: 1_000 }

async function signedInApp(keys: number): Promise<{ app: E2eApp; account: SandboxAccount }> {
  const account = world.newAccount({ keys })
  const app = await world.freshApp({ client: FAST_CLIENT })
  await signIn(app.page, { baseUrl: proxy.baseUrl, apiKey: account.token })
  await waitUntil(() => visibleKeyNames(app.page), (names) => names.length === keys + 1, 'the key list')
  return { app, account }
}

interface UiFault {
  label: string
  /** Installs the fault on requests matching method/path; returns its removal. */
  inject: (method: string, path: string | RegExp) => Promise<() => Promise<void>>
  /** What the refresh banner must say. */
  refresh: RegExp
  /** What the create dialog must say (alert or field error). */
  create: RegExp
  /** The sandbox made the key before the answer was lost. */
  keyMade?: boolean
}

const sandboxFault =
  (fault: Fault) =>
  async (method: string, path: string | RegExp): Promise<() => Promise<void>> => {
    const handle = world.sandbox.faults.add({ method, path, times: Infinity, fault })
    return async () => handle.remove()
  }

const HOST = String.raw`127\.0\.0\.1:\d+`
const MAY_EXIST = 'It may have been created anyway'
const FAULTS: UiFault[] = [
  {
    label: 'Connection refused (server down)',
    inject: async () => {
      await proxy.stop()
      await new Promise((resolve) => setTimeout(resolve, 50))
      return () => proxy.start()
    },
    refresh: new RegExp(`Could not refresh: Could not reach ${HOST}: the connection was refused\\.`),
    create: new RegExp(`Could not reach ${HOST}: the connection was refused`)
  },
  {
    label: 'Connection dropped mid-response',
    inject: sandboxFault({ type: 'drop-mid-response' }),
    refresh: new RegExp(`Could not refresh: The connection to ${HOST} was lost before the answer arrived\\.`),
    create: new RegExp(MAY_EXIST),
    keyMade: true
  },
  {
    label: 'Server never answers',
    inject: sandboxFault({ type: 'hang' }),
    refresh: new RegExp(`Could not refresh: ${HOST} did not answer within 1 seconds?\\.`),
    create: new RegExp(`did not answer within.*${MAY_EXIST}`)
  },
  {
    label: 'HTTP 500',
    inject: sandboxFault({ type: 'status', status: 500 }),
    refresh: /Could not refresh: The Autocalls server had a problem \(HTTP 500\)\. Try again in a moment\./,
    create: new RegExp(`HTTP 500.*${MAY_EXIST}`)
  },
  {
    label: 'HTTP 502 (proxy HTML page)',
    inject: sandboxFault({ type: 'status', status: 502, body: '<html><body><h1>502 Bad Gateway</h1></body></html>', contentType: 'text/html' }),
    refresh: /Could not refresh: The Autocalls server had a problem \(HTTP 502\)/,
    create: new RegExp(`HTTP 502.*${MAY_EXIST}`)
  },
  {
    label: 'HTTP 503 with Retry-After',
    inject: sandboxFault({ type: 'status', status: 503, headers: { 'Retry-After': '2' } }),
    refresh: /Could not refresh: The Autocalls server had a problem \(HTTP 503\)/,
    create: new RegExp(`HTTP 503.*${MAY_EXIST}`)
  },
  {
    label: 'HTTP 429 with Retry-After',
    inject: sandboxFault({ type: 'rate-limit', retryAfterSeconds: 30 }),
    refresh: /Could not refresh: Too many requests: the server asked us to wait 30 seconds\./,
    create: /Too many requests: the server asked us to wait 30 seconds\./
  },
  {
    label: 'HTML error page (HTTP 403)',
    inject: sandboxFault({ type: 'status', status: 403, body: '<html><body><h1>Access denied</h1></body></html>', contentType: 'text/html' }),
    refresh: /Could not refresh: The server answered HTTP 403.*check that it points at the Autocalls API/,
    create: new RegExp(`HTTP 403.*${MAY_EXIST}`)
  },
  {
    label: 'Invalid JSON',
    inject: sandboxFault({ type: 'malformed', body: '{"api_keys": [' }),
    refresh: /Could not refresh: The server's answer was not JSON \(HTTP 200, application\/json\)/,
    create: new RegExp(`not JSON.*${MAY_EXIST}`)
  },
  {
    label: 'JSON of the wrong shape',
    inject: sandboxFault({ type: 'malformed', body: '{"data":[]}' }),
    refresh: /Could not refresh: The server's answer did not have the expected shape/,
    create: new RegExp(`expected shape.*${MAY_EXIST}`)
  },
  {
    label: 'HTTP 422 on create',
    inject: sandboxFault(NAME_TAKEN_422),
    refresh: /./,
    create: /^The name has already been taken\.$/
  }
]

const posts = (since: number) => world.sandbox.requests.slice(since).filter((r) => r.method === 'POST').length

describe('a refresh under each fault, through the window', () => {
  let app: E2eApp
  beforeAll(async () => {
    app = (await signedInApp(3)).app
  })
  afterAll(async () => {
    await app?.close()
  })

  it.each(FAULTS.filter((f) => !f.label.includes('422')).map((f) => [f.label, f]))('%s', async (_label, fault) => {
    const screen = mainScreen(app.page)
    const rowsBefore = await visibleKeyNames(app.page)
    const remove = await fault.inject('GET', '/user/api-keys')
    await screen.refresh.click()
    const banner = (await waitForText(screen.alerts, fault.refresh, 15_000)).replace(/\s*Try again$/, '')
    // The rows stay, and are not presented as fresh.
    expect(await visibleKeyNames(app.page)).toEqual(rowsBefore)
    const status = await waitForText(screen.status, /^Showing keys from /)
    expect(status).not.toMatch(/^Updated/)
    // The app stays usable: once the server is back, "Try again" recovers.
    await remove()
    await screen.tryAgain.click()
    await waitUntil(() => screen.alerts.count(), (n) => n === 0, 'the banner to go')
    await waitForText(screen.status, /^Updated /)
    show(fault.label, 'refresh', `Banner “${banner}” over the kept rows; status “${status}”; Try again recovers`)
  })

  it('a transient failure recovers by itself: no banner, fresh list', async () => {
    const screen = mainScreen(app.page)
    const since = world.sandbox.requests.length
    world.sandbox.faults.add({ method: 'GET', path: '/user/api-keys', times: 2, fault: { type: 'status', status: 503 } })
    await screen.refresh.click()
    await waitForText(screen.status, /^Updated just now/)
    expect(await screen.alerts.count()).toBe(0)
    expect(world.sandbox.requests.slice(since).filter((r) => r.method === 'GET').map((r) => r.status)).toEqual([503, 503, 200])
    show('HTTP 503, twice, then fine (transient)', 'refresh', 'No banner: the third try succeeds; status “Updated just now”')
  })

  it('HTTP 401: the account needs a new sign-in, with the reason; its credential is gone and no rows are shown', async () => {
    const screen = mainScreen(app.page)
    world.sandbox.faults.add({ method: 'GET', path: '/user/api-keys', fault: { type: 'unauthenticated' } })
    await screen.refresh.click()
    await screen.needsSignIn.waitFor({ timeout: 15_000 })
    const reason = SHARED_MESSAGES.credentialRevoked
    await waitForText(screen.needsSignIn, reason)
    expect(await screen.signInAgain.isVisible()).toBe(true)
    expect(await screen.table.count()).toBe(0)
    expect((await switcherEntries(app.page))[0]).toContain('Needs sign-in')
    expect(await e2eVault().listAccounts()).toEqual([])
    show('HTTP 401', 'refresh', `The account shows “Signed out of this account: ${reason}” with “Sign in again”; keychain entry removed`)
  })
})

describe('a create under each fault, through the window', () => {
  let app: E2eApp
  let account: SandboxAccount
  beforeAll(async () => {
    ;({ app, account } = await signedInApp(1))
  })
  beforeEach(async () => {
    // Each create starts from a clean window, whatever the previous one left open.
    await app.reload()
    await mainScreen(app.page).table.waitFor()
  })
  afterAll(async () => {
    await app?.close()
  })

  it.each(FAULTS.map((f) => [f.label, f]))('%s', async (_label, fault) => {
    const screen = mainScreen(app.page)
    const form = newKeyDialog(app.page)
    const name = `UI ${fault.label.replace(/[^A-Za-z0-9 ]/g, '')} ${Math.random().toString(36).slice(2, 6)}`
    await screen.newKey.click()
    await form.dialog.waitFor()
    await form.name.fill(name)
    const since = world.sandbox.requests.length
    const sentBefore = app.preview.requestLog.filter((r) => r.channel === 'keys:create').length
    const listsBefore = app.preview.requestLog.filter((r) => r.channel === 'keys:list').length
    const remove = await fault.inject('POST', '/user/api-keys')
    await form.create.click()
    const said = await waitForText(form.dialog.locator('[role="alert"], .field-error'), fault.create, 15_000)
    // Never a claimed success, never a silent retry: no copy-once dialog, one create sent.
    expect(await copyOnceDialog(app.page).dialog.count()).toBe(0)
    expect(app.preview.requestLog.filter((r) => r.channel === 'keys:create').length - sentBefore).toBe(1)
    expect(posts(since)).toBeLessThanOrEqual(1)
    const onServer = world.sandbox.listKeysOf(account.token).filter((k) => k.name === name)
    expect(onServer).toHaveLength(fault.keyMade ? 1 : 0)
    await remove()
    if (said.includes(MAY_EXIST)) {
      // The window refreshed the list on its own: the truth from the server is on screen.
      if (fault.keyMade) await waitUntil(() => visibleKeyNames(app.page), (names) => names.includes(name), 'the maybe-created key in the list')
      await waitUntil(async () => app.preview.requestLog.filter((r) => r.channel === 'keys:list').length, (n) => n > listsBefore, 'a list refresh')
    }
    // Usable: the dialog is still there, ready for the person to decide (retry or cancel).
    expect(await form.create.isEnabled()).toBe(true)
    await form.cancel.click()
    await form.dialog.waitFor({ state: 'detached' })
    show(
      fault.label,
      'create',
      `“${said.replaceAll(name, 'NAME')}”; no token dialog; ${posts(since)} POST received${fault.keyMade ? '; the list refreshes and shows the key' : ''}`
    )
  })
})

describe('the create whose answer is lost, in detail', () => {
  it('says the key may exist, refreshes the list (the key is there, once), never shows a token, never retries', async () => {
    const { app, account } = await signedInApp(2)
    const screen = mainScreen(app.page)
    const form = newKeyDialog(app.page)
    await screen.newKey.click()
    await form.name.fill('Answer lost')
    const since = world.sandbox.requests.length
    world.sandbox.faults.add({ method: 'POST', path: '/user/api-keys', fault: { type: 'drop-after-commit' } })
    await form.create.click()
    const said = await waitForText(form.alerts, MAY_EXIST)
    expect(said).toContain('“Answer lost”')
    await waitUntil(() => visibleKeyNames(app.page), (names) => names.includes('Answer lost'), 'the key in the refreshed list')
    const after = world.sandbox.requests.slice(since)
    expect(after.filter((r) => r.method === 'POST')).toHaveLength(1)
    // The refresh came after the POST, from the window, without the person asking.
    const postAt = after.findIndex((r) => r.method === 'POST')
    expect(after.slice(postAt + 1).some((r) => r.method === 'GET' && r.path === '/user/api-keys')).toBe(true)
    expect(world.sandbox.listKeysOf(account.token).filter((k) => k.name === 'Answer lost')).toHaveLength(1)
    expect(await copyOnceDialog(app.page).dialog.count()).toBe(0)
    expect(app.preview.services.pending.list()).toEqual([])
    // Nothing else happens by itself afterwards: still one POST a while later.
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(world.sandbox.requests.slice(since).filter((r) => r.method === 'POST')).toHaveLength(1)
    await app.close()
  })
})
