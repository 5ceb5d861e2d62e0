import { act, render, screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { App } from '../../src/renderer/src/App'
import { createAppStore } from '../../src/renderer/src/store/app-store'
import { createFakeApi, daysAgo, makeKeys, signedIn } from './fake-api'

const setup = async () => {
  const fake = createFakeApi({
    session: signedIn(undefined, false),
    cachedKeys: { keys: makeKeys(3), fetchedAt: daysAgo(1), fromCache: true },
    keys: makeKeys(3)
  })
  const request = fake.api.app.getInitialState()
  const answer = await request
  return { fake, early: { request, answer } }
}

describe('the first render uses the initial state asked for before it', () => {
  it('a store built with the early answer starts ready with the cached keys', async () => {
    const { fake, early } = await setup()
    const store = createAppStore(fake.api, early)
    expect(store.getState().phase).toBe('ready')
    expect(store.getState().list.items).toHaveLength(3)
    expect(store.getState().list.fromCache).toBe(true)
    await store.getState().start()
    expect(fake.callCount('app.getInitialState')).toBe(1) // the early request, not a second one
  })

  it('the first paint is the key list, never "Starting…"', async () => {
    const { fake, early } = await setup()
    render(<App api={fake.api} early={early} />)
    expect(screen.queryByText('Starting…')).toBeNull()
    expect(screen.getByRole('heading', { level: 1, name: 'API keys' })).toBeTruthy()
    await act(async () => undefined)
  })

  it('without the answer in time, start() still uses the early request', async () => {
    const { fake, early } = await setup()
    const store = createAppStore(fake.api, { request: early.request })
    expect(store.getState().phase).toBe('starting')
    await store.getState().start()
    expect(store.getState().phase).toBe('ready')
    expect(fake.callCount('app.getInitialState')).toBe(1)
  })
})
