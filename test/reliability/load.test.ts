/**
 * Load: an account with 10,000 keys, listed through the IPC handler; then 100 creates and 100
 * deletes in a row against the sandbox over HTTP. Every call succeeds, the server got exactly one
 * POST per create and one DELETE per delete, the list (fresh and cached) matches the server
 * exactly afterwards, and the heap stays flat (measured after forced garbage collections).
 * Figures go to test-results/reliability/load.json for the README.
 */
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type SandboxServer } from '../../src/sandbox/index'
import { INITIAL_CACHED_KEYS, type KeyListView } from '../../src/shared/domain'
import { createTestApp, type TestApp } from '../support/app-fixture'
import { uniqueEmail, valueOf } from './support/harness'
import { writeResult } from './support/results'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

const SEEDED = 10_000
const CREATES = 100
const DELETES = 100
/** Allowed heap growth over the write loop (first vs last quarter, after GC). */
const HEAP_GROWTH_LIMIT = 20 * 1024 * 1024

let sandbox: SandboxServer
let app: TestApp
let token: string
let accountId: string

const heapAfterGc = (): number => {
  gc()
  gc()
  return process.memoryUsage().heapUsed
}

/** The server's list in the domain shape the app shows. */
const serverList = () =>
  sandbox.listKeysOf(token).map((k) => ({
    id: k.id,
    name: k.name,
    createdAt: new Date(k.created_at).toISOString(),
    lastUsedAt: k.last_used_at === null ? null : new Date(k.last_used_at).toISOString()
  }))
const shown = (view: KeyListView | null) => view?.keys.map(({ id, name, createdAt, lastUsedAt }) => ({ id, name, createdAt, lastUsedAt }))

beforeAll(async () => {
  sandbox = await startSandbox()
  app = await createTestApp({ client: { timeoutMs: 15_000, sleep: async () => undefined } })
  token = sandbox.createAccount({ name: 'Many Keys', email: uniqueEmail('load'), totalBalance: 1000 }).token
  sandbox.seedKeys(token, SEEDED, 'Load key')
  accountId = valueOf(await app.services.handlers['accounts:add']({ baseUrl: sandbox.baseUrl, apiKey: token })).account.id
})
afterAll(async () => {
  await app.dispose()
  await sandbox.close()
})

describe(`load: ${SEEDED.toLocaleString('en-US')} keys, ${CREATES} creates and ${DELETES} deletes in a row`, () => {
  it('all succeed, no request is doubled, the list matches the server exactly, memory stays flat', async () => {
    const h = app.services.handlers
    let peakRss = process.memoryUsage().rss
    const samplePeak = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss))
    const heapStart = heapAfterGc()

    // The big list.
    let started = performance.now()
    const listResult = await h['keys:list']({ accountId })
    const listMs = Math.round(performance.now() - started)
    const list = valueOf(listResult)
    samplePeak()
    expect(list.keys).toHaveLength(SEEDED + 1)
    expect(shown(list)).toEqual(serverList())
    const responseBytes = Buffer.byteLength(JSON.stringify(listResult))
    const heapAfterList = heapAfterGc()

    // 100 creates in a row: each answered with its token, confirmed (wiped) as the dialog would.
    const requestsBefore = sandbox.requests.length
    const heapSamples: number[] = []
    started = performance.now()
    const createdIds: number[] = []
    for (let i = 0; i < CREATES; i++) {
      const created = valueOf(await h['keys:create']({ accountId, name: `Load create ${i + 1}`, requestId: `load-create-${i + 1}-${process.pid}` }))
      expect(created.key).toMatchObject({ name: `Load create ${i + 1}`, unconfirmed: true })
      createdIds.push(created.key!.id)
      valueOf(await h['token:confirm-saved']({ pendingId: created.pendingId }))
      if (i % 10 === 9) heapSamples.push(heapAfterGc())
      samplePeak()
    }
    const createMs = Math.round(performance.now() - started)

    // 100 deletes in a row, spread over the seeded keys.
    const seeded = sandbox.listKeysOf(token).filter((k) => k.name.startsWith('Load key '))
    const victims = Array.from({ length: DELETES }, (_, i) => seeded[Math.floor((i * seeded.length) / DELETES)]!.id)
    started = performance.now()
    for (const [i, id] of victims.entries()) {
      expect(valueOf(await h['keys:delete']({ accountId, id }))).toEqual({ accountId, id, alreadyGone: false, signedOut: false })
      if (i % 10 === 9) heapSamples.push(heapAfterGc())
      samplePeak()
    }
    const deleteMs = Math.round(performance.now() - started)

    const during = sandbox.requests.slice(requestsBefore)
    const postsReceived = during.filter((r) => r.method === 'POST').length
    const deletesReceived = during.filter((r) => r.method === 'DELETE').length
    expect(postsReceived).toBe(CREATES)
    expect(deletesReceived).toBe(DELETES)
    expect(during.every((r) => r.status !== null && r.status < 300)).toBe(true)

    // Afterwards: the fresh list and the cached list are exactly the server's.
    const final = valueOf(await h['keys:list']({ accountId }))
    const expected = serverList()
    expect(expected).toHaveLength(SEEDED + 1 + CREATES - DELETES)
    expect(shown(final)).toEqual(expected)
    expect(shown(valueOf(await h['keys:get-cached']({ accountId })))).toEqual(expected)
    // The initial state carries only the newest screenful of that cache, and its full size.
    const initial = valueOf(await h['app:get-initial-state'](undefined))
    expect(initial.cachedKeyCount).toBe(expected.length)
    expect(initial.cachedKeys?.keys).toHaveLength(INITIAL_CACHED_KEYS)
    for (const id of createdIds) expect(final.keys.some((k) => k.id === id)).toBe(true)
    for (const id of victims) expect(final.keys.some((k) => k.id === id)).toBe(false)
    expect(valueOf(await h['token:list-pending'](undefined))).toEqual([])

    // Memory: the heap after GC does not grow over the 200 writes.
    const quarter = Math.max(1, Math.floor(heapSamples.length / 4))
    const average = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length
    const firstQuarter = average(heapSamples.slice(0, quarter))
    const lastQuarter = average(heapSamples.slice(-quarter))
    const growth = lastQuarter - firstQuarter
    const heapEnd = heapAfterGc()
    const figures = {
      measuredAt: new Date().toISOString(),
      node: process.version,
      list: { keys: list.keys.length, ms: listMs, responseBytes },
      creates: { count: CREATES, ms: createMs, msPerOp: createMs / CREATES, postsReceived },
      deletes: { count: DELETES, ms: deleteMs, msPerOp: deleteMs / DELETES, deletesReceived },
      finalList: { keys: final.keys.length, matchesServer: true },
      memory: {
        heapAfterGc: { start: heapStart, afterList: heapAfterList, end: heapEnd },
        samples: heapSamples,
        writeLoopGrowthBytes: Math.round(growth),
        limitBytes: HEAP_GROWTH_LIMIT,
        peakRss
      }
    }
    writeResult('load.json', figures)
    expect(growth, `heap grew by ${(growth / 1048576).toFixed(1)} MB over the write loop`).toBeLessThan(HEAP_GROWTH_LIMIT)
  }, 90_000)
})
