/**
 * Non-secret app state on disk (user-data folder): the accounts, which one the window shows,
 * preferences. Never a secret. The key lists live in their own files (key-cache-store.ts).
 *
 * The desktop app and the command line share this file, so every write is a read-modify-write
 * under a lock: a change made by the other process since we last read is never overwritten.
 */
import { readFile, rename } from 'node:fs/promises'
import { z } from 'zod'
import {
  ACCOUNT_COLOR_COUNT,
  CLIPBOARD_CLEAR_SECONDS_RANGE,
  DEFAULT_PREFERENCES,
  QUIET_PERIOD_MINUTES_RANGE,
  type AccountId,
  type Preferences,
  type UserProfile
} from '../../shared/domain'
import { HYGIENE_SETTING_RANGES } from '../../shared/key-hygiene-settings'
import type { StoredKeyNote } from '../../shared/key-notes'
import type { RotationRecord } from '../../shared/rotation'
import { log } from '../support/log'
import { writeFileAtomic } from './atomic-file'
import { withFileLock } from './file-lock'
import { STATE_VERSION, upgradeState, type LegacyKeyCaches } from './state-migration'

export interface StoredAccount {
  id: AccountId
  baseUrl: string
  profile: UserProfile
  /** Id of the key this app signs in with (from the credential's prefix); not secret. */
  appKeyId: number | null
  addedAt: string
  colorIndex: number
  /** Set when the server stopped accepting the credential: the account waits for a new sign-in. */
  signedOutReason: string | null
  lastRefreshedAt: string | null
  keyCount: number | null
  neverUsedCount: number | null
}

export interface PersistedState {
  version: typeof STATE_VERSION
  accounts: Record<AccountId, StoredAccount>
  /** The order of the account switcher (and of Ctrl+1…9). */
  accountOrder: AccountId[]
  /** The account the window showed last. */
  shownAccountId: AccountId | null
  /** The command line's default account (`autocalls-keys use`). */
  defaultAccountId: AccountId | null
  preferences: Preferences
  /** This computer's notes on keys, per account and key id (never sent anywhere). */
  notes: Record<AccountId, Record<string, StoredKeyNote>>
  /** Rotations per account: the open ones, and ended ones until the window has seen them end. */
  rotations: Record<AccountId, RotationRecord[]>
  /** Unfinished replacements of the app's own credential (see own-key-rotation.ts), per account. */
  ownKeyRotations: Record<AccountId, OwnKeyJournal>
}

/** Where a replacement of the app's own credential got to: enough to finish it or roll it back after a crash. */
export interface OwnKeyJournal {
  phase: 'creating' | 'created' | 'verified' | 'swapped'
  startedAt: string
  /** The replacement's name, so an orphan (a crash between the POST and its answer) can be named to the person. */
  replacementName: string
  oldKeyId: number | null
  newKeyId: number | null
}

