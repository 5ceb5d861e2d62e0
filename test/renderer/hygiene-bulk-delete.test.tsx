/**
 * The bulk delete dialog: what it asks (names, the typed count, the app's own key rule), the batch
 * as it runs (progress, the rate-limit pause, cancel) and how it ends (a result per key, failed
 * keys still selected, rows gone, a 401 that signs the account out).
 */
import { act, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import type { BulkDeleteResult, KeyListItem } from '../../src/shared/domain'
import { ADA, createFakeApi, isoAgo, makeKey, ok, SHARED_MESSAGES, type FakeApi } from './fake-api'
import { checkboxOf, DAY, quickFilter, rowOf, selectionText, tickedNames } from './hygiene-helpers'
import { renderApp, rowNames, waitForListSettled } from './render-app'

/** K1 … K14 (K14 newest), and "Desktop", this app's own key. */
const keys = (): KeyListItem[] => [
  ...Array.from({ length: 14 }, (_, i) => makeKey(i + 1, { name: `K${i + 1}`, createdAt: isoAgo((100 - i) * DAY), lastUsedAt: isoAgo(120 * DAY) })),
  makeKey(20, { name: 'Desktop', createdAt: isoAgo(5 * DAY), lastUsedAt: isoAgo(60_000), isAppKey: true })
]

async function setup(fake: FakeApi = createFakeApi({ accounts: [{ account: ADA, keys: keys() }] })) {
  const rendered = await renderApp(fake)
  await waitForListSettled()
  return rendered
}
type User = Awaited<ReturnType<typeof setup>>['user']

async function tick(user: User, ...names: string[]) {
  for (const name of names) await user.click(checkboxOf(name))
}
async function openBulkDelete(user: User, count: number) {
  await user.click(screen.getByRole('button', { name: `Delete ${count === 1 ? '1 key' : `${count} keys`}…` }))
  return screen.findByRole('dialog', { name: /^Delete / })
}
const listedNames = (dialog: HTMLElement) => within(within(dialog).getByRole('list', { name: 'Keys to delete' })).getAllByRole('listitem').map((item) => item.textContent)
const results = (dialog: HTMLElement) => within(within(dialog).getByRole('list', { name: 'Result per key' })).getAllByRole('listitem').map((item) => item.textContent)

describe('bulk delete: asking', () => {
  it('names the first ten keys and how many more, asks for the number from ten keys on, and deletes exactly those', async () => {
    const { user, fake } = await setup()
    await user.click(quickFilter('Stale 14'))
    // Twelve of the fourteen stale keys: all shown, then two unticked.
    rowOf('K14').focus()
    await user.keyboard('{Control>}a{/Control}')
    await tick(user, 'K1', 'K2')
    const dialog = await openBulkDelete(user, 12)
    expect(within(dialog).getByRole('heading', { name: 'Delete 12 keys?' })).toBeTruthy()
    expect(dialog.textContent).toContain('From ada@example.com on app.autocalls.ai')
    expect(listedNames(dialog)).toEqual([...[14, 13, 12, 11, 10, 9, 8, 7, 6, 5].map((id) => `K${id} (ID ${id})`), 'and 2 more'])
    const remove = within(dialog).getByRole<HTMLButtonElement>('button', { name: 'Delete 12 keys' })
    expect(remove.disabled).toBe(true)
    const typed = within(dialog).getByRole('textbox', { name: 'Type 12 to confirm' })
    await user.type(typed, '11')
    expect(remove.disabled).toBe(true)
    await user.clear(typed)
    await user.type(typed, '12')
    expect(remove.disabled).toBe(false)
    await user.click(remove)
    await within(dialog).findByRole('heading', { name: 'Bulk delete finished' })
    const [request] = fake.calls('keys.bulkDelete')[0]!
    expect(request).toMatchObject({ accountId: ADA.id, includeOwnKey: false })
    expect([...request.ids].sort((a, b) => a - b)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14])
    expect(typeof request.batchId).toBe('string')
    expect(within(dialog).getByRole('status').textContent).toBe('Deleted 12 of 12 keys.')
    expect(results(dialog)).toHaveLength(12)
    expect(results(dialog)[0]).toBe('K14 (ID 14): Deleted')
    await user.click(within(dialog).getByRole('button', { name: 'Close' }))
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
    expect(rowNames()).toEqual(['K2', 'K1'])
    expect(selectionText()).toBe('')
  })

  it('below ten keys asks once without a typed number; Cancel deletes nothing', async () => {
    const { user, fake } = await setup()
    await tick(user, 'K3', 'K4')
    const dialog = await openBulkDelete(user, 2)
    expect(within(dialog).queryByRole('textbox')).toBeNull()
    // In the order shown (newest first).
    expect(listedNames(dialog)).toEqual(['K4 (ID 4)', 'K3 (ID 3)'])
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }))
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }))
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
    expect(fake.callCount('keys.bulkDelete')).toBe(0)
    expect(tickedNames()).toEqual(['K4', 'K3'])
  })

  it('leaves the app\'s own key out unless it is ticked on purpose', async () => {
    const { user, fake } = await setup()
    await tick(user, 'Desktop', 'K3', 'K4')
    const dialog = await openBulkDelete(user, 3)
    expect(within(dialog).getByRole('heading', { name: 'Delete 2 keys?' })).toBeTruthy()
    expect(listedNames(dialog)).toEqual(['K4 (ID 4)', 'K3 (ID 3)'])
    const own = within(dialog).getByRole<HTMLInputElement>('checkbox', { name: /^Also delete “Desktop”/ })
    expect(own.closest('label')?.textContent).toBe('Also delete “Desktop”, the key this app signs in with')
    expect(own.checked).toBe(false)
    await user.click(within(dialog).getByRole('button', { name: 'Delete 2 keys' }))
    await within(dialog).findByRole('heading', { name: 'Bulk delete finished' })
    expect(fake.calls('keys.bulkDelete')[0]![0]).toMatchObject({ ids: [4, 3], includeOwnKey: false })
    await user.click(within(dialog).getByRole('button', { name: 'Close' }))
    expect(rowNames()).toContain('Desktop')
    expect(screen.queryByText('Signed out of this account')).toBeNull()
  })

  it('the own key, ticked and its name typed, is deleted last and the account signs out', async () => {
    const { user, fake } = await setup()
    await tick(user, 'Desktop', 'K3')
    const dialog = await openBulkDelete(user, 2)
    await user.click(within(dialog).getByRole('checkbox', { name: /^Also delete “Desktop”/ }))
    expect(within(dialog).getByRole('heading', { name: 'Delete 2 keys?' })).toBeTruthy()
    expect(dialog.textContent).toContain('This is the key Autocalls Keys signs in with. Deleting it signs the app out.')
    expect(listedNames(dialog)).toEqual(['K3 (ID 3)', 'Desktop (ID 20)'])
    const remove = within(dialog).getByRole<HTMLButtonElement>('button', { name: 'Delete 2 keys' })
    expect(remove.disabled).toBe(true)
    const name = within(dialog).getByRole('textbox', { name: 'Type the key name to confirm' })
    await user.type(name, 'desktop')
    expect(remove.disabled).toBe(true)
    await user.clear(name)
    await user.type(name, 'Desktop')
    await user.click(remove)
    await within(dialog).findByRole('heading', { name: 'Bulk delete finished' })
    expect(fake.calls('keys.bulkDelete')[0]![0]).toMatchObject({ ids: [3, 20], includeOwnKey: true })
    expect(within(dialog).getByRole('status').textContent).toContain('The key this app signed in with was deleted, so the account is signed out.')
    await user.click(within(dialog).getByRole('button', { name: 'Close' }))
    expect(await screen.findByText('Signed out of this account')).toBeTruthy()
  })

  it('with only the own key selected, nothing can be deleted until it is ticked', async () => {
    const { user } = await setup()
    await tick(user, 'Desktop')
    const dialog = await openBulkDelete(user, 1)
    expect(within(dialog).getByRole('heading', { name: 'Delete the key this app signs in with?' })).toBeTruthy()
    expect(dialog.textContent).toContain('Only the key this app signs in with is selected. Tick it below to delete it.')
    expect((within(dialog).getByRole<HTMLButtonElement>('button', { name: 'Delete 0 keys' })).disabled).toBe(true)
  })
})

