/**
 * Key hygiene (issue 10), end to end: real Chromium, the browser preview (real services, real
 * keychain) and a sandbox seeded with keys of every state. The sandbox's own request log shows
 * exactly which DELETEs reached it, so "nothing outside the selection" is checked on the server.
 */
import type { Page } from 'playwright-core'
import { afterEach, describe, expect, it } from 'vitest'
import { accountIdFor } from '../../src/main/accounts/account-sessions'
import type { RequestRecord } from '../../src/sandbox/index'
import { ACTIVITY_ACTION_LABELS } from '../../src/shared/activity'
import { SHARED_MESSAGES } from '../../src/shared/messages'
import { expectNoSeriousA11yViolations } from './support/a11y'
import { captureDownload, readmeScreenshot, useE2eWorld, type E2eApp, type SandboxAccount } from './support/app'
import { readCsv, readCsvObjects } from './support/csv-read'
import { e2eVault } from './support/env'
import { seedEveryState, useKey, type SeededStateKey } from './support/sandbox-keys'
import {
  activityScreen,
  bulkDeleteDialog,
  bulkResults,
  chooseFromAccountMenu,
  chooseQuickFilter,
  keyRow,
  mainScreen,
  notesDialog,
  quickFilters,
  quickFilterTexts,
  readActivity,
  rowStates,
  selectedKeyNames,
  selectionBar,
  signIn,
  visibleKeyNames,
  waitForShownAccount,
  waitForText,
  waitUntil,
  writeNote
} from './support/ui'

const DAY_MS = 86_400_000
const e2e = useE2eWorld({ browser: { acceptDownloads: true } })

afterEach(() => {
  e2e.world.sandbox.faults.clear()
})

interface Seeded {
  app: E2eApp
  page: Page
  account: SandboxAccount
  accountId: string
  keys: SeededStateKey[]
  /** id of a seeded key by name. */
  id: (name: string) => number
}

/** A fresh app signed in to an account with `copies` keys of each hygiene state, plus its sign-in key (in use). */
async function seeded(copies = 1): Promise<Seeded> {
  const account = e2e.world.newAccount({ name: 'Harbor Dental' })
  const keys = seedEveryState(e2e.world.sandbox, account.token, { copies })
  const app = await e2e.world.freshApp()
  await signIn(app.page, { baseUrl: e2e.world.sandbox.baseUrl, apiKey: account.token })
  await waitUntil(() => visibleKeyNames(app.page), (names) => names.length === keys.length + 1, 'the seeded keys')
  e2e.world.sandbox.resetRequests()
  const id = (name: string) => {
    const key = keys.find((k) => k.name === name)
    if (!key) throw new Error(`No seeded key named ${name}`)
    return key.id
  }
  return { app, page: app.page, account, accountId: accountIdFor(e2e.world.sandbox.baseUrl, account.email), keys, id }
}

const STATE_WORDS = { 'in-use': 'In use', stale: 'Stale', 'never-used': 'Never used', new: 'New' } as const
const deletesSeen = (): RequestRecord[] => e2e.world.sandbox.requests.filter((r) => r.method === 'DELETE')
const deletedIds = (requests: readonly RequestRecord[]) => requests.map((r) => Number(r.path.split('/').pop()))
const serverIds = (account: SandboxAccount) => e2e.world.sandbox.listKeysOf(account.token).map((k) => k.id)
const namesOf = (keys: readonly SeededStateKey[], state: SeededStateKey['state']) => keys.filter((k) => k.state === state).map((k) => k.name)
const sorted = (values: readonly string[]) => [...values].sort()
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10)
/** Two ISO timestamps of the same instant (the server writes microseconds, the app milliseconds). */
const sameInstant = (a: string, b: string) => Number.isFinite(Date.parse(a)) && Date.parse(a) === Date.parse(b)

/** Ticks the named rows with Space (keyboard), each from its own focused row. */
async function tickWithSpace(page: Page, names: readonly string[]): Promise<void> {
  for (const name of names) {
    await keyRow(page, name).row.focus()
    await page.keyboard.press('Space')
  }
}

/** Opens "Delete N keys…" from the selection bar. */
async function openBulkDelete(page: Page, count: number): Promise<ReturnType<typeof bulkDeleteDialog>> {
  await waitForText(selectionBar(page).count, `${count} selected`)
  await selectionBar(page).deleteSelected.click()
  const dialog = bulkDeleteDialog(page)
  await dialog.dialog.waitFor()
  return dialog
}

