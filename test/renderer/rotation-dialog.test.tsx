/**
 * Open rotations: the panel under the account header lists them with their age and state; each
 * opens its dialog, which finishes (one rotation.finish, confirmed by name) or cancels the
 * rotation (both keys kept, or the replacement deleted), and says so when a key is gone.
 */
import { screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import type { KeyListItem } from '../../src/shared/domain'
import type { RotationRecord } from '../../src/shared/rotation'
import { ADA, createFakeApi, isoAgo, makeKey, ok } from './fake-api'
import { renderApp, rowNames, waitForListSettled } from './render-app'

const MIN = 60_000
const HOUR = 60 * MIN

const oldKey = (overrides: Partial<KeyListItem> = {}) => makeKey(12, { name: 'Production CRM', createdAt: isoAgo(300 * 24 * HOUR), lastUsedAt: isoAgo(2 * HOUR), ...overrides })
const newKey = (overrides: Partial<KeyListItem> = {}) => makeKey(101, { name: 'Production CRM v2', createdAt: isoAgo(3 * HOUR), lastUsedAt: isoAgo(MIN), ...overrides })
const rotation = (overrides: Partial<RotationRecord> = {}): RotationRecord => ({
  accountId: ADA.id,
  oldKey: { id: 12, name: 'Production CRM' },
  newKey: { id: 101, name: 'Production CRM v2' },
  startedAt: isoAgo(3 * HOUR),
  finishedAt: null,
  outcome: null,
  state: 'waiting-for-first-use',
  ownKey: false,
  newKeyFirstUsedAt: null,
  ...overrides
})

async function appWith(keys: KeyListItem[], rotations: RotationRecord[] = [rotation()]) {
  const fake = createFakeApi({ accounts: [{ account: ADA, keys, rotations }] })
  const rendered = await renderApp(fake)
  await waitForListSettled()
  return rendered
}

const panel = () => screen.getByRole('region', { name: /rotation/i })
const panelItem = () => within(panel()).getAllByRole('listitem')[0]!

async function openRotationDialog(user: Awaited<ReturnType<typeof appWith>>['user']) {
  await user.click(within(await screen.findByRole('region', { name: /rotation/i })).getByRole('button', { name: /Details…|Finish…/ }))
  return screen.findByRole('dialog', { name: 'Rotation of “Production CRM”' })
}

describe('the rotations panel', () => {
  it('lists the open rotation with both keys, its state and its age', async () => {
    await appWith([newKey({ lastUsedAt: null }), oldKey()])
    await screen.findByRole('region', { name: '1 open rotation' })
    expect(panelItem().textContent).toContain('“Production CRM” (#12) → “Production CRM v2” (#101)')
    expect(panelItem().textContent).toContain('Waiting for the new key’s first use')
    expect(panelItem().textContent).toContain('open for 3 h')
  })

  it('shows nothing without rotations', async () => {
    await appWith([oldKey()], [])
    expect(screen.queryByRole('region', { name: /rotation/i })).toBeNull()
  })

  it('follows the list: the state moves on when a refresh shows the new key in use and the old one quiet', async () => {
    const { fake } = await appWith([newKey({ lastUsedAt: null }), oldKey()])
    await screen.findByRole('region', { name: '1 open rotation' })
    fake.account(ADA.id).keys = [newKey({ lastUsedAt: isoAgo(40 * MIN) }), oldKey()]
    fake.emitMenuCommand('refresh')
    await waitFor(() => expect(panelItem().textContent).toContain('Safe to finish'))
    expect(within(panelItem()).getByRole('button', { name: 'Finish…' })).toBeTruthy()
  })
})

describe('the rotation dialog', () => {
  it('when safe, offers "Delete old key" as recommended; the confirmation names the key; one rotation.finish', async () => {
    const { fake, user } = await appWith([newKey({ lastUsedAt: isoAgo(40 * MIN) }), oldKey()])
    const dialog = await openRotationDialog(user)
    expect(within(dialog).getByText('Safe to finish')).toBeTruthy()
    expect(within(dialog).queryByText(/stops working/)).toBeNull()
    await user.click(within(dialog).getByRole('button', { name: 'Delete old key (recommended)…' }))
    const confirm = await screen.findByRole('dialog', { name: 'Delete the old key?' })
    expect(confirm.textContent).toContain('Delete “Production CRM” (ID 12)?')
    expect(fake.callCount('rotation.finish')).toBe(0)
    await user.click(within(confirm).getByRole('button', { name: 'Delete “Production CRM”' }))
    expect((await within(confirm).findByRole('status')).textContent).toBe('Done: “Production CRM” (#12) was deleted; “Production CRM v2” (#101) replaces it.')
    expect(fake.calls('rotation.finish')).toEqual([[{ accountId: ADA.id, newKeyId: 101 }]])
    expect(fake.callCount('keys.delete')).toBe(0)
    await waitFor(() => expect(rowNames()).toEqual(['Production CRM v2']))
    await user.click(within(confirm).getByRole('button', { name: 'Close' }))
    expect(screen.queryByRole('region', { name: /rotation/i })).toBeNull()
  })

  it('before it is safe, still allows finishing, with a warning that whatever uses the old key stops working', async () => {
    // The old key was used after the new one went live: something still has it.
    const { fake, user } = await appWith([newKey({ lastUsedAt: isoAgo(40 * MIN) }), oldKey({ lastUsedAt: isoAgo(5 * MIN) })])
    const dialog = await openRotationDialog(user)
    expect(within(dialog).getByText('New key in use; the old key is still used too')).toBeTruthy()
    expect(dialog.textContent).toContain('whatever still uses “Production CRM” stops working')
    expect(within(dialog).queryByRole('button', { name: /recommended/ })).toBeNull()
    await user.click(within(dialog).getByRole('button', { name: 'Delete old key…' }))
    const confirm = await screen.findByRole('dialog', { name: 'Delete the old key?' })
    expect(confirm.textContent).toContain('Whatever still uses “Production CRM” stops working the moment it is deleted.')
    await user.click(within(confirm).getByRole('button', { name: 'Delete “Production CRM”' }))
    await waitFor(() => expect(fake.callCount('rotation.finish')).toBe(1))
  })

  it('a failed finish says why and keeps the rotation open', async () => {
    const fake = createFakeApi({ accounts: [{ account: ADA, keys: [newKey({ lastUsedAt: isoAgo(40 * MIN) }), oldKey()], rotations: [rotation()] }] })
    fake.failNext('rotation.finish', { kind: 'server', message: 'The server had a problem (HTTP 500). Try again.' })
    const { user } = await renderApp(fake)
    await waitForListSettled()
    const dialog = await openRotationDialog(user)
    await user.click(within(dialog).getByRole('button', { name: 'Delete old key (recommended)…' }))
    await user.click(within(dialog).getByRole('button', { name: 'Delete “Production CRM”' }))
    expect((await within(dialog).findByRole('alert')).textContent).toBe('The server had a problem (HTTP 500). Try again.')
    expect(rowNames()).toContain('Production CRM')
    expect(panelItem()).toBeTruthy()
  })

  it('cancel keeps both keys by default', async () => {
    const { fake, user } = await appWith([newKey(), oldKey()])
    const dialog = await openRotationDialog(user)
    await user.click(within(dialog).getByRole('button', { name: 'Cancel rotation…' }))
    const confirm = await screen.findByRole('dialog', { name: 'Cancel this rotation?' })
    const box = within(confirm).getByRole<HTMLInputElement>('checkbox', { name: 'Also delete the replacement “Production CRM v2” (#101)' })
    expect(box.checked).toBe(false)
    await user.click(within(confirm).getByRole('button', { name: 'Cancel rotation' }))
    await within(confirm).findByText('Rotation cancelled: “Production CRM” is kept, and so is its replacement.')
    expect(fake.calls('rotation.cancel')).toEqual([[{ accountId: ADA.id, newKeyId: 101, deleteReplacement: false }]])
    await waitFor(() => expect(rowNames()).toEqual(['Production CRM v2', 'Production CRM']))
  })

  it('cancel with the box ticked deletes the replacement', async () => {
    const { fake, user } = await appWith([newKey(), oldKey()])
    const dialog = await openRotationDialog(user)
    await user.click(within(dialog).getByRole('button', { name: 'Cancel rotation…' }))
    await user.click(within(dialog).getByRole('checkbox', { name: /Also delete the replacement/ }))
    await user.click(within(dialog).getByRole('button', { name: 'Cancel rotation' }))
    await within(dialog).findByText('Rotation cancelled: the replacement “Production CRM v2” (#101) was deleted; “Production CRM” is kept.')
    expect(fake.calls('rotation.cancel')).toEqual([[{ accountId: ADA.id, newKeyId: 101, deleteReplacement: true }]])
    await waitFor(() => expect(rowNames()).toEqual(['Production CRM']))
  })

  it('when the replacement is gone, says so and offers only to cancel', async () => {
    const { fake, user } = await appWith([oldKey()], [rotation({ state: 'replacement-gone' })])
    const dialog = await openRotationDialog(user)
    expect(within(dialog).getByText('The replacement key is gone')).toBeTruthy()
    expect(within(dialog).queryByRole('button', { name: /Delete old key/ })).toBeNull()
    await user.click(within(dialog).getByRole('button', { name: 'Cancel rotation…' }))
    expect(within(dialog).queryByRole('checkbox')).toBeNull()
    await user.click(within(dialog).getByRole('button', { name: 'Cancel rotation' }))
    await waitFor(() => expect(fake.calls('rotation.cancel')).toEqual([[{ accountId: ADA.id, newKeyId: 101, deleteReplacement: false }]]))
  })

  it('when the old key was deleted elsewhere, the rotation shows as completed, with nothing to do', async () => {
    const fake = createFakeApi({ accounts: [{ account: ADA, keys: [newKey()], rotations: [] }] })
    // Main closes such a rotation on the list that shows it; that list carries it once, completed.
    fake.always('keys.list', async (request) => {
      const answer = await fake.defaultOf('keys.list')(request)
      if (!answer.ok) return answer
      return ok({ ...answer.value, rotations: [rotation({ state: 'old-key-gone', finishedAt: new Date().toISOString(), outcome: 'completed-elsewhere' })] })
    })
    const { user } = await renderApp(fake)
    await waitForListSettled()
    const item = await waitFor(() => panelItem())
    expect(item.textContent).toContain('Done: the old key was deleted elsewhere')
    expect(within(screen.getByRole('region', { name: /rotation/i })).getByRole('heading').textContent).toBe('Rotations')
    await user.click(within(item).getByRole('button', { name: 'Dismiss' }))
    expect(screen.queryByRole('region', { name: /rotation/i })).toBeNull()
  })

  it('an open dialog shows the rotation as completed when a list shows the old key deleted elsewhere', async () => {
    const { fake, user } = await appWith([newKey(), oldKey()])
    const dialog = await openRotationDialog(user)
    fake.account(ADA.id).keys = [newKey()]
    fake.account(ADA.id).rotations = [rotation({ state: 'old-key-gone', finishedAt: new Date().toISOString(), outcome: 'completed-elsewhere' })]
    fake.emitMenuCommand('refresh')
    await waitFor(() => expect(dialog.textContent).toContain('Completed. Done: the old key was deleted elsewhere.'))
    expect(within(dialog).queryByRole('button', { name: /Delete old key|Cancel rotation/ })).toBeNull()
  })
})
