import { describe, expect, expectTypeOf, it } from 'vitest'
import { bridgePathOf, createAutocallsApi, type AutocallsApi } from '../../src/shared/bridge-api'
import type { Result } from '../../src/shared/errors'
import { EVENT_CHANNELS, INVOKE_CHANNELS, type Invoke, type Subscribe } from '../../src/shared/ipc-contract'

describe('createAutocallsApi', () => {
  const setup = () => {
    const calls: Array<{ channel: string; request: unknown }> = []
    const subscriptions: string[] = []
    const invoke = ((channel, request) => {
      calls.push({ channel, request })
      return Promise.resolve({ ok: true, value: `answer ${calls.length}` })
    }) as Invoke
    const subscribe = ((channel) => {
      subscriptions.push(channel)
      return () => undefined
    }) as Subscribe
    return { calls, subscriptions, api: createAutocallsApi(invoke, subscribe) }
  }

  it('asks for the initial state as soon as it exists, and hands that answer out once', async () => {
    const { calls, api } = setup()
    expect(calls).toEqual([{ channel: 'app:get-initial-state', request: undefined }])
    expect(await api.app.getInitialState()).toEqual({ ok: true, value: 'answer 1' })
    expect(calls).toHaveLength(1)
    expect(await api.app.getInitialState()).toEqual({ ok: true, value: 'answer 2' })
    expect(calls).toHaveLength(2)
  })

  it('exposes every contract channel as a named function that sends its request on that channel', async () => {
    const { calls, api } = setup()
    for (const channel of INVOKE_CHANNELS) {
      const [namespace, method] = bridgePathOf(channel)
      const fn = (api as unknown as Record<string, Record<string, (request?: unknown) => Promise<unknown>>>)[namespace]?.[method]
      expect(fn, `${channel} → api.${namespace}.${method}`).toBeTypeOf('function')
      const request = { probe: channel }
      await fn!(request)
      expect(calls.at(-1)).toEqual({ channel, request: channel === 'app:get-initial-state' ? undefined : request })
    }
  })

  it('names functions after the channel: namespace, then the name in camel case', async () => {
    const { calls, api } = setup()
    await api.keys.create({ accountId: 'a', name: 'Name', requestId: 'request-1' })
    await api.keys.getCached({ accountId: 'a' })
    await api.accounts.refreshAll()
    expect(calls.slice(1)).toEqual([
      { channel: 'keys:create', request: { accountId: 'a', name: 'Name', requestId: 'request-1' } },
      { channel: 'keys:get-cached', request: { accountId: 'a' } },
      { channel: 'accounts:refresh-all', request: undefined }
    ])
    expect(bridgePathOf('token:confirm-saved')).toEqual(['token', 'confirmSaved'])
  })

  it('subscribes to every event channel through api.on', () => {
    const { subscriptions, api } = setup()
    for (const channel of EVENT_CHANNELS) {
      const [, method] = bridgePathOf(channel)
      ;(api.on as unknown as Record<string, (listener: () => void) => () => void>)[method]!(() => undefined)
    }
    expect(subscriptions).toEqual(EVENT_CHANNELS)
  })

  it('is typed from the contract, so a channel the bridge does not expose cannot exist', () => {
    expectTypeOf<AutocallsApi['keys']['list']>().toEqualTypeOf<(request: { accountId: string }) => Promise<Result<import('../../src/shared/domain').KeyListView>>>()
    expectTypeOf<AutocallsApi['accounts']['removeAll']>().parameters.toEqualTypeOf<[]>()
    expectTypeOf<AutocallsApi['on']['accountsChanged']>().parameter(0).parameter(0).toEqualTypeOf<{ accounts: import('../../src/shared/domain').AccountView[] }>()
  })
})
