import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import type { KeyListItem } from '../../src/shared/domain'
import { ADA, createFakeApi, daysAgo, failure, isoAgo, makeKey, makeKeys, ok, type FakeOptions } from './fake-api'
import { bodyRows, isDisabled, listStatus, renderApp, rowNames, waitForListSettled } from './render-app'

const HOUR = 3600_000
const status = () => listStatus()
const table = () => screen.getByRole('table', { name: 'API keys' })

/** Ada's account, with these keys on the server (and optionally a cache from an earlier run). */
const ada = (keys: KeyListItem[], cached?: { keys: KeyListItem[]; fetchedAt: string }): FakeOptions => ({
  accounts: [{ account: ADA, keys, cached: cached ?? null }]
})
const cachedView = (keys = makeKeys(3), fetchedAt = daysAgo(3)) => ({ keys, fetchedAt })

describe('keys screen: start-up and freshness', () => {
  it('shows the cached list at once, marked "Refreshing…", then the fresh list as "Updated just now"', async () => {
    const fake = createFakeApi(ada([makeKey(1, { name: 'Cached key' }), makeKey(2, { name: 'Fresh key' })], cachedView([makeKey(1, { name: 'Cached key' })])))
    const server = fake.holdServer(ADA.id)
    await renderApp(fake)
    expect(screen.getByRole('heading', { level: 1, name: 'Ada Lovelace' })).toBeTruthy()
    expect(rowNames()).toEqual(['Cached key'])
    expect(status().textContent).toBe('Refreshing…')
    // The cached rows are dimmed while they may be out of date.
    expect(table().className).toContain('is-stale')
    const refresh = screen.getByRole('button', { name: 'Refresh' })
    expect(isDisabled(refresh)).toBe(true)
    expect(refresh.getAttribute('aria-busy')).toBe('true')
    await server.reached
    await act(async () => server.release())
    await waitFor(() => expect(status().textContent).toBe('Updated just now'))
    expect(rowNames()).toHaveLength(2)
    expect(table().className).not.toContain('is-stale')
    expect(fake.calls('keys.list')).toEqual([[{ accountId: ADA.id }]])
    expect(isDisabled(screen.getByRole('button', { name: 'Refresh' }))).toBe(false)
  })

  it.each(['network', 'timeout', 'server'] as const)(
    'keeps the cached list with "Could not refresh" and "Showing keys from …" when the first list fails (%s)',
    async (kind) => {
      const fake = createFakeApi(ada(makeKeys(5), cachedView()))
      fake.setFault(ADA.id, { kind, message: 'Could not reach app.autocalls.ai.' })
      const { user } = await renderApp(fake)
      const banner = await screen.findByRole('alert')
      expect(banner.textContent).toContain('Could not refresh: Could not reach app.autocalls.ai.')
      expect(status().textContent).toBe('Showing keys from 3 days ago')
      expect(bodyRows()).toHaveLength(3)
      fake.setFault(ADA.id, null)
      await user.click(within(banner).getByRole('button', { name: 'Try again' }))
      await waitFor(() => expect(status().textContent).toBe('Updated just now'))
      expect(fake.callCount('keys.list')).toBe(2)
      expect(bodyRows()).toHaveLength(5)
      expect(screen.queryByRole('alert')).toBeNull()
    }
  )

  it('shows "Signed out of this account" with "Sign in again" when the first list finds the credential revoked', async () => {
    const fake = createFakeApi(ada(makeKeys(2), cachedView()))
    fake.setFault(ADA.id, { kind: 'unauthenticated', message: 'HTTP 401', status: 401 })
    await renderApp(fake)
    const alert = await screen.findByRole('alert')
    expect(within(alert).getByText('Signed out of this account')).toBeTruthy()
    expect(alert.textContent).toContain('The API key this app signs in with for this account was rejected by the server')
    expect(within(alert).getByRole('button', { name: 'Sign in again' })).toBeTruthy()
    // Neither the rows nor the actions on them are offered for a session that is over.
    expect(screen.queryByRole('table')).toBeNull()
    expect(screen.queryByRole('button', { name: 'New key' })).toBeNull()
  })

  it('shows "Loading keys…" with no rows while the first list loads', async () => {
    const fake = createFakeApi(ada(makeKeys(2)))
    const list = fake.defer('keys.list')
    await renderApp(fake)
    expect(status().textContent).toBe('Loading keys…')
    expect(screen.queryByRole('table')).toBeNull()
    await act(async () => list.proceed())
    await waitFor(() => expect(bodyRows()).toHaveLength(2))
  })

  it('shows "No API keys yet" and "Create your first key" opens the New key dialog', async () => {
    const { user } = await renderApp(ada([]))
    expect(await screen.findByText('No API keys yet')).toBeTruthy()
    await user.click(screen.getByRole('button', { name: 'Create your first key' }))
    expect(await screen.findByRole('dialog', { name: 'New API key' })).toBeTruthy()
  })

  it('shows an error with no data as an alert with "Try again", which retries', async () => {
    const fake = createFakeApi(ada(makeKeys(2)))
    fake.failNext('keys.list', { kind: 'network', message: 'Could not reach app.autocalls.ai.' })
    const { user } = await renderApp(fake)
    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toContain('Could not load keys: Could not reach app.autocalls.ai.')
    expect(screen.queryByRole('table')).toBeNull()
    await user.click(within(alert).getByRole('button', { name: 'Try again' }))
    await waitFor(() => expect(bodyRows()).toHaveLength(2))
    expect(fake.callCount('keys.list')).toBe(2)
  })

  it('shows a failed refresh over shown rows as a banner, and the rows as not fresh', async () => {
    const fake = createFakeApi(ada(makeKeys(2)))
    const { user } = await renderApp(fake)
    await waitFor(() => expect(bodyRows()).toHaveLength(2))
    fake.failNext('keys.list', { kind: 'rate_limited', message: 'Too many requests. Try again in 30 seconds.' })
    await user.click(screen.getByRole('button', { name: 'Refresh' }))
    const banner = await screen.findByRole('alert')
    expect(banner.textContent).toContain('Could not refresh: Too many requests. Try again in 30 seconds.')
    expect(within(banner).getByRole('button', { name: 'Try again' })).toBeTruthy()
    expect(status().textContent).toBe('Showing keys from just now')
    expect(bodyRows()).toHaveLength(2)
  })

  it('shows the account as signed out when the list says its session is gone', async () => {
    const fake = createFakeApi(ada(makeKeys(2)))
    fake.next('keys.list', () => {
      // Main announces the account's new state before it answers.
      fake.endSession(ADA.id, 'You are signed out of this account. Sign in again.')
      return failure({ kind: 'not_signed_in', message: 'You are signed out of this account. Sign in again.' })
    })
    await renderApp(fake)
    const alert = await screen.findByRole('alert')
    expect(within(alert).getByText('Signed out of this account')).toBeTruthy()
    expect(alert.textContent).toContain('You are signed out of this account. Sign in again.')
    // Not shown twice as a list error too.
    expect(screen.queryByText(/Could not load keys/)).toBeNull()
  })
})

