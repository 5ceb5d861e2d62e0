import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { STATE_FILE_NAME } from '../../../src/main/app-services'
import { REVOKED_REASON } from '../../../src/main/services/session-service'
import { OWN_KEY_DELETED_REASON } from '../../../src/main/services/keys-service'
import { createTestApp, type TestApp } from '../../support/app-fixture'
import { useSandbox } from '../../support/sandbox-fixture'

const sandbox = useSandbox()
let app: TestApp
let token: string
let email: string

beforeEach(async () => {
  sandbox.server.faults.clear()
  email = `grace-${Math.random().toString(36).slice(2)}@example.com`
  token = sandbox.server.createAccount({ name: 'Grace Hopper', email, totalBalance: 42 }).token
  app = await createTestApp()
})
afterEach(async () => {
  await app.dispose()
})

const signIn = () => app.services.session.signIn(sandbox.server.baseUrl, token)
const accountId = () => `${email} on ${sandbox.server.baseUrl}`

describe('session', () => {
  it('signs in: verifies with /user/me, then stores the credential in the keychain', async () => {
    const view = await signIn()
    expect(view).toMatchObject({ state: 'signed-in', verified: true, account: { profile: { name: 'Grace Hopper', email, totalBalance: 42 } } })
    expect(await app.vault.get(accountId())).toBe(token)
  })

  it('never stores a credential that fails verification', async () => {
    await expect(app.services.session.signIn(sandbox.server.baseUrl, `${token}nope`)).rejects.toMatchObject({ kind: 'unauthenticated' })
    expect(await app.vault.listAccounts()).toEqual([])
    expect(app.services.session.view().state).toBe('signed-out')
  })

  it('a wrong key never replaces a working stored credential', async () => {
    await signIn()
    await expect(app.services.session.signIn(sandbox.server.baseUrl, '999|wrongwrongwrongwrongwrongwrongwrongwrong')).rejects.toMatchObject({
      kind: 'unauthenticated'
    })
    expect(await app.vault.get(accountId())).toBe(token)
    expect(app.services.session.view()).toMatchObject({ state: 'signed-in', account: { id: accountId() } })
  })

  it('rejects a bad base URL or an empty key before any request, changing nothing', async () => {
    sandbox.server.resetRequests()
    await expect(app.services.session.signIn('http://example.com/api', token)).rejects.toMatchObject({ kind: 'validation' })
    await expect(app.services.session.signIn(sandbox.server.baseUrl, '   ')).rejects.toMatchObject({ kind: 'validation' })
    await expect(app.services.session.signIn(sandbox.server.baseUrl, 'has space')).rejects.toMatchObject({ kind: 'validation' })
    expect(sandbox.server.requests).toHaveLength(0)
    expect(await app.vault.listAccounts()).toEqual([])
  })

  it('restores from the keychain at the next start and re-verifies', async () => {
    await signIn()
    const restarted = await app.restart()
    try {
      expect(restarted.services.session.view()).toMatchObject({ state: 'signed-in', verified: false })
      sandbox.server.resetRequests()
      expect(await restarted.services.session.restore()).toMatchObject({ state: 'signed-in', verified: true })
      expect(sandbox.server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /user/me'])
    } finally {
      await restarted.services.shutdown()
    }
  })

  it('keeps the session (unverified) when the server cannot be reached at start-up', async () => {
    await signIn()
    const restarted = await app.restart()
    sandbox.server.faults.add({ path: '/user/me', times: Infinity, fault: { type: 'status', status: 503 } })
    await expect(restarted.services.session.restore()).rejects.toMatchObject({ kind: 'server' })
    expect(restarted.services.session.view()).toMatchObject({ state: 'signed-in', verified: false })
    expect(await restarted.vault.get(accountId())).toBe(token)
    await restarted.services.shutdown()
  })

  it('ends the session on a 401 later on: credential and cached list removed, windows told why', async () => {
    await signIn()
    await app.services.keys.list()
    sandbox.server.faults.add({ path: '/user/api-keys', fault: { type: 'unauthenticated' } })
    await expect(app.services.keys.list()).rejects.toMatchObject({ kind: 'unauthenticated' })
    expect(app.services.session.view()).toEqual({ state: 'signed-out', reason: REVOKED_REASON })
    expect(await app.vault.get(accountId())).toBeNull()
    expect(app.services.keys.cached()).toBeNull()
    expect(app.events).toContainEqual({ channel: 'event:session-ended', payload: { reason: REVOKED_REASON } })
  })

  it('signs out: the keychain entry and cached data are gone', async () => {
    await signIn()
    await app.services.keys.list()
    expect(await app.services.session.signOut()).toEqual({ state: 'signed-out' })
    expect(await app.vault.listAccounts()).toEqual([])
    await app.services.state.flush()
    const onDisk = JSON.parse(await readFile(join(app.userDataDir, STATE_FILE_NAME), 'utf8'))
    expect(onDisk).toMatchObject({ activeAccountId: null, accounts: {}, keyCache: {} })
  })

  it('notices a credential removed from the keychain behind its back', async () => {
    await signIn()
    await app.vault.delete(accountId())
    const restarted = await app.restart()
    expect(await restarted.services.session.restore()).toMatchObject({ state: 'signed-out', reason: expect.stringMatching(/no longer in the system keychain/) })
    await restarted.services.shutdown()
  })

  it('runs a sandbox session in memory only', async () => {
    const view = await app.services.session.startSandbox()
    expect(view).toMatchObject({ state: 'signed-in', account: { isSandbox: true } })
    expect(await app.vault.listAccounts()).toEqual([])
    const list = await app.services.keys.list()
    expect(list.keys.some((key) => key.isAppKey)).toBe(true)
    await app.services.state.flush()
    const onDisk = await readFile(join(app.userDataDir, STATE_FILE_NAME), 'utf8').catch(() => '{}')
    expect(onDisk).not.toContain('isSandbox')
    expect(JSON.parse(onDisk).keyCache ?? {}).toEqual({})
  })
})

describe('keys', () => {
  beforeEach(async () => {
    await signIn()
  })

  it('lists keys, marks the one the app signs in with, and caches the list for the next start', async () => {
    const list = await app.services.keys.list()
    expect(list.fromCache).toBe(false)
    const own = list.keys.filter((key) => key.isAppKey)
    expect(own).toHaveLength(1)
    expect(own[0]!.id).toBe(Number(token.split('|')[0]))
    const restarted = await app.restart()
    expect(restarted.services.keys.cached()).toMatchObject({ fromCache: true, keys: list.keys })
    await restarted.services.shutdown()
  })

  it('concurrent list calls share one request', async () => {
    sandbox.server.resetRequests()
    await Promise.all([app.services.keys.list(), app.services.keys.list(), app.services.keys.list()])
    expect(sandbox.server.requests.filter((r) => r.method === 'GET')).toHaveLength(1)
  })

  it('creates a key: token once, id from the prefix confirmed in a fresh list', async () => {
    const created = await app.services.keys.create('  Staging  ', 'request-0001')
    expect(created.token).toMatch(/^\d+\|/)
    expect(created.key).toMatchObject({ id: Number(created.token.split('|')[0]), name: 'Staging', isAppKey: false, lastUsedAt: null })
    expect(created.idConfirmed).toBe(true)
    expect(created.list?.keys.map((k) => k.name)).toContain('Staging')
    expect(app.services.pending.get(created.pendingId)?.token).toBe(created.token)
  })

  it('one create per request id, however often it is asked', async () => {
    sandbox.server.resetRequests()
    const results = await Promise.allSettled([
      app.services.keys.create('Twice', 'request-dup-1'),
      app.services.keys.create('Twice', 'request-dup-1')
    ])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled'])
    await expect(app.services.keys.create('Twice', 'request-dup-1')).rejects.toMatchObject({ kind: 'invalid_request' })
    expect(sandbox.server.requests.filter((r) => r.method === 'POST')).toHaveLength(1)
    expect(sandbox.server.listKeysOf(token).filter((k) => k.name === 'Twice')).toHaveLength(1)
  })

  it('checks the name before sending', async () => {
    sandbox.server.resetRequests()
    await expect(app.services.keys.create('   ', 'request-0002')).rejects.toMatchObject({ kind: 'validation', fieldErrors: { name: ['Enter a name for the key.'] } })
    await expect(app.services.keys.create('x'.repeat(256), 'request-0003')).rejects.toMatchObject({ kind: 'validation' })
    expect(sandbox.server.requests).toHaveLength(0)
  })

  it('a create whose answer is lost says the key may exist, and never retries', async () => {
    sandbox.server.resetRequests()
    sandbox.server.faults.add({ method: 'POST', fault: { type: 'drop-after-commit' } })
    await expect(app.services.keys.create('Lost answer', 'request-0004')).rejects.toMatchObject({
      kind: 'create_outcome_unknown',
      message: expect.stringMatching(/may have been created.*“Lost answer”/)
    })
    expect(sandbox.server.requests.filter((r) => r.method === 'POST')).toHaveLength(1)
    expect(sandbox.server.listKeysOf(token).filter((k) => k.name === 'Lost answer')).toHaveLength(1)
  })

  it('a create refused outright (connection refused, 429) is reported as such', async () => {
    sandbox.server.faults.add({ method: 'POST', fault: { type: 'rate-limit', retryAfterSeconds: 30 } })
    await expect(app.services.keys.create('Throttled', 'request-0005')).rejects.toMatchObject({ kind: 'rate_limited', retryAfterSeconds: 30 })
  })

  it('still returns the token when the confirming list fails', async () => {
    sandbox.server.faults.add({ method: 'GET', path: '/user/api-keys', times: Infinity, fault: { type: 'status', status: 500 } })
    const created = await app.services.keys.create('Unconfirmed', 'request-0006')
    expect(created.token).toMatch(/^\d+\|/)
    expect(created).toMatchObject({ idConfirmed: false, list: null, key: { id: Number(created.token.split('|')[0]), name: 'Unconfirmed' } })
  })

  it('deletes a key once and drops it from the cache; a key gone elsewhere disappears quietly', async () => {
    const created = await app.services.keys.create('Short-lived', 'request-0007')
    sandbox.server.resetRequests()
    const [first, second] = await Promise.all([app.services.keys.delete(created.key!.id), app.services.keys.delete(created.key!.id)])
    expect(first).toEqual({ id: created.key!.id, alreadyGone: false, signedOut: false })
    expect(second).toEqual(first)
    expect(sandbox.server.requests.filter((r) => r.method === 'DELETE')).toHaveLength(1)
    expect(app.services.keys.cached()?.keys.some((k) => k.id === created.key!.id)).toBe(false)
    await expect(app.services.keys.delete(created.key!.id)).resolves.toMatchObject({ alreadyGone: true })
  })

  it('deleting the key the app signs in with signs the app out', async () => {
    const ownId = Number(token.split('|')[0])
    const result = await app.services.keys.delete(ownId)
    expect(result).toEqual({ id: ownId, alreadyGone: false, signedOut: true })
    expect(app.services.session.view()).toEqual({ state: 'signed-out', reason: OWN_KEY_DELETED_REASON })
    expect(await app.vault.listAccounts()).toEqual([])
    expect(app.events.map((e) => e.channel)).toContain('event:session-ended')
  })
})
