import { act, render, screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { App } from '../../src/renderer/src/App'
import { createAppStore } from '../../src/renderer/src/store/app-store'
import { createFakeApi, daysAgo, INITIAL_CACHED_KEYS, makeKeys, signedIn } from './fake-api'

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

describe('a long cached list arrives in two steps', () => {
  const longCache = () => ({ keys: makeKeys(250), fetchedAt: daysAgo(1), fromCache: true as const })

  it('paints the newest screenful first, then swaps in the whole cached list', async () => {
    const fake = createFakeApi({ session: signedIn(undefined, false), cachedKeys: longCache(), keys: makeKeys(250) })
    const restore = fake.defer('session.restore') // keep the fresh list away
    const rest = fake.defer('keys.getCached')
    const store = createAppStore(fake.api)
    await store.getState().start()
    expect(store.getState().list.items).toHaveLength(INITIAL_CACHED_KEYS)
    expect(store.getState().list.items?.[0]?.id).toBe(250) // newest first
    rest.proceed()
    await act(async () => new Promise((resolve) => setTimeout(resolve, 0)))
    expect(store.getState().list.items).toHaveLength(250)
    expect(store.getState().list.fromCache).toBe(true)
    expect(fake.callCount('keys.getCached')).toBe(1)
    restore.proceed()
  })

  it('does not ask for the rest when the initial state already had it all', async () => {
    const fake = createFakeApi({ session: signedIn(), cachedKeys: { keys: makeKeys(5), fetchedAt: daysAgo(1), fromCache: true }, keys: makeKeys(5) })
    await createAppStore(fake.api).getState().start()
    expect(fake.callCount('keys.getCached')).toBe(0)
  })

  it('never puts the older cached list over a fresh one', async () => {
    const fake = createFakeApi({ session: signedIn(), cachedKeys: longCache(), keys: makeKeys(3) })
    const cached = fake.defer('keys.getCached')
    const store = createAppStore(fake.api)
    await store.getState().start()
    await store.getState().refresh()
    expect(store.getState().list).toMatchObject({ fromCache: false })
    expect(store.getState().list.items).toHaveLength(3)
    cached.proceed()
    await act(async () => new Promise((resolve) => setTimeout(resolve, 0)))
    expect(store.getState().list.items).toHaveLength(3)
  })
})
