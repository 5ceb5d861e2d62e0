import { describe, expect, it } from 'vitest'
import { createAppStore } from '../../src/renderer/src/store/app-store'
import { createFakeApi, makeKey, makeKeys, ok, OWN_KEY_REASON_FROM_MAIN, signedIn } from './fake-api'

const SIGNED_OUT = 'You deleted the key this app signed in with, so you have been signed out.'
const settle = () => new Promise((resolve) => setTimeout(resolve, 0))

async function startedStore(options: Parameters<typeof createFakeApi>[0] = { session: signedIn(), keys: makeKeys(3) }) {
  const fake = createFakeApi(options)
  const store = createAppStore(fake.api)
  const offEvents = store.getState().connectEvents(() => {}, () => {})
  await store.getState().start()
  await store.getState().refresh()
  return { fake, store, offEvents }
}

describe('app store', () => {
  it('never holds a created token, and hands the pending tokens from start-up back instead of keeping them', async () => {
    const pendingTokens = [{ pendingId: 'p1', token: '1|startupSecret', keyName: 'A', keyId: 1, expiresAt: new Date().toISOString() }]
    const fake = createFakeApi({ session: signedIn(), keys: makeKeys(1), pendingTokens })
    const store = createAppStore(fake.api)
    expect(await store.getState().start()).toEqual(pendingTokens)
    const created = await store.getState().createKey('New', crypto.randomUUID())
    expect(created.ok).toBe(true)
    const token = created.ok ? created.value.token : ''
    expect(token).not.toBe('')
    const state = JSON.stringify(store.getState())
    expect(state).not.toContain(token)
    expect(state).not.toContain('startupSecret')
    expect(store.getState().list.items?.map((key) => key.name)).toContain('New')
  })

  it('shares one list request between concurrent refreshes', async () => {
    const { fake, store } = await startedStore()
    const before = fake.callCount('keys.list')
    await Promise.all([store.getState().refresh(), store.getState().refresh(), store.getState().refresh()])
    expect(fake.callCount('keys.list')).toBe(before + 1)
  })

  it('drops a list answer that arrives after the session changed', async () => {
    const { fake, store } = await startedStore()
    const late = fake.defer('keys.list')
    const refreshing = store.getState().refresh()
    await late.called
    await store.getState().signOut()
    fake.model.session = signedIn()
    late.resolve(ok({ keys: [makeKey(1, { name: 'From the old session' })], fetchedAt: new Date().toISOString(), fromCache: false }))
    await refreshing
    expect(store.getState().session.state).toBe('signed-out')
    expect(store.getState().list.items).toBeNull()
  })

  it('sessionEnded is idempotent: the first reason stays', async () => {
    const { store } = await startedStore()
    store.getState().sessionEnded('First reason')
    store.getState().sessionEnded('Second reason')
    expect(store.getState().session).toEqual({ state: 'signed-out', reason: 'First reason' })
  })

  it('deleting the own key ends with the spec sentence whether the event comes first or last', async () => {
    const first = await startedStore({ session: signedIn(), keys: [makeKey(5, { isAppKey: true })] })
    await first.store.getState().deleteKey(makeKey(5, { isAppKey: true }))
    expect(first.store.getState().session).toEqual({ state: 'signed-out', reason: SIGNED_OUT })

    const last = await startedStore({ session: signedIn(), keys: [makeKey(5, { isAppKey: true })] })
    last.fake.next('keys.delete', (id) => ok({ id, alreadyGone: false, signedOut: true }))
    await last.store.getState().deleteKey(makeKey(5, { isAppKey: true }))
    last.fake.emitSessionEnded(OWN_KEY_REASON_FROM_MAIN)
    expect(last.store.getState().session).toEqual({ state: 'signed-out', reason: SIGNED_OUT })
  })

  it('signing in resets the filter and list of a previous session', async () => {
    const { store } = await startedStore()
    store.getState().setFilter('abc')
    await store.getState().signOut()
    await store.getState().signIn('https://app.autocalls.ai/api', 'ak_live_good')
    expect(store.getState().filter).toBe('')
    await settle()
    await store.getState().refresh()
    expect(store.getState().list.items).toHaveLength(3)
  })

  it('unsubscribes from main\'s events', async () => {
    const { fake, offEvents } = await startedStore()
    expect(fake.listenerCount('session-ended')).toBe(1)
    offEvents()
    expect(fake.listenerCount('session-ended')).toBe(0)
    expect(fake.listenerCount('menu-command')).toBe(0)
  })

  describe('tokens waiting for another window', () => {
    const waiting = { pendingId: 'w1', token: '9|waitingSecret', keyName: 'Made before reload', keyId: 9, expiresAt: new Date().toISOString() }

    it('asks once on connecting, and again when main says a token is waiting', async () => {
      const fake = createFakeApi({ session: signedIn(), keys: makeKeys(1) })
      const store = createAppStore(fake.api)
      const offered: string[][] = []
      store.getState().connectEvents(() => {}, (tokens) => offered.push(tokens.map((t) => t.pendingId)))
      await settle()
      expect(fake.callCount('token.listPending')).toBe(1)
      expect(offered).toEqual([]) // nothing was waiting
      fake.model.pendingTokens = [waiting]
      fake.emitTokenWaiting('w1')
      await settle()
      expect(offered).toEqual([['w1']])
    })

    it('does not fetch a token that its own create is about to deliver', async () => {
      const fake = createFakeApi({ session: signedIn(), keys: makeKeys(1) })
      const store = createAppStore(fake.api)
      store.getState().connectEvents(() => {}, () => {})
      await store.getState().start()
      await settle()
      const before = fake.callCount('token.listPending')
      const create = fake.defer('keys.create')
      const creating = store.getState().createKey('Mine', crypto.randomUUID())
      fake.emitTokenWaiting('mine')
      await settle()
      expect(fake.callCount('token.listPending')).toBe(before)
      await create.proceed()
      await creating
    })

    it('stops listening when disconnected', async () => {
      const fake = createFakeApi({ session: signedIn(), keys: makeKeys(1) })
      const off = createAppStore(fake.api).getState().connectEvents(() => {}, () => {})
      expect(fake.listenerCount('token-waiting')).toBe(1)
      off()
      expect(fake.listenerCount('token-waiting')).toBe(0)
    })
  })
})
