import { render, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import { App } from '../../src/renderer/src/App'
import { ErrorBoundary } from '../../src/renderer/src/components/ErrorBoundary'
import type { AccountView } from '../../src/shared/domain'
import { ADA, API_KEYS, createFakeApi, GRACE, makeKeys } from './fake-api'
import { findKeysRegion, renderApp, waitForListSettled } from './render-app'

function Boom(): never {
  throw new Error('Render exploded')
}

describe('app shell', () => {
  it('explains itself instead of crashing when window.autocalls is missing', async () => {
    render(<App api={undefined} />)
    expect(await screen.findByRole('heading', { level: 1, name: 'Open this window from Autocalls Keys' })).toBeTruthy()
    expect(screen.getByRole('alert').textContent).toMatch(/cannot reach the Autocalls Keys app/)
  })

  it('the error boundary shows the error and a working "Reload" button', async () => {
    const onReload = vi.fn()
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {})
    render(
      <ErrorBoundary onReload={onReload}>
        <Boom />
      </ErrorBoundary>
    )
    expect(screen.getByRole('heading', { name: 'Something went wrong' })).toBeTruthy()
    expect(screen.getByText('Render exploded')).toBeTruthy()
    await userEvent.setup().click(screen.getByRole('button', { name: 'Reload' }))
    expect(onReload).toHaveBeenCalledOnce()
    quiet.mockRestore()
  })

  it('a malformed answer from main ends in the error boundary, not a blank window', async () => {
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {})
    const broken = { ...ADA, profile: undefined } as unknown as AccountView
    await renderApp({ accounts: [{ account: broken, keys: makeKeys(1) }] })
    expect(await screen.findByRole('button', { name: 'Reload' })).toBeTruthy()
    quiet.mockRestore()
  })

  it('shows a start-up failure with "Try again", which retries', async () => {
    const fake = createFakeApi({ accounts: [{ account: ADA, keys: makeKeys(2) }] })
    fake.failNext('app.getInitialState', { kind: 'internal', message: 'The app state file could not be read.' })
    const { user } = await renderApp(fake)
    expect(await screen.findByRole('heading', { name: 'Autocalls Keys could not start' })).toBeTruthy()
    expect(screen.getByRole('alert').textContent).toBe('The app state file could not be read.')
    await user.click(screen.getByRole('button', { name: 'Try again' }))
    expect(await findKeysRegion(ADA)).toBeTruthy()
    expect(screen.getByRole('heading', { level: 1, name: 'Ada Lovelace' })).toBeTruthy()
    expect(fake.callCount('app.getInitialState')).toBe(2)
  })

  it('turns a bridge call that throws into an error message', async () => {
    const fake = createFakeApi({ accounts: [{ account: ADA, keys: makeKeys(2) }] })
    fake.next('keys.list', () => {
      throw new Error('IPC channel closed')
    })
    await renderApp(fake)
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('IPC channel closed'))
    expect(screen.getByRole('button', { name: 'Try again' })).toBeTruthy()
  })

  it('reads the initial state once, even under StrictMode, and lists only the shown account at start', async () => {
    const { fake } = await renderApp({
      accounts: [
        { account: ADA, keys: makeKeys(1) },
        { account: GRACE, keys: makeKeys(2) }
      ],
      shownAccountId: GRACE.id
    })
    await waitForListSettled()
    expect(fake.callCount('app.getInitialState')).toBe(1)
    expect(fake.calls('keys.list')).toEqual([[{ accountId: GRACE.id }]])
    // The other account is not touched until it is first shown (its credential stays in the keychain).
    expect(fake.callsFor(ADA.id)).toEqual([])
  })

  it('makes no network requests of its own', async () => {
    const fetchSpy = vi.spyOn(globalThis, 'fetch')
    const xhrOpen = vi.spyOn(XMLHttpRequest.prototype, 'open')
    const { user } = await renderApp({ signInKeys: { ada: makeKeys(3) } })
    await user.type(screen.getByLabelText('API key'), `${API_KEYS.ada}{Enter}`)
    await findKeysRegion(ADA)
    expect(fetchSpy).not.toHaveBeenCalled()
    expect(xhrOpen).not.toHaveBeenCalled()
    expect(document.querySelectorAll('script, link[rel="stylesheet"], img, iframe')).toHaveLength(0)
    fetchSpy.mockRestore()
    xhrOpen.mockRestore()
  })
})
