/**
 * Many accounts in one window (issue 9), end to end: real Chromium, the browser preview (real
 * services, real keychain) and two sandbox servers, each behind a proxy that records every
 * request with its Authorization header, so "this credential reached only its own host" is
 * checked on the wire.
 *
 * Both hosts' accounts get keys of the same names ("Seeded key 1", "Seeded key 2"), and each
 * sandbox numbers its keys on its own, so a request that went to the wrong account or host would
 * show: the same name or id exists on the other side.
 */
import type { Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { accountIdFor } from '../../src/main/accounts/account-sessions'
import type { SandboxServer } from '../../src/sandbox/index'
import { SHARED_MESSAGES } from '../../src/shared/messages'
import { useE2eWorld, type E2eApp, type SandboxAccount } from './support/app'
import { e2eVault, recordingVault, type RecordingVault } from './support/env'
import { startRecordingProxy, type ProxiedRequest, type RecordingProxy } from './support/recording-proxy'
import {
  accountHeader,
  addAccount,
  addAccountDialog,
  copyOnceDialog,
  deleteDialog,
  mainScreen,
  newKeyDialog,
  overviewScreen,
  signIn,
  signOutDialog,
  submitSignIn,
  switcher,
  switcherEntries,
  visibleKeyNames,
  waitForShownAccount,
  waitForText,
  waitUntil
} from './support/ui'

const e2e = useE2eWorld({ hosts: 2 })

/** One host of the two: its sandbox, the proxy the app talks to, and the base URL through it. */
interface Host {
  sandbox: SandboxServer
  proxy: RecordingProxy
  baseUrl: string
  /** host:port as the window shows it. */
  host: string
}
let hostA: Host
let hostB: Host

beforeAll(async () => {
  const [a, b] = e2e.world.hosts as [SandboxServer, SandboxServer]
  const wrap = async (sandbox: SandboxServer): Promise<Host> => {
    const proxy = await startRecordingProxy(sandbox.baseUrl)
    return { sandbox, proxy, baseUrl: proxy.baseUrl, host: new URL(proxy.baseUrl).host }
  }
  ;[hostA, hostB] = await Promise.all([wrap(a), wrap(b)])
})
afterAll(async () => {
  await Promise.all([hostA?.proxy.close(), hostB?.proxy.close()])
})
afterEach(() => {
  for (const host of [hostA, hostB]) host.sandbox.faults.clear()
})

interface TwoAccounts {
  app: E2eApp
  page: Page
  vault: RecordingVault
  /** The agency's account on host A, signed in first. */
  agency: SandboxAccount
  /** A client's account on host B, added from the window. */
  client: SandboxAccount
}

/** A fresh app signed in to an account on host A, then (from the window) to one on host B, which it then shows. */
async function twoAccounts(): Promise<TwoAccounts> {
  const agency = e2e.world.newAccount({ keys: 2, name: 'Northwind Voice', host: hostA.sandbox })
  const client = e2e.world.newAccount({ keys: 2, name: 'Harbor Dental', host: hostB.sandbox })
  const vault = recordingVault()
  const app = await e2e.world.freshApp({ vault })
  const { page } = app
  await signIn(page, { baseUrl: hostA.baseUrl, apiKey: agency.token })
  await addAccount(page, { baseUrl: hostB.baseUrl, apiKey: client.token, name: client.name })
  await waitUntil(() => visibleKeyNames(page), (names) => names.length === 3, 'the client’s keys')
  return { app, page, vault, agency, client }
}

const idOf = (host: Host, email: string) => accountIdFor(host.baseUrl, email)
const keyNamesOn = (host: Host, account: SandboxAccount) => host.sandbox.listKeysOf(account.token).map((k) => k.name)
const writes = (requests: readonly ProxiedRequest[]) => requests.filter((r) => r.method === 'POST' || r.method === 'DELETE')

/** Every request that reached the host (since its log was reset) carried that host's own account's credential. */
function expectOnlyOwnCredential(host: Host, account: SandboxAccount): void {
  const foreign = host.proxy.requests.filter((r) => r.authorization !== `Bearer ${account.token}`)
  expect(foreign, `requests to ${host.host} with another (or no) credential`).toEqual([])
}

async function createKey(page: Page, name: string): Promise<string> {
  await mainScreen(page).newKey.click()
  const form = newKeyDialog(page)
  await form.name.fill(name)
  await form.create.click()
  const copy = copyOnceDialog(page)
  await copy.dialog.waitFor()
  const text = (await copy.dialog.textContent()) ?? ''
  await copy.saved.check()
  await copy.done.click()
  await copy.dialog.waitFor({ state: 'detached' })
  await waitUntil(() => visibleKeyNames(page), (names) => names.includes(name), `“${name}” in the list`)
  return text
}

async function deleteKey(page: Page, name: string): Promise<void> {
  await mainScreen(page).deleteButton(name).click()
  const dialog = deleteDialog(page)
  await dialog.confirmDelete.click()
  await dialog.dialog.waitFor({ state: 'detached' })
  await waitUntil(() => visibleKeyNames(page), (names) => !names.includes(name), `“${name}” to leave the list`)
}

/** The sandbox has a request of this method that it has not answered yet. */
const pendingOn = (host: Host, method: string) => host.sandbox.requests.some((r) => r.method === method && r.status === null)

const ariaCurrent = (page: Page, name: string) => switcher(page).account(name).getAttribute('aria-current')

describe('two accounts on two hosts', () => {
  it('adds the second account from the window, switches with the mouse and with Ctrl+2, and each host sees only its own requests with its own credential', async () => {
    for (const host of [hostA, hostB]) host.proxy.reset()
    const { page, agency, client } = await twoAccounts()
    // Adding did not sign out of the first account: both are listed and both keys are in the keychain.
    const bothReady = [`${agency.name} ${hostA.host} 3 keys · Ready`, `${client.name} ${hostB.host} 3 keys · Ready`]
    await waitUntil(() => switcherEntries(page), (entries) => entries.join('\n') === bothReady.join('\n'), 'both accounts in the switcher')
    expect(await e2eVault().get(idOf(hostA, agency.email))).toBe(agency.token)
    expect(await e2eVault().get(idOf(hostB, client.email))).toBe(client.token)
    expect(await page.title()).toBe(`${client.name} (${client.email}) on ${hostB.host} — Autocalls Keys`)
    expect(await ariaCurrent(page, client.name)).toBe('page')

    // The mouse.
    await switcher(page).account(agency.name).click()
    await waitForShownAccount(page, agency.name)
    expect(await waitForText(accountHeader(page).subtitle, agency.email)).toContain(hostA.host)
    expect(await ariaCurrent(page, agency.name)).toBe('page')
    expect(await ariaCurrent(page, client.name)).toBeNull()
    expect(await page.title()).toBe(`${agency.name} (${agency.email}) on ${hostA.host} — Autocalls Keys`)
    const agencyCopy = await createKey(page, 'Agency deploy')
    expect(agencyCopy).toContain(`${agency.email} on ${hostA.host}`)
    await deleteKey(page, 'Seeded key 1')

    // The keyboard.
    await page.keyboard.press('Control+2')
    await waitForShownAccount(page, client.name)
    expect(await ariaCurrent(page, client.name)).toBe('page')
    // The client's list never showed the agency's work.
    expect(await visibleKeyNames(page)).toEqual(['Sign-in key', 'Seeded key 2', 'Seeded key 1'])
    const clientCopy = await createKey(page, 'Clinic website')
    expect(clientCopy).toContain(`${client.email} on ${hostB.host}`)
    await deleteKey(page, 'Seeded key 2')
    await page.keyboard.press('Control+1')
    await waitForShownAccount(page, agency.name)
    expect(await visibleKeyNames(page)).toEqual(['Agency deploy', 'Sign-in key', 'Seeded key 2'])

    // Each server holds exactly its own account's changes.
    expect(keyNamesOn(hostA, agency).sort()).toEqual(['Agency deploy', 'Seeded key 2', 'Sign-in key'])
    expect(keyNamesOn(hostB, client).sort()).toEqual(['Clinic website', 'Seeded key 1', 'Sign-in key'])
    // On the wire: one create and one delete per host, each with that host's own credential only.
    expect(writes(hostA.proxy.requests).map((r) => r.method)).toEqual(['POST', 'DELETE'])
    expect(writes(hostB.proxy.requests).map((r) => r.method)).toEqual(['POST', 'DELETE'])
    expectOnlyOwnCredential(hostA, agency)
    expectOnlyOwnCredential(hostB, client)
  })

  it('a delete (and a create) still under way when the person switches change only their own account, and show there on going back', async () => {
    const { page, agency, client } = await twoAccounts()
    await switcher(page).account(agency.name).click()
    await waitForShownAccount(page, agency.name)
    const target = hostA.sandbox.listKeysOf(agency.token).find((k) => k.name === 'Seeded key 1')!
    const clientKeysBefore = hostB.sandbox.listKeysOf(client.token)
    const clientNamesBefore = ['Sign-in key', 'Seeded key 2', 'Seeded key 1']
    for (const host of [hostA, hostB]) host.proxy.reset()
    hostA.sandbox.faults.add({ method: 'DELETE', fault: { type: 'latency', ms: 1500 } })

    await mainScreen(page).deleteButton('Seeded key 1').click()
    const dialog = deleteDialog(page)
    await dialog.confirmDelete.click()
    await waitUntil(async () => hostA.proxy.requests.some((r) => r.method === 'DELETE'), (sent) => sent, 'the DELETE to reach host A')
    // Switch before the server answers.
    await page.keyboard.press('Control+2')
    await waitForShownAccount(page, client.name)
    expect(pendingOn(hostA, 'DELETE'), 'the delete was still under way at the switch').toBe(true)
    expect(await dialog.dialog.isVisible()).toBe(true)
    await waitForText(dialog.dialog, `From ${agency.email} on ${hostA.host}`)

    // It finishes in the agency's account; the client's view and server never see it.
    await dialog.dialog.waitFor({ state: 'detached', timeout: 10_000 })
    expect(hostA.sandbox.listKeysOf(agency.token).some((k) => k.id === target.id)).toBe(false)
    expect(await mainScreen(page).heading.textContent()).toBe(client.name)
    expect(await visibleKeyNames(page)).toEqual(clientNamesBefore)
    expect(await mainScreen(page).alerts.count()).toBe(0)
    expect(hostB.sandbox.listKeysOf(client.token)).toEqual(clientKeysBefore)
    expect(writes(hostB.proxy.requests)).toEqual([])

    // Back in the agency's account, the key is gone from its list.
    await page.keyboard.press('Control+1')
    await waitForShownAccount(page, agency.name)
    await waitUntil(() => visibleKeyNames(page), (names) => names.join() === 'Sign-in key,Seeded key 2', 'the agency’s list without the key')
    await waitUntil(() => switcherEntries(page), (entries) => entries[0]?.includes('2 keys') === true, 'the switcher to count 2 keys')

    // A create too: its copy-once dialog stays open over the client's keys, labelled with the agency.
    hostA.sandbox.faults.add({ method: 'POST', fault: { type: 'latency', ms: 1500 } })
    await mainScreen(page).newKey.click()
    await newKeyDialog(page).name.fill('Made during a switch')
    await newKeyDialog(page).create.click()
    await waitUntil(async () => hostA.proxy.requests.some((r) => r.method === 'POST'), (sent) => sent, 'the POST to reach host A')
    await page.keyboard.press('Control+2')
    await waitForShownAccount(page, client.name)
    expect(pendingOn(hostA, 'POST'), 'the create was still under way at the switch').toBe(true)
    const copy = copyOnceDialog(page)
    await copy.dialog.waitFor({ timeout: 10_000 })
    expect(await copy.dialog.textContent()).toContain(`was created in ${agency.email} on ${hostA.host}`)
    expect(await mainScreen(page).heading.textContent()).toBe(client.name)
    expect(await visibleKeyNames(page)).toEqual(clientNamesBefore)
    await copy.saved.check()
    await copy.done.click()
    await copy.dialog.waitFor({ state: 'detached' })
    expect(await visibleKeyNames(page)).toEqual(clientNamesBefore)
    await page.keyboard.press('Control+1')
    await waitForShownAccount(page, agency.name)
    await waitUntil(() => visibleKeyNames(page), (names) => names[0] === 'Made during a switch', 'the new key in the agency’s list')

    expect(hostB.sandbox.listKeysOf(client.token)).toEqual(clientKeysBefore)
    expect(writes(hostB.proxy.requests)).toEqual([])
    expect(writes(hostA.proxy.requests).map((r) => `${r.method} ${r.path}`)).toEqual([`DELETE /user/api-keys/${target.id}`, 'POST /user/api-keys'])
    expectOnlyOwnCredential(hostA, agency)
    expectOnlyOwnCredential(hostB, client)
  })

  it('a 401 in one account ends only its session ("needs sign-in", “Sign in again”); the other account keeps working', async () => {
    const { page, agency, client } = await twoAccounts()
    for (const host of [hostA, hostB]) host.proxy.reset()
    // Host B stops accepting the client's key; "Refresh all" fetches both lists at once.
    hostB.sandbox.faults.add({ fault: { type: 'unauthenticated' } })
    await switcher(page).allAccounts.click()
    const overview = overviewScreen(page)
    await overview.heading.waitFor()
    await overview.refreshAll.click()
    await waitForText(overview.row(client.name), 'Needs sign-in', 15_000)
    await waitForText(overview.row(client.name), SHARED_MESSAGES.credentialRevoked)
    await waitForText(overview.row(agency.name), 'Ready')
    await waitForText(overview.row(agency.name), 'just now')
    expect(await e2eVault().get(idOf(hostB, client.email))).toBeNull()
    expect(await e2eVault().get(idOf(hostA, agency.email))).toBe(agency.token)

    // The agency's account goes on as if nothing happened.
    await overview.row(agency.name).getByRole('button').click()
    await waitForShownAccount(page, agency.name)
    await createKey(page, 'After the 401')
    expect(keyNamesOn(hostA, agency)).toContain('After the 401')

    // The client's account says why, and signs in again in one step (its base URL filled in).
    await switcher(page).account(client.name).click()
    await waitForShownAccount(page, client.name)
    const screen = mainScreen(page)
    await waitForText(screen.needsSignIn, SHARED_MESSAGES.credentialRevoked)
    expect(await screen.table.count()).toBe(0)
    await waitUntil(() => switcherEntries(page), (entries) => entries[1]?.includes('Needs sign-in') === true, 'the switcher to say "Needs sign-in"')
    await screen.signInAgain.click()
    const again = addAccountDialog(page)
    await again.dialog.waitFor()
    expect(await again.dialog.getByRole('heading', { level: 2 }).textContent()).toBe(`Sign in again to ${client.email}`)
    expect(await again.baseUrl.inputValue()).toBe(hostB.baseUrl)
    await submitSignIn(page, { baseUrl: hostB.baseUrl, apiKey: client.token }, again.dialog)
    await again.dialog.waitFor({ state: 'detached', timeout: 15_000 })
    await waitUntil(() => visibleKeyNames(page), (names) => names.length === 3, 'the client’s keys again')
    await waitUntil(() => switcherEntries(page), (entries) => entries[1]?.includes('Ready') === true, 'the client ready again')
    expect(await e2eVault().get(idOf(hostB, client.email))).toBe(client.token)
    expectOnlyOwnCredential(hostA, agency)
    expectOnlyOwnCredential(hostB, client)
  })

  it('removes an account (named with its host in the confirmation, keychain entry gone); a restart restores every stored account and reads only the shown one’s credential', async () => {
    const { app, page, vault, agency, client } = await twoAccounts()
    // A third account, on host A again, and a sandbox account (nothing of it is stored).
    const colleague = e2e.world.newAccount({ keys: 1, name: 'Northwind Support', host: hostA.sandbox })
    await addAccount(page, { baseUrl: hostA.baseUrl, apiKey: colleague.token, name: colleague.name })
    await switcher(page).addAccount.click()
    await addAccountDialog(page).addSandbox.click()
    await addAccountDialog(page).dialog.waitFor({ state: 'detached', timeout: 15_000 })
    await waitForShownAccount(page, 'Demo User')
    expect(await switcherEntries(page)).toHaveLength(4)

    await switcher(page).account(colleague.name).click()
    await waitForShownAccount(page, colleague.name)
    await accountHeader(page).signOut.click()
    const confirm = signOutDialog(page)
    await confirm.dialog.waitFor()
    expect(await confirm.dialog.getByRole('heading', { level: 2 }).textContent()).toBe(`Sign out of ${colleague.name}?`)
    expect(await confirm.dialog.textContent()).toContain(`${colleague.email} on ${hostA.host}`)
    await confirm.confirm.click()
    await confirm.dialog.waitFor({ state: 'detached' })
    await waitUntil(() => switcherEntries(page), (entries) => entries.length === 3, 'three accounts left')
    expect((await e2eVault().listAccounts()).sort()).toEqual([idOf(hostA, agency.email), idOf(hostB, client.email)].sort())
    expect(keyNamesOn(hostA, colleague)).toContain('Sign-in key') // the key itself stays on the server

    // The client's account is the one shown when the app quits.
    await switcher(page).account(client.name).click()
    await waitForShownAccount(page, client.name)
    vault.reads.splice(0)
    await app.restart()
    await waitForShownAccount(page, client.name)
    await waitUntil(() => visibleKeyNames(page), (names) => names.length === 3, 'the client’s list at start')
    await waitForText(mainScreen(page).status, 'Updated just now')
    const entries = await switcherEntries(page)
    expect(entries.map((entry) => entry.split(' · ')[0])).toEqual([
      `${agency.name} ${hostA.host} 3 keys`,
      `${client.name} ${hostB.host} 3 keys`
    ])
    expect(vault.reads, 'credentials read from the keychain at start').toEqual([idOf(hostB, client.email)])

    // The other account's credential is read when it is first used.
    await page.keyboard.press('Control+1')
    await waitForShownAccount(page, agency.name)
    await waitForText(mainScreen(page).status, 'Updated just now')
    expect(vault.reads).toEqual([idOf(hostB, client.email), idOf(hostA, agency.email)])
  })
})
