/**
 * The app's log: the rotating file sink (sizes, order, what is dropped, permissions, failure),
 * stack traces and references for unexpected errors, redaction of every line on its way to a
 * sink, and the command line writing no log file.
 */
import { spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { toAppError } from '../../../src/main/services/app-error'
import { addLogSink, log, newErrorReference } from '../../../src/main/support/log'
import { LOG_FILE_NAME, RotatingLogFile } from '../../../src/main/support/log-file'

const SECRET = 'Zq7'.repeat(13) + 'x' // 40 letters and digits: shaped like a Sanctum secret
const dirs: string[] = []
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'autocalls-log-test-'))
  dirs.push(dir)
  return dir
}
const removers: Array<() => void> = []
afterEach(() => {
  for (const remove of removers.splice(0)) remove()
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
  vi.restoreAllMocks()
})

describe('RotatingLogFile', () => {
  it('rotates by size: never more than `files` files of at most `maxBytes`, newest in main.log, oldest dropped', () => {
    const dir = tempDir()
    const file = new RotatingLogFile({ dir, maxBytes: 200, files: 3 })
    const lines = Array.from({ length: 40 }, (_, i) => `line ${String(i).padStart(3, '0')} ${'.'.repeat(20)}`) // 30 bytes each with the newline
    for (const line of lines) file.write(line)
    file.close()
    expect(readdirSync(dir).sort()).toEqual(['main.1.log', 'main.2.log', 'main.log'])
    for (const name of readdirSync(dir)) expect(statSync(join(dir, name)).size).toBeLessThanOrEqual(200)
    // Read oldest to newest: a contiguous run of the latest lines, ending with the last one.
    const kept = ['main.2.log', 'main.1.log', 'main.log'].flatMap((name) => readFileSync(join(dir, name), 'utf8').split('\n').filter(Boolean))
    expect(kept).toEqual(lines.slice(lines.length - kept.length))
    expect(kept.length).toBeGreaterThanOrEqual(13) // two full files of 6 lines, and at least one in main.log
    expect(kept).not.toContain(lines[0])
  })

  it('continues an existing file after a restart and counts its size', () => {
    const dir = tempDir()
    writeFileSync(join(dir, LOG_FILE_NAME), 'x'.repeat(190) + '\n')
    const file = new RotatingLogFile({ dir, maxBytes: 200, files: 2 })
    file.write('after restart')
    file.close()
    expect(readFileSync(join(dir, 'main.1.log'), 'utf8')).toBe('x'.repeat(190) + '\n')
    expect(readFileSync(join(dir, LOG_FILE_NAME), 'utf8')).toBe('after restart\n')
  })

  it('gives the last lines across the current and the rotated files, oldest first', () => {
    const dir = tempDir()
    const file = new RotatingLogFile({ dir, maxBytes: 100, files: 3 })
    for (let i = 0; i < 12; i++) file.write(`entry ${i} ${'-'.repeat(10)}`)
    expect(file.tail(5)).toEqual([7, 8, 9, 10, 11].map((i) => `entry ${i} ${'-'.repeat(10)}`))
    expect(file.tail(1000).at(-1)).toBe(`entry 11 ${'-'.repeat(10)}`)
    expect(new RotatingLogFile({ dir: join(dir, 'nothing-here') }).tail(100)).toEqual([])
    file.close()
  })

  it('creates its folder and a file readable by its owner only (POSIX modes; Windows keeps the profile folder’s ACL)', () => {
    const dir = tempDir()
    const file = new RotatingLogFile({ dir: join(dir, 'logs', 'nested') })
    file.write('hello')
    file.close()
    const path = join(dir, 'logs', 'nested', LOG_FILE_NAME)
    expect(readFileSync(path, 'utf8')).toBe('hello\n')
    if (process.platform !== 'win32') expect(statSync(path).mode & 0o777).toBe(0o600)
  })

  it('stops writing, without throwing, when the file cannot be written', () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'not-a-folder'), '')
    const stderr = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    const file = new RotatingLogFile({ dir: join(dir, 'not-a-folder') })
    expect(() => file.write('one')).not.toThrow()
    expect(() => file.write('two')).not.toThrow()
    expect(stderr).toHaveBeenCalledTimes(1)
    expect(String(stderr.mock.calls[0]![0])).toMatch(/cannot be written; logging to it stops/)
  })

  it('cuts one huge entry instead of letting it fill the file', () => {
    const dir = tempDir()
    const file = new RotatingLogFile({ dir })
    file.write('y'.repeat(100_000))
    file.close()
    const text = readFileSync(join(dir, LOG_FILE_NAME), 'utf8')
    expect(text.length).toBeLessThan(33_000)
    expect(text.trimEnd().endsWith('(truncated)')).toBe(true)
  })
})

