import { spawn } from 'node:child_process'
import { appendFile, mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { ActivityInput } from '../../../src/shared/activity'
import { ACTIVITY_ARCHIVE_FILE, ActivityLog, activityLogPath, MAX_LINE_BYTES, MIN_LINE_BYTES, parseLog } from '../../../src/main/storage/activity-log'

const tempLog = async () => activityLogPath(await mkdtemp(join(tmpdir(), 'autocalls-activity-')))

const ADA = 'ada@example.com on https://app.autocalls.ai/api'
const BOB = 'bob@example.com on https://agency.example/api'
const input = (extra: Partial<ActivityInput> = {}): ActivityInput => ({
  accountId: ADA,
  accountLabel: 'ada@example.com on app.autocalls.ai',
  action: 'key-delete',
  keyId: 7,
  keyName: 'Prod',
  outcome: 'ok',
  ...extra
})

const lines = async (file: string) => (await readFile(file, 'utf8')).split('\n').filter((line) => line !== '')

describe('ActivityLog: appending and reading', () => {
  it('appends one JSON line per entry and reads them newest first', async () => {
    const file = await tempLog()
    const log = new ActivityLog({ file, now: () => new Date('2027-03-15T12:00:00.000Z') })
    const first = await log.append(input({ action: 'sign-in', keyId: null, keyName: null }))
    await log.append(input({ action: 'key-create', keyId: 8, keyName: 'CI', outcome: 'may-exist', errorKind: 'create_outcome_unknown' }))
    await log.append(input({ keyId: 8, keyName: 'CI', outcome: 'already-gone', at: new Date('2027-03-15T12:05:00Z') }))

    expect(first).toMatchObject({ type: 'entry', v: 1, at: '2027-03-15T12:00:00.000Z', action: 'sign-in', keyId: null, source: 'app', relatedKeyId: null, detail: null })
    const onDisk = await lines(file)
    expect(onDisk).toHaveLength(3)
    expect(onDisk.map((line) => JSON.parse(line).action)).toEqual(['sign-in', 'key-create', 'key-delete'])

    const read = await log.read()
    expect(read.entries.map((e) => e.action)).toEqual(['key-delete', 'key-create', 'sign-in'])
    expect(read.entries[0]).toMatchObject({ at: '2027-03-15T12:05:00.000Z', outcome: 'already-gone' })
    expect(read.entries[1]).toMatchObject({ outcome: 'may-exist', errorKind: 'create_outcome_unknown' })
    expect(read).toMatchObject({ more: false, damagedLines: 0, unrecognisedLines: 0, cut: null })
    expect(new Set(read.entries.map((e) => e.id)).size).toBe(3)
  })

  it('filters by account, action and key, with a limit', async () => {
    const file = await tempLog()
    const log = new ActivityLog({ file })
    await log.appendMany([
      input({ action: 'sign-in', keyId: null }),
      input({ action: 'bulk-delete', keyId: 1 }),
      input({ action: 'bulk-delete', keyId: 2 }),
      input({ accountId: BOB, action: 'bulk-delete', keyId: 3 }),
      input({ action: 'rotation-started', keyId: 4, relatedKeyId: 5 }),
      input({ action: 'note-changed', keyId: 1 })
    ])
    expect((await log.read({ accountId: BOB })).entries.map((e) => e.keyId)).toEqual([3])
    expect((await log.read({ accountId: ADA, actions: ['bulk-delete'] })).entries.map((e) => e.keyId)).toEqual([2, 1])
    expect((await log.read({ actions: ['bulk-delete', 'note-changed'] })).entries.map((e) => e.action)).toEqual(['note-changed', 'bulk-delete', 'bulk-delete', 'bulk-delete'])
    expect((await log.read({ actions: [] })).entries).toHaveLength(6)
    expect((await log.read({ keyId: 1 })).entries.map((e) => e.action)).toEqual(['note-changed', 'bulk-delete'])
    expect((await log.read({ keyId: 5 })).entries.map((e) => e.action)).toEqual(['rotation-started']) // the other key of a rotation
    const limited = await log.read({ limit: 2 })
    expect(limited.entries.map((e) => e.action)).toEqual(['note-changed', 'rotation-started'])
    expect(limited.more).toBe(true)
    expect((await log.read({ limit: 6 })).more).toBe(false)
  })

  it('reads a log that does not exist yet as empty', async () => {
    const log = new ActivityLog({ file: await tempLog() })
    expect(await log.read({ includeArchive: true })).toEqual({ entries: [], more: false, damagedLines: 0, unrecognisedLines: 0, cut: null })
  })

  it.runIf(process.platform !== 'win32')('writes the log readable by its owner only', async () => {
    const file = await tempLog()
    await new ActivityLog({ file }).append(input())
    expect((await stat(file)).mode & 0o077).toBe(0)
  })

  it('refuses an action or outcome it does not know (a programming error), writing nothing', async () => {
    const file = await tempLog()
    const log = new ActivityLog({ file })
    await expect(log.append(input({ action: 'key-explode' as never }))).rejects.toThrow(RangeError)
    await expect(log.append(input({ outcome: 'maybe' as never }))).rejects.toThrow(RangeError)
    await expect(readFile(file)).rejects.toMatchObject({ code: 'ENOENT' })
  })

  it('an append resolves once its line is written, even while other appends keep arriving', async () => {
    const file = await tempLog()
    const log = new ActivityLog({ file })
    // A steady stream: a new append at every turn of the event loop, until ours resolves (or 3 s).
    let streamed = 0
    let stop = false
    const stream: Promise<unknown>[] = []
    const started = Date.now()
    const pump = () => {
      if (stop || Date.now() - started > 3_000) return
      streamed++
      stream.push(log.append(input({ keyId: 1000 + streamed })))
      setImmediate(pump)
    }
    pump()
    await log.append(input({ keyId: 1 }))
    const landedWhileStreaming = Date.now() - started <= 3_000
    stop = true
    await Promise.all(stream)
    expect(landedWhileStreaming).toBe(true)
    expect((await lines(file)).some((line) => JSON.parse(line).keyId === 1)).toBe(true)
  })
})

describe('ActivityLog: never a token or a credential', () => {
  const sanctum = `42|${'Ab3dEf6hIj'.repeat(4)}`
  const sanctum4 = `43|ac_${'Zy9xWv8uTs'.repeat(4)}deadbeef`
  const bare = 'Qw3rTy7uIo'.repeat(4)

  it('redacts token-shaped text in every field, and secrets the process knows', async () => {
    const file = await tempLog()
    const credential = 'hunter2-credential'
    const log = new ActivityLog({ file, secrets: () => [credential] })
    const entry = await log.append(
      input({
        accountId: `${ADA} ${sanctum}`,
        accountLabel: `label ${credential}`,
        keyName: `name ${sanctum4}`,
        detail: `The server said: Bearer ${sanctum} / ${bare}`,
        errorKind: bare,
        outcome: 'failed'
      })
    )
    const text = await readFile(file, 'utf8')
    for (const secret of [sanctum, sanctum.split('|')[1]!, sanctum4.split('|')[1]!, bare, credential]) {
      expect(text).not.toContain(secret)
      expect(JSON.stringify(entry)).not.toContain(secret)
    }
    expect(entry.keyName).toBe('name [redacted]')
    expect(entry.accountLabel).toBe('label [redacted]')
    expect(entry.detail).toBe('The server said: Bearer [redacted] / [redacted]')
  })

  it('redacts before cutting a long field, so half a token cannot survive', async () => {
    const file = await tempLog()
    const log = new ActivityLog({ file })
    // The token straddles the 300-code-point cap of the detail field.
    await log.append(input({ detail: `${'.'.repeat(280)}${sanctum}` }))
    expect(await readFile(file, 'utf8')).not.toContain(sanctum.split('|')[1]!.slice(0, 12))
  })
})

describe('ActivityLog: lines stay short', () => {
  it('caps long fields and keeps every line under MAX_LINE_BYTES, even of escaped control characters', async () => {
    const file = await tempLog()
    const log = new ActivityLog({ file })
    const long = await log.append(input({ keyName: '😀'.repeat(1000), detail: 'd'.repeat(5000) }))
    expect([...long.keyName!].length).toBe(300)
    expect(long.keyName!.endsWith('…')).toBe(true)
    expect(long.detail!.length).toBe(300)
    await log.append(input({ keyName: '\u0001'.repeat(300), detail: '\u0002'.repeat(300), accountLabel: '\u0003'.repeat(300), accountId: '"'.repeat(300) }))
    for (const line of await lines(file)) expect(Buffer.byteLength(line) + 1).toBeLessThanOrEqual(MAX_LINE_BYTES)
    expect((await log.read()).entries).toHaveLength(2)
  })

  it('no entry line is shorter than MIN_LINE_BYTES (the trim trigger counts lines from sizes)', async () => {
    const file = await tempLog()
    const log = new ActivityLog({ file })
    await log.append({ accountId: '', accountLabel: '', action: 'sign-in', keyId: 0, relatedKeyId: 0, outcome: 'ok' })
    const [line] = await lines(file)
    expect(Buffer.byteLength(line!) + 1).toBeGreaterThanOrEqual(MIN_LINE_BYTES)
  })
})

describe('ActivityLog: damaged lines', () => {
  it('skips and counts damaged lines, skips lines of a newer version, never throws', async () => {
    const file = await tempLog()
    const log = new ActivityLog({ file })
    await log.append(input({ keyId: 1 }))
    await appendFile(
      file,
      [
        '{"type":"entry","v":1,"id":"x",', // cut off
        'not json at all',
        '[1,2,3]',
        '"a string"',
        '{"type":"entry","v":1,"id":"y","at":"2027-01-01T00:00:00.000Z","accountId":"a","accountLabel":"a","action":"key-delete","keyId":"7","keyName":null,"outcome":"ok","errorKind":null,"source":"app"}', // keyId of the wrong type
        '{"type":"entry","v":2,"id":"z","somethingNew":true}', // a newer format
        '{"type":"entry","v":1,"id":"w","at":"2027-01-01T00:00:00.000Z","accountId":"a","accountLabel":"a","action":"key-teleport","keyId":7,"keyName":null,"relatedKeyId":null,"outcome":"ok","errorKind":null,"detail":null,"source":"app"}', // an action from a newer version
        '{"type":"bookmark","v":1}',
        '\u0000\u0000\u0000',
        ''
      ].join('\n')
    )
    await log.append(input({ keyId: 2 }))
    const read = await log.read()
    expect(read.entries.map((e) => e.keyId)).toEqual([2, 1])
    expect(read.damagedLines).toBe(6)
    expect(read.unrecognisedLines).toBe(3)
  })

  it('an entry appended after a torn last line (a crash mid-write) stays readable', async () => {
    const file = await tempLog()
    const log = new ActivityLog({ file })
    await log.append(input({ keyId: 1 }))
    await appendFile(file, '{"type":"entry","v":1,"id":"torn","at":"2027') // no line end
    // Still being written, as far as a reader can tell: not counted as damaged.
    expect((await log.read()).damagedLines).toBe(0)
    await log.append(input({ keyId: 2 }))
    const read = await log.read()
    expect(read.entries.map((e) => e.keyId)).toEqual([2, 1])
    expect(read.damagedLines).toBe(1)
  })

  it('survives a file of garbage bytes', async () => {
    const file = await tempLog()
    await writeFile(file, Buffer.from([0xff, 0xfe, 0x00, 0x0a, 0xc3, 0x28, 0x0a, 0x7b, 0x0a]))
    const log = new ActivityLog({ file })
    expect(await log.read()).toMatchObject({ entries: [], damagedLines: 3 })
    await log.append(input())
    expect((await log.read()).entries).toHaveLength(1)
  })
})

describe('ActivityLog: bounded, with a cut marker and an archive', () => {
  it('moves the oldest entries to the archive once the log holds maxEntries plus the slack', async () => {
    const file = await tempLog()
    let clock = Date.UTC(2027, 0, 1)
    const log = new ActivityLog({ file, maxEntries: 20, trimSlack: 5, now: () => new Date((clock += 1000)) })
    for (let i = 1; i <= 25; i++) await log.append(input({ keyId: i }))
    expect(await lines(file)).toHaveLength(25) // within the slack: no trim yet
    await log.append(input({ keyId: 26 }))

    const live = await lines(file)
    expect(live).toHaveLength(21)
    const marker = JSON.parse(live[0]!)
    expect(marker).toMatchObject({ type: 'cut', v: 1, moved: 6, movedTotal: 6, archive: ACTIVITY_ARCHIVE_FILE })
    expect(marker.cutBefore).toBe(JSON.parse((await lines(join(file, '..', ACTIVITY_ARCHIVE_FILE)))[5]!).at)
    expect(live.slice(1).map((line) => JSON.parse(line).keyId)).toEqual(Array.from({ length: 20 }, (_, i) => i + 7))
    const archived = await lines(join(file, '..', ACTIVITY_ARCHIVE_FILE))
    expect(archived.map((line) => JSON.parse(line).keyId)).toEqual([1, 2, 3, 4, 5, 6])

    const read = await log.read()
    expect(read.entries).toHaveLength(20)
    expect(read.cut).toEqual(marker)
    const everything = await log.read({ includeArchive: true, limit: 100 })
    expect(everything.entries.map((e) => e.keyId)).toEqual(Array.from({ length: 26 }, (_, i) => 26 - i))

    // A second trim adds to the running total and to the archive.
    for (let i = 27; i <= 32; i++) await log.append(input({ keyId: i }))
    const second = JSON.parse((await lines(file))[0]!)
    expect(second).toMatchObject({ moved: 6, movedTotal: 12 })
    expect((await lines(join(file, '..', ACTIVITY_ARCHIVE_FILE))).map((line) => JSON.parse(line).keyId)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1))
    expect((await log.read({ includeArchive: true, limit: 100 })).entries).toHaveLength(32)
    expect((await readdir(join(file, '..'))).sort()).toEqual([ACTIVITY_ARCHIVE_FILE, 'activity.jsonl'])
  })

  it('trim() does nothing while the log is within its bound', async () => {
    const file = await tempLog()
    const log = new ActivityLog({ file, maxEntries: 10, trimSlack: 0 })
    for (let i = 0; i < 10; i++) await log.append(input({ keyId: i }))
    expect(await log.trim()).toBeNull()
    expect(await lines(file)).toHaveLength(10)
  })

  it('moves damaged lines along with their neighbours, never drops them', async () => {
    const file = await tempLog()
    const log = new ActivityLog({ file, maxEntries: 3, trimSlack: 0 })
    await log.append(input({ keyId: 1 }))
    await appendFile(file, 'garbage\n')
    await log.append(input({ keyId: 2 }))
    await log.append(input({ keyId: 3 }))
    await log.append(input({ keyId: 4 }))
    const archived = await readFile(join(file, '..', ACTIVITY_ARCHIVE_FILE), 'utf8')
    expect(parseLog(archived)).toMatchObject({ damaged: 1, entries: [{ keyId: 1 }] })
    expect((await log.read()).entries.map((e) => e.keyId)).toEqual([4, 3, 2])
  })

  it('drops an entry found in both files (a crash between the archive write and the rename)', async () => {
    const file = await tempLog()
    const log = new ActivityLog({ file })
    const entry = await log.append(input())
    await writeFile(join(file, '..', ACTIVITY_ARCHIVE_FILE), `${JSON.stringify(entry)}\n`)
    expect((await log.read({ includeArchive: true })).entries).toHaveLength(1)
  })
})

