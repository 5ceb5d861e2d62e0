/**
 * axe-core over the hygiene UI in happy-dom (the a11y.test.tsx pattern): rows with every marker
 * and a selection, the quick filters, the notes dialog with errors, and the bulk delete dialog
 * while asking, running (paused) and at its end.
 */
import { act, screen, within } from '@testing-library/react'
import axe from 'axe-core'
import { describe, expect, it } from 'vitest'
import { DEFAULT_PREFERENCES } from '../../src/shared/domain'
import { storedKeyNote } from '../../src/shared/key-notes'
import { ADA, createFakeApi, isoAgo, makeKey, ok } from './fake-api'
import { checkboxOf, DAY, rowOf } from './hygiene-helpers'
import { renderApp, waitForListSettled } from './render-app'

const LAYOUT_RULES = ['color-contrast', 'scrollable-region-focusable', 'target-size']

async function expectNoSeriousViolations(): Promise<void> {
  const results = await axe.run(document.body, { rules: Object.fromEntries(LAYOUT_RULES.map((id) => [id, { enabled: false }])) })
  const serious = results.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
  expect(serious.map((violation) => `${violation.id}: ${violation.help}\n  ${violation.nodes.map((node) => node.html).join('\n  ')}`)).toEqual([])
  expect(results.passes.length).toBeGreaterThan(5)
}

const seeded = () =>
  createFakeApi({
    preferences: { ...DEFAULT_PREFERENCES, rotateAfterDays: 30 },
    accounts: [
      {
        account: ADA,
        keys: [
          makeKey(1, { name: 'Stale one', createdAt: isoAgo(300 * DAY), lastUsedAt: isoAgo(120 * DAY) }),
          makeKey(2, { name: 'Never used one', createdAt: isoAgo(30 * DAY), lastUsedAt: null }),
          makeKey(3, { name: 'Replacement', createdAt: isoAgo(DAY), lastUsedAt: null }),
          makeKey(4, { name: 'Desktop', createdAt: isoAgo(5 * DAY), lastUsedAt: isoAgo(60_000), isAppKey: true }),
          makeKey(5, { name: 'Bad dates', createdAt: 'garbage', lastUsedAt: null })
        ],
        notes: { '2': storedKeyNote({ note: 'Owner: Lin', reviewBy: '2020-01-01' }) },
        rotations: [
          {
            accountId: ADA.id,
            oldKey: { id: 1, name: 'Stale one' },
            newKey: { id: 3, name: 'Replacement' },
            startedAt: isoAgo(DAY),
            finishedAt: null,
            outcome: null,
            state: 'waiting-for-first-use',
            ownKey: false,
            newKeyFirstUsedAt: null
          }
        ]
      }
    ]
  })

// axe runs several times per test: slow on a loaded two-core machine.
describe('accessibility of the hygiene UI (axe-core in happy-dom)', { timeout: 20_000 }, () => {
  it('rows with states, markers, a note, rotation links and a selection; the quick filters', async () => {
    const { user } = await renderApp(seeded())
    await waitForListSettled()
    await user.click(checkboxOf('Stale one'))
    await user.click(checkboxOf('Desktop'))
    expect(within(rowOf('Never used one')).getByText('Review due')).toBeTruthy()
    await expectNoSeriousViolations()
  })

  it('the notes dialog with a field error', async () => {
    const { user } = await renderApp(seeded())
    await waitForListSettled()
    await user.click(within(rowOf('Never used one')).getByRole('button', { name: 'Notes on Never used one' }))
    const dialog = await screen.findByRole('dialog', { name: 'Note on “Never used one”' })
    await user.type(within(dialog).getByRole('textbox', { name: 'Note' }), ' 12|aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa')
    await user.click(within(dialog).getByRole('button', { name: 'Save' }))
    await within(dialog).findByText(/seems to contain an API key’s token/)
    await expectNoSeriousViolations()
  })

  it('the bulk delete dialog: asking (own key ticked), running while paused, and its results', async () => {
    const fake = seeded()
    const { user } = await renderApp(fake)
    await waitForListSettled()
    await user.click(checkboxOf('Stale one'))
    await user.click(checkboxOf('Desktop'))
    await user.click(screen.getByRole('button', { name: 'Delete 2 keys…' }))
    const dialog = await screen.findByRole('dialog', { name: /^Delete / })
    await user.click(within(dialog).getByRole('checkbox', { name: /^Also delete/ }))
    await expectNoSeriousViolations()
    await user.type(within(dialog).getByRole('textbox', { name: 'Type the key name to confirm' }), 'Desktop')
    const batch = fake.defer('keys.bulkDelete')
    await user.click(within(dialog).getByRole('button', { name: 'Delete 2 keys' }))
    const [request] = await batch.called
    act(() =>
      fake.emit('batchProgress', {
        accountId: ADA.id,
        batchId: request.batchId,
        total: 2,
        done: 1,
        failed: 0,
        remaining: 1,
        pausedUntil: new Date(Date.now() + 20_000).toISOString(),
        pauseReason: 'rate-limited'
      })
    )
    await within(dialog).findByText(/^Pausing/)
    await expectNoSeriousViolations()
    await act(async () =>
      batch.resolve(
        ok({
          accountId: ADA.id,
          batchId: request.batchId,
          ended: 'completed',
          signedOut: false,
          items: [
            { id: 1, name: 'Stale one', outcome: 'deleted', error: null },
            { id: 4, name: 'Desktop', outcome: 'failed', error: { kind: 'server', message: 'The server had a problem (HTTP 500).' } }
          ]
        })
      )
    )
    await within(dialog).findByRole('heading', { name: 'Bulk delete finished' })
    await expectNoSeriousViolations()
  })
})