describe('log lines through a sink', () => {
  const capture = (): string[] => {
    const lines: string[] = []
    removers.push(addLogSink((line) => lines.push(line)))
    return lines
  }

  it('redacts every line, the stack trace included, and still reaches the sink when the console is quiet', () => {
    vi.stubEnv('AUTOCALLS_KEYS_QUIET', '1')
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    const lines = capture()
    log.warn(`bad key 12|${SECRET}`, { header: `Bearer ${SECRET}` })
    const error = new Error(`request failed with 7|${SECRET}`)
    error.stack = `Error: request failed with 7|${SECRET}\n    at send (/app/${SECRET}.js:1:1)\n    at main (/app/main.js:2:2)`
    const reference = log.unexpected('Unexpected error in the main process:', error)
    expect(consoleError).not.toHaveBeenCalled()
    expect(lines).toHaveLength(2)
    for (const line of lines) expect(line).not.toContain(SECRET)
    expect(lines[1]).toContain(`[ref ${reference}]`)
    expect(lines[1]!.split('\n').slice(1)).toEqual(['    at send (/app/[redacted].js:1:1)', '    at main (/app/main.js:2:2)'])
    vi.unstubAllEnvs()
  })

  it('writes expected errors on one line (no stack) and a failing sink breaks nothing', () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined)
    removers.push(
      addLogSink(() => {
        throw new Error('disk full')
      })
    )
    const lines = capture()
    expect(() => log.error('Could not open a link:', new Error('not allowed'))).not.toThrow()
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^\[\d{4}-\d\d-\d\dT[^\]]+\] error: Could not open a link: Error: not allowed$/)
  })

  it('gives an unexpected error shown to the person a reference that is also in the log line', () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined)
    const lines = capture()
    const appError = toAppError(new TypeError("Cannot read properties of undefined (reading 'id')"))
    expect(appError.kind).toBe('internal')
    const reference = /Reference: ([0-9A-Z]{4}-[0-9A-Z]{4})$/.exec(appError.message)?.[1]
    expect(reference).toBeDefined()
    expect(lines.filter((line) => line.includes(`[ref ${reference}]`))).toHaveLength(1)
    expect(lines[0]).toMatch(/TypeError: Cannot read properties of undefined/)
    expect(lines[0]).toMatch(/\n {4}at /)
  })

  it('makes references that are short, unambiguous and different each time', () => {
    const references = new Set(Array.from({ length: 500 }, () => newErrorReference()))
    expect(references.size).toBe(500)
    for (const reference of references) expect(reference).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/)
  })
})

describe('the command line', () => {
  const root = resolve(__dirname, '../../..')
  const cli = join(root, 'out/main/cli.js')

  it('loads no log-file code and writes no log file: its log stays on stderr', () => {
    expect(existsSync(cli), 'build first (npx electron-vite build)').toBe(true)
    // Every file cli.js loads at start or later, followed through its chunk requires.
    const seen = new Set<string>()
    const visit = (file: string): void => {
      if (seen.has(file)) return
      seen.add(file)
      const code = readFileSync(file, 'utf8')
      for (const match of code.matchAll(/require\("(\.{1,2}\/[^"]+)"\)/g)) visit(resolve(file, '..', match[1]!))
    }
    visit(cli)
    expect(seen.size).toBeGreaterThan(3)
    for (const file of seen) expect(readFileSync(file, 'utf8'), file).not.toContain('class RotatingLogFile')

    // And a run that fails: no log file appears in its user-data folder or its home.
    const home = tempDir()
    chmodSync(home, 0o700)
    const run = spawnSync(process.execPath, [cli, 'keys', 'list', '--json'], {
      env: { PATH: process.env['PATH'], HOME: home, XDG_CONFIG_HOME: join(home, '.config'), AUTOCALLS_KEYS_USER_DATA_DIR: join(home, 'data'), AUTOCALLS_KEYS_KEYCHAIN_SERVICE: `autocalls-log-test-${process.pid}` },
      encoding: 'utf8',
      timeout: 30_000
    })
    expect(run.status).not.toBe(0)
    const files: string[] = []
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) walk(join(dir, entry.name))
        else files.push(entry.name)
      }
    }
    walk(home)
    expect(files.filter((name) => name.endsWith('.log'))).toEqual([])
  })
})
