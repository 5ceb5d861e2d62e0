/**
 * The activity log: every change this app (or the command line) makes, one JSON object per line
 * in `activity.jsonl` in the app's data folder.
 *
 * Two processes append to the same file. Each line is written with ONE `write` on a file opened
 * with O_APPEND and is kept far below 4 KiB, so lines never interleave or tear even if a writer
 * ignored the lock. Appends and trims also take the shared lock file (proper-lockfile, as the
 * state file does): a trim rewrites the file, and an append landing between its read and its
 * rename would otherwise be lost.
 *
 * Bounded: once the log holds `maxEntries` plus a tenth, the oldest entries beyond `maxEntries`
 * are appended to `activity-archive.jsonl` and the log is rewritten (temp file + rename) with a
 * first line `{"type":"cut",…}` saying how many went where. The archive is only ever appended
 * to: entries are moved, never dropped. A crash between the archive's write and the rename can
 * leave an entry in both files (readers drop the duplicate by id), never in neither.
 *
 * Reading never takes the lock (the file is only ever appended to or replaced whole) and never
 * throws on content: damaged lines are skipped and counted.
 */
import { randomUUID } from 'node:crypto'
import { open, readFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import {
  isActivityAction,
  isActivityOutcome,
  type ActivityCutMarker,
  type ActivityEntry,
  type ActivityInput,
  type ActivityQuery,
  type ActivityReadResult,
  type ActivitySource
} from '../../shared/activity'
import { redact } from '../support/redact'
import { writeFileAtomic } from './atomic-file'
import { withFileLock } from './file-lock'

export const ACTIVITY_LOG_FILE = 'activity.jsonl'
export const ACTIVITY_ARCHIVE_FILE = 'activity-archive.jsonl'
export const DEFAULT_MAX_ENTRIES = 10_000
export const DEFAULT_READ_LIMIT = 500

/** Far below the 4 KiB that POSIX guarantees for atomic pipe writes (and that local file systems give appends). */
export const MAX_LINE_BYTES = 2048

/** Caps per text field, in code points, before the line as a whole is checked against MAX_LINE_BYTES. */
const FIELD_CAPS = { accountId: 300, accountLabel: 300, keyName: 300, detail: 300, errorKind: 40 } as const
type TextField = keyof typeof FIELD_CAPS

export interface ActivityLogOptions {
  /** The log file, normally `<userData>/activity.jsonl`. */
  file: string
  /** Defaults to `activity-archive.jsonl` beside the log. */
  archiveFile?: string
  /** Entries the log keeps after a trim (default 10,000). */
  maxEntries?: number
  /** Extra entries allowed before a trim runs (default a tenth of maxEntries), so trims are rare batches. */
  trimSlack?: number
  /** Which program writes (default `app`). */
  source?: ActivitySource
  /** Secrets this process knows (the current credentials), removed from every field as well as anything token-shaped. */
  secrets?: () => ReadonlyArray<string | null | undefined>
  now?: () => Date
}

export interface TrimResult {
  moved: number
  kept: number
  marker: ActivityCutMarker
}

export class ActivityLog {
  readonly file: string
  readonly archiveFile: string
  readonly maxEntries: number
  readonly trimSlack: number
  readonly #source: ActivitySource
  readonly #secrets: () => ReadonlyArray<string | null | undefined>
  readonly #now: () => Date
  /** Entries waiting for this process's next turn at the lock, written together. */
  #pending: { line: string; done: () => void; failed: (error: unknown) => void }[] = []
  #draining: Promise<void> | null = null
  /**
   * An upper bound of the log's line count at a size, from this process's last count plus what
   * was appended since (another process's bytes counted as if every line were the shortest
   * possible): the file is read to count only when the bound says it may be over.
   */
  #known: { size: number; lines: number } | null = null

  constructor(options: ActivityLogOptions) {
    this.file = options.file
    this.archiveFile = options.archiveFile ?? join(dirname(options.file), ACTIVITY_ARCHIVE_FILE)
    this.maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES
    this.trimSlack = options.trimSlack ?? Math.max(1, Math.floor(this.maxEntries / 10))
    if (!Number.isInteger(this.maxEntries) || this.maxEntries < 1) throw new RangeError('maxEntries must be a whole number of at least 1')
    if (!Number.isInteger(this.trimSlack) || this.trimSlack < 0) throw new RangeError('trimSlack must be a whole number of at least 0')
    this.#source = options.source ?? 'app'
    this.#secrets = options.secrets ?? (() => [])
    this.#now = options.now ?? (() => new Date())
  }

  /** Records one change. Resolves once the line is in the file. */
  async append(input: ActivityInput): Promise<ActivityEntry> {
    const [entry] = await this.appendMany([input])
    return entry!
  }

  /** Records several changes (a bulk delete's results) under one turn at the lock, in order. */
  async appendMany(inputs: readonly ActivityInput[]): Promise<ActivityEntry[]> {
    const secrets = this.#secrets()
    const entries = inputs.map((input) => toEntry(input, this.#source, this.#now(), secrets))
    const written = entries.map(
      (entry) =>
        new Promise<void>((done, failed) => {
          this.#pending.push({ line: serialiseEntry(entry), done, failed })
        })
    )
    // Resolves when these lines are in the file, not when the queue runs dry: under a steady
    // stream of changes that would be never.
    void this.#drain()
    await Promise.all(written)
    return entries
  }

  /** Trims now if the log is over its bound (appends do this by themselves). */
  async trim(): Promise<TrimResult | null> {
    return withFileLock(this.file, () => this.#trimLocked())
  }

  async read(query: ActivityQuery = {}): Promise<ActivityReadResult> {
    const limit = query.limit ?? DEFAULT_READ_LIMIT
    const actions = query.actions && query.actions.length > 0 ? new Set<string>(query.actions) : null
    const result: ActivityReadResult = { entries: [], more: false, damagedLines: 0, unrecognisedLines: 0, cut: null }
    const seen = new Set<string>()
    // The log before the archive: a trim between the two reads can then only duplicate an entry (dropped by id), never hide one.
    const sources = [this.file, ...(query.includeArchive ? [this.archiveFile] : [])]
    for (const path of sources) {
      const parsed = parseLog(await readTextIfAny(path))
      result.damagedLines += parsed.damaged
      result.unrecognisedLines += parsed.unrecognised
      if (path === this.file) result.cut = parsed.cut
      for (let i = parsed.entries.length - 1; i >= 0; i--) {
        const entry = parsed.entries[i]!
        if (seen.has(entry.id)) continue
        seen.add(entry.id)
        if (query.accountId !== undefined && entry.accountId !== query.accountId) continue
        if (actions && !actions.has(entry.action)) continue
        if (query.keyId !== undefined && entry.keyId !== query.keyId && entry.relatedKeyId !== query.keyId) continue
        if (result.entries.length >= limit) {
          result.more = true
          continue
        }
        result.entries.push(entry)
      }
    }
    return result
  }

  /** One writer per process at a time; what queued meanwhile goes in the next turn. */
  #drain(): Promise<void> {
    this.#draining ??= (async () => {
      try {
        while (this.#pending.length > 0) {
          const batch = this.#pending.splice(0)
          try {
            await withFileLock(this.file, async () => {
              const sizes = await appendLines(this.file, batch.map((item) => item.line))
              const lines = this.#linesAtMost(sizes.before) + batch.length
              if (lines > this.maxEntries + this.trimSlack) await this.#trimLocked()
              else this.#known = { size: sizes.after, lines }
            })
            for (const item of batch) item.done()
          } catch (error) {
            for (const item of batch) item.failed(error)
          }
        }
      } finally {
        this.#draining = null
      }
    })()
    return this.#draining
  }

  /** At most how many lines a file of `size` bytes holds, from the last count (see #known). */
  #linesAtMost(size: number): number {
    const known = this.#known
    // Never counted, or rewritten by another process's trim since: bound it from its size alone.
    if (known === null || size < known.size) return Math.ceil(size / MIN_LINE_BYTES)
    return known.lines + Math.ceil((size - known.size) / MIN_LINE_BYTES)
  }

  async #trimLocked(): Promise<TrimResult | null> {
    const text = await readTextIfAny(this.file)
    const lines = splitLines(text)
    let previous: ActivityCutMarker | null = null
    if (lines[0] !== undefined) {
      const first = parseLine(lines[0])
      if (first.kind === 'cut') {
        previous = first.marker
        lines.shift()
      }
    }
    if (lines.length <= this.maxEntries + this.trimSlack) {
      this.#known = { size: Buffer.byteLength(text), lines: lines.length }
      return null
    }

    const moved = lines.slice(0, lines.length - this.maxEntries)
    const kept = lines.slice(lines.length - this.maxEntries)
    let cutBefore = previous?.cutBefore ?? null
    for (let i = moved.length - 1; i >= 0; i--) {
      const line = parseLine(moved[i]!)
      if (line.kind === 'entry') {
        cutBefore = line.entry.at
        break
      }
    }
    const marker: ActivityCutMarker = {
      type: 'cut',
      v: 1,
      at: this.#now().toISOString(),
      moved: moved.length,
      movedTotal: (previous?.movedTotal ?? 0) + moved.length,
      archive: basename(this.archiveFile),
      cutBefore
    }
    // Archive first (flushed to disk), then replace the log: a crash in between duplicates, never loses.
    await appendBlock(this.archiveFile, `${moved.join('\n')}\n`)
    const rewritten = `${JSON.stringify(marker)}\n${kept.join('\n')}\n`
    await writeFileAtomic(this.file, rewritten)
    this.#known = { size: Buffer.byteLength(rewritten), lines: kept.length }
    return { moved: moved.length, kept: kept.length, marker }
  }
}

