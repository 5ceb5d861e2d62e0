/**
 * The main-process services end to end: accounts (verify-first add, restore, 401, removal, two
 * hosts) and each account's keys, against two real sandbox servers over HTTP and the real
 * keychain (under npm test).
 */
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { CREDENTIAL_MISSING_REASON, REVOKED_REASON } from '../../../src/main/accounts/account-sessions'
import { KEY_CACHE_DIR_NAME, STATE_FILE_NAME } from '../../../src/main/app-services'
import { OWN_KEY_DELETED_REASON } from '../../../src/main/services/keys-service'
import type { SecretStore } from '../../../src/main/vault/secret-store'
import type { AccountView } from '../../../src/shared/domain'
import { startSandbox, type SandboxServer } from '../../../src/sandbox/index'
import { createTestApp, type TestApp } from '../../support/app-fixture'
import { urlOf } from '../../support/url-of'

let hostA: SandboxServer
let hostB: SandboxServer
let app: TestApp
/** Every request the app sent: where to, and with which credential. */
let sent: Array<{ url: string; authorization: string }>

beforeAll(async () => {
  ;[hostA, hostB] = await Promise.all([startSandbox({ seedDemo: false }), startSandbox({ seedDemo: false })])
})
afterAll(async () => {
  await Promise.all([hostA.close(), hostB.close()])
})

const recordingFetch: typeof fetch = (input, init) => {
  const headers = new Headers(init?.headers)
  sent.push({ url: urlOf(input), authorization: headers.get('authorization') ?? '' })
  return fetch(input, init)
}

beforeEach(async () => {
  hostA.faults.clear()
  hostB.faults.clear()
  sent = []
  app = await createTestApp({ client: { timeoutMs: 2_000, sleep: async () => {}, fetch: recordingFetch } })
})
afterEach(async () => {
  await app.dispose()
})

let counter = 0
const person = (host: SandboxServer, name: string) => {
  const email = `${name.toLowerCase()}-${++counter}-${process.pid}@example.com`
  const { token } = host.createAccount({ name, email, totalBalance: 42 })
  return { email, token, accountId: `${email} on ${host.baseUrl}`, host }
}
const add = (who: { host: SandboxServer; token: string }) => app.services.accounts.add(who.host.baseUrl, who.token)
const requestsOf = (host: SandboxServer) => host.requests.map((r) => `${r.method} ${r.path}`)