describe('key states and quick filters', () => {
  it('marks every key with its state in words (exact times in the tooltip) and counts and applies each quick filter, combined with the name filter and the sort', async () => {
    const { page, keys } = await seeded(2)
    // The sign-in key was just used: in use.
    const expected: Record<string, string> = { 'Sign-in key': 'In use' }
    for (const key of keys) expected[key.name] = STATE_WORDS[key.state]
    expect(await rowStates(page)).toEqual(expected)
    expect(await quickFilterTexts(page)).toEqual(['All 9', 'In use 3', 'Stale 2', 'Never used 2', 'Review due 0', 'This app 1'])
    expect(await quickFilters(page).filter('All').getAttribute('aria-checked')).toBe('true')

    // The exact times, and why, are in the row's tooltip.
    const staleKey = keys.find((k) => k.state === 'stale')!
    const tooltip = (await keyRow(page, staleKey.name).row.getAttribute('title')) ?? ''
    const listed = e2e.world.sandbox.listKeysOf(staleKey.token).find((k) => k.id === staleKey.id)!
    expect(tooltip).toContain('Stale: not used for 120 days (stale after 90 days).')
    expect(tooltip).toContain('Created: ')
    expect(tooltip).toContain('Last used: ')
    expect(tooltip).toContain(new Date(listed.last_used_at!).toISOString().slice(0, 10))

    // Each filter shows exactly its keys.
    const filters: Array<[string, string[]]> = [
      ['In use', ['Sign-in key', ...namesOf(keys, 'in-use')]],
      ['Stale', namesOf(keys, 'stale')],
      ['Never used', namesOf(keys, 'never-used')],
      ['This app', ['Sign-in key']],
      ['All', ['Sign-in key', ...keys.map((k) => k.name)]]
    ]
    for (const [label, names] of filters) {
      await chooseQuickFilter(page, label)
      await waitUntil(() => visibleKeyNames(page), (shown) => sorted(shown).join('|') === sorted(names).join('|'), `the “${label}” keys`)
    }
    await chooseQuickFilter(page, 'Review due')
    await waitForText(mainScreen(page).region, 'No keys in “Review due”')
    expect(await visibleKeyNames(page)).toEqual([])
    await expectNoSeriousA11yViolations(page, 'key list filtered to an empty quick filter')

    // With the name filter: the counts are of the keys it leaves, and the two combine.
    await chooseQuickFilter(page, 'All')
    await mainScreen(page).filter.fill('2')
    await waitUntil(() => quickFilterTexts(page), (texts) => texts.join() === 'All 4,In use 1,Stale 1,Never used 1,Review due 0,This app 0', 'the counts among “2”')
    await chooseQuickFilter(page, 'In use')
    await waitUntil(() => visibleKeyNames(page), (shown) => shown.join() === 'Booking line 2', 'the in-use key named “…2”')
    await mainScreen(page).filter.fill('')
    // And with the sort: the in-use keys by name.
    await mainScreen(page).sortButton('Name').click()
    await waitUntil(() => visibleKeyNames(page), (shown) => shown.join() === 'Booking line,Booking line 2,Sign-in key', 'the in-use keys by name')
    await mainScreen(page).sortButton('Name').click()
    await waitUntil(() => visibleKeyNames(page), (shown) => shown.join() === 'Sign-in key,Booking line 2,Booking line', 'the in-use keys by name, descending')

    // The radio group answers the keyboard: one tab stop, arrows move and choose.
    await quickFilters(page).filter('In use').focus()
    await page.keyboard.press('ArrowRight')
    await waitUntil(() => quickFilters(page).filter('Stale').getAttribute('aria-checked'), (checked) => checked === 'true', 'Stale chosen by ArrowRight')
    expect(sorted(await visibleKeyNames(page))).toEqual(sorted(namesOf(keys, 'stale')))
    await expectNoSeriousA11yViolations(page, 'key list with quick filters')
  })
})

