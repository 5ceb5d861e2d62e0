/**
 * What main tells the window on its own: pacing (with a live countdown), an account's notice,
 * lists main fetched by itself (event:keys-updated → the cached list, no request of ours), and
 * the window's visibility going back to main (rotation watching pauses while hidden).
 */
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { PacingBanner, pacingText } from '../../src/renderer/src/components/PacingBanner'
import type { PacingView } from '../../src/shared/domain'
import { ADA, createFakeApi, GRACE, makeKey, makeKeys } from './fake-api'
import { listStatus, renderApp, rowNames, waitForListSettled } from './render-app'

const NOW = Date.parse('2026-12-03T06:00:00.000Z')
const pacing = (overrides: Partial<PacingView> = {}): PacingView => ({
  reason: 'reserve',
  resumesAt: new Date(NOW + 23_000).toISOString(),
  remaining: 4,
  limit: 60,
  ...overrides
})

describe('pacing', () => {
  it.each([
    ['a pause with the server’s figures', pacing(), "Pausing 23 s to stay within the server's limit (4 of 60 left)"],
    ['a 429 without a limit header', pacing({ reason: 'rate-limited', resumesAt: new Date(NOW + 1_500).toISOString(), limit: null }), "Pausing 2 s to stay within the server's limit (4 left)"],
    ['a pause that is over', pacing({ resumesAt: new Date(NOW - 1).toISOString() }), 'Resuming background requests (4 of 60 left)…'],
    ['spreading without a pause', pacing({ reason: 'spreading', resumesAt: null }), "Spreading background requests to stay within the server's limit (4 of 60 left)"],
    ['no headers', pacing({ reason: 'no-headers', resumesAt: null, remaining: null, limit: null }), 'Pacing background requests to one a second: the server does not say its limit.']
  ])('words %s', (_label, view, text) => {
    expect(pacingText(view, NOW)).toBe(text)
  })

  describe('the banner', () => {
    afterEach(() => {
      vi.useRealTimers()
    })

    it('counts down each second until it resumes', () => {
      vi.useFakeTimers({ now: NOW })
      render(<PacingBanner pacing={pacing()} />)
      const banner = screen.getByRole('timer', { name: 'Pacing' })
      expect(banner.textContent).toBe("Pausing 23 s to stay within the server's limit (4 of 60 left)")
      act(() => {
        vi.advanceTimersByTime(1_000)
      })
      expect(banner.textContent).toBe("Pausing 22 s to stay within the server's limit (4 of 60 left)")
      act(() => {
        vi.advanceTimersByTime(21_000)
      })
      expect(banner.textContent).toBe("Pausing 1 s to stay within the server's limit (4 of 60 left)")
      act(() => {
        vi.advanceTimersByTime(1_000)
      })
      expect(banner.textContent).toBe('Resuming background requests (4 of 60 left)…')
      // The countdown stopped its timer at the end.
      expect(vi.getTimerCount()).toBe(0)
    })
  })

  it('shows for the shown account from its view, and goes when main says the pause is over', async () => {
    const fake = createFakeApi({ accounts: [{ account: { ...ADA, pacing: pacing({ resumesAt: new Date(Date.now() + 30_000).toISOString() }) }, keys: makeKeys(2) }] })
    await renderApp(fake)
    await waitForListSettled()
    // The banner's code loads on demand (most sessions never pause).
    expect((await screen.findByRole('timer', { name: 'Pacing' })).textContent).toMatch(/^Pausing (29|30) s to stay within the server's limit \(4 of 60 left\)$/)
    fake.account(ADA.id).view = { ...fake.account(ADA.id).view, pacing: null }
    act(() => fake.emitAccountsChanged())
    expect(screen.queryByRole('timer', { name: 'Pacing' })).toBeNull()
  })
})

describe('an account’s notice', () => {
  const NOTICE = 'Replacing this app’s key was interrupted at the last start; it was finished: the app signs in with “Autocalls Keys (replacement, 2026-12-02)”.'

  it('shows under the header until dismissed, and again when main says something new', async () => {
    const fake = createFakeApi({ accounts: [{ account: { ...ADA, notice: NOTICE }, keys: makeKeys(1) }] })
    const { user } = await renderApp(fake)
    await waitForListSettled()
    const notice = (await screen.findByText(NOTICE)).closest('[role="status"]') as HTMLElement
    await user.click(within(notice).getByRole('button', { name: 'Dismiss' }))
    expect(screen.queryByText(NOTICE)).toBeNull()
    // The same notice again (any later accounts event) stays dismissed…
    act(() => fake.emitAccountsChanged())
    expect(screen.queryByText(NOTICE)).toBeNull()
    // …a different one shows.
    fake.account(ADA.id).view = { ...fake.account(ADA.id).view, notice: 'Another thing.' }
    act(() => fake.emitAccountsChanged())
    expect(await screen.findByText('Another thing.')).toBeTruthy()
  })

  it('belongs to its account: another account’s notice does not show', async () => {
    const fake = createFakeApi({ accounts: [{ account: ADA, keys: makeKeys(1) }, { account: { ...GRACE, notice: NOTICE }, keys: [] }] })
    await renderApp(fake)
    await waitForListSettled()
    expect(screen.queryByText(NOTICE)).toBeNull()
  })
})

describe('lists main fetched on its own (event:keys-updated)', () => {
  it('reloads that account’s list from main’s cache, without a request to the server', async () => {
    const fake = createFakeApi({ accounts: [{ account: ADA, keys: [makeKey(1, { name: 'First' })] }] })
    await renderApp(fake)
    await waitForListSettled()
    expect(rowNames()).toEqual(['First'])
    const listsBefore = fake.callCount('keys.list')
    const fetchedAt = new Date(Date.now() + 1_000).toISOString()
    const record = fake.account(ADA.id)
    record.keys = [makeKey(2, { name: 'Second' }), ...record.keys]
    record.cached = { keys: record.keys.map((key) => ({ ...key })), fetchedAt }
    act(() => fake.emit('keysUpdated', { accountId: ADA.id, fetchedAt }))
    await waitFor(() => expect(rowNames()).toEqual(['Second', 'First']))
    expect(fake.calls('keys.getCached').at(-1)).toEqual([{ accountId: ADA.id }])
    expect(fake.callCount('keys.list')).toBe(listsBefore)
    // Main fetched it just now: shown as fresh, not as "from an earlier run".
    expect(listStatus().textContent).toMatch(/^Updated /)
  })

  it('ignores accounts whose list this window does not hold (they load when shown)', async () => {
    const fake = createFakeApi({ accounts: [{ account: ADA, keys: makeKeys(1) }, { account: GRACE, keys: makeKeys(1) }] })
    await renderApp(fake)
    await waitForListSettled()
    const cachedBefore = fake.callCount('keys.getCached')
    act(() => fake.emit('keysUpdated', { accountId: GRACE.id, fetchedAt: new Date().toISOString() }))
    await act(async () => Promise.resolve())
    expect(fake.callCount('keys.getCached')).toBe(cachedBefore)
  })

  it('stops listening when the window goes', async () => {
    const { fake, unmount } = await renderApp({ accounts: [{ account: ADA, keys: [] }] })
    expect(fake.listenerCount('keysUpdated')).toBe(1)
    unmount()
    expect(fake.listenerCount('keysUpdated')).toBe(0)
  })
})

describe('visibility', () => {
  afterEach(() => {
    delete (document as { visibilityState?: unknown }).visibilityState
  })

  const setVisibility = (state: DocumentVisibilityState) => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state })
    fireEvent(document, new Event('visibilitychange'))
  }

  it('tells main once at start, then on every change', async () => {
    const { fake } = await renderApp({ accounts: [{ account: ADA, keys: [] }] })
    await waitFor(() => expect(fake.model.visible).toBe(true))
    expect(fake.calls('app.setVisibility').at(-1)).toEqual([{ visible: true }])
    const before = fake.callCount('app.setVisibility')
    setVisibility('hidden')
    expect(fake.calls('app.setVisibility').slice(before)).toEqual([[{ visible: false }]])
    setVisibility('visible')
    expect(fake.calls('app.setVisibility').slice(before)).toEqual([[{ visible: false }], [{ visible: true }]])
    expect(fake.model.visible).toBe(true)
  })
})