describe('adding accounts', () => {
  it('verifies with /user/me and fetches the list alongside, in one round trip, then stores the credential', async () => {
    const grace = person(hostA, 'Grace')
    hostA.resetRequests()
    hostA.faults.add({ times: 2, fault: { type: 'latency', ms: 300 } })
    const started = Date.now()
    const result = await add(grace)
    const elapsed = Date.now() - started
    expect(result).toMatchObject({
      alreadyExisted: false,
      account: { id: grace.accountId, status: 'ready', verified: true, profile: { name: 'Grace', email: grace.email, totalBalance: 42 } },
      list: { accountId: grace.accountId, fromCache: false }
    })
    expect(result.list?.keys).toHaveLength(1)
    expect(requestsOf(hostA).sort()).toEqual(['GET /user/api-keys', 'GET /user/me'])
    // Sent together: two 300 ms answers in about 300 ms, not 600.
    expect(elapsed).toBeLessThan(550)
    expect(await app.vault.get(grace.accountId)).toBe(grace.token)
  })

  it('never stores a credential that fails verification, and shows nothing fetched with it', async () => {
    const grace = person(hostA, 'Grace')
    await expect(app.services.accounts.add(hostA.baseUrl, `${grace.token}nope`)).rejects.toMatchObject({ kind: 'unauthenticated' })
    expect(await app.vault.listAccounts()).toEqual([])
    expect(app.services.accounts.list()).toEqual([])
  })

  it('adding an account that is already there says so, and replaces its credential only with one that verifies', async () => {
    const grace = person(hostA, 'Grace')
    await add(grace)
    const second = await app.services.handlers['keys:create']({ accountId: grace.accountId, name: 'Second sign-in', requestId: 'request-second' })
    expect(second.ok).toBe(true)
    const newToken = second.ok ? second.value.token : ''
    await expect(app.services.accounts.add(hostA.baseUrl, '999|wrongwrongwrongwrongwrongwrongwrongwrong')).rejects.toMatchObject({ kind: 'unauthenticated' })
    expect(await app.vault.get(grace.accountId)).toBe(grace.token)
    const again = await app.services.accounts.add(hostA.baseUrl, newToken)
    expect(again).toMatchObject({ alreadyExisted: true, account: { id: grace.accountId } })
    expect(await app.vault.get(grace.accountId)).toBe(newToken)
    expect(app.services.accounts.list()).toHaveLength(1)
  })

  it('rejects a bad base URL or an empty key before any request, changing nothing', async () => {
    hostA.resetRequests()
    await expect(app.services.accounts.add('http://example.com/api', 'a|b')).rejects.toMatchObject({ kind: 'validation' })
    await expect(app.services.accounts.add(hostA.baseUrl, '   ')).rejects.toMatchObject({ kind: 'validation' })
    await expect(app.services.accounts.add(hostA.baseUrl, 'has space')).rejects.toMatchObject({ kind: 'validation' })
    expect(hostA.requests).toHaveLength(0)
    expect(await app.vault.listAccounts()).toEqual([])
  })

  it('keeps accounts on two hosts apart: each credential only ever goes to its own host', async () => {
    const ada = person(hostA, 'Ada')
    const bob = person(hostB, 'Bob')
    await add(ada)
    await add(bob)
    await app.services.keys.list(ada.accountId)
    await app.services.keys.list(bob.accountId)
    await app.services.keys.create(bob.accountId, 'Bob only', 'request-bob-1')
    await app.services.keys.freshList(bob.accountId)
    expect(sent.length).toBeGreaterThan(6)
    for (const request of sent) {
      const expected = request.url.startsWith(hostA.baseUrl) ? ada.token : bob.token
      expect(request.authorization).toBe(`Bearer ${expected}`)
    }
    expect(hostA.listKeysOf(ada.token).map((k) => k.name)).not.toContain('Bob only')
    expect(app.services.accounts.list().map((a) => a.id)).toEqual([ada.accountId, bob.accountId])
    const [colourA, colourB] = app.services.accounts.list().map((a) => a.colorIndex)
    expect(colourA).not.toBe(colourB)
  })

  it('runs a sandbox account in memory only, beside stored ones', async () => {
    const ada = person(hostA, 'Ada')
    await add(ada)
    const result = await app.services.accounts.addSandbox()
    expect(result.account).toMatchObject({ isSandbox: true, status: 'ready' })
    expect(result.list?.keys.some((key) => key.isAppKey)).toBe(true)
    expect(await app.vault.listAccounts()).toEqual([ada.accountId])
    await app.services.state.flush()
    await app.services.cache.flush()
    const onDisk = await readFile(join(app.userDataDir, STATE_FILE_NAME), 'utf8')
    expect(onDisk).not.toContain(result.account.id)
    expect(await readdir(join(app.userDataDir, KEY_CACHE_DIR_NAME))).toHaveLength(1) // Ada's list only
  })
})

describe('adding accounts: what waits for what', () => {
  it('stores the credential as soon as /user/me accepts it, while the list is still arriving', async () => {
    const grace = person(hostA, 'Grace')
    hostA.faults.add({ method: 'GET', path: '/user/api-keys', fault: { type: 'latency', ms: 400 } })
    let answered = false
    const adding = add(grace).finally(() => (answered = true))
    await vi.waitFor(async () => expect(await app.vault.listAccounts()).toContain(grace.accountId), { timeout: 350, interval: 10 })
    expect(answered).toBe(false)
    const result = await adding
    expect(result.list?.keys).toHaveLength(1)
  })

  it('a credential /user/me refuses is answered at once, without waiting for the list, and nothing is stored', async () => {
    hostA.faults.add({ method: 'GET', path: '/user/me', fault: { type: 'status', status: 401 } })
    hostA.faults.add({ method: 'GET', path: '/user/api-keys', fault: { type: 'latency', ms: 1_500 } })
    const grace = person(hostA, 'Grace')
    const started = Date.now()
    await expect(add(grace)).rejects.toMatchObject({ kind: 'unauthenticated' })
    expect(Date.now() - started).toBeLessThan(1_000)
    expect(await app.vault.listAccounts()).toEqual([])
    expect(app.services.accounts.list()).toEqual([])
  })
})

