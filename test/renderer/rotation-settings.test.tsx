/**
 * The hygiene and rotation settings: stale threshold, "new" period, the rotation reminder (off by
 * default) and the rotation quiet period, checked with main's rules before anything is sent.
 */
import { screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { ADA, createFakeApi, makeKeys } from './fake-api'
import { accountHeader, renderApp, waitForListSettled } from './render-app'
import { DEFAULT_PREFERENCES } from '../../src/shared/domain'

async function openSettings(preferences = DEFAULT_PREFERENCES) {
  const fake = createFakeApi({ accounts: [{ account: ADA, keys: makeKeys(1) }], preferences })
  const rendered = await renderApp(fake)
  await waitForListSettled()
  await rendered.user.click(within(accountHeader()).getByRole('button', { name: 'Settings' }))
  const dialog = await screen.findByRole('dialog', { name: 'Settings' })
  const field = (name: string | RegExp) => within(dialog).getByRole<HTMLInputElement>('spinbutton', { name })
  return {
    ...rendered,
    dialog,
    stale: () => field('A key is stale when not used for'),
    newFor: () => field('A never-used key counts as new for'),
    reminder: () => field('Rotation reminder after'),
    remind: () => within(dialog).getByRole<HTMLInputElement>('checkbox', { name: 'Remind me to rotate keys older than a number of days' }),
    quiet: () => field('A rotation is safe to finish when the old key was quiet for')
  }
}

const errorOf = (input: HTMLElement) => document.getElementById(input.getAttribute('aria-describedby') ?? '')?.textContent

describe('hygiene and rotation settings', () => {
  it('show the current values; the rotation reminder is off by default', async () => {
    const { stale, newFor, remind, reminder, quiet } = await openSettings()
    expect([stale().value, newFor().value, quiet().value]).toEqual(['90', '7', '15'])
    expect(remind().checked).toBe(false)
    expect(reminder().disabled).toBe(true)
  })

  it('rejects values out of range with a message per field, and sends nothing', async () => {
    const { user, dialog, fake, stale, newFor, quiet } = await openSettings()
    await user.clear(stale())
    await user.type(stale(), '0')
    await user.clear(newFor())
    await user.type(newFor(), '366')
    await user.clear(quiet())
    await user.type(quiet(), '20000')
    await user.click(within(dialog).getByRole('button', { name: 'Save' }))
    expect(errorOf(stale())).toBe('“Stale after” must be a whole number of days from 1 to 3650.')
    expect(errorOf(newFor())).toBe('“New for” must be a whole number of days from 0 to 365.')
    expect(errorOf(quiet())).toBe('“Quiet period” must be a whole number of minutes from 1 to 10080 (7 days).')
    expect(stale().getAttribute('aria-invalid')).toBe('true')
    expect(document.activeElement).toBe(stale())
    expect(fake.callCount('preferences.update')).toBe(0)
  })

  it('rejects an empty or fractional reminder once it is turned on', async () => {
    const { user, dialog, fake, remind, reminder } = await openSettings()
    await user.click(remind())
    await user.clear(reminder())
    await user.click(within(dialog).getByRole('button', { name: 'Save' }))
    expect(errorOf(reminder())).toBe('“Remind me to rotate keys older than” must be a whole number of days from 1 to 3650.')
    await user.type(reminder(), '1.5')
    expect(errorOf(reminder())).toBeUndefined() // editing clears the message
    await user.click(within(dialog).getByRole('button', { name: 'Save' }))
    expect(errorOf(reminder())).toBe('“Remind me to rotate keys older than” must be a whole number of days from 1 to 3650.')
    expect(fake.callCount('preferences.update')).toBe(0)
  })

  it('saves valid values through main in one update', async () => {
    const { user, dialog, fake, stale, remind, reminder, quiet } = await openSettings()
    await user.clear(stale())
    await user.type(stale(), '30')
    await user.click(remind())
    await user.clear(reminder())
    await user.type(reminder(), '180')
    await user.clear(quiet())
    await user.type(quiet(), '60')
    await user.click(within(dialog).getByRole('button', { name: 'Save' }))
    await waitFor(() => expect(within(dialog).getAllByRole('status').some((status) => status.textContent === 'Saved.')).toBe(true))
    expect(fake.calls('preferences.update')).toEqual([[{ staleAfterDays: 30, newForDays: 7, rotateAfterDays: 180, quietPeriodMinutes: 60 }]])
    expect(fake.model.preferences).toMatchObject({ staleAfterDays: 30, rotateAfterDays: 180, quietPeriodMinutes: 60 })
  })

  it('turning the reminder off saves it as off', async () => {
    const { user, dialog, fake, remind, reminder } = await openSettings({ ...DEFAULT_PREFERENCES, rotateAfterDays: 365 })
    expect(remind().checked).toBe(true)
    expect(reminder().value).toBe('365')
    await user.click(remind())
    await user.click(within(dialog).getByRole('button', { name: 'Save' }))
    await waitFor(() => expect(fake.calls('preferences.update')[0]?.[0]).toMatchObject({ rotateAfterDays: null }))
  })

  it('shows main’s refusal and keeps the values typed', async () => {
    const { user, dialog, fake, stale } = await openSettings()
    fake.failNext('preferences.update', { kind: 'invalid_request', message: 'The settings could not be saved.' })
    await user.clear(stale())
    await user.type(stale(), '45')
    await user.click(within(dialog).getByRole('button', { name: 'Save' }))
    expect((await within(dialog).findByRole('alert')).textContent).toBe('The settings could not be saved.')
    expect(stale().value).toBe('45')
  })
})