// ── Writing ──────────────────────────────────────────────────────────────────────────────────

/**
 * The shortest line an entry makes (every optional field empty, the shortest action and outcome):
 * a file of n bytes holds at most n / MIN_LINE_BYTES entries. (Damaged lines shorter than that
 * can only delay a trim until the next count.)
 */
export const MIN_LINE_BYTES = 250

function capCodePoints(text: string, max: number): string {
  if (text.length <= max) return text
  const points = [...text]
  return points.length <= max ? text : `${points.slice(0, max - 1).join('')}…`
}

function cleanText(value: string | null | undefined, field: TextField, secrets: ReadonlyArray<string | null | undefined>): string | null {
  if (value === null || value === undefined) return null
  // Redact before cutting: half a token is still a secret but may no longer look like one.
  return capCodePoints(redact(String(value), secrets), FIELD_CAPS[field])
}

const cleanId = (value: number | null | undefined): number | null => (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : null)

function toEntry(input: ActivityInput, source: ActivitySource, now: Date, secrets: ReadonlyArray<string | null | undefined>): ActivityEntry {
  if (!isActivityAction(input.action)) throw new RangeError(`Unknown activity action: ${String(input.action)}`)
  if (!isActivityOutcome(input.outcome)) throw new RangeError(`Unknown activity outcome: ${String(input.outcome)}`)
  const at = input.at instanceof Date && Number.isFinite(input.at.getTime()) ? input.at : now
  const entry: ActivityEntry = {
    type: 'entry',
    v: 1,
    id: randomUUID(),
    at: at.toISOString(),
    accountId: cleanText(input.accountId, 'accountId', secrets) ?? '',
    accountLabel: cleanText(input.accountLabel, 'accountLabel', secrets) ?? '',
    action: input.action,
    keyId: cleanId(input.keyId),
    keyName: cleanText(input.keyName, 'keyName', secrets),
    relatedKeyId: cleanId(input.relatedKeyId),
    outcome: input.outcome,
    errorKind: cleanText(input.errorKind, 'errorKind', secrets),
    detail: cleanText(input.detail, 'detail', secrets),
    source
  }
  // Escaped control characters take up to 6 bytes each: halve the longest text until the line fits.
  while (Buffer.byteLength(serialiseEntry(entry)) > MAX_LINE_BYTES) {
    const fields = (['detail', 'keyName', 'accountLabel', 'accountId'] as const).filter((field) => (entry[field]?.length ?? 0) > 1)
    const longest = fields.sort((a, b) => (entry[b]?.length ?? 0) - (entry[a]?.length ?? 0))[0]
    if (longest === undefined) break
    const value = entry[longest]!
    entry[longest] = capCodePoints(value, Math.max(1, Math.floor([...value].length / 2)))
  }
  return entry
}