// ── Two processes at once ────────────────────────────────────────────────────────────────────

const WRITER = resolve('test/main/storage/fixtures/activity-writer.ts')
const TSX = resolve('node_modules/.bin/tsx')

/** Starts the writers together (each waits for the same moment once loaded), so they really overlap. */
function writers(...argLists: string[][]): Promise<void[]> {
  const startAt = String(Date.now() + 2500)
  return Promise.all(argLists.map((args) => writer(args, startAt)))
}

function writer(args: string[], startAt: string): Promise<void> {
  return new Promise<void>((done, fail) => {
    const env = { ...process.env, AUTOCALLS_KEYS_QUIET: '1', AUTOCALLS_TEST_START_AT: startAt }
    const child = spawn(TSX, [WRITER, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('exit', (code) => (code === 0 ? done() : fail(new Error(`writer ${args[1]} exited ${code}: ${stderr}`))))
  })
}

/** How often consecutive lines come from different writers: proof that the two really overlapped. */
const switches = (labels: string[]): number => labels.filter((label, i) => i > 0 && label !== labels[i - 1]).length

describe('ActivityLog: two processes appending at once', () => {
  it('bare O_APPEND writes of 1.5 KB lines never interleave (the lock is not what keeps lines whole)', async () => {
    const file = await tempLog()
    await writers([file, 'left', '500', 'raw'], [file, 'right', '500', 'raw'])
    // Without the lock, the torn-line repair can race and add an empty line; readers skip those.
    const all = await lines(file)
    expect(all).toHaveLength(1000)
    const parsed = all.map((line) => JSON.parse(line) as { label: string; i: number })
    expect(switches(parsed.map((p) => p.label))).toBeGreaterThan(50)
    for (const label of ['left', 'right']) {
      expect(parsed.filter((p) => p.label === label).map((p) => p.i)).toEqual(Array.from({ length: 500 }, (_, i) => i))
    }
  }, 60_000)

  it('through the log: every line parses and no entry is lost', async () => {
    const file = await tempLog()
    await writers([file, 'left', '300', 'log'], [file, 'right', '300', 'log'])
    const read = await new ActivityLog({ file }).read({ limit: 10_000 })
    expect(switches(read.entries.map((e) => e.keyName!.split('-')[0]!))).toBeGreaterThan(10)
    expect(read.damagedLines).toBe(0)
    expect(read.entries).toHaveLength(600)
    expect(read.entries.every((e) => e.source === 'cli')).toBe(true)
    for (const label of ['left', 'right']) {
      const mine = read.entries.filter((e) => e.keyName?.startsWith(`${label}-`)).reverse()
      expect(mine.map((e) => e.keyName)).toEqual(Array.from({ length: 300 }, (_, i) => `${label}-${i}`))
    }
    expect((await readdir(join(file, '..'))).filter((name) => name.endsWith('.lock') || name.endsWith('.tmp'))).toEqual([])
  }, 60_000)

  it('trimming while the other process appends loses nothing and duplicates nothing', async () => {
    const file = await tempLog()
    // A bound of 40 with a slack of 8 trims every few bursts, while the other process keeps appending.
    await writers([file, 'left', '300', 'log', '40', '8'], [file, 'right', '300', 'log', '40', '8'])
    const log = new ActivityLog({ file, maxEntries: 40, trimSlack: 8 })
    const live = await log.read({ limit: 10_000 })
    expect(live.damagedLines).toBe(0)
    expect(live.entries.length).toBeGreaterThanOrEqual(40)
    expect(live.entries.length).toBeLessThanOrEqual(48)
    const archiveLines = await lines(join(file, '..', ACTIVITY_ARCHIVE_FILE))
    expect(live.cut?.movedTotal).toBe(archiveLines.length)
    expect(live.entries.length + archiveLines.length).toBe(600)

    const everything = await log.read({ includeArchive: true, limit: 10_000 })
    expect(everything.damagedLines).toBe(0)
    const names = everything.entries.map((e) => e.keyName!)
    expect(new Set(names).size).toBe(600)
    expect(switches(names.map((name) => name.split('-')[0]!))).toBeGreaterThan(10)
    for (const label of ['left', 'right']) {
      // Each process's entries, oldest first, are exactly its 300 in the order it wrote them.
      expect(names.filter((name) => name.startsWith(`${label}-`)).reverse()).toEqual(Array.from({ length: 300 }, (_, i) => `${label}-${i}`))
    }
  }, 60_000)
})
