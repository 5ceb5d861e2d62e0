/**
 * axe-core over the rotation and activity UI in happy-dom (layout rules off, as in a11y.test):
 * the header menu, the banners and rotations panel, the rotation dialogs and the activity screen.
 */
import { screen, within } from '@testing-library/react'
import axe from 'axe-core'
import { describe, expect, it } from 'vitest'
import type { ActivityEntry } from '../../src/shared/activity'
import { accountLabel } from '../../src/shared/domain'
import { ADA, createFakeApi, isoAgo, makeKey } from './fake-api'
import { accountHeader, renderApp, switcher, waitForListSettled } from './render-app'

const LAYOUT_RULES = ['color-contrast', 'scrollable-region-focusable', 'target-size']

async function expectNoSeriousViolations(): Promise<void> {
  const results = await axe.run(document.body, { rules: Object.fromEntries(LAYOUT_RULES.map((id) => [id, { enabled: false }])) })
  const serious = results.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
  expect(serious.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.html).join(' | ')}`)).toEqual([])
  expect(results.passes.length).toBeGreaterThan(5)
}

const HOUR = 3_600_000
const seeded = () => {
  const fake = createFakeApi({
    accounts: [
      {
        account: { ...ADA, notice: 'The app’s key was replaced after a restart.', pacing: { reason: 'reserve', resumesAt: new Date(Date.now() + 20_000).toISOString(), remaining: 3, limit: 60 } },
        keys: [makeKey(101, { name: 'CRM v2', createdAt: isoAgo(HOUR), lastUsedAt: isoAgo(HOUR / 2) }), makeKey(12, { name: 'CRM', lastUsedAt: isoAgo(2 * HOUR) }), makeKey(1, { name: 'Desktop', isAppKey: true })],
        rotations: [
          {
            accountId: ADA.id,
            oldKey: { id: 12, name: 'CRM' },
            newKey: { id: 101, name: 'CRM v2' },
            startedAt: isoAgo(HOUR),
            finishedAt: null,
            outcome: null,
            state: 'safe-to-finish',
            ownKey: false,
            newKeyFirstUsedAt: null
          }
        ]
      }
    ]
  })
  const entry: ActivityEntry = {
    type: 'entry',
    v: 1,
    id: 'e-1',
    at: isoAgo(HOUR),
    accountId: ADA.id,
    accountLabel: accountLabel(ADA),
    action: 'rotation-started',
    keyId: 12,
    keyName: 'CRM',
    relatedKeyId: 101,
    outcome: 'ok',
    errorKind: null,
    detail: null,
    source: 'cli'
  }
  fake.model.activity = [entry]
  return fake
}

describe('accessibility of the rotation and activity UI', { timeout: 20_000 }, () => {
  it('keys screen with pacing, a notice, the rotations panel and the open header menu', async () => {
    const { user } = await renderApp(seeded())
    await waitForListSettled()
    await screen.findByRole('region', { name: '1 open rotation' })
    await user.click(within(accountHeader()).getByRole('button', { name: 'More' }))
    await expectNoSeriousViolations()
  })

  async function openRotation() {
    const rendered = await renderApp(seeded())
    await waitForListSettled()
    await rendered.user.click(within(await screen.findByRole('region', { name: '1 open rotation' })).getByRole('button', { name: 'Finish…' }))
    const dialog = await screen.findByRole('dialog', { name: 'Rotation of “CRM”' })
    return { ...rendered, dialog }
  }

  it('the rotation dialog', async () => {
    await openRotation()
    await expectNoSeriousViolations()
  })

  it('the finish confirmation, with focus moved to its first control', async () => {
    const { user, dialog } = await openRotation()
    await user.click(within(dialog).getByRole('button', { name: 'Delete old key (recommended)…' }))
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Back' }))
    await expectNoSeriousViolations()
  })

  it('the cancel confirmation', async () => {
    const { user, dialog } = await openRotation()
    await user.click(within(dialog).getByRole('button', { name: 'Cancel rotation…' }))
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Back' }))
    await expectNoSeriousViolations()
  })

  it('the own-key dialog', async () => {
    const { user } = await renderApp(seeded())
    await waitForListSettled()
    await user.click(within(accountHeader()).getByRole('button', { name: 'More' }))
    await user.click(await within(accountHeader()).findByRole('button', { name: 'Replace this app’s key…' }))
    await screen.findByRole('dialog', { name: 'Replace this app’s key' })
    await expectNoSeriousViolations()
  })

  it('the activity screen', async () => {
    const { user } = await renderApp(seeded())
    await waitForListSettled()
    await user.click(within(switcher()).getByRole('button', { name: /Activity log/ }))
    await screen.findByRole('table', { name: 'Activity entries' })
    await expectNoSeriousViolations()
  })

  it('the settings dialog with a field error', async () => {
    const { user } = await renderApp(seeded())
    await waitForListSettled()
    await user.click(within(accountHeader()).getByRole('button', { name: 'Settings' }))
    const dialog = await screen.findByRole('dialog', { name: 'Settings' })
    const stale = within(dialog).getByRole('spinbutton', { name: 'A key is stale when not used for' })
    await user.clear(stale)
    await user.click(within(dialog).getByRole('button', { name: 'Save' }))
    await expectNoSeriousViolations()
  })
})
