import { act, render, screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { App } from '../../src/renderer/src/App'
import { createAppStore } from '../../src/renderer/src/store/app-store'
import { ADA, createFakeApi, daysAgo, GRACE, INITIAL_CACHED_KEYS, makeKeys } from './fake-api'

const setup = async () => {
  const fake = createFakeApi({
    accounts: [{ account: ADA, keys: makeKeys(3), cached: { keys: makeKeys(3), fetchedAt: daysAgo(1) } }, GRACE]
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
    expect(store.getState().accounts.map((account) => account.id)).toEqual([ADA.id, GRACE.id])
    expect(store.getState().shownAccountId).toBe(ADA.id)
    expect(store.getState().lists[ADA.id]?.items).toHaveLength(3)
    expect(store.getState().lists[ADA.id]?.fromCache).toBe(true)
    expect(store.getState().lists[GRACE.id]).toBeUndefined()
    await store.getState().start()
    expect(fake.callCount('app.getInitialState')).toBe(1) // the early request, not a second one
  })

  it('the first paint is the key list, never "Starting…"', async () => {
    const { fake, early } = await setup()
    render(<App api={fake.api} early={early} />)
    expect(screen.queryByText('Starting…')).toBeNull()
    expect(screen.getByRole('heading', { level: 1, name: 'Ada Lovelace' })).toBeTruthy()
    expect(screen.getAllByRole('row')).toHaveLength(4)
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
  const longCache = () => ({ keys: makeKeys(250), fetchedAt: daysAgo(1) })
  const items = (store: ReturnType<typeof createAppStore>) => store.getState().lists[ADA.id]?.items

  it('paints the newest screenful first, then swaps in the whole cached list', async () => {
    const fake = createFakeApi({ accounts: [{ account: ADA, keys: makeKeys(250), cached: longCache() }] })
    const fresh = fake.defer('keys.list') // keep the fresh list away
    const rest = fake.defer('keys.getCached')
    const store = createAppStore(fake.api)
    await store.getState().start()
    expect(items(store)).toHaveLength(INITIAL_CACHED_KEYS)
    expect(items(store)?.[0]?.id).toBe(250) // newest first
    expect(await rest.called).toEqual([{ accountId: ADA.id }])
    rest.proceed()
    await act(async () => new Promise((resolve) => setTimeout(resolve, 0)))
    expect(items(store)).toHaveLength(250)
    expect(store.getState().lists[ADA.id]?.fromCache).toBe(true)
    expect(fake.callCount('keys.getCached')).toBe(1)
    fresh.proceed()
  })

  it('does not ask for the rest when the initial state already had it all', async () => {
    const fake = createFakeApi({ accounts: [{ account: ADA, keys: makeKeys(5), cached: { keys: makeKeys(5), fetchedAt: daysAgo(1) } }] })
    await createAppStore(fake.api).getState().start()
    expect(fake.callCount('keys.getCached')).toBe(0)
  })

  it('never puts the older cached list over a fresh one', async () => {
    const fake = createFakeApi({ accounts: [{ account: ADA, keys: makeKeys(3), cached: longCache() }] })
    const cached = fake.defer('keys.getCached')
    const store = createAppStore(fake.api)
    await store.getState().start()
    await store.getState().refresh(ADA.id)
    expect(store.getState().lists[ADA.id]).toMatchObject({ fromCache: false })
    expect(items(store)).toHaveLength(3)
    // The whole cached list arrives late, from an older run: it is not put over the fresh one.
    cached.resolve({ ok: true, value: { accountId: ADA.id, keys: longCache().keys, fetchedAt: daysAgo(1), fromCache: true, notes: {}, rotations: [] } })
    await act(async () => new Promise((resolve) => setTimeout(resolve, 0)))
    expect(items(store)).toHaveLength(3)
  })
})
