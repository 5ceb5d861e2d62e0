/**
 * The activity log screen (newest first, filters by account and action, key names kept, "Load
 * more", exports) and the key export from the account header and the menu.
 */
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ACTIVITY_PAGE_SIZE } from '../../src/renderer/src/screens/ActivityScreen'
import type { ActivityEntry } from '../../src/shared/activity'
import { accountLabel, type AccountView } from '../../src/shared/domain'
import { ADA, createFakeApi, GRACE, makeKeys, ok, type FakeApi } from './fake-api'
import { accountHeader, renderApp, switcher, waitForListSettled } from './render-app'

let counter = 0
const entry = (account: AccountView, overrides: Partial<ActivityEntry> = {}): ActivityEntry => ({
  type: 'entry',
  v: 1,
  id: `e-${++counter}`,
  at: new Date(Date.now() - counter * 60_000).toISOString(),
  accountId: account.id,
  accountLabel: accountLabel(account),
  action: 'key-create',
  keyId: 5,
  keyName: 'CRM',
  relatedKeyId: null,
  outcome: 'ok',
  errorKind: null,
  detail: null,
  source: 'app',
  ...overrides
})

function fakeWithLog(activity: ActivityEntry[]): FakeApi {
  const fake = createFakeApi({ accounts: [{ account: ADA, keys: makeKeys(2) }, { account: GRACE, keys: [] }] })
  fake.model.activity = activity
  return fake
}

async function openActivity(fake: FakeApi) {
  const rendered = await renderApp(fake)
  await waitForListSettled()
  await rendered.user.click(within(switcher()).getByRole('button', { name: /Activity log/ }))
  const table = await screen.findByRole('table', { name: 'Activity entries' })
  return { ...rendered, table }
}

const rowsOf = (table: HTMLElement) => within(table).getAllByRole('row').slice(1)
const cellsOf = (row: HTMLElement) => within(row).getAllByRole('cell').map((cell) => cell.textContent)

describe('the activity screen', () => {
  afterEach(() => {
    vi.restoreAllMocks()
  })

  it('lists entries newest first with the key’s name as it was, and names the screen in the title', async () => {
    const fake = fakeWithLog([
      entry(ADA, { action: 'rotation-finished', keyId: 12, keyName: 'Old CRM', relatedKeyId: 101, detail: 'state: safe-to-finish' }),
      entry(GRACE, { action: 'key-delete', keyId: 3, keyName: 'Gone key', outcome: 'failed', errorKind: 'network', detail: 'Could not reach the server.' })
    ])
    const { table } = await openActivity(fake)
    const [first, second] = rowsOf(table)
    expect(cellsOf(first!).slice(1)).toEqual(['ada@example.com on app.autocalls.ai', 'Rotation finished', 'Old CRM (#12) · with #101', 'Donestate: safe-to-finish'])
    expect(cellsOf(second!).slice(1)).toEqual(['grace@client.example on voice.agency.example', 'Key deleted', 'Gone key (#3)', 'Failed (network)Could not reach the server.'])
    expect(document.title).toBe('Activity log — Autocalls Keys')
    expect(fake.calls('activity.list')[0]).toEqual([{ limit: ACTIVITY_PAGE_SIZE }])
  })

  it('names a key by its id when the entry has no name, and shows a dash without a key', async () => {
    const fake = fakeWithLog([entry(ADA, { action: 'sign-in', keyId: 4, keyName: null }), entry(ADA, { action: 'account-removed', keyId: null, keyName: null })])
    const { table } = await openActivity(fake)
    expect(rowsOf(table).map((row) => cellsOf(row)[3])).toEqual(['#4', '—'])
  })

  it('filters by account and by action (asked of main, which reads the log)', async () => {
    const fake = fakeWithLog([entry(ADA, { action: 'key-create' }), entry(GRACE, { action: 'key-create' }), entry(ADA, { action: 'note-changed', keyName: 'Noted' })])
    const { user, table } = await openActivity(fake)
    expect(rowsOf(table)).toHaveLength(3)
    await user.selectOptions(screen.getByRole('combobox', { name: 'Account' }), accountLabel(ADA))
    await waitFor(() => expect(rowsOf(screen.getByRole('table', { name: 'Activity entries' }))).toHaveLength(2))
    await user.selectOptions(screen.getByRole('combobox', { name: 'Action' }), 'Note changed')
    await waitFor(() => expect(rowsOf(screen.getByRole('table', { name: 'Activity entries' }))).toHaveLength(1))
    expect(fake.calls('activity.list').at(-1)).toEqual([{ accountId: ADA.id, action: 'note-changed', limit: ACTIVITY_PAGE_SIZE }])
    expect(screen.getByText('Noted (#5)')).toBeTruthy()
    await user.selectOptions(screen.getByRole('combobox', { name: 'Account' }), accountLabel(GRACE))
    expect(await screen.findByText('No entries match these filters.')).toBeTruthy()
  })

  it('"Load more" asks for the next page', async () => {
    const fake = fakeWithLog(Array.from({ length: ACTIVITY_PAGE_SIZE + 5 }, () => entry(ADA)))
    const { user, table } = await openActivity(fake)
    expect(rowsOf(table)).toHaveLength(ACTIVITY_PAGE_SIZE)
    await user.click(screen.getByRole('button', { name: 'Load more' }))
    await waitFor(() => expect(rowsOf(screen.getByRole('table', { name: 'Activity entries' }))).toHaveLength(ACTIVITY_PAGE_SIZE + 5))
    expect(fake.calls('activity.list').at(-1)).toEqual([{ limit: 2 * ACTIVITY_PAGE_SIZE }])
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull()
  })

  it('says how many damaged lines were skipped', async () => {
    const fake = fakeWithLog([entry(ADA)])
    fake.always('activity.list', ok({ entries: [entry(ADA)], more: false, damagedLines: 2, unrecognisedLines: 0, cut: null }))
    await openActivity(fake)
    expect(screen.getByText('2 damaged lines were skipped.')).toBeTruthy()
  })

  it('exports as a download in the browser preview (the content main made, as a file)', async () => {
    const fake = fakeWithLog([entry(ADA)])
    const created: Blob[] = []
    vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      created.push(blob as Blob)
      return 'blob:activity'
    })
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined)
    const clicked: Array<{ download: string; href: string }> = []
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push({ download: this.download, href: this.href })
    })
    const { user } = await openActivity(fake)
    await user.selectOptions(screen.getByRole('combobox', { name: 'Account' }), accountLabel(ADA))
    await user.click(screen.getByRole('button', { name: 'Export JSON…' }))
    expect((await screen.findByText('Downloaded activity.json')).closest('[role="status"]')).toBeTruthy()
    expect(fake.calls('export.activity')).toEqual([[{ format: 'json', accountId: ADA.id }]])
    expect(clicked).toEqual([{ download: 'activity.json', href: 'blob:activity' }])
    expect(created[0]?.type).toBe('application/json')
    expect(JSON.parse(await created[0]!.text())).toEqual(fake.model.activity)
    expect(document.querySelector('a[download]')).toBeNull()
  })

  it('says where main saved the file, and nothing when the save dialog was cancelled', async () => {
    const fake = fakeWithLog([entry(ADA)])
    fake.next('export.activity', ok({ outcome: 'cancelled' }))
    fake.next('export.activity', ok({ outcome: 'saved', path: '/home/ada/activity.csv' }))
    const { user } = await openActivity(fake)
    await user.click(screen.getByRole('button', { name: 'Export CSV…' }))
    await waitFor(() => expect(fake.callCount('export.activity')).toBe(1))
    expect(screen.queryByText(/Saved to|Downloaded/)).toBeNull()
    await user.click(screen.getByRole('button', { name: 'Export CSV…' }))
    expect(await screen.findByText('Saved to /home/ada/activity.csv')).toBeTruthy()
    expect(fake.calls('export.activity')).toEqual([[{ format: 'csv' }], [{ format: 'csv' }]])
  })

  it('opens with Ctrl+Shift+L and with the menu command; an account in the switcher goes back to its keys', async () => {
    const fake = fakeWithLog([entry(ADA)])
    const { user } = await renderApp(fake)
    await waitForListSettled()
    expect(fireEvent.keyDown(window, { key: 'L', ctrlKey: true, shiftKey: true })).toBe(false)
    expect(await screen.findByRole('table', { name: 'Activity entries' })).toBeTruthy()
    await user.click(within(switcher()).getByRole('button', { name: /^Ada Lovelace/ }))
    expect(screen.queryByRole('table', { name: 'Activity entries' })).toBeNull()
    act(() => fake.emitMenuCommand('show-activity'))
    expect(await screen.findByRole('table', { name: 'Activity entries' })).toBeTruthy()
  })
})