describe('notes and review dates', () => {
  it('keeps notes and review dates across a restart, marks a passed review date "Review due", and logs the changes', async () => {
    const { app, page, keys } = await seeded()
    const spare = namesOf(keys, 'never-used')[0]!
    const booking = namesOf(keys, 'in-use')[0]!
    const now = Date.now()
    const noteText = 'Owned by Dana (front desk).\nUsed by the CRM sync; delete after the migration.'

    await keyRow(page, spare).notes.click()
    const dialog = notesDialog(page)
    await dialog.dialog.waitFor()
    expect(await dialog.dialog.getByRole('heading', { level: 2 }).textContent()).toBe(`Note on “${spare}”`)
    await expectNoSeriousA11yViolations(page, 'notes dialog')
    await dialog.note.fill(noteText)
    await dialog.reviewBy.fill(isoDay(now - DAY_MS)) // yesterday: due
    await dialog.save.click()
    await dialog.dialog.waitFor({ state: 'detached' })
    await writeNote(page, booking, 'Booking line on the website', isoDay(now + 30 * DAY_MS)) // not due yet

    const checkMarkers = async () => {
      await waitForText(keyRow(page, spare).note, 'Owned by Dana (front desk).')
      expect(await keyRow(page, spare).reviewDue.count()).toBe(1)
      await waitForText(keyRow(page, booking).note, 'Booking line on the website')
      expect(await keyRow(page, booking).reviewDue.count()).toBe(0)
      expect(await keyRow(page, spare).row.getAttribute('title')).toContain(`Review due: the note asks for a review by ${isoDay(now - DAY_MS)}.`)
      expect(await keyRow(page, booking).row.getAttribute('title')).toContain(`Review by ${isoDay(now + 30 * DAY_MS)}.`)
      await waitUntil(() => quickFilterTexts(page), (texts) => texts.includes('Review due 1'), '“Review due 1”')
      await chooseQuickFilter(page, 'Review due')
      await waitUntil(() => visibleKeyNames(page), (shown) => shown.join() === spare, 'only the key due for review')
      await chooseQuickFilter(page, 'All')
    }
    await checkMarkers()

    await app.restart()
    await waitForShownAccount(page, 'Harbor Dental')
    await waitForText(mainScreen(page).status, 'Updated just now')
    await checkMarkers()
    await keyRow(page, spare).notes.click()
    await dialog.dialog.waitFor()
    expect(await dialog.note.inputValue()).toBe(noteText)
    expect(await dialog.reviewBy.inputValue()).toBe(isoDay(now - DAY_MS))
    await dialog.remove.click()
    await dialog.dialog.waitFor({ state: 'detached' })
    await waitUntil(() => keyRow(page, spare).note.count(), (count) => count === 0, 'the note to go')
    expect(await keyRow(page, spare).reviewDue.count()).toBe(0)

    const rows = await readActivity(page)
    expect(rows.filter((r) => r.action.startsWith('Note')).map((r) => [r.action, r.key])).toEqual([
      ['Note removed', `${spare} (#${keys.find((k) => k.name === spare)!.id})`],
      ['Note changed', `${booking} (#${keys.find((k) => k.name === booking)!.id})`],
      ['Note changed', `${spare} (#${keys.find((k) => k.name === spare)!.id})`]
    ])
    // The log names the key, never the note's text.
    expect(JSON.stringify(rows)).not.toContain('Dana')
  })
})

