import { DEFAULT_PREFERENCES } from '../../../src/shared/domain'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { INVOKE_CHANNELS } from '../../../src/shared/ipc-contract'
import { createTestApp, type TestApp } from '../../support/app-fixture'
import { useSandbox } from '../../support/sandbox-fixture'

const sandbox = useSandbox()
let app: TestApp

beforeEach(async () => {
  sandbox.server.faults.clear()
  app = await createTestApp()
})
afterEach(async () => {
  await app.dispose()
})

const signIn = async () => {
  const { token } = sandbox.server.createAccount({ name: 'Linus', email: `l-${Math.random()}@example.com`, totalBalance: 1 })
  const result = await app.services.handlers['accounts:add']({ baseUrl: sandbox.server.baseUrl, apiKey: token })
  if (!result.ok) throw new Error(result.error.message)
  return { token, accountId: result.value.account.id }
}

describe('IPC handlers', () => {
  it('there is one handler per contract channel', () => {
    expect(Object.keys(app.services.handlers).sort()).toEqual([...INVOKE_CHANNELS].sort())
  })

  it('answers the initial state from disk without any request', async () => {
    sandbox.server.resetRequests()
    const result = await app.services.handlers['app:get-initial-state'](undefined)
    expect(result).toEqual({
      ok: true,
      value: { accounts: [], shownAccountId: null, cachedKeys: null, cachedKeyCount: 0, preferences: DEFAULT_PREFERENCES, pendingTokens: [] }
    })
    expect(sandbox.server.requests).toHaveLength(0)
  })

  it.each([
    ['accounts:add', undefined],
    ['accounts:add', { baseUrl: 'https://app.autocalls.ai/api' }],
    ['accounts:add', { baseUrl: 1, apiKey: 2 }],
    ['accounts:add', { baseUrl: 'https://a.b', apiKey: 'x'.repeat(5000) }],
    ['accounts:remove', {}],
    ['accounts:remove', { accountId: 7 }],
    ['accounts:show', { accountId: '' }],
    ['accounts:refresh-all', { accountId: 'a' }],
    ['keys:create', { name: 'ok', requestId: 'abcdefgh' }],
    ['keys:create', { accountId: 'a@b on x', name: 42, requestId: 'abcdefgh' }],
    ['keys:create', { accountId: 'a@b on x', name: 'x', requestId: 'abcdefgh', extra: true }],
    ['keys:create', 'name'],
    ['keys:delete', { accountId: 'a@b on x', id: '5' }],
    ['keys:delete', { accountId: 'a@b on x', id: -1 }],
    ['keys:delete', { accountId: 'a@b on x', id: 1.5 }],
    ['keys:delete', { accountId: 'a@b on x', id: Number.NaN }],
    ['keys:delete', { accountId: 'a@b on x', id: Infinity }],
    ['keys:delete', { id: 5 }],
    ['keys:delete', null],
    ['keys:list', undefined],
    ['keys:list', { accountId: 'a@b on x', unexpected: 1 }],
    ['keys:get-cached', { accountId: ['a'] }],
    ['token:copy', { pendingId: 'not-a-uuid' }],
    ['token:confirm-saved', {}],
    ['preferences:update', { clipboardClearSeconds: 0 }],
    ['preferences:update', { clipboardClearSeconds: 'soon' }],
    ['preferences:update', JSON.parse('{"__proto__": {"polluted": true}}')],
    ['shell:open-external', { url: 5 }]
  ] as const)('%s refuses %j with a typed error and changes nothing', async (channel, payload) => {
    sandbox.server.resetRequests()
    const result = await app.services.handlers[channel](payload)
    expect(result).toMatchObject({ ok: false, error: { kind: 'invalid_request', message: expect.stringContaining(channel) } })
    expect(sandbox.server.requests).toHaveLength(0)
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
    expect(app.services.state.state.preferences).toEqual(DEFAULT_PREFERENCES)
  })

  it('keys calls for an account that is not here answer not_signed_in', async () => {
    const stranger = { accountId: `nobody@example.com on ${sandbox.server.baseUrl}` }
    expect(await app.services.handlers['keys:list'](stranger)).toMatchObject({ ok: false, error: { kind: 'not_signed_in' } })
    expect(await app.services.handlers['keys:delete']({ ...stranger, id: 1 })).toMatchObject({ ok: false, error: { kind: 'not_signed_in' } })
    expect(await app.services.handlers['accounts:show'](stranger)).toMatchObject({ ok: false, error: { kind: 'not_signed_in' } })
  })

  it('create → copy → confirm: the token is copied in main and wiped on confirmation', async () => {
    const { accountId } = await signIn()
    const created = await app.services.handlers['keys:create']({ accountId, name: 'Copy me', requestId: 'req-copy-0001' })
    if (!created.ok) throw new Error(created.error.message)
    const { pendingId, token } = created.value
    expect(await app.services.handlers['token:list-pending'](undefined)).toMatchObject({ ok: true, value: [{ pendingId, token, accountId, keyName: 'Copy me' }] })
    expect(await app.services.handlers['token:copy']({ pendingId })).toEqual({ ok: true, value: { clearsInSeconds: 60 } })
    expect(app.clipboard.current).toBe(token)
    expect(await app.services.handlers['token:confirm-saved']({ pendingId })).toEqual({ ok: true, value: null })
    expect(await app.services.handlers['token:list-pending'](undefined)).toEqual({ ok: true, value: [] })
    expect(await app.services.handlers['token:copy']({ pendingId })).toMatchObject({ ok: false, error: { kind: 'token_gone' } })
  })

  it('the bearer credential never appears in any answer', async () => {
    const { token, accountId } = await signIn()
    const answers = await Promise.all([
      app.services.handlers['app:get-initial-state'](undefined),
      app.services.handlers['accounts:list'](undefined),
      app.services.handlers['keys:list']({ accountId }),
      app.services.handlers['accounts:refresh-all'](undefined)
    ])
    expect(JSON.stringify(answers)).not.toContain(token.split('|')[1])
  })

  it('updates preferences within range', async () => {
    expect(await app.services.handlers['preferences:update']({ clipboardClearSeconds: 30 })).toEqual({ ok: true, value: { ...DEFAULT_PREFERENCES, clipboardClearSeconds: 30 } })
  })

  it('opens only allowlisted https links', async () => {
    expect(await app.services.handlers['shell:open-external']({ url: 'https://docs.autocalls.ai/api-reference' })).toEqual({ ok: true, value: null })
    for (const url of ['http://docs.autocalls.ai', 'https://evil.example', 'file:///etc/passwd', 'https://docs.autocalls.ai.evil.example/']) {
      expect(await app.services.handlers['shell:open-external']({ url })).toMatchObject({ ok: false, error: { kind: 'not_allowed' } })
    }
    expect(app.opened).toEqual(['https://docs.autocalls.ai/api-reference'])
  })
})

describe('the initial state with a long cached list', () => {
  it('carries the newest screenful and the full count; keys:get-cached has the rest', async () => {
    const { token, accountId } = await signIn()
    sandbox.server.seedKeys(token, 300)
    const listed = await app.services.handlers['keys:list']({ accountId })
    if (!listed.ok) throw new Error(listed.error.message)
    const initial = await app.services.handlers['app:get-initial-state'](undefined)
    if (!initial.ok) throw new Error(initial.error.message)
    expect(initial.value.cachedKeyCount).toBe(301)
    const newest = [...listed.value.keys].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id - a.id).slice(0, 100)
    expect(initial.value.cachedKeys?.keys.map((k) => k.id)).toEqual(newest.map((k) => k.id))
    expect(initial.value).toMatchObject({ shownAccountId: accountId, accounts: [{ id: accountId }] })
    const whole = await app.services.handlers['keys:get-cached']({ accountId })
    expect(whole.ok && whole.value?.keys).toHaveLength(301)
  })
})
