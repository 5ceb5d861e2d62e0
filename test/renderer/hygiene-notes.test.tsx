/** The notes dialog: editing, the checks with their messages, saving, removing, main's answers. */
import { fireEvent, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { storedKeyNote } from '../../src/shared/key-notes'
import { ADA, createFakeApi, isoAgo, makeKey } from './fake-api'
import { DAY, quickFilter, rowOf } from './hygiene-helpers'
import { renderApp, waitForListSettled } from './render-app'

const TOKEN = `12|${'a1B2c3D4e5'.repeat(4)}`

async function openNotes(name = 'CRM', seeded = true) {
  const fake = createFakeApi({
    accounts: [
      {
        account: ADA,
        keys: [makeKey(1, { name: 'CRM', createdAt: isoAgo(20 * DAY), lastUsedAt: isoAgo(DAY) }), makeKey(2, { name: 'Billing', createdAt: isoAgo(20 * DAY) })],
        notes: seeded ? { '1': storedKeyNote({ note: 'Old text', reviewBy: '2999-03-31' }) } : {}
      }
    ]
  })
  const rendered = await renderApp(fake)
  await waitForListSettled()
  await rendered.user.click(within(rowOf(name)).getByRole('button', { name: `Notes on ${name}` }))
  const dialog = await screen.findByRole('dialog', { name: `Note on “${name}”` })
  const note = within(dialog).getByRole<HTMLTextAreaElement>('textbox', { name: 'Note' })
  const date = within(dialog).getByLabelText<HTMLInputElement>('Review by (optional)')
  const save = within(dialog).getByRole('button', { name: 'Save' })
  return { ...rendered, dialog, note, date, save }
}

describe('notes dialog', () => {
  it('opens with the stored note and date, the account, and a character counter', async () => {
    const { dialog, note, date, user } = await openNotes()
    expect(note.value).toBe('Old text')
    expect(date.type).toBe('date')
    expect(date.value).toBe('2999-03-31')
    expect(document.activeElement).toBe(note)
    expect(dialog.textContent).toContain('ada@example.com on app.autocalls.ai')
    expect(within(dialog).getByText('8 / 1,000 characters')).toBeTruthy()
    await user.type(note, ' 🙂')
    // Counted in code points, as the rule counts (an emoji is one character).
    expect(within(dialog).getByText('10 / 1,000 characters')).toBeTruthy()
  })

  it('refuses a note over 1,000 characters, with the count, and sends nothing', async () => {
    const { dialog, note, save, user, fake } = await openNotes()
    fireEvent.change(note, { target: { value: 'x'.repeat(1001) } })
    expect(within(dialog).getByText('1,001 / 1,000 characters: 1 too many')).toBeTruthy()
    await user.click(save)
    expect(within(dialog).getByText('The note is 1,001 characters long; the most allowed is 1,000.')).toBeTruthy()
    expect(note.getAttribute('aria-invalid')).toBe('true')
    expect(fake.callCount('notes.set')).toBe(0)
    expect(screen.getByRole('dialog', { name: 'Note on “CRM”' })).toBe(dialog)
  })

  it('refuses a token and control characters with specific messages', async () => {
    const { dialog, note, save, user, fake } = await openNotes()
    fireEvent.change(note, { target: { value: `Uses ${TOKEN} in prod` } })
    await user.click(save)
    expect(within(dialog).getByText('The note seems to contain an API key’s token. Notes are not kept in the keychain: remove the token.')).toBeTruthy()
    fireEvent.change(note, { target: { value: 'a\u0007b' } })
    // Editing the field clears its message.
    expect(within(dialog).queryByText(/token/)).toBeNull()
    await user.click(save)
    expect(within(dialog).getByText('The note contains a control character (U+0007, at character 2); only text, new lines and tabs can be kept.')).toBeTruthy()
    expect(fake.callCount('notes.set')).toBe(0)
  })

  it('saves through main, closes, and the row shows the excerpt and "Review due" once the date has come', async () => {
    const { dialog, note, date, save, user, fake } = await openNotes()
    await user.clear(note)
    await user.type(note, '  Used by the CRM sync  ')
    fireEvent.change(date, { target: { value: '2020-01-01' } })
    await user.click(save)
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
    expect(dialog.isConnected).toBe(false)
    expect(fake.calls('notes.set')).toEqual([[{ accountId: ADA.id, keyId: 1, note: 'Used by the CRM sync', reviewBy: '2020-01-01' }]])
    expect(rowOf('CRM').querySelector('.key-note')?.textContent).toBe('Used by the CRM sync')
    expect(within(rowOf('CRM')).getByText('Review due')).toBeTruthy()
    expect(quickFilter('Review due 1')).toBeTruthy()
  })

  it('a note on a key that had none, saved with Ctrl+Enter', async () => {
    const { note, user, fake } = await openNotes('Billing', false)
    expect(note.value).toBe('')
    await user.type(note, 'Owner: finance')
    await user.keyboard('{Control>}{Enter}{/Control}')
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
    expect(fake.calls('notes.set')).toEqual([[{ accountId: ADA.id, keyId: 2, note: 'Owner: finance', reviewBy: null }]])
    expect(rowOf('Billing').querySelector('.key-note')?.textContent).toBe('Owner: finance')
  })

  it('an empty note and no date remove the note', async () => {
    const { dialog, note, save, user, fake } = await openNotes()
    await user.clear(note)
    await user.click(within(dialog).getByRole('button', { name: 'No date' }))
    await user.click(save)
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
    expect(fake.calls('notes.set')).toEqual([[{ accountId: ADA.id, keyId: 1, note: '', reviewBy: null }]])
    expect(fake.account(ADA.id).notes).toEqual({})
    expect(rowOf('CRM').querySelector('.key-note')).toBeNull()
  })

  it('"Remove note" removes it in one step', async () => {
    const { dialog, user, fake } = await openNotes()
    await user.click(within(dialog).getByRole('button', { name: 'Remove note' }))
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
    expect(fake.calls('notes.set')).toEqual([[{ accountId: ADA.id, keyId: 1, note: '', reviewBy: null }]])
    expect(rowOf('CRM').querySelector('.key-note')).toBeNull()
  })

  it('shows main\'s refusal under the field, and other failures as an alert; nothing changes', async () => {
    const { dialog, note, save, user, fake } = await openNotes()
    fake.failNext('notes.set', { kind: 'invalid_request', message: 'Invalid.', fieldErrors: { reviewBy: ['2999-02-30 is not a day on the calendar.'] } })
    await user.type(note, ' more')
    await user.click(save)
    expect(await within(dialog).findByText('2999-02-30 is not a day on the calendar.')).toBeTruthy()
    fake.failNext('notes.set', { kind: 'internal', message: 'The app state file could not be written.' })
    await user.click(save)
    expect((await within(dialog).findByRole('alert')).textContent).toBe('The app state file could not be written.')
    expect(rowOf('CRM').querySelector('.key-note')?.textContent).toBe('Old text')
  })
})
