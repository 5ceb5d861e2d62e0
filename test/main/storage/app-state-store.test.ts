import { mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { AppStateStore, emptyState } from '../../../src/main/storage/app-state-store'

const tempFile = async () => join(await mkdtemp(join(tmpdir(), 'autocalls-state-')), 'state.json')

describe('AppStateStore', () => {
  it('starts empty when there is no file, and persists updates atomically', async () => {
    const file = await tempFile()
    const store = await AppStateStore.open(file)
    expect(store.state).toEqual(emptyState())
    await store.update((draft) => {
      draft.preferences.clipboardClearSeconds = 90
    })
    expect(JSON.parse(await readFile(file, 'utf8')).preferences.clipboardClearSeconds).toBe(90)
    expect((await AppStateStore.open(file)).state.preferences.clipboardClearSeconds).toBe(90)
    expect((await readdir(join(file, '..'))).filter((name) => name.endsWith('.tmp'))).toEqual([])
  })

  it.runIf(process.platform !== 'win32')('writes the file readable by its owner only', async () => {
    const file = await tempFile()
    const store = await AppStateStore.open(file)
    await store.update(() => undefined)
    expect((await stat(file)).mode & 0o077).toBe(0)
  })

  it('sets a damaged file aside instead of crashing or losing it', async () => {
    const file = await tempFile()
    await writeFile(file, '{"version": 1, "accounts": [oops')
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
})
