/** The store on its own: per-account lists, the coordination state in `runs`, and main's events. */
import { describe, expect, it, vi } from 'vitest'
import { createAppStore } from '../../src/renderer/src/store/app-store'
import { ADA, API_KEYS, createFakeApi, GRACE, LIN, makeKey, makeKeys, ok, pendingToken, type FakeOptions } from './fake-api'

const settle = () => new Promise((resolve) => setTimeout(resolve, 0))
const twoAccounts = (): FakeOptions => ({
  accounts: [
    { account: ADA, keys: makeKeys(3, 1, 'Ada') },
    { account: GRACE, keys: makeKeys(2, 50, 'Grace') }
  ]
})

async function startedStore(options: FakeOptions = twoAccounts()) {
  const fake = createFakeApi(options)
  const store = createAppStore(fake.api)
  const offEvents = store.getState().connectEvents(
    () => {},
    () => {}
  )
  await store.getState().start()
  await settle()
  await store.getState().runs.lists.get(ADA.id)
  return { fake, store, offEvents }
}
const names = (store: Awaited<ReturnType<typeof startedStore>>['store'], accountId: string) =>
  store.getState().lists[accountId]?.items?.map((key) => key.name) ?? null

describe('app store', () => {
  it('never holds a created token, and hands the pending tokens from start-up back instead of keeping them', async () => {
    const pendingTokens = [pendingToken(ADA, { pendingId: 'p1', token: '1|startupSecret' })]
    const fake = createFakeApi({ ...twoAccounts(), pendingTokens })
    const store = createAppStore(fake.api)
    expect(await store.getState().start()).toEqual(pendingTokens)
    const created = await store.getState().createKey(ADA.id, 'New', crypto.randomUUID())
    expect(created.ok).toBe(true)
    const token = created.ok ? created.value.token : ''
    expect(token).not.toBe('')
    const state = JSON.stringify(store.getState())
    expect(state).not.toContain(token)
    expect(state).not.toContain('startupSecret')
    await vi.waitFor(() => expect(names(store, ADA.id)).toContain('New'))
  })

  it('never holds the API key typed at sign-in', async () => {
    const { store } = await startedStore()
    await store.getState().addAccount(GRACE.baseUrl, API_KEYS.grace)
    expect(JSON.stringify(store.getState())).not.toContain(API_KEYS.grace)
  })

  it('shares one list request between concurrent refreshes of an account; another account has its own', async () => {
    const { fake, store } = await startedStore()
    const before = fake.callCount('keys.list')
    await Promise.all([store.getState().refresh(ADA.id), store.getState().refresh(ADA.id), store.getState().refresh(GRACE.id), store.getState().refresh(ADA.id)])
    expect(fake.calls('keys.list').slice(before)).toEqual([[{ accountId: ADA.id }], [{ accountId: GRACE.id }]])
    expect(names(store, GRACE.id)).toEqual(['Grace 00050', 'Grace 00051'])
  })

  it('does not ask for the list of an account that needs a new sign-in', async () => {
    const { fake, store } = await startedStore()
    fake.endSession(GRACE.id)
    await store.getState().refresh(GRACE.id)
    expect(fake.calls('keys.list').filter(([request]) => request.accountId === GRACE.id)).toEqual([])
  })

  it('a create for A while B is shown changes A\'s list only', async () => {
    const { fake, store } = await startedStore()
    store.getState().showAccount(GRACE.id)
    await settle()
    await store.getState().runs.lists.get(GRACE.id)
    expect(names(store, GRACE.id)).toEqual(['Grace 00050', 'Grace 00051'])
    const graceBefore = store.getState().lists[GRACE.id]
    const confirming = fake.defer('keys.getCached')
    await store.getState().createKey(ADA.id, 'For Ada', crypto.randomUUID())
    expect(store.getState().shownAccountId).toBe(GRACE.id)
    await vi.waitFor(() => expect(names(store, ADA.id)?.[0]).toBe('For Ada'))
    expect(store.getState().lists[GRACE.id]).toBe(graceBefore)
    expect(store.getState().lists[ADA.id]?.items?.[0]?.unconfirmed).toBe(true)
    // Main's confirming list (event:keys-updated) then replaces the provisional row in A only.
    confirming.proceed()
    await vi.waitFor(() => expect(store.getState().lists[ADA.id]?.items?.[0]?.unconfirmed).toBeUndefined())
    expect(names(store, ADA.id)?.[0]).toBe('For Ada')
    expect(store.getState().lists[GRACE.id]).toBe(graceBefore)
  })

  it('a list main announces while this window\'s own fetch is on its way is not fetched a second time', async () => {
    const { fake, store } = await startedStore()
    await new Promise((resolve) => setTimeout(resolve, 5))
    const own = fake.defer('keys.list')
    const run = store.getState().refresh(ADA.id)
    const before = fake.callCount('keys.getCached')
    fake.emit('keysUpdated', { accountId: ADA.id, fetchedAt: new Date().toISOString() })
    await settle()
    own.proceed()
    await run
    await settle()
    expect(fake.callCount('keys.getCached')).toBe(before)
  })

  it('…but is loaded from main when this window\'s own fetch failed', async () => {
    const { fake, store } = await startedStore()
    await new Promise((resolve) => setTimeout(resolve, 5))
    const own = fake.defer('keys.list')
    const run = store.getState().refresh(ADA.id)
    const before = fake.callCount('keys.getCached')
    fake.emit('keysUpdated', { accountId: ADA.id, fetchedAt: new Date().toISOString() })
    own.fail({ kind: 'network', message: 'Offline.' })
    await run
    await vi.waitFor(() => expect(fake.callCount('keys.getCached')).toBe(before + 1))
  })

  it('a confirming list that arrives before the create\'s answer is not covered by the provisional row', async () => {
    const { fake, store } = await startedStore()
    await new Promise((resolve) => setTimeout(resolve, 5)) // a later fetchedAt than the start-up list's
    fake.always('keys.create', async (request) => {
      const answer = await fake.defaultOf('keys.create')(request)
      // Main's list that confirms the key (announced at once by the fake) overtakes the answer.
      await vi.waitFor(() => expect(store.getState().lists[ADA.id]?.items?.some((item) => item.name === 'Overtaken')).toBe(true))
      return answer
    })
    const created = await store.getState().createKey(ADA.id, 'Overtaken', crypto.randomUUID())
    expect(created.ok).toBe(true)
    const row = store.getState().lists[ADA.id]?.items?.find((item) => item.name === 'Overtaken')
    expect(row?.unconfirmed).toBeUndefined()
  })

  describe('coordination state (runs)', () => {
    it('shows the list fetch and the create in flight, and forgets them when they end', async () => {
      const { fake, store } = await startedStore()
      const { runs } = store.getState()
      const server = fake.holdServer(GRACE.id)
      const refreshing = store.getState().refresh(GRACE.id)
      expect([...runs.lists.keys()]).toEqual([GRACE.id])
      expect(store.getState().lists[GRACE.id]?.refreshing).toBe(true)
      await server.reached
      server.release()
      await refreshing
      expect(runs.lists.size).toBe(0)
      expect(store.getState().lists[GRACE.id]?.refreshing).toBe(false)

      const create = fake.defer('keys.create')
      const creating = store.getState().createKey(ADA.id, 'CRM', crypto.randomUUID())
      expect(runs.createsInFlight).toBe(1)
      create.proceed()
      await creating
      expect(runs.createsInFlight).toBe(0)
    })

    it('"Refresh all" runs once at a time and is visible in runs while it runs', async () => {
      const { fake, store } = await startedStore()
      const pending = fake.defer('accounts.refreshAll')
      const first = store.getState().refreshAll()
      const second = store.getState().refreshAll()
      expect(second).toBe(first)
      expect(store.getState().runs.refreshAll).toBe(first)
      expect(store.getState().refreshingAll).toBe(true)
      pending.proceed()
      await first
      expect(store.getState().runs.refreshAll).toBeNull()
      expect(store.getState().refreshingAll).toBe(false)
      expect(fake.callCount('accounts.refreshAll')).toBe(1)
      expect(Object.keys(store.getState().refreshOutcomes)).toEqual([ADA.id, GRACE.id])
    })

    it('a new sign-in to an account bumps its epoch, so a list answer for the old session is dropped', async () => {
      const { fake, store } = await startedStore()
      const { runs } = store.getState()
      const late = fake.defer('keys.list')
      const refreshing = store.getState().refresh(ADA.id)
      await late.called
      const epoch = runs.epochOf(ADA.id)
      await store.getState().addAccount(ADA.baseUrl, API_KEYS.ada)
      expect(runs.epochOf(ADA.id)).toBe(epoch + 1)
      expect(runs.epochOf(GRACE.id)).toBe(0)
      late.resolve(ok({ accountId: ADA.id, keys: [makeKey(1, { name: 'From the old session' })], fetchedAt: new Date().toISOString(), fromCache: false, notes: {}, rotations: [] }))
      await refreshing
      expect(names(store, ADA.id)).not.toContain('From the old session')
      expect(names(store, ADA.id)).toEqual(['Ada 00001', 'Ada 00002', 'Ada 00003'])
    })

    it('a removed account\'s late answers change nothing, and its list is forgotten', async () => {
      const { fake, store } = await startedStore()
      const late = fake.defer('keys.list')
      const refreshing = store.getState().refresh(GRACE.id)
      await late.called
      expect(await store.getState().removeAccount(GRACE.id)).toBe(true)
      expect(store.getState().runs.epochOf(GRACE.id)).toBe(1)
      late.resolve(ok({ accountId: GRACE.id, keys: makeKeys(2, 50), fetchedAt: new Date().toISOString(), fromCache: false, notes: {}, rotations: [] }))
      await refreshing
      expect(store.getState().lists[GRACE.id]).toBeUndefined()
      expect(store.getState().accounts.map((account) => account.id)).toEqual([ADA.id])
    })

    it('reset() forgets everything in flight, so the next call starts afresh', async () => {
      const { fake, store } = await startedStore()
      const { runs } = store.getState()
      fake.defer('keys.list') // never answered
      void store.getState().refresh(GRACE.id)
      runs.bump(ADA.id)
      runs.createsInFlight = 2
      expect(runs.lists.size).toBe(1)
      runs.reset()
      expect(runs.lists.size).toBe(0)
      expect(runs.epochOf(ADA.id)).toBe(0)
      expect(runs.createsInFlight).toBe(0)
      expect(runs.start).toBeNull()
      expect(runs.refreshAll).toBeNull()
      expect(runs.earlyInitialState).toBeNull()
      // A refresh after the reset is a new request, not the stuck one.
      const before = fake.callCount('keys.list')
      await store.getState().refresh(GRACE.id)
      expect(fake.callCount('keys.list')).toBe(before + 1)
      // And start() reads the initial state again.
      await store.getState().start()
      expect(fake.callCount('app.getInitialState')).toBe(2)
    })
  })

  it('showAccountAt(n) shows the n-th account, and ignores a position without one', async () => {
    const { store } = await startedStore({ accounts: [ADA, GRACE, LIN] })
    store.getState().showAccountAt(2)
    expect(store.getState().shownAccountId).toBe(LIN.id)
    store.getState().showAccountAt(3)
    expect(store.getState().shownAccountId).toBe(LIN.id)
  })

  it('runs one add at a time', async () => {
    const { fake, store } = await startedStore()
    const pending = fake.defer('accounts.add')
    const first = store.getState().addAccount(LIN.baseUrl, API_KEYS.lin)
    expect(await store.getState().addAccount(LIN.baseUrl, API_KEYS.lin)).toBeNull()
    expect(await store.getState().addSandbox()).toBe(false)
    pending.proceed()
    expect((await first)?.account.id).toBe(LIN.id)
    expect(fake.callCount('accounts.add')).toBe(1)
    expect(fake.callCount('accounts.addSandbox')).toBe(0)
  })

  it('unsubscribes from main\'s events', async () => {
    const { fake, offEvents } = await startedStore()
    expect(fake.listenerCount('accountsChanged')).toBe(1)
    offEvents()
    expect(fake.listenerCount('accountsChanged')).toBe(0)
    expect(fake.listenerCount('menuCommand')).toBe(0)
    expect(fake.listenerCount('tokenWaiting')).toBe(0)
  })

  describe('tokens waiting for another window', () => {
    const waiting = pendingToken(ADA, { pendingId: 'w1', token: '9|waitingSecret', keyName: 'Made before reload', keyId: 9 })

    it('asks once on connecting, and again when main says a token is waiting', async () => {
      const fake = createFakeApi(twoAccounts())
      const store = createAppStore(fake.api)
      const offered: string[][] = []
      store.getState().connectEvents(
        () => {},
        (tokens) => offered.push(tokens.map((t) => t.pendingId))
      )
      await settle()
      expect(fake.callCount('token.listPending')).toBe(1)
      expect(offered).toEqual([]) // nothing was waiting
      fake.model.pendingTokens = [waiting]
      fake.emitTokenWaiting('w1', ADA.id)
      await settle()
      expect(offered).toEqual([['w1']])
    })

    it('does not fetch a token that its own create is about to deliver', async () => {
      const { fake, store } = await startedStore()
      const before = fake.callCount('token.listPending')
      const create = fake.defer('keys.create')
      const creating = store.getState().createKey(ADA.id, 'Mine', crypto.randomUUID())
      fake.emitTokenWaiting('mine', ADA.id)
      await settle()
      expect(fake.callCount('token.listPending')).toBe(before)
      create.proceed()
      await creating
    })

    it("does not fetch a token whose event arrives after its own create's answer", async () => {
      const { fake, store } = await startedStore()
      const created = await store.getState().createKey(ADA.id, 'Mine', crypto.randomUUID())
      expect(created.ok).toBe(true)
      await settle()
      const before = fake.callCount('token.listPending')
      // The preview carries events apart from answers: this one came in late.
      fake.emitTokenWaiting(created.ok ? created.value.pendingId : '', ADA.id)
      await settle()
      expect(fake.callCount('token.listPending')).toBe(before)
      // Another window's token still is.
      fake.emitTokenWaiting('from elsewhere', ADA.id)
      await settle()
      expect(fake.callCount('token.listPending')).toBe(before + 1)
    })

    it('stops listening when disconnected', async () => {
      const fake = createFakeApi(twoAccounts())
      const off = createAppStore(fake.api)
        .getState()
        .connectEvents(
          () => {},
          () => {}
        )
      expect(fake.listenerCount('tokenWaiting')).toBe(1)
      off()
      expect(fake.listenerCount('tokenWaiting')).toBe(0)
    })
  })

  it('passes menu commands on with the account they name', async () => {
    const fake = createFakeApi(twoAccounts())
    const seen: Array<[string, string | undefined]> = []
    createAppStore(fake.api)
      .getState()
      .connectEvents(
        (command, accountId) => seen.push([command, accountId]),
        () => {}
      )
    fake.emitMenuCommand('show-account', GRACE.id)
    fake.emitMenuCommand('refresh')
    expect(seen).toEqual([
      ['show-account', GRACE.id],
      ['refresh', undefined]
    ])
  })
})