describe('restoring and ending sessions', () => {
  it('restores every account at the next start and reads only the credential of the account used', async () => {
    const ada = person(hostA, 'Ada')
    const bob = person(hostB, 'Bob')
    await add(ada)
    await add(bob)
    await app.services.accounts.show(bob.accountId)
    const reads: string[] = []
    const counting: SecretStore = {
      get: async (account) => {
        reads.push(account)
        return app.vault.get(account)
      },
      set: (account, secret) => app.vault.set(account, secret),
      delete: (account) => app.vault.delete(account),
      listAccounts: () => app.vault.listAccounts()
    }
    await app.services.shutdown()
    const restarted = await createTestApp({ vault: counting, client: { timeoutMs: 2_000, sleep: async () => {} } }, { userDataDir: app.userDataDir, vault: counting })
    try {
      hostA.resetRequests()
      hostB.resetRequests()
      // Held, so the list that the initial state starts is still in flight when the window asks.
      hostB.faults.add({ times: 2, fault: { type: 'latency', ms: 200 } })
      const initial = await restarted.services.handlers['app:get-initial-state'](undefined)
      expect(initial.ok && initial.value.accounts.map((a) => [a.id, a.verified])).toEqual([
        [ada.accountId, false],
        [bob.accountId, false]
      ])
      expect(initial.ok && initial.value.shownAccountId).toBe(bob.accountId)
      expect(initial.ok && initial.value.cachedKeys?.accountId).toBe(bob.accountId)
      // The initial state starts the shown account's fresh list (the window asks for it next):
      // the window's request joins it, so one list and one verification, and only Bob's credential read.
      const list = await restarted.services.keys.list(bob.accountId)
      expect(list.fromCache).toBe(false)
      // The stored key is re-verified alongside the list: both requests, one round trip.
      expect(requestsOf(hostB).sort()).toEqual(['GET /user/api-keys', 'GET /user/me'])
      expect(requestsOf(hostA)).toEqual([])
      expect(reads).toEqual([bob.accountId])
      expect(restarted.services.accounts.list().find((a) => a.id === bob.accountId)?.verified).toBe(true)
    } finally {
      await restarted.services.shutdown()
    }
  })

  it('an account whose server cannot be reached stays signed in, marked unreachable', async () => {
    const ada = person(hostA, 'Ada')
    await add(ada)
    hostA.faults.add({ times: Infinity, fault: { type: 'status', status: 503 } })
    await expect(app.services.keys.list(ada.accountId)).rejects.toMatchObject({ kind: 'server' })
    expect(app.services.accounts.list()[0]).toMatchObject({ status: 'unreachable', problem: { kind: 'server' } })
    expect(await app.vault.get(ada.accountId)).toBe(ada.token)
    hostA.faults.clear()
    await app.services.keys.list(ada.accountId)
    expect(app.services.accounts.list()[0]).toMatchObject({ status: 'ready', problem: null })
  })

  it('a 401 ends that account only: its credential leaves the keychain, it waits for a new sign-in, the other goes on', async () => {
    const ada = person(hostA, 'Ada')
    const bob = person(hostB, 'Bob')
    await add(ada)
    await add(bob)
    hostA.faults.add({ path: '/user/api-keys', fault: { type: 'unauthenticated' } })
    await expect(app.services.keys.list(ada.accountId)).rejects.toMatchObject({ kind: 'unauthenticated' })
    const [adaView, bobView] = app.services.accounts.list() as [AccountView, AccountView]
    expect(adaView).toMatchObject({ status: 'needs-sign-in', problem: { kind: 'not_signed_in', message: REVOKED_REASON } })
    expect(bobView.status).toBe('ready')
    expect(await app.vault.get(ada.accountId)).toBeNull()
    expect(await app.vault.get(bob.accountId)).toBe(bob.token)
    await expect(app.services.keys.list(ada.accountId)).rejects.toMatchObject({ kind: 'not_signed_in', message: REVOKED_REASON })
    await expect(app.services.keys.list(bob.accountId)).resolves.toMatchObject({ accountId: bob.accountId })
    const last = app.events.filter((event) => event.channel === 'event:accounts-changed').at(-1)
    expect(last?.payload).toMatchObject({ accounts: [{ id: ada.accountId, status: 'needs-sign-in' }, { id: bob.accountId }] })
    // Signing in again brings it back.
    await add(ada)
    expect(app.services.accounts.list()[0]).toMatchObject({ status: 'ready', problem: null })
  })

  it('notices a credential removed from the keychain behind its back', async () => {
    const ada = person(hostA, 'Ada')
    await add(ada)
    await app.vault.delete(ada.accountId)
    const restarted = await app.restart()
    try {
      await expect(restarted.services.keys.list(ada.accountId)).rejects.toMatchObject({ kind: 'not_signed_in', message: CREDENTIAL_MISSING_REASON })
      expect(restarted.services.accounts.list()[0]).toMatchObject({ status: 'needs-sign-in' })
    } finally {
      await restarted.services.shutdown()
    }
  })

  it("the window's first list gets the one the initial state started, also when it already came back; once, and not after a write", async () => {
    const ada = person(hostA, 'Ada')
    await add(ada)
    const restarted = await app.restart()
    try {
      hostA.resetRequests()
      const initial = await restarted.services.handlers['app:get-initial-state'](undefined)
      expect(initial.ok && initial.value.shownAccountId).toBe(ada.accountId)
      // The prefetch's answer is in before the window asks (no latency here).
      await restarted.services.keys.settle()
      expect(requestsOf(hostA).sort()).toEqual(['GET /user/api-keys', 'GET /user/me'])
      const first = await restarted.services.keys.list(ada.accountId)
      expect(first).toMatchObject({ accountId: ada.accountId, fromCache: false })
      expect(requestsOf(hostA)).toHaveLength(2)
      // Handed over once: the next list is a request of its own.
      await restarted.services.keys.list(ada.accountId)
      expect(requestsOf(hostA).filter((r) => r === 'GET /user/api-keys')).toHaveLength(2)

      // Joined while still in flight, it is handed over all the same: once.
      hostA.faults.add({ times: 2, fault: { type: 'latency', ms: 150 } })
      hostA.resetRequests()
      await restarted.services.handlers['app:get-initial-state'](undefined)
      await vi.waitFor(() => expect(requestsOf(hostA)).toEqual(['GET /user/api-keys']), { timeout: 100, interval: 5 })
      await restarted.services.keys.list(ada.accountId)
      expect(requestsOf(hostA)).toEqual(['GET /user/api-keys'])
      await restarted.services.keys.list(ada.accountId)
      expect(requestsOf(hostA)).toEqual(['GET /user/api-keys', 'GET /user/api-keys'])

      // A create between the prefetch and the window's list makes the prefetched list stale.
      await restarted.services.handlers['app:get-initial-state'](undefined)
      await restarted.services.keys.settle()
      hostA.resetRequests()
      await restarted.services.keys.create(ada.accountId, 'made in between', 'request-in-between')
      await restarted.services.keys.settle()
      hostA.resetRequests()
      const after = await restarted.services.keys.list(ada.accountId)
      expect(requestsOf(hostA)).toEqual(['GET /user/api-keys'])
      expect(after.keys.map((key) => key.name)).toContain('made in between')
    } finally {
      await restarted.services.shutdown()
    }
  })

  it("a list the initial state started that failed is not handed to the window: the window's list is sent again", async () => {
    const ada = person(hostA, 'Ada')
    await add(ada)
    const restarted = await app.restart()
    try {
      hostA.faults.add({ method: 'GET', path: '/user/api-keys', times: Infinity, fault: { type: 'status', status: 503 } })
      await restarted.services.handlers['app:get-initial-state'](undefined)
      await restarted.services.keys.settle()
      hostA.faults.clear()
      hostA.resetRequests()
      await expect(restarted.services.keys.list(ada.accountId)).resolves.toMatchObject({ accountId: ada.accountId, fromCache: false })
      expect(requestsOf(hostA)).toContain('GET /user/api-keys')
    } finally {
      await restarted.services.shutdown()
    }
  })

  it('the initial state starts no list for a shown account that needs signing in', async () => {
    const ada = person(hostA, 'Ada')
    await add(ada)
    hostA.faults.add({ method: 'GET', path: '/user/api-keys', fault: { type: 'status', status: 401 } })
    await expect(app.services.keys.list(ada.accountId)).rejects.toMatchObject({ kind: 'unauthenticated' })
    const restarted = await app.restart()
    try {
      hostA.resetRequests()
      const initial = await restarted.services.handlers['app:get-initial-state'](undefined)
      expect(initial.ok && initial.value.accounts[0]).toMatchObject({ id: ada.accountId, status: 'needs-sign-in' })
      await restarted.services.keys.settle()
      expect(requestsOf(hostA)).toEqual([])
    } finally {
      await restarted.services.shutdown()
    }
  })

  it('removing an account takes its keychain entry and cached list, and nothing of the others', async () => {
    const ada = person(hostA, 'Ada')
    const bob = person(hostB, 'Bob')
    await add(ada)
    await add(bob)
    await app.services.accounts.show(ada.accountId)
    const remaining = await app.services.accounts.remove(ada.accountId)
    expect(remaining.map((a) => a.id)).toEqual([bob.accountId])
    expect(await app.vault.listAccounts()).toEqual([bob.accountId])
    expect(await app.services.keys.cached(ada.accountId)).toBeNull()
    expect(await app.services.keys.cached(bob.accountId)).not.toBeNull()
    expect(app.services.accounts.shownAccountId()).toBe(bob.accountId)
    await expect(app.services.keys.list(ada.accountId)).rejects.toMatchObject({ kind: 'not_signed_in' })
    await expect(app.services.accounts.remove(ada.accountId)).rejects.toMatchObject({ kind: 'not_signed_in' })
    expect(await app.services.accounts.removeAll()).toEqual([])
    expect(await app.vault.listAccounts()).toEqual([])
    await app.services.state.flush()
    await app.services.cache.flush()
    expect(await readdir(join(app.userDataDir, KEY_CACHE_DIR_NAME))).toEqual([])
  })

  it('refreshes every account in parallel; one failing account does not block the others', async () => {
    const ada = person(hostA, 'Ada')
    const bob = person(hostB, 'Bob')
    await add(ada)
    await add(bob)
    hostA.faults.add({ path: '/user/api-keys', times: Infinity, fault: { type: 'status', status: 500 } })
    hostB.faults.add({ fault: { type: 'latency', ms: 200 } })
    const outcomes = await app.services.accounts.refreshAll()
    expect(outcomes).toEqual([
      { accountId: ada.accountId, ok: false, error: expect.objectContaining({ kind: 'server' }) },
      { accountId: bob.accountId, ok: true, error: null }
    ])
  })

  it('refresh all keeps at most four requests in flight per host', async () => {
    const people = Array.from({ length: 6 }, (_, i) => person(hostA, `P${i}`))
    for (const who of people) await add(who)
    hostA.resetRequests()
    hostA.faults.add({ times: 6, fault: { type: 'latency', ms: 150 } })
    const started = Date.now()
    await app.services.accounts.refreshAll()
    const elapsed = Date.now() - started
    const lists = hostA.requests.filter((r) => r.path === '/user/api-keys')
    expect(lists).toHaveLength(6)
    // The fifth and sixth lists waited for a free slot: two rounds of 150 ms.
    expect(elapsed).toBeGreaterThanOrEqual(290)
    const fifth = lists[4]!.at - lists[0]!.at
    expect(fifth).toBeGreaterThanOrEqual(140)
  })
})

