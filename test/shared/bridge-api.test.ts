import { describe, expect, it } from 'vitest'
import { createAutocallsApi } from '../../src/shared/bridge-api'
import type { Invoke, Subscribe } from '../../src/shared/ipc-contract'

describe('createAutocallsApi', () => {
  const setup = () => {
    const calls: Array<{ channel: string; request: unknown }> = []
    const invoke = ((channel, request) => {
      calls.push({ channel, request })
      return Promise.resolve({ ok: true, value: `answer ${calls.length}` })
    }) as Invoke
    const subscribe = (() => () => undefined) as Subscribe
    return { calls, api: createAutocallsApi(invoke, subscribe) }
  }

  it('asks for the initial state as soon as it exists, and hands that answer out once', async () => {
    const { calls, api } = setup()
    expect(calls).toEqual([{ channel: 'app:get-initial-state', request: undefined }])
    expect(await api.app.getInitialState()).toEqual({ ok: true, value: 'answer 1' })
    expect(calls).toHaveLength(1)
    expect(await api.app.getInitialState()).toEqual({ ok: true, value: 'answer 2' })
    expect(calls).toHaveLength(2)
  })

  it('maps each named function to its channel and request', async () => {
    const { calls, api } = setup()
    await api.keys.create('Name', 'request-1')
    await api.keys.delete(7)
    await api.session.signIn('https://x.example/api', 'k')
    expect(calls.slice(1)).toEqual([
      { channel: 'keys:create', request: { name: 'Name', requestId: 'request-1' } },
      { channel: 'keys:delete', request: { id: 7 } },
      { channel: 'session:sign-in', request: { baseUrl: 'https://x.example/api', apiKey: 'k' } }
    ])
  })
})
