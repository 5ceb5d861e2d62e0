import { act, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { DEFAULT_BASE_URL } from '../../src/shared/domain'
import { ADA, API_KEYS, createFakeApi, failure, makeKeys } from './fake-api'
import { accountHeader, findKeysRegion, isDisabled, renderApp, rowNames, waitForListSettled } from './render-app'

const UNAUTHENTICATED_TEXT =
  'That API key was not accepted. Check that you copied the whole key, and that it has not been deleted.'

const apiKeyInput = () => screen.getByLabelText<HTMLInputElement>('API key')

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

  it('signs in with a valid key, sends the default base URL, and shows that account\'s keys from the answer', async () => {
    const fake = createFakeApi({ signInKeys: { ada: makeKeys(2) } })
    const { user } = await renderApp(fake)
    await user.type(apiKeyInput(), API_KEYS.ada)
    await user.click(screen.getByRole('button', { name: 'Sign in' }))
    await findKeysRegion(ADA)
    expect(screen.getByRole('heading', { level: 1, name: 'Ada Lovelace' })).toBeTruthy()
    expect(fake.calls('accounts.add')).toEqual([[{ baseUrl: DEFAULT_BASE_URL, apiKey: API_KEYS.ada }]])
    await waitForListSettled()
    expect(rowNames()).toEqual(['Key 00002', 'Key 00001'])
    // The list came with the sign-in's answer: no second request for it (nor a cache read).
    expect(fake.callCount('keys.list')).toBe(0)
    expect(fake.callCount('keys.getCached')).toBe(0)
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
    const url = screen.getByRole<HTMLInputElement>('textbox', { name: 'API base URL' })
    expect(url.value).toBe(DEFAULT_BASE_URL)
    await user.clear(url)
    await user.type(url, 'https://voice.example.com/api')
    await user.type(apiKeyInput(), API_KEYS.ada)
    await user.click(screen.getByRole('button', { name: 'Sign in' }))
    await findKeysRegion(ADA)
    expect(fake.calls('accounts.add')[0]).toEqual([{ baseUrl: 'https://voice.example.com/api', apiKey: API_KEYS.ada }])
    // A white-label host is named in the header.
    expect(within(accountHeader()).getByText('voice.example.com')).toBeTruthy()
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
    fake.failNext('accounts.add', { kind, message })
    const { user } = await renderApp(fake)
    await user.type(apiKeyInput(), API_KEYS.ada)
    await user.click(screen.getByRole('button', { name: 'Sign in' }))
    expect((await screen.findByRole('alert')).textContent).toBe(message)
  })

  it('shows server field errors next to their fields with aria-invalid and aria-describedby, opening Advanced', async () => {
    const fake = createFakeApi()
    fake.failNext('accounts.add', {
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
    await user.type(apiKeyInput(), API_KEYS.ada)
    expect(apiKeyInput().getAttribute('aria-invalid')).toBeNull()
    await user.click(screen.getByRole('button', { name: 'Advanced' }))
    const url = screen.getByRole('textbox', { name: 'API base URL' })
    await user.clear(url)
    await user.type(url, 'http://voice.example.com/api')
    await user.click(screen.getByRole('button', { name: 'Sign in' }))
    expect(url.getAttribute('aria-invalid')).toBe('true')
    expect(document.getElementById(url.getAttribute('aria-describedby') ?? '')?.textContent).toMatch(/must use https:\/\//)
    expect(fake.callCount('accounts.add')).toBe(0)
  })

  it('shows "Signing in…" disabled and busy while waiting, then the error', async () => {
    const fake = createFakeApi()
    const pending = fake.defer('accounts.add')
    const { user } = await renderApp(fake)
    await user.type(apiKeyInput(), API_KEYS.ada)
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

  it('"Try the sandbox" shows "Starting sandbox…" while waiting, then the sandbox account with a Sandbox badge and its host', async () => {
    const fake = createFakeApi()
    const pending = fake.defer('accounts.addSandbox')
    const { user } = await renderApp(fake)
    await user.click(screen.getByRole('button', { name: 'Try the sandbox' }))
    const busy = screen.getByRole('button', { name: 'Starting sandbox…' })
    expect(isDisabled(busy)).toBe(true)
    expect(isDisabled(screen.getByRole('button', { name: 'Sign in' }))).toBe(true)
    await act(async () => pending.proceed())
    await screen.findByRole('main', { name: 'API keys of demo@sandbox.local' })
    const header = accountHeader()
    expect(within(header).getByText('Sandbox')).toBeTruthy()
    expect(within(header).getByText('127.0.0.1:4010')).toBeTruthy()
    await waitForListSettled()
    expect(rowNames()).toHaveLength(3)
    expect(fake.callCount('accounts.add')).toBe(0)
  })

  it('shows a sandbox start failure in an alert', async () => {
    const fake = createFakeApi()
    fake.failNext('accounts.addSandbox', { kind: 'internal', message: 'The sandbox server could not start: port in use.' })
    const { user } = await renderApp(fake)
    await user.click(screen.getByRole('button', { name: 'Try the sandbox' }))
    expect((await screen.findByRole('alert')).textContent).toBe('The sandbox server could not start: port in use.')
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
