import { act, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { DEFAULT_BASE_URL } from '../../src/shared/domain'
import { createFakeApi, failure, makeKeys, signedIn } from './fake-api'
import { isDisabled, renderApp } from './render-app'

const UNAUTHENTICATED_TEXT =
  'That API key was not accepted. Check that you copied the whole key, and that it has not been deleted.'

const apiKeyInput = () => screen.getByLabelText('API key') as HTMLInputElement

describe('sign-in screen', () => {
  it('shows the heading, the fields and the buttons with their exact names', async () => {
    await renderApp()
    expect(screen.getByRole('heading', { level: 1, name: 'Sign in to Autocalls' })).toBeTruthy()
    expect(apiKeyInput().type).toBe('password')
    expect(screen.getByRole('button', { name: 'Show API key' })).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Advanced' }).getAttribute('aria-expanded')).toBe('false')
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Try the sandbox' })).toBeTruthy()
    // The base URL field exists but is hidden until "Advanced" is opened.
    expect(screen.queryByRole('textbox', { name: 'API base URL' })).toBeNull()
  })

  it('signs in with a valid key, sends the default base URL, and shows the keys screen', async () => {
    const fake = createFakeApi({ keys: makeKeys(2) })
    const { user } = await renderApp(fake)
    await user.type(apiKeyInput(), 'ak_live_good')
    await user.click(screen.getByRole('button', { name: 'Sign in' }))
    expect(await screen.findByRole('heading', { level: 1, name: 'API keys' })).toBeTruthy()
    expect(fake.calls('session.signIn')).toEqual([[DEFAULT_BASE_URL, 'ak_live_good']])
    await waitFor(() => expect(fake.callCount('keys.list')).toBe(1))
  })

  it('toggles the key between hidden and shown with aria-pressed', async () => {
    const { user } = await renderApp()
    const show = screen.getByRole('button', { name: 'Show API key' })
    expect(show.getAttribute('aria-pressed')).toBe('false')
    await user.click(show)
    const hide = screen.getByRole('button', { name: 'Hide API key' })
    expect(hide.getAttribute('aria-pressed')).toBe('true')
    expect(apiKeyInput().type).toBe('text')
    await user.click(hide)
    expect(apiKeyInput().type).toBe('password')
    expect(screen.getByRole('button', { name: 'Show API key' }).getAttribute('aria-pressed')).toBe('false')
  })

  it('"Advanced" reveals the API base URL, pre-filled, and a custom URL is sent', async () => {
    const fake = createFakeApi()
    const { user } = await renderApp(fake)
    const advanced = screen.getByRole('button', { name: 'Advanced' })
    await user.click(advanced)
    expect(advanced.getAttribute('aria-expanded')).toBe('true')
    const url = screen.getByRole('textbox', { name: 'API base URL' }) as HTMLInputElement
    expect(url.value).toBe(DEFAULT_BASE_URL)
    await user.clear(url)
    await user.type(url, 'https://voice.example.com/api')
    await user.type(apiKeyInput(), 'ak_live_good')
    await user.click(screen.getByRole('button', { name: 'Sign in' }))
    await screen.findByRole('heading', { name: 'API keys' })
    expect(fake.calls('session.signIn')[0]).toEqual(['https://voice.example.com/api', 'ak_live_good'])
  })

  it('shows the fixed sentence for a wrong key, in an alert', async () => {
    const { user } = await renderApp()
    await user.type(apiKeyInput(), 'ak_live_wrong')
    await user.click(screen.getByRole('button', { name: 'Sign in' }))
    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toBe(UNAUTHENTICATED_TEXT)
    expect(screen.getByRole('heading', { name: 'Sign in to Autocalls' })).toBeTruthy()
  })

  it.each([
    ['network', 'Could not reach app.autocalls.ai. Check your internet connection.'],
    ['timeout', 'app.autocalls.ai did not answer within 15 seconds.'],
    ['keychain_unavailable', 'The system keychain is not available. Install gnome-keyring or another Secret Service provider.']
  ] as const)('shows the %s error message as it is (it names the host or the fix)', async (kind, message) => {
    const fake = createFakeApi()
    fake.failNext('session.signIn', { kind, message })
    const { user } = await renderApp(fake)
    await user.type(apiKeyInput(), 'ak_live_good')
    await user.click(screen.getByRole('button', { name: 'Sign in' }))
    expect((await screen.findByRole('alert')).textContent).toBe(message)
  })

  it('shows server field errors next to their fields with aria-invalid and aria-describedby, opening Advanced', async () => {
    const fake = createFakeApi()
    fake.failNext('session.signIn', {
      kind: 'validation',
      message: 'Check the form.',
      fieldErrors: { apiKey: ['That does not look like an API key.'], baseUrl: ['The API base URL must use https://.'] }
    })
    const { user } = await renderApp(fake)
    await user.type(apiKeyInput(), 'not a key')
    await user.click(screen.getByRole('button', { name: 'Sign in' }))
    await waitFor(() => expect(apiKeyInput().getAttribute('aria-invalid')).toBe('true'))
    const keyErrorId = apiKeyInput().getAttribute('aria-describedby')
    expect(document.getElementById(keyErrorId ?? '')?.textContent).toBe('That does not look like an API key.')
    const url = screen.getByRole('textbox', { name: 'API base URL' })
    expect(screen.getByRole('button', { name: 'Advanced' }).getAttribute('aria-expanded')).toBe('true')
    expect(url.getAttribute('aria-invalid')).toBe('true')
    expect(document.getElementById(url.getAttribute('aria-describedby') ?? '')?.textContent).toBe('The API base URL must use https://.')
    // The field errors are not repeated as a general alert.
    expect(screen.queryByRole('alert')).toBeNull()
  })

  it('checks locally before sending: an empty key and a bad URL never reach main', async () => {
    const fake = createFakeApi()
    const { user } = await renderApp(fake)
    await user.click(screen.getByRole('button', { name: 'Sign in' }))
    expect(apiKeyInput().getAttribute('aria-invalid')).toBe('true')
    expect(document.getElementById(apiKeyInput().getAttribute('aria-describedby') ?? '')?.textContent).toBe(
      'Enter your Autocalls API key.'
    )
    await user.type(apiKeyInput(), 'ak_live_good')
    expect(apiKeyInput().getAttribute('aria-invalid')).toBeNull()
    await user.click(screen.getByRole('button', { name: 'Advanced' }))
    const url = screen.getByRole('textbox', { name: 'API base URL' })
    await user.clear(url)
    await user.type(url, 'http://voice.example.com/api')
    await user.click(screen.getByRole('button', { name: 'Sign in' }))
    expect(url.getAttribute('aria-invalid')).toBe('true')
    expect(document.getElementById(url.getAttribute('aria-describedby') ?? '')?.textContent).toMatch(/must use https:\/\//)
    expect(fake.callCount('session.signIn')).toBe(0)
  })

  it('shows "Signing in…" disabled and busy while waiting, then the error', async () => {
    const fake = createFakeApi()
    const pending = fake.defer('session.signIn')
    const { user } = await renderApp(fake)
    await user.type(apiKeyInput(), 'ak_live_good')
    await user.click(screen.getByRole('button', { name: 'Sign in' }))
    const busy = screen.getByRole('button', { name: 'Signing in…' })
    expect(isDisabled(busy)).toBe(true)
    expect(busy.getAttribute('aria-busy')).toBe('true')
    // The sandbox cannot be started meanwhile either.
    expect(isDisabled(screen.getByRole('button', { name: 'Try the sandbox' }))).toBe(true)
    await act(async () => pending.resolve(failure({ kind: 'server', message: 'The server had a problem (HTTP 500).' })))
    expect((await screen.findByRole('alert')).textContent).toBe('The server had a problem (HTTP 500).')
    expect(isDisabled(screen.getByRole('button', { name: 'Sign in' }))).toBe(false)
  })

  it('"Try the sandbox" shows "Starting sandbox…" while waiting, then the keys screen with a Sandbox badge', async () => {
    const fake = createFakeApi({ keys: makeKeys(3) })
    const pending = fake.defer('session.startSandbox')
    const { user } = await renderApp(fake)
    await user.click(screen.getByRole('button', { name: 'Try the sandbox' }))
    const busy = screen.getByRole('button', { name: 'Starting sandbox…' })
    expect(isDisabled(busy)).toBe(true)
    expect(isDisabled(screen.getByRole('button', { name: 'Sign in' }))).toBe(true)
    await act(async () => pending.proceed())
    await screen.findByRole('heading', { name: 'API keys' })
    await user.click(screen.getByRole('button', { name: 'Account' }))
    expect(within(screen.getByRole('dialog', { name: 'Account' })).getByText('Sandbox')).toBeTruthy()
  })

  it('shows a sandbox start failure in an alert', async () => {
    const fake = createFakeApi()
    fake.failNext('session.startSandbox', { kind: 'internal', message: 'The sandbox server could not start: port in use.' })
    const { user } = await renderApp(fake)
    await user.click(screen.getByRole('button', { name: 'Try the sandbox' }))
    expect((await screen.findByRole('alert')).textContent).toBe('The sandbox server could not start: port in use.')
  })

  it('shows the reason the last session ended, from the initial state, above the form', async () => {
    await renderApp({ session: { state: 'signed-out', reason: 'The saved API key is no longer in the system keychain. Sign in again.' } })
    expect(screen.getByRole('alert').textContent).toBe('The saved API key is no longer in the system keychain. Sign in again.')
  })

  it('goes to sign-in with the reason when main ends the session', async () => {
    const fake = createFakeApi({ session: signedIn(), keys: makeKeys(2) })
    await renderApp(fake)
    await screen.findByRole('heading', { name: 'API keys' })
    act(() => fake.emitSessionEnded('The API key this app signs in with was rejected by the server.'))
    expect(await screen.findByRole('heading', { name: 'Sign in to Autocalls' })).toBeTruthy()
    expect(screen.getByRole('alert').textContent).toBe('The API key this app signs in with was rejected by the server.')
    // A second notice (another window, a late event) changes nothing.
    act(() => fake.emitSessionEnded('Something else'))
    expect(screen.getByRole('alert').textContent).toBe('The API key this app signs in with was rejected by the server.')
  })

  it('never keeps the typed API key in web storage', async () => {
    const { user } = await renderApp()
    await user.type(apiKeyInput(), 'ak_live_secret_value')
    await user.click(screen.getByRole('button', { name: 'Sign in' }))
    await screen.findByRole('alert')
    const stored = JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + location.href
    expect(stored).not.toContain('ak_live_secret_value')
  })
})
