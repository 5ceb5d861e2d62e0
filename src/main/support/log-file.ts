/**
 * The desktop app's log file, in the platform's log folder, rotated by size: `main.log` is
 * written; when the next line would take it past `maxBytes` it becomes `main.1.log` (the older
 * `main.1.log` becomes `main.2.log`, and so on; the oldest is dropped), so the folder never holds
 * more than `files` files of at most `maxBytes` each.
 *
 * Why a small sink and not electron-log: the lines are already formatted and redacted by log.ts
 * (the one place that must see every line); what is left is appending and rotating, ~100 lines
 * that run and are tested in plain Node, with no Electron-only code path, nothing added to the
 * main bundle's dependencies, and no console or renderer hooks that we would have to switch off.
 *
 * Appends are synchronous: log lines are rare (warnings and errors), and a line written just
 * before a crash must be on disk. Any failure disables the file rather than the caller.
 */
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs'
import { join } from 'node:path'

export const LOG_FILE_NAME = 'main.log'
export const LOG_MAX_BYTES = 1_000_000
export const LOG_FILES = 3
const MAX_ENTRY_CHARS = 32_000

export interface LogFileOptions {
  dir: string
  /** Size at which the file rotates (default 1 MB). */
  maxBytes?: number
  /** Files kept, the current one included (default 3). */
  files?: number
}

export class RotatingLogFile {
  readonly dir: string
  readonly maxBytes: number
  readonly files: number
  #fd: number | null = null
  #size = 0
  #failed = false

  constructor(options: LogFileOptions) {
    this.dir = options.dir
    this.maxBytes = options.maxBytes ?? LOG_MAX_BYTES
    this.files = Math.max(1, options.files ?? LOG_FILES)
  }

  /** main.log, main.1.log, …: newest first. */
  paths(): string[] {
    return Array.from({ length: this.files }, (_, index) => join(this.dir, index === 0 ? LOG_FILE_NAME : LOG_FILE_NAME.replace(/\.log$/, `.${index}.log`)))
  }

  get current(): string {
    return this.paths()[0]!
  }

  /** Appends one entry (a line, or a line and its stack trace) and a newline. Never throws. */
  write(entry: string): void {
    if (this.#failed) return
    // One entry cannot crowd out the rest (a huge object logged by mistake).
    const text = entry.length > MAX_ENTRY_CHARS ? `${entry.slice(0, MAX_ENTRY_CHARS)} … (truncated)` : entry
    const bytes = Buffer.from(text.endsWith('\n') ? text : `${text}\n`, 'utf8')
    try {
      this.#open()
      if (this.#size > 0 && this.#size + bytes.length > this.maxBytes) this.#rotate()
      this.#size += writeSync(this.#fd!, bytes)
    } catch (error) {
      this.#failed = true
      this.close()
      console.error(`The log file ${this.current} cannot be written; logging to it stops: ${error instanceof Error ? error.message : String(error)}`)
    }
  }

  /** The last `count` lines, across the current file and the rotated ones. */
  tail(count: number): string[] {
    const lines: string[] = []
    for (const path of this.paths()) {
      if (lines.length >= count) break
      let text: string
      try {
        text = readFileSync(path, 'utf8')
      } catch {
        continue
      }
      const fileLines = text.split('\n')
      if (fileLines.at(-1) === '') fileLines.pop()
      lines.unshift(...fileLines.slice(Math.max(0, fileLines.length - (count - lines.length))))
    }
    return lines
  }

  close(): void {
    if (this.#fd === null) return
    try {
      closeSync(this.#fd)
    } catch {
      // Already closed.
    }
    this.#fd = null
  }

  #open(): void {
    if (this.#fd !== null) return
    mkdirSync(this.dir, { recursive: true, mode: 0o700 })
    // Account names and hosts are in the log: readable by its owner only.
    this.#fd = openSync(this.current, 'a', 0o600)
    this.#size = fstatSync(this.#fd).size
  }

  #rotate(): void {
    this.close()
    const paths = this.paths()
    rmSync(paths.at(-1)!, { force: true })
    for (let index = paths.length - 2; index >= 0; index--) {
      if (existsSync(paths[index]!)) renameSync(paths[index]!, paths[index + 1]!)
    }
    this.#open()
  }
}