describe('exporting keys', () => {
  it('from the header’s menu, as JSON or CSV, saying where it went', async () => {
    const fake = createFakeApi({ accounts: [{ account: ADA, keys: makeKeys(2) }] })
    fake.next('export.keys', ok({ outcome: 'saved', path: '/home/ada/keys.json' }))
    const { user } = await renderApp(fake)
    await waitForListSettled()
    await user.click(within(accountHeader()).getByRole('button', { name: 'More' }))
    await user.click(await within(accountHeader()).findByRole('button', { name: 'Export keys as JSON…' }))
    expect(await screen.findByText('Saved to /home/ada/keys.json')).toBeTruthy()
    expect(fake.calls('export.keys')).toEqual([[{ accountId: ADA.id, format: 'json' }]])
    // The menu closed and focus went back to its button.
    expect(within(accountHeader()).getByRole('button', { name: 'More' }).getAttribute('aria-expanded')).toBe('false')
    expect(document.activeElement).toBe(within(accountHeader()).getByRole('button', { name: 'More' }))
  })

  it('from the app menu (export-keys), for the account it names', async () => {
    const fake = createFakeApi({ accounts: [{ account: ADA, keys: makeKeys(2) }, { account: GRACE, keys: [] }] })
    fake.next('export.keys', ok({ outcome: 'saved', path: '/tmp/grace.csv' }))
    await renderApp(fake)
    await waitForListSettled()
    act(() => fake.emitMenuCommand('export-keys', GRACE.id))
    expect(await screen.findByText('Saved to /tmp/grace.csv')).toBeTruthy()
    expect(fake.calls('export.keys')).toEqual([[{ accountId: GRACE.id, format: 'csv' }]])
  })

  it('says why an export failed', async () => {
    const fake = createFakeApi({ accounts: [{ account: ADA, keys: makeKeys(2) }] })
    fake.failNext('export.keys', { kind: 'internal', message: 'The file could not be written (disk full).' })
    await renderApp(fake)
    await waitForListSettled()
    act(() => fake.emitMenuCommand('export-keys'))
    expect(await screen.findByText('Could not export: The file could not be written (disk full).')).toBeTruthy()
  })
})