describe('keys screen: the table', () => {
  const keys = [
    makeKey(1, { name: 'beta', createdAt: daysAgo(30), lastUsedAt: daysAgo(3) }),
    makeKey(2, { name: 'Alpha', createdAt: daysAgo(5), lastUsedAt: null }),
    makeKey(3, { name: 'gamma', createdAt: daysAgo(10), lastUsedAt: isoAgo(10_000) }),
    makeKey(4, { name: 'ALPINE', createdAt: daysAgo(1), lastUsedAt: daysAgo(40), isAppKey: true })
  ]

  it('shows each key with name, ID, created date, last used and a named Delete button; newest first', async () => {
    await renderApp(ada(keys))
    await waitForListSettled()
    expect(table().getAttribute('aria-rowcount')).toBe('5')
    expect(rowNames()).toEqual(['ALPINE', 'Alpha', 'gamma', 'beta'])
    const created = screen.getByRole('columnheader', { name: 'Created' })
    expect(created.getAttribute('aria-sort')).toBe('descending')
    const beta = bodyRows()[3]!
    expect(within(beta).getByText('ID 1')).toBeTruthy()
    expect(within(beta).getByText(new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' }).format(new Date(keys[0]!.createdAt)))).toBeTruthy()
    expect(within(beta).getByRole('button', { name: 'Delete beta' })).toBeTruthy()
  })

  it('shows last used as relative time with the exact time in title and <time dateTime>; "Never used" otherwise', async () => {
    await renderApp(ada(keys))
    await waitForListSettled()
    const exact = new Intl.DateTimeFormat(undefined, { dateStyle: 'long', timeStyle: 'long' })
    const betaUsed = screen.getByText('3 days ago')
    expect(betaUsed.tagName).toBe('TIME')
    expect(betaUsed.getAttribute('dateTime') ?? betaUsed.getAttribute('datetime')).toBe(keys[0]!.lastUsedAt)
    expect(betaUsed.getAttribute('title')).toBe(exact.format(new Date(keys[0]!.lastUsedAt!)))
    expect(screen.getByText('just now').getAttribute('title')).toBe(exact.format(new Date(keys[2]!.lastUsedAt!)))
    expect(within(bodyRows()[1]!).getByText('Never used')).toBeTruthy()
    expect(screen.getByText('last month')).toBeTruthy()
  })

  it('marks only the app\'s own key with "This app"', async () => {
    await renderApp(ada(keys))
    await waitForListSettled()
    // In the table: the quick filters have a "This app" button too.
    const badges = within(table()).getAllByText('This app')
    expect(badges).toHaveLength(1)
    expect(badges[0]!.closest('[role="row"]')?.querySelector('.key-name')?.textContent).toBe('ALPINE')
  })

  it('sorts by each column; clicking the active column flips the direction', async () => {
    const { user } = await renderApp(ada(keys))
    await waitForListSettled()
    const header = (name: string) => screen.getByRole('columnheader', { name })
    const sortButton = (name: string) => screen.getByRole('button', { name })

    await user.click(sortButton('Created'))
    expect(header('Created').getAttribute('aria-sort')).toBe('ascending')
    expect(rowNames()).toEqual(['beta', 'gamma', 'Alpha', 'ALPINE'])

    await user.click(sortButton('Name'))
    expect(header('Name').getAttribute('aria-sort')).toBe('ascending')
    expect(header('Created').getAttribute('aria-sort')).toBeNull()
    expect(rowNames()).toEqual(['Alpha', 'ALPINE', 'beta', 'gamma'])
    await user.click(sortButton('Name'))
    expect(header('Name').getAttribute('aria-sort')).toBe('descending')
    expect(rowNames()).toEqual(['gamma', 'beta', 'ALPINE', 'Alpha'])

    await user.click(sortButton('Last used'))
    expect(header('Last used').getAttribute('aria-sort')).toBe('descending')
    expect(rowNames()).toEqual(['gamma', 'beta', 'ALPINE', 'Alpha'])
    await user.click(sortButton('Last used'))
    expect(header('Last used').getAttribute('aria-sort')).toBe('ascending')
    expect(rowNames()).toEqual(['Alpha', 'ALPINE', 'beta', 'gamma'])
  })

  it('filters by name, case-insensitively, as you type; no match says so', async () => {
    const { user } = await renderApp(ada(keys))
    await waitForListSettled()
    const filter = screen.getByRole('searchbox', { name: 'Filter keys' })
    await user.type(filter, 'alp')
    expect(rowNames().sort()).toEqual(['ALPINE', 'Alpha'])
    expect(table().getAttribute('aria-rowcount')).toBe('3')
    await user.clear(filter)
    await user.type(filter, 'zzz')
    expect(screen.getByText('No keys match “zzz”')).toBeTruthy()
    expect(screen.queryByRole('table')).toBeNull()
    await user.clear(filter)
    expect(bodyRows()).toHaveLength(4)
  })

  it('renders only a window of rows for 10,000 keys, and scrolling brings later rows in', async () => {
    const many = makeKeys(10_000)
    const fake = createFakeApi(ada(many))
    const { user } = await renderApp(fake)
    await waitForListSettled()
    expect(table().getAttribute('aria-rowcount')).toBe('10001')
    const firstWindow = bodyRows()
    expect(firstWindow.length).toBeGreaterThan(5)
    expect(firstWindow.length).toBeLessThan(60)
    expect(rowNames()[0]).toBe('Key 10000') // newest first
    expect(firstWindow[0]!.getAttribute('aria-rowindex')).toBe('2')

    // Scroll to row ~5000: the rows there render, the first ones leave the DOM.
    const scroller = table()
    scroller.scrollTop = 5000 * 44
    fireEvent.scroll(scroller)
    await waitFor(() => expect(rowNames()).toContain('Key 05000'))
    expect(rowNames()).not.toContain('Key 10000')
    expect(bodyRows().length).toBeLessThan(60)

    // Filtering 10,000 keys still renders a window only.
    await user.type(screen.getByRole('searchbox', { name: 'Filter keys' }), '9')
    await waitFor(() => expect(Number(table().getAttribute('aria-rowcount'))).toBe(many.filter((k) => k.name.includes('9')).length + 1))
    expect(bodyRows().length).toBeLessThan(60)
  })

  it('renders key names containing HTML or script as plain text', async () => {
    const name = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script><b>bold</b>'
    const { container } = await renderApp(ada([makeKey(1, { name })]))
    await waitForListSettled()
    expect(screen.getByText(name)).toBeTruthy()
    expect(screen.getByRole('button', { name: `Delete ${name}` })).toBeTruthy()
    expect(container.querySelector('img, script, b')).toBeNull()
    expect((window as unknown as { __pwned?: number }).__pwned).toBeUndefined()
  })

  it('Refresh fetches the list again, with one request for a double click', async () => {
    const fake = createFakeApi(ada(makeKeys(2)))
    const { user } = await renderApp(fake)
    await waitForListSettled()
    fake.account(ADA.id).keys = makeKeys(4)
    const list = fake.defer('keys.list')
    await user.dblClick(screen.getByRole('button', { name: 'Refresh' }))
    expect(status().textContent).toBe('Refreshing…')
    await act(async () => list.proceed())
    await waitFor(() => expect(bodyRows()).toHaveLength(4))
    expect(fake.callCount('keys.list')).toBe(2)
  })

  it('ages relative times: the status and rows never claim an old list is fresh', async () => {
    const fake = createFakeApi(ada(makeKeys(1)))
    fake.next('keys.list', ok({ accountId: ADA.id, keys: makeKeys(1), fetchedAt: isoAgo(2 * HOUR), fromCache: false, notes: {}, rotations: [] }))
    await renderApp(fake)
    await waitFor(() => expect(status().textContent).toBe('Updated 2 hours ago'))
  })
})
