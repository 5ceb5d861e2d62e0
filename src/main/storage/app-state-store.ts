/**
 * Non-secret app state on disk (user-data folder): accounts, the last fetched key lists and
 * preferences, so the window can paint the keys before the network answers. Never a secret.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { z } from 'zod'
import { CLIPBOARD_CLEAR_SECONDS_RANGE, DEFAULT_PREFERENCES, type ApiKey, type Preferences, type UserProfile } from '../../shared/domain'
import { log } from '../support/log'

export interface StoredAccount {
  id: string
  baseUrl: string
  profile: UserProfile
  /** Id of the key this app signs in with (from the credential's prefix); not secret. */
  appKeyId: number | null
}

export interface CachedKeyList {
  fetchedAt: string
  keys: ApiKey[]
}

export interface PersistedState {
  version: 1
  activeAccountId: string | null
  accounts: Record<string, StoredAccount>
  keyCache: Record<string, CachedKeyList>
  preferences: Preferences
}

const profileSchema = z.object({ name: z.string(), email: z.string(), totalBalance: z.number() })
const stateSchema = z.object({
  version: z.literal(1),
  activeAccountId: z.string().nullable(),
  accounts: z.record(
    z.string(),
    z.object({ id: z.string(), baseUrl: z.string(), profile: profileSchema, appKeyId: z.number().int().nullable() })
  ),
  keyCache: z.record(
    z.string(),
    z.object({
      fetchedAt: z.string(),
      keys: z.array(z.object({ id: z.number().int(), name: z.string(), createdAt: z.string(), lastUsedAt: z.string().nullable() }))
    })
  ),
  preferences: z.object({
    clipboardClearSeconds: z
      .number()
      .int()
      .min(CLIPBOARD_CLEAR_SECONDS_RANGE.min)
      .max(CLIPBOARD_CLEAR_SECONDS_RANGE.max)
  })
})

export const emptyState = (): PersistedState => ({
  version: 1,
  activeAccountId: null,
  accounts: {},
  keyCache: {},
  preferences: { ...DEFAULT_PREFERENCES }
})

export class AppStateStore {
  readonly filePath: string
  #state: PersistedState
  #writing: Promise<void> = Promise.resolve()
  #dirty = false

  private constructor(filePath: string, state: PersistedState) {
    this.filePath = filePath
    this.#state = state
  }

  /** Reads the state file; a missing file is a fresh start, a damaged one is set aside, not lost. */
  static async open(filePath: string): Promise<AppStateStore> {
    let text: string
    try {
      text = await readFile(filePath, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new AppStateStore(filePath, emptyState())
      throw error
    }
    let parsed: PersistedState | undefined
    try {
      const result = stateSchema.safeParse(JSON.parse(text))
      if (result.success) parsed = result.data
    } catch {
      parsed = undefined
    }
    if (!parsed) {
      const aside = `${filePath}.damaged-${Date.now()}`
      await rename(filePath, aside).catch(() => undefined)
      log.warn(`The app state file could not be read; it was moved to ${aside} and the app starts fresh.`)
      return new AppStateStore(filePath, emptyState())
    }
    return new AppStateStore(filePath, parsed)
  }

  get state(): Readonly<PersistedState> {
    return this.#state
  }

  /** Applies a change in memory at once and schedules one coalesced, atomic write. */
  update(change: (draft: PersistedState) => void): Promise<void> {
    const draft = structuredClone(this.#state)
    change(draft)
    this.#state = draft
    this.#dirty = true
    this.#writing = this.#writing.then(() => this.#writeIfDirty())
    return this.#writing
  }

  /** Resolves when everything changed so far is on disk. */
  flush(): Promise<void> {
    return this.#writing
  }

  async #writeIfDirty(): Promise<void> {
    if (!this.#dirty) return
    this.#dirty = false
    const temp = `${this.filePath}.${process.pid}.tmp`
    try {
      await mkdir(dirname(this.filePath), { recursive: true })
      await writeFile(temp, JSON.stringify(this.#state), { encoding: 'utf8', mode: 0o600 })
      await rename(temp, this.filePath)
    } catch (error) {
      // The state is a cache: failing to save it must not break the action that changed it.
      log.warn('Could not save the app state:', error)
    }
  }
}