describe('keys, per account', () => {
  let ada: ReturnType<typeof person>
  beforeEach(async () => {
    ada = person(hostA, 'Ada')
    await add(ada)
  })

  it('lists keys, marks the one the app signs in with, and caches the list for the next start', async () => {
    const list = await app.services.keys.list(ada.accountId)
    const own = list.keys.filter((key) => key.isAppKey)
    expect(own.map((key) => key.id)).toEqual([Number(ada.token.split('|')[0])])
    const restarted = await app.restart()
    try {
      expect(await restarted.services.keys.cached(ada.accountId)).toMatchObject({ fromCache: true, keys: list.keys })
    } finally {
      await restarted.services.shutdown()
    }
  })

  it('concurrent list calls share one request', async () => {
    await app.services.keys.list(ada.accountId)
    hostA.resetRequests()
    await Promise.all([app.services.keys.list(ada.accountId), app.services.keys.list(ada.accountId), app.services.keys.list(ada.accountId)])
    expect(requestsOf(hostA)).toEqual(['GET /user/api-keys'])
  })

  it('creates a key from the POST alone (one round trip), and a fresh list started after the POST confirms it', async () => {
    await app.services.keys.list(ada.accountId)
    hostA.resetRequests()
    const created = await app.services.keys.create(ada.accountId, '  Staging  ', 'request-0001')
    // The answer came before any list was asked for.
    expect(requestsOf(hostA)).toEqual(['POST /user/api-keys'])
    expect(created.token).toMatch(/^\d+\|/)
    expect(created.key).toEqual({
      id: Number(created.token.split('|')[0]),
      name: 'Staging',
      createdAt: expect.any(String),
      lastUsedAt: null,
      isAppKey: false,
      unconfirmed: true
    })
    expect(app.services.pending.get(created.pendingId)).toMatchObject({ token: created.token, accountId: ada.accountId, keyName: 'Staging' })
    const confirmed = await app.services.keys.list(ada.accountId)
    expect(requestsOf(hostA)).toEqual(['POST /user/api-keys', 'GET /user/api-keys'])
    expect(confirmed.keys.find((key) => key.id === created.key?.id)).toMatchObject({ name: 'Staging', createdAt: created.key?.createdAt })
    expect(confirmed.keys.find((key) => key.id === created.key?.id)?.unconfirmed).toBeUndefined()
  })

  it('a list already in flight before the POST never counts as its confirmation', async () => {
    await app.services.keys.list(ada.accountId)
    hostA.resetRequests()
    hostA.faults.add({ method: 'GET', path: '/user/api-keys', fault: { type: 'latency', ms: 300 } })
    const early = app.services.keys.list(ada.accountId)
    const created = await app.services.keys.create(ada.accountId, 'Racing', 'request-race')
    const confirming = await app.services.keys.freshList(ada.accountId)
    await early
    // The early list was asked for before the POST; the confirming one only after it.
    expect(requestsOf(hostA)).toEqual(['GET /user/api-keys', 'POST /user/api-keys', 'GET /user/api-keys'])
    const [, post, fresh] = hostA.requests
    expect(fresh!.at).toBeGreaterThanOrEqual(post!.at)
    expect(confirming.keys.some((key) => key.id === created.key?.id)).toBe(true)
  })

  it('one create per request id, however often it is asked', async () => {
    hostA.resetRequests()
    const results = await Promise.allSettled([
      app.services.keys.create(ada.accountId, 'Twice', 'request-dup-1'),
      app.services.keys.create(ada.accountId, 'Twice', 'request-dup-1')
    ])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled'])
    await expect(app.services.keys.create(ada.accountId, 'Twice', 'request-dup-1')).rejects.toMatchObject({ kind: 'invalid_request' })
    expect(hostA.requests.filter((r) => r.method === 'POST')).toHaveLength(1)
    expect(hostA.listKeysOf(ada.token).filter((k) => k.name === 'Twice')).toHaveLength(1)
  })

  it('checks the name before sending', async () => {
    hostA.resetRequests()
    await expect(app.services.keys.create(ada.accountId, '   ', 'request-0002')).rejects.toMatchObject({
      kind: 'validation',
      fieldErrors: { name: ['Enter a name for the key.'] }
    })
    await expect(app.services.keys.create(ada.accountId, 'x'.repeat(256), 'request-0003')).rejects.toMatchObject({ kind: 'validation' })
    expect(hostA.requests).toHaveLength(0)
  })

  it('refuses keys calls for an account that is not here, changing nothing', async () => {
    hostA.resetRequests()
    const stranger = `nobody@example.com on ${hostA.baseUrl}`
    await expect(app.services.keys.list(stranger)).rejects.toMatchObject({ kind: 'not_signed_in' })
    await expect(app.services.keys.create(stranger, 'Nope', 'request-stranger')).rejects.toMatchObject({ kind: 'not_signed_in' })
    await expect(app.services.keys.delete(stranger, 1)).rejects.toMatchObject({ kind: 'not_signed_in' })
    expect(hostA.requests).toHaveLength(0)
  })

  it('a create whose answer is lost says the key may exist, and never retries', async () => {
    hostA.resetRequests()
    hostA.faults.add({ method: 'POST', fault: { type: 'drop-after-commit' } })
    await expect(app.services.keys.create(ada.accountId, 'Lost answer', 'request-0004')).rejects.toMatchObject({
      kind: 'create_outcome_unknown',
      message: expect.stringMatching(/may have been created.*“Lost answer”/)
    })
    expect(hostA.requests.filter((r) => r.method === 'POST')).toHaveLength(1)
    expect(hostA.listKeysOf(ada.token).filter((k) => k.name === 'Lost answer')).toHaveLength(1)
  })

  it('a create refused outright (429) is reported as such', async () => {
    hostA.faults.add({ method: 'POST', fault: { type: 'rate-limit', retryAfterSeconds: 30 } })
    await expect(app.services.keys.create(ada.accountId, 'Throttled', 'request-0005')).rejects.toMatchObject({ kind: 'rate_limited', retryAfterSeconds: 30 })
  })

  it('keeps the token and the provisional row when the confirming list fails', async () => {
    await app.services.keys.list(ada.accountId)
    hostA.faults.add({ method: 'GET', path: '/user/api-keys', times: Infinity, fault: { type: 'status', status: 500 } })
    const created = await app.services.keys.create(ada.accountId, 'Unconfirmed', 'request-0006')
    await expect(app.services.keys.list(ada.accountId)).rejects.toMatchObject({ kind: 'server' })
    expect(app.services.pending.get(created.pendingId)?.token).toBe(created.token)
    expect((await app.services.keys.cached(ada.accountId))?.keys.some((key) => key.id === created.key?.id && key.name === 'Unconfirmed')).toBe(true)
  })

  it('deletes a key once and drops it from the cache; a key gone elsewhere disappears quietly', async () => {
    await app.services.keys.list(ada.accountId)
    const created = await app.services.keys.create(ada.accountId, 'Short-lived', 'request-0007')
    await app.services.keys.freshList(ada.accountId)
    hostA.resetRequests()
    const id = created.key!.id
    const [first, second] = await Promise.all([app.services.keys.delete(ada.accountId, id), app.services.keys.delete(ada.accountId, id)])
    expect(first).toEqual({ accountId: ada.accountId, id, alreadyGone: false, signedOut: false })
    expect(second).toEqual(first)
    expect(hostA.requests.filter((r) => r.method === 'DELETE')).toHaveLength(1)
    expect((await app.services.keys.cached(ada.accountId))?.keys.some((k) => k.id === id)).toBe(false)
    await expect(app.services.keys.delete(ada.accountId, id)).resolves.toMatchObject({ alreadyGone: true })
  })

  it('deleting the key an account signs in with signs that account out, and only that one', async () => {
    const bob = person(hostB, 'Bob')
    await add(bob)
    const ownId = Number(ada.token.split('|')[0])
    const result = await app.services.keys.delete(ada.accountId, ownId)
    expect(result).toEqual({ accountId: ada.accountId, id: ownId, alreadyGone: false, signedOut: true })
    expect(app.services.accounts.list()).toMatchObject([
      { id: ada.accountId, status: 'needs-sign-in', problem: { message: OWN_KEY_DELETED_REASON } },
      { id: bob.accountId, status: 'ready' }
    ])
    expect(await app.vault.listAccounts()).toEqual([bob.accountId])
  })
})

describe('state on disk', () => {
  it('writes nothing secret: the state file and the key lists hold no credential or token', async () => {
    const ada = person(hostA, 'Ada')
    await add(ada)
    const created = await app.services.keys.create(ada.accountId, 'Secret-free', 'request-disk')
    await app.services.keys.freshList(ada.accountId)
    await app.services.state.flush()
    await app.services.cache.flush()
    const files = [join(app.userDataDir, STATE_FILE_NAME), ...(await readdir(join(app.userDataDir, KEY_CACHE_DIR_NAME))).map((f) => join(app.userDataDir, KEY_CACHE_DIR_NAME, f))]
    for (const file of files) {
      const text = await readFile(file, 'utf8')
      expect(text).not.toContain(ada.token.split('|')[1])
      expect(text).not.toContain(created.token.split('|')[1])
    }
  })
})