const profileSchema = z.object({ name: z.string().nullable(), email: z.string(), totalBalance: z.number().nullable() })
const accountSchema = z.looseObject({
  id: z.string(),
  baseUrl: z.string(),
  profile: profileSchema,
  appKeyId: z.number().int().nullable(),
  addedAt: z.string(),
  colorIndex: z.number().int().min(0).max(ACCOUNT_COLOR_COUNT - 1),
  signedOutReason: z.string().nullable(),
  lastRefreshedAt: z.string().nullable(),
  keyCount: z.number().int().nullable(),
  neverUsedCount: z.number().int().nullable()
})
const whole = (range: { min: number; max: number }) => z.number().int().min(range.min).max(range.max)
// Preferences added by later versions get their defaults; a value out of range is a damaged file.
const preferencesSchema = z.looseObject({
  clipboardClearSeconds: whole(CLIPBOARD_CLEAR_SECONDS_RANGE).default(DEFAULT_PREFERENCES.clipboardClearSeconds),
  staleAfterDays: whole(HYGIENE_SETTING_RANGES.staleAfterDays).default(DEFAULT_PREFERENCES.staleAfterDays),
  newForDays: whole(HYGIENE_SETTING_RANGES.newForDays).default(DEFAULT_PREFERENCES.newForDays),
  rotateAfterDays: whole(HYGIENE_SETTING_RANGES.rotateAfterDays).nullable().default(DEFAULT_PREFERENCES.rotateAfterDays),
  quietPeriodMinutes: whole(QUIET_PERIOD_MINUTES_RANGE).default(DEFAULT_PREFERENCES.quietPeriodMinutes)
})
const noteSchema = z.object({ note: z.string().max(4000), reviewBy: z.string().nullable(), updatedAt: z.string() })
const keyRef = z.object({ id: z.number().int(), name: z.string() })
const rotationSchema = z.looseObject({
  accountId: z.string(),
  oldKey: keyRef,
  newKey: keyRef,
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  outcome: z.enum(['finished', 'cancelled', 'completed-elsewhere']).nullable(),
  state: z.enum(['waiting-for-first-use', 'new-key-in-use', 'old-key-quiet', 'safe-to-finish', 'old-key-gone', 'replacement-gone']),
  ownKey: z.boolean(),
  newKeyFirstUsedAt: z.string().nullable()
})
const journalSchema = z.object({
  phase: z.enum(['creating', 'created', 'verified', 'swapped']),
  startedAt: z.string(),
  replacementName: z.string(),
  oldKeyId: z.number().int().nullable(),
  newKeyId: z.number().int().nullable()
})
// Loose objects: fields a newer minor version added are kept when this version writes the file.
const stateSchema = z.looseObject({
  version: z.literal(STATE_VERSION),
  accounts: z.record(z.string(), accountSchema),
  accountOrder: z.array(z.string()),
  shownAccountId: z.string().nullable(),
  defaultAccountId: z.string().nullable(),
  preferences: preferencesSchema,
  // Added within version 2: a file written before them reads as having none.
  notes: z.record(z.string(), z.record(z.string(), noteSchema)).default({}),
  rotations: z.record(z.string(), z.array(rotationSchema)).default({}),
  ownKeyRotations: z.record(z.string(), journalSchema).default({})
})

export const emptyState = (): PersistedState => ({
  version: STATE_VERSION,
  accounts: {},
  accountOrder: [],
  shownAccountId: null,
  defaultAccountId: null,
  preferences: { ...DEFAULT_PREFERENCES },
  notes: {},
  rotations: {},
  ownKeyRotations: {}
})

type Change = (draft: PersistedState) => void

/** What reading the file found. */
type Loaded =
  | { kind: 'state'; state: PersistedState; legacyCaches: LegacyKeyCaches | null }
  | { kind: 'missing' }
  | { kind: 'damaged'; text: string }
  | { kind: 'newer'; version: number }

export class AppStateStore {
  readonly filePath: string
  #state: PersistedState
  /** Changes applied in memory and not yet written; re-applied to the file's state under the lock. */
  #pending: Change[] = []
  #writing: Promise<void> = Promise.resolve()
  /** Written by a newer version of the app: read nothing, write nothing. */
  readonly #readOnly: boolean
  /** Key lists found in a version 1 file, for the key cache to take over once. */
  #legacyCaches: LegacyKeyCaches | null

  private constructor(filePath: string, state: PersistedState, readOnly: boolean, legacyCaches: LegacyKeyCaches | null) {
    this.filePath = filePath
    this.#state = state
    this.#readOnly = readOnly
    this.#legacyCaches = legacyCaches
  }