const serialiseEntry = (entry: ActivityEntry): string => `${JSON.stringify(entry)}\n`

/**
 * Appends lines to `file`, each with one `write` on an O_APPEND descriptor, and returns the
 * file's size before and after. A last line left unterminated by a crash gets its line end first, so
 * it stays one damaged line instead of swallowing the next entry.
 */
export async function appendLines(file: string, lines: readonly string[]): Promise<{ before: number; after: number }> {
  const handle = await open(file, 'a+', 0o600)
  try {
    const { size } = await handle.stat()
    let needsLineEnd = false
    if (size > 0) {
      const last = Buffer.alloc(1)
      await handle.read(last, 0, 1, size - 1)
      needsLineEnd = last[0] !== 0x0a
    }
    let written = size
    for (const [index, line] of lines.entries()) {
      const text = index === 0 && needsLineEnd ? `\n${line}` : line
      written += await writeWhole(handle, Buffer.from(text.endsWith('\n') ? text : `${text}\n`, 'utf8'))
    }
    return { before: size, after: written }
  } finally {
    await handle.close()
  }
}

type FileHandle = Awaited<ReturnType<typeof open>>

/** One write; a short write (a full disk) finishes with more writes, still appended in order under the lock. */
async function writeWhole(handle: FileHandle, buffer: Buffer): Promise<number> {
  let offset = 0
  while (offset < buffer.length) {
    const { bytesWritten } = await handle.write(buffer, offset, buffer.length - offset)
    if (bytesWritten <= 0) throw new Error('could not write to the activity log')
    offset += bytesWritten
  }
  return buffer.length
}

