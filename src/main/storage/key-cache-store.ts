/**
 * The last fetched key list of each account, so the window can paint an account's keys before
 * the network answers (at start, and when switching). One file per account: refreshing one
 * account rewrites only its list, and start-up reads only the list of the account shown.
 */
import { createHash } from 'node:crypto'
import { readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { AccountId, ApiKey } from '../../shared/domain'
import { log } from '../support/log'
import { writeFileAtomic } from './atomic-file'

export interface CachedKeyList {
  fetchedAt: string
  keys: ApiKey[]
}

/**
 * The file's shape, checked by hand: start-up reads it (1 MB at 10,000 keys) while the window
 * waits, and a schema library takes several times as long over that many rows.
 */
function readCacheFile(json: unknown): { accountId: string; fetchedAt: string; keys: ApiKey[] } | null {
  if (!isRecord(json)) return null
  const { accountId, fetchedAt, keys } = json
  if (typeof accountId !== 'string' || typeof fetchedAt !== 'string' || !Array.isArray(keys)) return null
  const read = new Array<ApiKey>(keys.length)
  for (let index = 0; index < keys.length; index++) {
    const key: unknown = keys[index]
    if (!isRecord(key)) return null
    const { id, name, createdAt, lastUsedAt, lastUsedUnreadable } = key
    if (typeof id !== 'number' || !Number.isInteger(id) || typeof name !== 'string' || typeof createdAt !== 'string') return null
    if (lastUsedAt !== null && typeof lastUsedAt !== 'string') return null
    if (lastUsedUnreadable !== undefined && lastUsedUnreadable !== true) return null
    read[index] = lastUsedUnreadable ? { id, name, createdAt, lastUsedAt, lastUsedUnreadable } : { id, name, createdAt, lastUsedAt }
  }
  return { accountId, fetchedAt, keys: read }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

export class KeyCacheStore {
  readonly dir: string
  /** undefined: not read yet; null: read, nothing there. */
  readonly #memory = new Map<AccountId, CachedKeyList | null>()
  /** Accounts whose lists stay in memory only (sandbox accounts). */
  readonly #ephemeral = new Set<AccountId>()
  readonly #writes = new Map<AccountId, Promise<void>>()
  /** A write that has not started yet: later changes join it instead of queuing another. */
  readonly #queued = new Map<AccountId, Promise<void>>()

  constructor(dir: string) {
    this.dir = dir
  }

  /** Keeps this account's lists in memory only. */
  markEphemeral(accountId: AccountId): void {
    this.#ephemeral.add(accountId)
  }

  /** The list from memory, else from disk (null when there is none or it cannot be read). */
  async get(accountId: AccountId): Promise<CachedKeyList | null> {
    const known = this.#memory.get(accountId)
    if (known !== undefined) return known
    const loaded = this.#ephemeral.has(accountId) ? null : await this.#read(accountId)
    // Something may have set it while we read: that is newer than the file.
    if (!this.#memory.has(accountId)) this.#memory.set(accountId, loaded)
    return this.#memory.get(accountId) ?? null
  }

  /** The list if it is already in memory (no I/O). */
  peek(accountId: AccountId): CachedKeyList | null | undefined {
    return this.#memory.get(accountId)
  }

  set(accountId: AccountId, list: CachedKeyList): Promise<void> {
    const stored: CachedKeyList = { fetchedAt: list.fetchedAt, keys: list.keys.map(plainKey) }
    this.#memory.set(accountId, stored)
    return this.#schedule(accountId)
  }

  /**
   * Changes the cached list, if there is one (after a create or a delete). A list already in
   * memory changes before this returns; the promise is its write to disk.
   */
  patch(accountId: AccountId, change: (keys: ApiKey[]) => ApiKey[]): Promise<void> {
    const apply = (current: CachedKeyList | null): Promise<void> =>
      current ? this.set(accountId, { fetchedAt: current.fetchedAt, keys: change(current.keys) }) : Promise.resolve()
    const known = this.#memory.get(accountId)
    // Read, then patch what memory holds by then: a list set meanwhile is newer than the file.
    return known === undefined ? this.get(accountId).then(() => apply(this.#memory.get(accountId) ?? null)) : apply(known)
  }

  async delete(accountId: AccountId): Promise<void> {
    this.#memory.set(accountId, null)
    await this.#writes.get(accountId)
    await rm(this.fileOf(accountId), { force: true }).catch((error: unknown) => log.warn('Could not remove a cached key list:', error))
  }

  /** Resolves when every list set so far is on disk. */
  async flush(): Promise<void> {
    await Promise.all([...this.#writes.values()])
  }

  fileOf(accountId: AccountId): string {
    // A hash, not the email, in the file name: names show up in backups and directory listings.
    return join(this.dir, `${createHash('sha256').update(accountId, 'utf8').digest('hex').slice(0, 32)}.json`)
  }

  #schedule(accountId: AccountId): Promise<void> {
    if (this.#ephemeral.has(accountId)) return Promise.resolve()
    // One write per account at a time; the changes made while one runs share the next write,
    // which saves the list memory holds by then: a burst ends in one write of the last list.
    const queued = this.#queued.get(accountId)
    if (queued) return queued
    const previous = this.#writes.get(accountId) ?? Promise.resolve()
    // After a turn of the event loop: the answer that carries the list goes out before the 1 MB
    // JSON.stringify of this write blocks the thread.
    const next = previous.then(afterThisTurn).then(() => {
      this.#queued.delete(accountId)
      return this.#write(accountId)
    })
    this.#queued.set(accountId, next)
    this.#writes.set(accountId, next)
    void next.finally(() => {
      if (this.#writes.get(accountId) === next) this.#writes.delete(accountId)
    })
    return next
  }

  async #write(accountId: AccountId): Promise<void> {
    const list = this.#memory.get(accountId)
    if (!list) return
    try {
      await writeFileAtomic(this.fileOf(accountId), JSON.stringify({ accountId, ...list }))
    } catch (error) {
      log.warn('Could not save a cached key list:', error)
    }
  }

  async #read(accountId: AccountId): Promise<CachedKeyList | null> {
    let text: string
    try {
      text = await readFile(this.fileOf(accountId), 'utf8')
    } catch {
      return null
    }
    try {
      const parsed = readCacheFile(JSON.parse(text))
      // A hash collision or a hand-moved file: never show one account's keys as another's.
      if (parsed && parsed.accountId === accountId) return { fetchedAt: parsed.fetchedAt, keys: parsed.keys }
    } catch {
      // damaged: a cache, so it is simply refetched
    }
    log.warn('A cached key list could not be read; it will be fetched again.')
    return null
  }
}

const afterThisTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

const plainKey = ({ id, name, createdAt, lastUsedAt, lastUsedUnreadable }: ApiKey): ApiKey =>
  lastUsedUnreadable ? { id, name, createdAt, lastUsedAt, lastUsedUnreadable } : { id, name, createdAt, lastUsedAt }
