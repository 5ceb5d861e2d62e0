import { act, render, screen } from '@testing-library/react'
import { describe, expect, it, vi } from 'vitest'
import { App } from '../../src/renderer/src/App'
import { askShownList, createAppStore } from '../../src/renderer/src/store/app-store'
import { REST_OF_CACHE_AFTER_MS } from '../../src/renderer/src/store/accounts-slice'
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

describe('the shown account\'s fresh list is asked for with the initial state', () => {
  it('before the store exists; the store\'s first fetch of that account takes it instead of asking again', async () => {
    const { fake, early } = await setup()
    const fresh = fake.defer('keys.list')
    const list = early.answer.ok ? askShownList(fake.api, early.answer.value) : null
    expect(list?.accountId).toBe(ADA.id)
    // Asked at once, before any store or React: the round trip overlaps the first render.
    expect(await fresh.called).toEqual([{ accountId: ADA.id }])
    const store = createAppStore(fake.api, { ...early, list })
    await store.getState().start()
    fresh.proceed()
    await store.getState().runs.lists.get(ADA.id)
    expect(store.getState().lists[ADA.id]?.fromCache).toBe(false)
    expect(fake.callCount('keys.list')).toBe(1)
    // Only once: a later refresh asks the bridge.
    await store.getState().refresh(ADA.id)
    expect(fake.callCount('keys.list')).toBe(2)
  })

  it('not for an account that needs signing in, and not when no account is shown', async () => {
    const fake = createFakeApi({ accounts: [{ account: ADA, keys: makeKeys(1) }] })
    const answer = await fake.api.app.getInitialState()
    if (!answer.ok) throw new Error('no initial state')
    const needsSignIn = { ...answer.value, accounts: answer.value.accounts.map((a) => ({ ...a, status: 'needs-sign-in' as const })) }
    expect(askShownList(fake.api, needsSignIn)).toBeNull()
    expect(askShownList(fake.api, { ...answer.value, shownAccountId: null })).toBeNull()
    expect(fake.callCount('keys.list')).toBe(0)
  })

  it('a list asked for one account is never used for another', async () => {
    const { fake, early } = await setup()
    const list = early.answer.ok ? askShownList(fake.api, early.answer.value) : null
    const store = createAppStore(fake.api, { ...early, list })
    expect(store.getState().runs.takeEarlyList(GRACE.id)).toBeNull()
    expect(store.getState().runs.takeEarlyList(ADA.id)).toBe(list?.result)
    expect(store.getState().runs.takeEarlyList(ADA.id)).toBeNull()
  })
})

describe('a long cached list arrives in two steps', () => {
  const longCache = () => ({ keys: makeKeys(250), fetchedAt: daysAgo(1) })
  const items = (store: ReturnType<typeof createAppStore>) => store.getState().lists[ADA.id]?.items

  it('paints the newest screenful first; the fresh list brings the rest, and main\'s cached copy is not sent too', async () => {
    const fake = createFakeApi({ accounts: [{ account: ADA, keys: makeKeys(250), cached: longCache() }] })
    const fresh = fake.defer('keys.list')
    const store = createAppStore(fake.api)
    await store.getState().start()
    expect(items(store)).toHaveLength(INITIAL_CACHED_KEYS)
    expect(items(store)?.[0]?.id).toBe(250) // newest first
    await fresh.called
    fresh.proceed()
    await vi.waitFor(() => expect(store.getState().lists[ADA.id]?.fromCache).toBe(false))
    expect(items(store)).toHaveLength(250)
    await act(async () => new Promise((resolve) => setTimeout(resolve, REST_OF_CACHE_AFTER_MS + 50)))
    expect(fake.callCount('keys.getCached')).toBe(0)
  })

  it('swaps in the whole cached list when the fresh list fails', async () => {
    const fake = createFakeApi({ accounts: [{ account: ADA, keys: makeKeys(250), cached: longCache() }] })
    fake.failNext('keys.list', { kind: 'network', message: 'Offline.' })
    const store = createAppStore(fake.api)
    await store.getState().start()
    await vi.waitFor(() => expect(items(store)).toHaveLength(250))
    expect(store.getState().lists[ADA.id]?.fromCache).toBe(true)
    expect(fake.callCount('keys.getCached')).toBe(1)
  })

  it('swaps in the whole cached list while a slow fresh list is still on its way', async () => {
    const fake = createFakeApi({ accounts: [{ account: ADA, keys: makeKeys(250), cached: longCache() }] })
    const fresh = fake.defer('keys.list') // keep the fresh list away
    const rest = fake.defer('keys.getCached')
    const store = createAppStore(fake.api)
    const started = Date.now()
    await store.getState().start()
    expect(await rest.called).toEqual([{ accountId: ADA.id }])
    expect(Date.now() - started).toBeGreaterThanOrEqual(REST_OF_CACHE_AFTER_MS - 20)
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