  /**
   * Reads the state file: a missing file is a fresh start, a damaged one is set aside (not lost),
   * a version 1 file is upgraded in place, one from a newer version is left alone.
   */
  static async open(filePath: string): Promise<AppStateStore> {
    const loaded = await readStateFile(filePath)
    switch (loaded.kind) {
      case 'missing':
        return new AppStateStore(filePath, emptyState(), false, null)
      case 'newer':
        log.warn(
          `The app state file was written by a newer version of Autocalls Keys (format ${loaded.version}); this version leaves it untouched and starts without saved accounts.`
        )
        return new AppStateStore(filePath, emptyState(), true, null)
      case 'damaged':
        await setAside(filePath)
        return new AppStateStore(filePath, emptyState(), false, null)
      case 'state': {
        const store = new AppStateStore(filePath, loaded.state, false, loaded.legacyCaches)
        if (loaded.legacyCaches) await store.update(() => undefined) // write the upgraded file now
        return store
      }
    }
  }

  get state(): Readonly<PersistedState> {
    return this.#state
  }

  /** The key lists a version 1 file carried, handed over once (then forgotten). */
  takeLegacyCaches(): LegacyKeyCaches | null {
    const caches = this.#legacyCaches
    this.#legacyCaches = null
    return caches
  }

  /**
   * Applies a change in memory at once and schedules one coalesced write, which re-reads the file
   * under the lock and applies the pending changes to what is there.
   */
  update(change: Change): Promise<void> {
    const draft = structuredClone(this.#state)
    change(draft)
    this.#state = draft
    this.#pending.push(change)
    this.#writing = this.#writing.then(() => this.#writePending())
    return this.#writing
  }

  /** Re-reads the file (another process may have changed it). Resolves true when something changed. */
  async reload(): Promise<boolean> {
    if (this.#readOnly) return false
    await this.#writing
    const loaded = await readStateFile(this.filePath)
    if (loaded.kind !== 'state') return false
    const next = loaded.state
    for (const change of this.#pending) change(next)
    const changed = JSON.stringify(next) !== JSON.stringify(this.#state)
    this.#state = next
    return changed
  }

  /** Resolves when everything changed so far is on disk. */
  flush(): Promise<void> {
    return this.#writing
  }

  async #writePending(): Promise<void> {
    if (this.#pending.length === 0) return
    const changes = this.#pending
    this.#pending = []
    if (this.#readOnly) return
    try {
      await withFileLock(this.filePath, async () => {
        const loaded = await readStateFile(this.filePath)
        if (loaded.kind === 'newer') throw new Error(`a newer version of the app wrote the file (format ${loaded.version})`)
        if (loaded.kind === 'damaged') await setAside(this.filePath)
        const base = loaded.kind === 'state' ? loaded.state : emptyState()
        for (const change of changes) change(base)
        await writeFileAtomic(this.filePath, JSON.stringify(base))
        // Changes made in memory while this write ran go on top of what is now on disk (and are written next).
        const latest = structuredClone(base)
        for (const change of this.#pending) change(latest)
        this.#state = latest
      })
    } catch (error) {
      // The state is non-secret and mostly a cache: failing to save it must not break the action.
      log.warn('Could not save the app state:', error)
    }
  }
}

async function readStateFile(filePath: string): Promise<Loaded> {
  let text: string
  try {
    text = await readFile(filePath, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' }
    throw error
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return { kind: 'damaged', text }
  }
  const version = (json as { version?: unknown } | null)?.version
  if (typeof version === 'number' && Number.isInteger(version) && version > STATE_VERSION) return { kind: 'newer', version }
  const upgraded = upgradeState(json)
  const parsed = stateSchema.safeParse(upgraded?.state)
  if (!upgraded || !parsed.success) return { kind: 'damaged', text }
  return { kind: 'state', state: parsed.data as unknown as PersistedState, legacyCaches: upgraded.legacyCaches }
}

async function setAside(filePath: string): Promise<void> {
  const aside = `${filePath}.damaged-${Date.now()}`
  await rename(filePath, aside).catch(() => undefined)
  log.warn(`The app state file could not be read; it was moved to ${aside} and the app starts fresh.`)
}