describe('bulk delete', () => {
  it('deletes exactly a mixed selection (ticked with the mouse, Space, Shift and Ctrl+A on a filter), one DELETE per key; the activity log has one entry per key', async () => {
    const { app, page, account, keys, id } = await seeded(3)
    const stale = namesOf(keys, 'stale')
    // Ctrl+A on a filter ticks exactly what it shows.
    await chooseQuickFilter(page, 'Stale')
    await mainScreen(page).table.focus()
    await page.keyboard.press('Control+A')
    await waitUntil(() => selectedKeyNames(page), (names) => sorted(names).join() === sorted(stale).join(), 'the stale keys ticked')
    await writeNote(page, stale[0]!, 'Old widget, replaced in 2025', isoDay(Date.now() - DAY_MS))
    await waitForText(keyRow(page, stale[0]!).reviewDue, 'Review due')

    // The selection survives a change of filter.
    await chooseQuickFilter(page, 'All')
    await waitUntil(() => selectedKeyNames(page), (names) => sorted(names).join() === sorted(stale).join(), 'the selection kept under another filter')

    // The mouse, then Shift+click extends from it; Space ticks another from the keyboard.
    const neverUsed = namesOf(keys, 'never-used')
    const shown = await visibleKeyNames(page)
    const first = shown.indexOf(neverUsed[0]!)
    await keyRow(page, neverUsed[0]!).checkbox.click()
    const next = shown[first + 1]!
    await keyRow(page, next).checkbox.click({ modifiers: ['Shift'] })
    const newKey = namesOf(keys, 'new')[1]!
    await tickWithSpace(page, [newKey])
    const chosen = [...stale, neverUsed[0]!, next, newKey]
    await waitUntil(() => selectedKeyNames(page), (names) => sorted(names).join() === sorted(chosen).join(), 'the mixed selection')
    expect(chosen.length).toBe(6)
    expect(chosen).not.toContain('Sign-in key')

    const dialog = await openBulkDelete(page, 6)
    expect(await dialog.heading.textContent()).toBe('Delete 6 keys?')
    expect(sorted((await dialog.names.allTextContents()).map((t) => t.replace(/ \(ID \d+\)$/, '')))).toEqual(sorted(chosen))
    expect(await dialog.typeCount.count()).toBe(0) // fewer than ten: no number to type
    await expectNoSeriousA11yViolations(page, 'bulk delete confirmation')
    await dialog.confirm.click()
    await waitForText(dialog.summary, 'Deleted 6 of 6 keys.', 15_000)
    expect(sorted(await bulkResults(page))).toEqual(sorted(chosen.map((name) => `${name} (ID ${id(name)}): Deleted`)))
    await expectNoSeriousA11yViolations(page, 'bulk delete results')
    await dialog.close.click()
    await dialog.dialog.waitFor({ state: 'detached' })

    // The server saw exactly the selected DELETEs, once each; everything else is still there.
    const chosenIds = chosen.map(id)
    expect(sorted(deletedIds(deletesSeen()).map(String))).toEqual(sorted(chosenIds.map(String)))
    expect(deletesSeen().every((r) => r.status === 200)).toBe(true)
    const left = serverIds(account)
    expect(left.filter((k) => chosenIds.includes(k))).toEqual([])
    expect(left).toHaveLength(keys.length + 1 - 6)
    await waitUntil(() => visibleKeyNames(page), (names) => names.length === keys.length + 1 - 6, 'the list without them')
    expect(await selectedKeyNames(page)).toEqual([])
    // A deleted key loses its note (at the next list).
    await mainScreen(page).refresh.click()
    await waitUntil(() => Promise.resolve(Object.keys(app.preview.services.notes.of(accountIdFor(e2e.world.sandbox.baseUrl, account.email)))), (ids) => ids.length === 0, 'the deleted key’s note to go')

    const rows = await readActivity(page, { actionLabel: 'Key deleted (bulk)' })
    expect(sorted(rows.map((r) => `${r.key} ${r.outcome}`))).toEqual(sorted(chosen.map((name) => `${name} (#${id(name)}) Done`)))
  })

  it('cancelled half-way: requests in flight finish, none starts after; ten or more keys need their number typed; the app’s own key stays out unless ticked', async () => {
    const { app, page, account, keys, id } = await seeded(3) // 12 keys + the sign-in key
    // Every DELETE takes a while, so the batch is still running when Cancel is pressed.
    e2e.world.sandbox.faults.add({ method: 'DELETE', times: Infinity, fault: { type: 'latency', ms: 700 } })
    await mainScreen(page).table.focus()
    await page.keyboard.press('Control+A')
    await waitUntil(() => selectedKeyNames(page), (names) => names.length === 13, 'every key ticked')
    const dialog = await openBulkDelete(page, 13)
    // The own key is in the selection but out of the batch unless ticked on its own.
    expect(await dialog.heading.textContent()).toBe('Delete 12 keys?')
    expect(await dialog.includeOwnKey.isChecked()).toBe(false)
    expect(await dialog.names.allTextContents()).toHaveLength(11) // the first ten and "and 2 more"
    expect((await dialog.names.last().textContent())?.trim()).toBe('and 2 more')
    expect(await dialog.confirm.isEnabled()).toBe(false)
    await dialog.typeCount.fill('11')
    expect(await dialog.confirm.isEnabled()).toBe(false)
    await dialog.typeCount.fill('12')
    await dialog.confirm.click()

    await waitForText(dialog.counts, /^[1-9]\d* done · 0 failed · \d+ remaining$/, 15_000)
    expect(await dialog.progress.getAttribute('max')).toBe('12')
    await dialog.cancel.click()
    const summary = await waitForText(dialog.summary, /^Cancelled: \d+ keys? (was|were) deleted; \d+ not started\./, 15_000)
    const [, deletedText, notStartedText] = /^Cancelled: (\d+) keys? (?:was|were) deleted; (\d+) not started\./.exec(summary)!
    const deleted = Number(deletedText)
    const notStarted = Number(notStartedText)
    expect(deleted + notStarted).toBe(12)
    expect(notStarted).toBeGreaterThan(0)
    const results = await bulkResults(page)
    expect(results.filter((line) => line.endsWith(': Deleted'))).toHaveLength(deleted)
    expect(results.filter((line) => line.endsWith(': Not started (cancelled)'))).toHaveLength(notStarted)
    await dialog.close.click()
    await dialog.dialog.waitFor({ state: 'detached' })

    // Every DELETE sent was answered and counted; none went out after main was told to cancel
    // (the sandbox runs in this process: its arrival times and main's are on one clock); the own
    // key was never asked for.
    const cancelledAt = app.preview.requestLog.find((r) => r.channel === 'keys:cancel-batch')!.at
    const sent = deletesSeen()
    expect(sent).toHaveLength(deleted)
    expect(sent.every((r) => r.status === 200)).toBe(true)
    expect(sent.filter((r) => r.at > cancelledAt + 250)).toEqual([])
    const allIds = keys.map((k) => k.id)
    expect(deletedIds(sent).every((k) => allIds.includes(k))).toBe(true)
    const left = serverIds(account)
    expect(left).toHaveLength(13 - deleted)
    expect(left).toContain(Number(account.token.split('|')[0]))
    expect(await mainScreen(page).needsSignIn.count()).toBe(0)
    const notStartedNames = results.filter((line) => line.endsWith('(cancelled)')).map((line) => line.replace(/ \(ID \d+\): .*$/, ''))
    expect(notStartedNames.every((name) => left.includes(id(name)))).toBe(true)

    const rows = await readActivity(page, { actionLabel: 'Key deleted (bulk)' })
    expect(rows).toHaveLength(deleted)
    expect(rows.every((r) => r.outcome === 'Done')).toBe(true)
  })

  it('a 429 in the middle pauses the whole batch for its Retry-After, shows the wait, then finishes', async () => {
    const { page, account, keys, id } = await seeded(2)
    const chosen = keys.map((k) => k.name)
    const throttled = id(chosen[2]!)
    e2e.world.sandbox.faults.add({ method: 'DELETE', path: `/user/api-keys/${throttled}`, fault: { type: 'rate-limit', retryAfterSeconds: 3 } })
    // Slow enough that the batch is still going when the 429 comes back.
    e2e.world.sandbox.faults.add({ method: 'DELETE', times: Infinity, fault: { type: 'latency', ms: 300 } })
    await chooseQuickFilter(page, 'All')
    await tickWithSpace(page, chosen)
    const dialog = await openBulkDelete(page, 8)
    await dialog.confirm.click()
    await waitForText(dialog.pause, /^Pausing \d+ s to stay within the server's limit$/, 15_000)
    await expectNoSeriousA11yViolations(page, 'bulk delete paused by a 429')
    await waitForText(dialog.summary, 'Deleted 8 of 8 keys.', 20_000)
    await dialog.close.click()
    await dialog.dialog.waitFor({ state: 'detached' })

    const sent = deletesSeen()
    const limited = sent.find((r) => r.status === 429)!
    expect(limited.path).toBe(`/user/api-keys/${throttled}`)
    // Each selected key was deleted once; the throttled one was asked again after the wait.
    expect(sorted(deletedIds(sent.filter((r) => r.status === 200)).map(String))).toEqual(sorted(keys.map((k) => String(k.id))))
    expect(sent).toHaveLength(9)
    // Nothing started during the pause: after the requests already in flight, the next came once Retry-After had passed.
    const startedDuring = sent.filter((r) => r.at > limited.at + 500 && r.at < limited.at + 2_500)
    expect(startedDuring).toEqual([])
    expect(serverIds(account)).toEqual([Number(account.token.split('|')[0])])
    const rows = await readActivity(page, { actionLabel: 'Key deleted (bulk)' })
    expect(rows).toHaveLength(8)
    expect(rows.every((r) => r.outcome === 'Done')).toBe(true)
  })

  it('a 401 in the middle stops the batch and signs the account out, saying how many were deleted', async () => {
    const { page, account, accountId, keys, id } = await seeded(2)
    const chosen = keys.map((k) => k.name)
    const revokedAt = id(chosen[4]!)
    e2e.world.sandbox.faults.add({ method: 'DELETE', path: `/user/api-keys/${revokedAt}`, fault: { type: 'unauthenticated' } })
    e2e.world.sandbox.faults.add({ method: 'DELETE', times: Infinity, fault: { type: 'latency', ms: 200 } })
    await tickWithSpace(page, chosen)
    const dialog = await openBulkDelete(page, 8)
    await dialog.confirm.click()
    const summary = await waitForText(dialog.summary, /^Stopped: the server no longer accepts this account’s credential, so the account was signed out\. \d+ keys? (was|were) deleted before that\./, 15_000)
    const deleted = Number(/(\d+) keys? (?:was|were) deleted before that/.exec(summary)![1])
    const results = await bulkResults(page)
    expect(results.filter((line) => line.endsWith(': Deleted'))).toHaveLength(deleted)
    expect(results.find((line) => line.startsWith(`${chosen[4]} (ID ${revokedAt}): Failed`))).toBeTruthy()
    await dialog.close.click()
    await dialog.dialog.waitFor({ state: 'detached' })

    // Signed out: the window says so, and the keychain entry is gone.
    await waitForText(mainScreen(page).needsSignIn, SHARED_MESSAGES.credentialRevoked)
    expect(await e2eVault().get(accountId)).toBeNull()
    // The server: exactly the keys reported deleted are gone; no DELETE outside the selection.
    const sent = deletesSeen()
    const selectedIds = keys.map((k) => k.id)
    expect(deletedIds(sent).every((k) => selectedIds.includes(k))).toBe(true)
    const gone = selectedIds.filter((k) => !serverIds(account).includes(k))
    expect(gone).toHaveLength(deleted)
    expect(sorted(deletedIds(sent.filter((r) => r.status === 200)).map(String))).toEqual(sorted(gone.map(String)))

    const rows = await readActivity(page, { actionLabel: 'Key deleted (bulk)' })
    expect(rows.filter((r) => r.outcome === 'Done')).toHaveLength(deleted)
    expect(rows.filter((r) => r.outcome.startsWith('Failed (unauthenticated)')).map((r) => r.key)).toEqual([`${chosen[4]} (#${revokedAt})`])
  })

  it('the app’s own key: left out unless ticked in the dialog; ticked and its name typed, it goes last and the account signs out', async () => {
    const { page, account, accountId, keys, id } = await seeded()
    const ownId = Number(account.token.split('|')[0])
    const [a, b, c] = keys.map((k) => k.name)

    // Selected with two others, not ticked in the dialog: the two go, the app keeps its key.
    await tickWithSpace(page, ['Sign-in key', a!, b!])
    let dialog = await openBulkDelete(page, 3)
    expect(await dialog.heading.textContent()).toBe('Delete 2 keys?')
    await dialog.confirm.click()
    await waitForText(dialog.summary, 'Deleted 2 of 2 keys.')
    await dialog.close.click()
    await dialog.dialog.waitFor({ state: 'detached' })
    expect(sorted(deletedIds(deletesSeen()).map(String))).toEqual(sorted([id(a!), id(b!)].map(String)))
    expect(serverIds(account)).toContain(ownId)
    expect(await e2eVault().get(accountId)).toBe(account.token)

    // Ticked, and its name typed: deleted last, and the account signs out.
    e2e.world.sandbox.resetRequests()
    await waitUntil(() => visibleKeyNames(page), (names) => !names.includes(a!), 'the list without the first two')
    await tickWithSpace(page, [c!])
    if (!(await selectedKeyNames(page)).includes('Sign-in key')) await tickWithSpace(page, ['Sign-in key'])
    dialog = await openBulkDelete(page, 2)
    expect(await dialog.heading.textContent()).toBe('Delete 1 key?')
    await dialog.includeOwnKey.check()
    await waitForText(dialog.dialog, 'This is the key Autocalls Keys signs in with. Deleting it signs the app out.')
    expect(await dialog.confirm.isEnabled()).toBe(false)
    await dialog.typeName.fill('Sign-in')
    expect(await dialog.confirm.isEnabled()).toBe(false)
    await dialog.typeName.fill('Sign-in key')
    await expectNoSeriousA11yViolations(page, 'bulk delete with the app’s own key')
    await dialog.confirm.click()
    await waitForText(dialog.summary, 'The key this app signed in with was deleted, so the account is signed out.', 15_000)
    await dialog.close.click()
    await dialog.dialog.waitFor({ state: 'detached' })
    expect(deletesSeen().map((r) => r.path)).toEqual([`/user/api-keys/${id(c!)}`, `/user/api-keys/${ownId}`])
    await mainScreen(page).needsSignIn.waitFor()
    expect(await e2eVault().get(accountId)).toBeNull()
    expect(await useKey(e2e.world.sandbox.baseUrl, account.token)).toBe(401)

    const rows = await readActivity(page, { actionLabel: 'Key deleted (bulk)' })
    expect(rows.map((r) => r.key)).toEqual(expect.arrayContaining([`Sign-in key (#${ownId})`, `${c} (#${id(c!)})`]))
    expect(rows).toHaveLength(4)
  })
})

describe('README', () => {
  it('a filtered list with state markers, a note due for review and a selection (resources/screenshots/hygiene-filtered.png)', async () => {
    const account = e2e.world.newAccount({ name: 'Harbor Dental', email: 'frontdesk@harbor-dental.example' })
    const now = Date.now()
    const specs = [
      { name: 'Website chat widget', createdAt: now - 400 * DAY_MS, lastUsedAt: now - 120 * DAY_MS },
      { name: 'Website booking form', createdAt: now - 200 * DAY_MS, lastUsedAt: now - 2 * 3_600_000 },
      { name: 'Website contact form (old)', createdAt: now - 45 * DAY_MS, lastUsedAt: null },
      { name: 'Website A/B test', createdAt: now - 2 * DAY_MS, lastUsedAt: null },
      { name: 'CRM sync', createdAt: now - 300 * DAY_MS, lastUsedAt: now - DAY_MS },
      { name: 'Zapier integration', createdAt: now - 500 * DAY_MS, lastUsedAt: now - 200 * DAY_MS },
      { name: 'Call center dialer', createdAt: now - 90 * DAY_MS, lastUsedAt: now - 600_000 }
    ]
    for (const spec of specs) e2e.world.sandbox.seedKey(account.token, spec)
    const app = await e2e.world.freshApp()
    const { page } = app
    await signIn(page, { baseUrl: e2e.world.sandbox.baseUrl, apiKey: account.token })
    await waitUntil(() => visibleKeyNames(page), (names) => names.length === specs.length + 1, 'the keys')
    await writeNote(page, 'Website chat widget', 'Old site; the new widget uses “Website booking form”', isoDay(now - DAY_MS))
    await mainScreen(page).filter.fill('Website')
    await waitUntil(() => quickFilterTexts(page), (texts) => texts.join() === 'All 4,In use 1,Stale 1,Never used 1,Review due 1,This app 0', 'the counts among “Website”')
    await keyRow(page, 'Website chat widget').checkbox.check()
    await keyRow(page, 'Website contact form (old)').checkbox.check()
    await waitForText(selectionBar(page).count, '2 selected')
    expect(await rowStates(page)).toEqual({
      'Website A/B test': 'New',
      'Website contact form (old)': 'Never used',
      'Website booking form': 'In use',
      'Website chat widget': 'Stale'
    })
    await waitForText(mainScreen(page).status, 'Updated just now')
    await page.mouse.move(0, 0)
    await readmeScreenshot(page, 'hygiene-filtered.png', { width: 1280, height: 480 })
    await expectNoSeriousA11yViolations(page, 'a filtered list with a selection')
  })
})

describe('exports', () => {
  it('exports the keys and the activity log as CSV and JSON downloads that parse back to what the app shows, with formulas neutralised and no token inside', async () => {
    const account = e2e.world.newAccount({ name: 'Harbor Dental' })
    const keys = seedEveryState(e2e.world.sandbox, account.token)
    const now = Date.now()
    // Names a server accepts and a spreadsheet would trip over.
    const tricky = [
      '=HYPERLINK("http://evil.example","click")',
      'Front desk, "main" line',
      '@SUM(A1:A9)',
      'مفتاح الحجز 🔑'
    ].map((name) => ({ name, ...e2e.world.sandbox.seedKey(account.token, { name, createdAt: now - 3 * DAY_MS, lastUsedAt: null }) }))
    const app = await e2e.world.freshApp()
    const { page } = app
    await signIn(page, { baseUrl: e2e.world.sandbox.baseUrl, apiKey: account.token })
    await waitUntil(() => visibleKeyNames(page), (names) => names.length === keys.length + tricky.length + 1, 'the keys')
    const note = '+1 555 0100 — the clinic\'s line, "urgent" only,\nsecond line'
    await writeNote(page, tricky[1]!.name, note, '2027-01-15')

    const tokens = [account.token, ...keys.map((k) => k.token), ...tricky.map((k) => k.token)]
    const expectNoToken = (text: string, what: string) => {
      for (const token of tokens) {
        expect(text.includes(token), `${what} holds a token`).toBe(false)
        expect(text.includes(token.split('|')[1]!), `${what} holds a token's secret`).toBe(false)
      }
    }
    const listed = e2e.world.sandbox.listKeysOf(account.token)

    // Keys, CSV: RFC 4180 with a BOM, one row per key, formula-like cells escaped.
    const keysCsv = await captureDownload(page, () => chooseFromAccountMenu(page, 'exportCsv'))
    expect(keysCsv.fileName).toMatch(/^autocalls-keys-.+-\d{4}-\d{2}-\d{2}\.csv$/)
    expectNoToken(keysCsv.text, 'the keys CSV')
    expect(keysCsv.text.startsWith('\ufeff')).toBe(true)
    const csvRows = readCsvObjects(keysCsv.text.slice(1))
    expect(readCsv(keysCsv.text.slice(1))[0]).toEqual(['ID', 'Name', 'Created (UTC)', 'Last used (UTC)', 'State', 'Note', 'Review by', 'This app'])
    expect(sorted(csvRows.map((r) => r['ID']!))).toEqual(sorted(listed.map((k) => String(k.id))))
    const unescape = (cell: string) => (/^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell)
    for (const row of csvRows) {
      const key = listed.find((k) => String(k.id) === row['ID'])!
      expect(unescape(row['Name']!)).toBe(key.name)
      expect(sameInstant(row['Created (UTC)']!, key.created_at)).toBe(true)
      if (key.last_used_at === null) expect(row['Last used (UTC)']).toBe('never')
      else expect(sameInstant(row['Last used (UTC)']!, key.last_used_at)).toBe(true)
      expect(row['This app']).toBe(key.name === 'Sign-in key' ? 'yes' : 'no')
      const seededKey = keys.find((k) => k.id === key.id)
      if (seededKey) expect(row['State']).toBe(STATE_WORDS[seededKey.state])
    }
    const byName = (name: string) => csvRows.find((r) => unescape(r['Name']!) === name)!
    expect(byName(tricky[0]!.name)['Name']).toBe(`'${tricky[0]!.name}`)
    expect(byName(tricky[2]!.name)['Name']).toBe(`'${tricky[2]!.name}`)
    expect(byName(tricky[1]!.name)['Name']).toBe(tricky[1]!.name)
    expect(byName(tricky[3]!.name)['Name']).toBe(tricky[3]!.name)
    expect(byName(tricky[1]!.name)['Note']).toBe(`'${note}`)
    expect(byName(tricky[1]!.name)['Review by']).toBe('2027-01-15')
    // No cell a spreadsheet would run.
    expect(csvRows.flatMap((r) => Object.values(r)).filter((cell) => /^[=+\-@\t\r]/.test(cell))).toEqual([])

    // Keys, JSON: the same keys, states and notes.
    const keysJson = await captureDownload(page, () => chooseFromAccountMenu(page, 'exportJson'))
    expect(keysJson.fileName).toMatch(/\.json$/)
    expectNoToken(keysJson.text, 'the keys JSON')
    const document = JSON.parse(keysJson.text) as { format: string; version: number; keys: Array<Record<string, unknown>> }
    expect(document.format).toBe('autocalls-keys/keys')
    expect(document.version).toBe(1)
    expect(sorted(document.keys.map((k) => String(k['id'])))).toEqual(sorted(listed.map((k) => String(k.id))))
    for (const key of document.keys) {
      const server = listed.find((k) => k.id === key['id'])!
      expect(key['name']).toBe(server.name)
      expect(sameInstant(key['createdAt'] as string, server.created_at)).toBe(true)
      expect(key['lastUsedAt'] === null ? server.last_used_at === null : sameInstant(key['lastUsedAt'] as string, server.last_used_at!)).toBe(true)
      const seededKey = keys.find((k) => k.id === key['id'])
      if (seededKey) expect(key['state']).toBe(seededKey.state)
    }
    expect(document.keys.find((k) => k['name'] === tricky[1]!.name)).toMatchObject({ note, reviewBy: '2027-01-15', isAppKey: false })
    expect(document.keys.find((k) => k['name'] === 'Sign-in key')).toMatchObject({ isAppKey: true, state: 'in-use', note: '', reviewBy: null })

    // The activity log, both formats, from its screen: what the screen lists.
    await readActivity(page)
    const shown = await app.preview.services.activity.log.read({ limit: 1000, includeArchive: true })
    const activityCsv = await captureDownload(page, () => activityScreen(page).exportCsv.click())
    expect(activityCsv.fileName).toMatch(/^autocalls-activity-.+\.csv$/)
    expectNoToken(activityCsv.text, 'the activity CSV')
    const entries = readCsvObjects(activityCsv.text.replace(/^\ufeff/, ''))
    expect(entries.map((e) => [e['Action'], e['Key name'] === '' ? null : unescape(e['Key name']!), e['Outcome']])).toEqual(
      shown.entries.map((e) => [ACTIVITY_ACTION_LABELS[e.action], e.keyName, e.outcome])
    )
    expect(entries.map((e) => e['Action'])).toEqual(expect.arrayContaining(['Signed in', 'Note changed']))
    const activityJson = await captureDownload(page, () => activityScreen(page).exportJson.click())
    expectNoToken(activityJson.text, 'the activity JSON')
    const log = JSON.parse(activityJson.text) as { format: string; entries: Array<{ id: string; action: string; keyName: string | null; outcome: string }> }
    expect(log.format).toBe('autocalls-keys/activity')
    expect(log.entries.map((e) => [e.id, e.action, e.keyName, e.outcome])).toEqual(shown.entries.map((e) => [e.id, e.action, e.keyName, e.outcome]))
    expect(log.entries.find((e) => e.action === 'note-changed')?.keyName).toBe(tricky[1]!.name)
  })
})
