/** The per-account key-list files: what is read back, and what is refused (and then refetched). */
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { KeyCacheStore } from '../../../src/main/storage/key-cache-store'
import type { ApiKey } from '../../../src/shared/domain'

const ADA = 'ada@example.com on https://app.autocalls.ai/api'
const keys: ApiKey[] = [
  { id: 1, name: 'Prod', createdAt: '2027-01-01T00:00:00.000Z', lastUsedAt: '2027-01-02T00:00:00.000Z' },
  { id: 2, name: 'Odd', createdAt: '2027-01-03T00:00:00.000Z', lastUsedAt: null, lastUsedUnreadable: true }
]
const list = { fetchedAt: '2027-01-04T00:00:00.000Z', keys }

const freshStore = async () => new KeyCacheStore(await mkdtemp(join(tmpdir(), 'autocalls-key-cache-')))
/** A second store on the same folder: nothing in memory, so `get` reads the file. */
const reopened = (store: KeyCacheStore) => new KeyCacheStore(store.dir)

describe('KeyCacheStore: the files', () => {
  it('reads back exactly the list it wrote, the unreadable-last-used mark included', async () => {
    const store = await freshStore()
    await store.set(ADA, list)
    expect(await reopened(store).get(ADA)).toEqual(list)
  })

  it.each([
    ['not JSON', '{"accountId": '],
    ['no keys array', JSON.stringify({ accountId: ADA, fetchedAt: list.fetchedAt, keys: {} })],
    ['an id that is not a number', JSON.stringify({ accountId: ADA, fetchedAt: list.fetchedAt, keys: [{ ...keys[0], id: '1' }] })],
    ['a name missing', JSON.stringify({ accountId: ADA, fetchedAt: list.fetchedAt, keys: [{ id: 1, createdAt: keys[0]!.createdAt, lastUsedAt: null }] })],
    ['a last-used time that is a number', JSON.stringify({ accountId: ADA, fetchedAt: list.fetchedAt, keys: [{ ...keys[0], lastUsedAt: 5 }] })],
    ['another account’s list', JSON.stringify({ accountId: 'bob@example.com on https://app.autocalls.ai/api', ...list })]
  ])('refuses a file with %s (the list is fetched again)', async (_, text) => {
    const store = await freshStore()
    await writeFile(store.fileOf(ADA), text)
    expect(await store.get(ADA)).toBeNull()
  })

  it('changes a list in memory at once when it is loaded; the promise is its write', async () => {
    const store = await freshStore()
    await store.set(ADA, list)
    const written = store.patch(ADA, (current) => current.filter((key) => key.id !== 1))
    expect(store.peek(ADA)?.keys.map((key) => key.id)).toEqual([2])
    await written
    expect((await reopened(store).get(ADA))?.keys.map((key) => key.id)).toEqual([2])
  })
})
