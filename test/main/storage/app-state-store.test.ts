import { spawn } from 'node:child_process'
import { mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { AppStateStore, emptyState, type StoredAccount } from '../../../src/main/storage/app-state-store'
import { STATE_VERSION } from '../../../src/main/storage/state-migration'

const tempFile = async () => join(await mkdtemp(join(tmpdir(), 'autocalls-state-')), 'state.json')

const account = (id: string, colorIndex = 0): StoredAccount => ({
  id,
  baseUrl: 'https://app.autocalls.ai/api',
  profile: { name: 'Ada', email: id.split(' ')[0] ?? id, totalBalance: null },
  appKeyId: 7,
  addedAt: '2026-12-01T00:00:00.000Z',
  colorIndex,
  signedOutReason: null,
  lastRefreshedAt: null,
  keyCount: null,
  neverUsedCount: null
})

describe('AppStateStore', () => {
  it('starts empty when there is no file, and persists updates atomically', async () => {
    const file = await tempFile()
    const store = await AppStateStore.open(file)
    expect(store.state).toEqual(emptyState())
    await store.update((draft) => {
      draft.preferences.clipboardClearSeconds = 90
    })
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ version: STATE_VERSION, preferences: { clipboardClearSeconds: 90 } })
    expect((await AppStateStore.open(file)).state.preferences.clipboardClearSeconds).toBe(90)
    expect((await readdir(join(file, '..'))).filter((name) => name.endsWith('.tmp') || name.endsWith('.lock'))).toEqual([])
  })

  it.runIf(process.platform !== 'win32')('writes the file readable by its owner only', async () => {
    const file = await tempFile()
    const store = await AppStateStore.open(file)
    await store.update(() => undefined)
    expect((await stat(file)).mode & 0o077).toBe(0)
  })

  it('sets a damaged file aside instead of crashing or losing it', async () => {
    const file = await tempFile()
    await writeFile(file, '{"version": 2, "accounts": [oops')
    const store = await AppStateStore.open(file)
    expect(store.state).toEqual(emptyState())
    const aside = (await readdir(join(file, '..'))).filter((name) => name.includes('.damaged-'))
    expect(aside).toHaveLength(1)
    expect(await readFile(join(file, '..', aside[0]!), 'utf8')).toContain('oops')
  })

  it('rejects a file of the wrong shape the same way', async () => {
    const file = await tempFile()
    await writeFile(file, JSON.stringify({ ...emptyState(), preferences: { clipboardClearSeconds: -4 } }))
    expect((await AppStateStore.open(file)).state).toEqual(emptyState())
    expect((await readdir(join(file, '..'))).some((name) => name.includes('.damaged-'))).toBe(true)
  })

  it('coalesces a burst of updates and keeps the last state', async () => {
    const file = await tempFile()
    const store = await AppStateStore.open(file)
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        store.update((draft) => {
          draft.preferences.clipboardClearSeconds = 10 + i
        })
      )
    )
    expect(JSON.parse(await readFile(file, 'utf8')).preferences.clipboardClearSeconds).toBe(59)
  })

  it('upgrades a version 1 file (one active account, key lists inside) in place', async () => {
    const file = await tempFile()
    const id = 'ada@example.com on https://app.autocalls.ai/api'
    const keys = [{ id: 3, name: 'Prod', createdAt: '2026-01-01T00:00:00.000Z', lastUsedAt: null }]
    await writeFile(
      file,
      JSON.stringify({
        version: 1,
        activeAccountId: id,
        accounts: { [id]: { id, baseUrl: 'https://app.autocalls.ai/api', profile: { name: 'Ada', email: 'ada@example.com', totalBalance: 5 }, appKeyId: 3 } },
        keyCache: { [id]: { fetchedAt: '2026-11-30T10:00:00.000Z', keys } },
        preferences: { clipboardClearSeconds: 30 }
      })
    )
    const store = await AppStateStore.open(file)
    expect(store.state).toMatchObject({
      version: 2,
      accountOrder: [id],
      shownAccountId: id,
      defaultAccountId: id,
      preferences: { clipboardClearSeconds: 30 },
      accounts: { [id]: { id, appKeyId: 3, profile: { name: 'Ada', email: 'ada@example.com', totalBalance: 5 }, keyCount: 1, signedOutReason: null } }
    })
    expect(store.takeLegacyCaches()).toEqual({ [id]: { fetchedAt: '2026-11-30T10:00:00.000Z', keys } })
    expect(store.takeLegacyCaches()).toBeNull()
    const onDisk = JSON.parse(await readFile(file, 'utf8'))
    expect(onDisk.version).toBe(2)
    expect(onDisk.keyCache).toBeUndefined()
  })

  it('leaves a file written by a newer version alone: reads nothing, writes nothing', async () => {
    const file = await tempFile()
    const future = JSON.stringify({ version: 3, somethingNew: { accounts: ['x'] } })
    await writeFile(file, future)
    const store = await AppStateStore.open(file)
    expect(store.state).toEqual(emptyState())
    await store.update((draft) => {
      draft.accounts['a'] = account('a')
    })
    expect(await readFile(file, 'utf8')).toBe(future)
  })

  it('keeps fields it does not know when it writes (a newer minor version added them)', async () => {
    const file = await tempFile()
    await writeFile(file, JSON.stringify({ ...emptyState(), futureFeature: { on: true } }))
    const store = await AppStateStore.open(file)
    await store.update((draft) => {
      draft.preferences.clipboardClearSeconds = 45
    })
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ futureFeature: { on: true }, preferences: { clipboardClearSeconds: 45 } })
  })

  it('never overwrites what another writer changed meanwhile (read-modify-write under the lock)', async () => {
    const file = await tempFile()
    const first = await AppStateStore.open(file)
    const second = await AppStateStore.open(file)
    await first.update((draft) => {
      draft.accounts['a'] = account('a')
      draft.accountOrder.push('a')
    })
    await second.update((draft) => {
      draft.accounts['b'] = account('b', 1)
      draft.accountOrder.push('b')
    })
    const onDisk = JSON.parse(await readFile(file, 'utf8'))
    expect(Object.keys(onDisk.accounts).sort()).toEqual(['a', 'b'])
    expect(onDisk.accountOrder).toEqual(['a', 'b'])
    expect(Object.keys(second.state.accounts).sort()).toEqual(['a', 'b'])
    expect(await first.reload()).toBe(true)
    expect(Object.keys(first.state.accounts).sort()).toEqual(['a', 'b'])
    expect(await first.reload()).toBe(false)
  })

  it('two processes writing at once never corrupt the file or lose a change', async () => {
    const file = await tempFile()
    const writer = resolve('test/main/storage/fixtures/state-writer.ts')
    const tsx = resolve('node_modules/.bin/tsx')
    const run = (label: string) =>
      new Promise<void>((done, fail) => {
        const child = spawn(tsx, [writer, file, label, '40'], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, AUTOCALLS_KEYS_QUIET: '1' } })
        let stderr = ''
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
        child.on('exit', (code) => (code === 0 ? done() : fail(new Error(`writer ${label} exited ${code}: ${stderr}`))))
      })
    await Promise.all([run('left'), run('right')])
    const onDisk = JSON.parse(await readFile(file, 'utf8'))
    const ids = Object.keys(onDisk.accounts)
    expect(ids).toHaveLength(80)
    expect(new Set(onDisk.accountOrder).size).toBe(80)
    expect((await readdir(join(file, '..'))).filter((name) => name.includes('.damaged-') || name.endsWith('.tmp'))).toEqual([])
  }, 60_000)
})