describe('bulk delete: running and its end', () => {
  it('shows progress and the rate-limit pause, cancels on request, and keeps the keys not started selected', async () => {
    const { user, fake } = await setup()
    await tick(user, 'K1', 'K2', 'K3')
    const dialog = await openBulkDelete(user, 3)
    const batch = fake.defer('keys.bulkDelete')
    await user.click(within(dialog).getByRole('button', { name: 'Delete 3 keys' }))
    const [request] = await batch.called
    const progress = (done: number, failed: number, pausedUntil: string | null) =>
      act(() =>
        fake.emit('batchProgress', {
          accountId: ADA.id,
          batchId: request.batchId,
          total: 3,
          done,
          failed,
          remaining: 3 - done - failed,
          pausedUntil,
          pauseReason: pausedUntil ? 'rate-limited' : null
        })
      )
    // Another batch's progress is not this one's.
    act(() => fake.emit('batchProgress', { accountId: ADA.id, batchId: 'other', total: 9, done: 9, failed: 0, remaining: 0, pausedUntil: null, pauseReason: null }))
    const bar = dialog.querySelector('progress')!
    expect(bar.getAttribute('max')).toBe('3')
    expect(bar.getAttribute('value')).toBe('0')
    expect(within(dialog).getByText('0 done · 0 failed · 3 remaining')).toBeTruthy()
    progress(1, 0, new Date(Date.now() + 30_000).toISOString())
    expect(bar.getAttribute('value')).toBe('1')
    expect(within(dialog).getByText('1 done · 0 failed · 2 remaining')).toBeTruthy()
    expect(within(dialog).getByText("Pausing 30 s to stay within the server's limit")).toBeTruthy()
    // Not dismissible while it runs.
    await user.keyboard('{Escape}')
    expect(screen.getByRole('dialog', { name: 'Delete 3 keys?' })).toBe(dialog)
    progress(1, 0, null)
    expect(within(dialog).queryByText(/^Pausing/)).toBeNull()
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }))
    expect(fake.calls('keys.cancelBatch')).toEqual([[{ batchId: request.batchId }]])
    expect((within(dialog).getByRole<HTMLButtonElement>('button', { name: 'Cancelling…' })).disabled).toBe(true)
    expect(dialog.textContent).toContain('Stopping: requests already sent finish, no others start.')
    const result: BulkDeleteResult = {
      accountId: ADA.id,
      batchId: request.batchId,
      ended: 'cancelled',
      signedOut: false,
      items: [
        { id: 1, name: 'K1', outcome: 'deleted', error: null },
        { id: 2, name: 'K2', outcome: 'skipped', error: null },
        { id: 3, name: 'K3', outcome: 'skipped', error: null }
      ]
    }
    await act(async () => batch.resolve(ok(result)))
    await within(dialog).findByRole('heading', { name: 'Bulk delete finished' })
    expect(within(dialog).getByRole('status').textContent).toBe('Cancelled: 1 key was deleted; 2 not started.')
    expect(results(dialog)).toEqual(['K1 (ID 1): Deleted', 'K2 (ID 2): Not started (cancelled)', 'K3 (ID 3): Not started (cancelled)'])
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Close' }))
    await user.keyboard('{Escape}')
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
    expect(rowNames()).not.toContain('K1')
    expect(tickedNames()).toEqual(['K3', 'K2'])
  })

  it('ends with a result per key; failed keys stay selected, deleted and already-gone rows leave the list', async () => {
    const fake = createFakeApi({ accounts: [{ account: ADA, keys: keys() }] })
    fake.next('keys.bulkDelete', ({ accountId, batchId }) =>
      ok({
        accountId,
        batchId,
        ended: 'completed',
        signedOut: false,
        items: [
          { id: 3, name: 'K3', outcome: 'deleted', error: null },
          { id: 4, name: 'K4', outcome: 'already-gone', error: null },
          { id: 5, name: 'K5', outcome: 'failed', error: { kind: 'server', message: 'The server had a problem (HTTP 500).', status: 500 } }
        ]
      })
    )
    const { user } = await setup(fake)
    await tick(user, 'K3', 'K4', 'K5')
    const dialog = await openBulkDelete(user, 3)
    await user.click(within(dialog).getByRole('button', { name: 'Delete 3 keys' }))
    await within(dialog).findByRole('heading', { name: 'Bulk delete finished' })
    expect(within(dialog).getByRole('status').textContent).toBe(
      'Deleted 1 of 3 keys.1 key was already gone (deleted elsewhere).1 key failed and stays selected to try again.'
    )
    expect(results(dialog)).toEqual(['K3 (ID 3): Deleted', 'K4 (ID 4): Already gone', 'K5 (ID 5): Failed: The server had a problem (HTTP 500).'])
    await user.click(within(dialog).getByRole('button', { name: 'Close' }))
    expect(rowNames()).not.toContain('K3')
    expect(rowNames()).not.toContain('K4')
    expect(tickedNames()).toEqual(['K5'])
    expect(selectionText()).toBe('1 selected')
  })

  it('a 401 stops the batch: it says how many were deleted and that the account was signed out', async () => {
    const fake = createFakeApi({ accounts: [{ account: ADA, keys: keys() }] })
    fake.next('keys.bulkDelete', ({ accountId, batchId }) => {
      // Main signs the account out (and says so) before it answers.
      fake.endSession(accountId)
      return ok({
        accountId,
        batchId,
        ended: 'stopped',
        signedOut: false,
        items: [
          { id: 3, name: 'K3', outcome: 'deleted', error: null },
          { id: 4, name: 'K4', outcome: 'deleted', error: null },
          { id: 5, name: 'K5', outcome: 'failed', error: { kind: 'unauthenticated', message: 'The server did not accept the API key (HTTP 401).', status: 401 } },
          { id: 6, name: 'K6', outcome: 'skipped', error: null }
        ]
      })
    })
    const { user } = await setup(fake)
    await tick(user, 'K3', 'K4', 'K5', 'K6')
    const dialog = await openBulkDelete(user, 4)
    await user.click(within(dialog).getByRole('button', { name: 'Delete 4 keys' }))
    await within(dialog).findByRole('heading', { name: 'Bulk delete finished' })
    expect(within(dialog).getByRole('status').textContent).toContain(
      'Stopped: the server no longer accepts this account’s credential, so the account was signed out. 2 keys were deleted before that.'
    )
    expect(results(dialog)).toContain('K6 (ID 6): Not started (the batch stopped)')
    await user.click(within(dialog).getByRole('button', { name: 'Close' }))
    expect(await screen.findByText('Signed out of this account')).toBeTruthy()
    expect(screen.getByText(SHARED_MESSAGES.credentialRevoked)).toBeTruthy()
  })

  it('runs against the fake main end to end: the server loses exactly the selected keys', async () => {
    const { user, fake } = await setup()
    await tick(user, 'K7', 'K9')
    const dialog = await openBulkDelete(user, 2)
    await user.click(within(dialog).getByRole('button', { name: 'Delete 2 keys' }))
    await within(dialog).findByRole('heading', { name: 'Bulk delete finished' })
    expect(fake.account(ADA.id).keys.map((key) => key.id).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 8, 10, 11, 12, 13, 14, 20])
    expect(fake.model.activity.filter((entry) => entry.action === 'bulk-delete').map((entry) => entry.keyId).sort()).toEqual([7, 9])
  })

  it('a batch main refuses to start says why and deletes nothing', async () => {
    const fake = createFakeApi({ accounts: [{ account: ADA, keys: keys() }] })
    fake.failNext('keys.bulkDelete', { kind: 'not_signed_in', message: 'You are signed out of this account. Sign in again.' })
    const { user } = await setup(fake)
    await tick(user, 'K3')
    const dialog = await openBulkDelete(user, 1)
    await user.click(within(dialog).getByRole('button', { name: 'Delete 1 key' }))
    expect((await within(dialog).findByRole('alert')).textContent).toBe('You are signed out of this account. Sign in again.')
    expect(rowNames()).toContain('K3')
    expect(tickedNames()).toEqual(['K3'])
  })
})