async function appendBlock(file: string, text: string): Promise<void> {
  const handle = await open(file, 'a+', 0o600)
  try {
    const { size } = await handle.stat()
    let prefix = ''
    if (size > 0) {
      const last = Buffer.alloc(1)
      await handle.read(last, 0, 1, size - 1)
      if (last[0] !== 0x0a) prefix = '\n'
    }
    await writeWhole(handle, Buffer.from(prefix + text, 'utf8'))
    await handle.sync()
  } finally {
    await handle.close()
  }
}

// ── Reading ──────────────────────────────────────────────────────────────────────────────────

async function readTextIfAny(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return ''
    throw error
  }
}

/** Complete lines only: text after the last line end is an append still under way (or torn), not yet a line. */
function splitLines(text: string): string[] {
  const end = text.lastIndexOf('\n')
  if (end === -1) return []
  return text
    .slice(0, end)
    .split('\n')
    .filter((line) => line.trim() !== '')
}

type ParsedLine =
  | { kind: 'entry'; entry: ActivityEntry }
  | { kind: 'cut'; marker: ActivityCutMarker }
  | { kind: 'unrecognised' }
  | { kind: 'damaged' }

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)
const isTextOrNull = (value: unknown): value is string | null => value === null || typeof value === 'string'
const isIdOrNull = (value: unknown): value is number | null => value === null || (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0)

function parseLine(line: string): ParsedLine {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch {
    return { kind: 'damaged' }
  }
  if (!isObject(value)) return { kind: 'damaged' }
  if (typeof value['v'] === 'number' && value['v'] > 1) return { kind: 'unrecognised' }
  if (value['type'] === 'cut') {
    const { at, moved, movedTotal, archive, cutBefore } = value
    const count = (n: unknown) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0
    if (typeof at !== 'string' || !count(moved) || !count(movedTotal) || typeof archive !== 'string' || !isTextOrNull(cutBefore)) return { kind: 'damaged' }
    return { kind: 'cut', marker: { type: 'cut', v: 1, at, moved: moved as number, movedTotal: movedTotal as number, archive, cutBefore } }
  }
  if (value['type'] !== 'entry') return typeof value['type'] === 'string' ? { kind: 'unrecognised' } : { kind: 'damaged' }
  const { id, at, accountId, accountLabel, action, keyId, keyName, relatedKeyId, outcome, errorKind, detail, source } = value
  if (typeof action === 'string' && !isActivityAction(action)) return { kind: 'unrecognised' }
  if (typeof outcome === 'string' && !isActivityOutcome(outcome)) return { kind: 'unrecognised' }
  if (
    typeof id !== 'string' ||
    typeof at !== 'string' ||
    !Number.isFinite(Date.parse(at)) ||
    typeof accountId !== 'string' ||
    typeof accountLabel !== 'string' ||
    !isActivityAction(action) ||
    !isIdOrNull(keyId) ||
    !isTextOrNull(keyName) ||
    !isIdOrNull(relatedKeyId ?? null) ||
    !isActivityOutcome(outcome) ||
    !isTextOrNull(errorKind) ||
    !isTextOrNull(detail ?? null) ||
    (source !== 'app' && source !== 'cli')
  ) {
    return { kind: 'damaged' }
  }
  return {
    kind: 'entry',
    entry: {
      type: 'entry',
      v: 1,
      id,
      at,
      accountId,
      accountLabel,
      action,
      keyId,
      keyName,
      relatedKeyId: (relatedKeyId as number | null | undefined) ?? null,
      outcome,
      errorKind,
      detail: (detail as string | null | undefined) ?? null,
      source
    }
  }
}

export interface ParsedLog {
  /** In file order (oldest first). */
  entries: ActivityEntry[]
  cut: ActivityCutMarker | null
  damaged: number
  unrecognised: number
}

/** Reads a log's text; never throws on content. */
export function parseLog(text: string): ParsedLog {
  const result: ParsedLog = { entries: [], cut: null, damaged: 0, unrecognised: 0 }
  for (const line of splitLines(text)) {
    const parsed = parseLine(line)
    if (parsed.kind === 'entry') result.entries.push(parsed.entry)
    else if (parsed.kind === 'cut') result.cut = parsed.marker
    else if (parsed.kind === 'damaged') result.damaged++
    else result.unrecognised++
  }
  return result
}

/** `<userData>/activity.jsonl`. */
export const activityLogPath = (userDataDir: string): string => join(userDataDir, ACTIVITY_LOG_FILE)
