/**
 * A list, a create and a delete answer as soon as the stores changed their memory: the window
 * does not wait for the 1 MB key-list file, the state file or the activity log. The writes still
 * happen, and `settle()` (which shutdown awaits) waits for them. Disk writes are held at a gate
 * here, so "did not wait" is a fact of the test, not a timing.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { KEY_CACHE_DIR_NAME } from '../../../src/main/app-services'
import { KeyCacheStore } from '../../../src/main/storage/key-cache-store'
import { startSandbox, type SandboxServer } from '../../../src/sandbox/index'
import { createTestApp, type TestApp } from '../../support/app-fixture'
import { signIn, value, type SignedIn } from './signed-in'

const gate = vi.hoisted(() => {
  let open: () => void = () => undefined
  const state = {
    closed: null as Promise<void> | null,
    /** Paths whose write waited at the closed gate. */
    held: [] as string[],
    /** Every path written. */
    written: [] as string[],
    close() {
      state.closed = new Promise<void>((resolve) => (open = resolve))
    },
    open() {
      state.closed = null
      open()
    }
  }
  return state
})

vi.mock('../../../src/main/storage/atomic-file', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../src/main/storage/atomic-file')>()
  return {
    ...real,
    writeFileAtomic: async (path: string, text: string) => {
      gate.written.push(path)
      const closed = gate.closed
      if (closed) {
        gate.held.push(path)
        await closed
      }
      return real.writeFileAtomic(path, text)
    }
  }
})

let server: SandboxServer
let app: TestApp
let ada: SignedIn

beforeAll(async () => {
  server = await startSandbox({ seedDemo: false })
})
afterAll(async () => {
  await server.close()
})
beforeEach(async () => {
  gate.held = []
  gate.written = []
  app = await createTestApp()
  ada = await signIn(app, server)
  server.seedKeys(ada.token, 500)
  await app.services.keys.list(ada.accountId)
  await app.services.keys.settle()
})
afterEach(async () => {
  gate.open()
  await app.dispose()
})

const cacheFiles = () => gate.held.filter((path) => path.includes(KEY_CACHE_DIR_NAME))
const onDisk = async () => JSON.parse(await readFile(app.services.cache.fileOf(ada.accountId), 'utf8')) as { keys: Array<{ id: number; name: string }> }
/** true when `promise` settles before the event loop runs dry of ready work. */
const settlesSoon = async (promise: Promise<unknown>) =>
  Promise.race([promise.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 300))])

describe('answers before the disk writes', () => {
  it('a fetched list is answered while its cache file and the account summary are still being written', async () => {
    server.seedKeys(ada.token, 1)
    gate.close()
    const list = await app.services.keys.list(ada.accountId)
    expect(list.keys).toHaveLength(502)
    // Memory already holds it: the switcher count and the cached list are the new ones.
    expect(app.services.accounts.list()[0]).toMatchObject({ keyCount: 502 })
    expect((await app.services.keys.cached(ada.accountId))?.keys).toHaveLength(502)
    await vi.waitFor(() => expect(cacheFiles()).toHaveLength(1))
    expect((await onDisk()).keys).toHaveLength(501)

    const settled = app.services.keys.settle()
    expect(await settlesSoon(settled)).toBe(false)
    gate.open()
    await settled
    expect((await onDisk()).keys).toHaveLength(502)
  })

  it('a create answers with the token while the provisional row and the log line are still being written', async () => {
    gate.close()
    const created = await app.services.keys.create(ada.accountId, 'Answered first', 'request-answer-1')
    expect(created.token).toMatch(/^\d+\|/)
    expect((await app.services.keys.cached(ada.accountId))?.keys.some((key) => key.id === created.key?.id)).toBe(true)
    expect((await onDisk()).keys.some((key) => key.name === 'Answered first')).toBe(false)

    gate.open()
    await app.services.keys.settle()
    expect((await onDisk()).keys.some((key) => key.id === created.key?.id && key.name === 'Answered first')).toBe(true)
    const log = await app.services.activity.log.read({ accountId: ada.accountId })
    expect(log.entries[0]).toMatchObject({ action: 'key-create', keyName: 'Answered first', outcome: 'ok' })
  })

  it('a delete answers while the shortened list is still being written, and the counts drop at once', async () => {
    const victim = value(await app.services.handlers['keys:get-cached']({ accountId: ada.accountId }))!.keys.find((key) => !key.isAppKey)!
    gate.close()
    expect(await app.services.keys.delete(ada.accountId, victim.id)).toMatchObject({ alreadyGone: false })
    expect(app.services.accounts.list()[0]).toMatchObject({ keyCount: 500 })
    expect((await app.services.keys.cached(ada.accountId))?.keys.some((key) => key.id === victim.id)).toBe(false)
    expect((await onDisk()).keys.some((key) => key.id === victim.id)).toBe(true)

    gate.open()
    await app.services.keys.settle()
    expect((await onDisk()).keys.some((key) => key.id === victim.id)).toBe(false)
  })

  it('changes made while a cache write waits share one more write, of the last list', async () => {
    const store = new KeyCacheStore(join(app.userDataDir, 'burst'))
    const list = (n: number) => ({ fetchedAt: '2027-01-01T00:00:00.000Z', keys: Array.from({ length: n }, (_, i) => ({ id: i + 1, name: `K${i}`, createdAt: '2027-01-01T00:00:00.000Z', lastUsedAt: null })) })
    gate.close()
    const first = store.set('burst@example.com', list(1))
    await vi.waitFor(() => expect(gate.held).toHaveLength(1))
    const rest = [2, 3, 4, 5].map((n) => store.set('burst@example.com', list(n)))
    gate.open()
    await Promise.all([first, ...rest, store.flush()])
    // The write held at the gate, then one for the four changes made meanwhile: not four.
    expect(gate.written.filter((path) => path.includes('burst'))).toHaveLength(2)
    expect(JSON.parse(await readFile(store.fileOf('burst@example.com'), 'utf8')).keys).toHaveLength(5)
  })
})
