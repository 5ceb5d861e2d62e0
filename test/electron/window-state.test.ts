import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { parseWindowState, restoreWindowState, WindowStateFile, type Rect } from '../../src/main/electron/window-state'

const limits = { defaultWidth: 1100, defaultHeight: 720, minWidth: 720, minHeight: 480 }
const laptop: Rect = { x: 0, y: 0, width: 1440, height: 875 }
const rightMonitor: Rect = { x: 1440, y: -200, width: 2560, height: 1400 }

describe('restoreWindowState', () => {
  it('opens at the default size, centred, the first time', () => {
    expect(restoreWindowState(null, [laptop], limits)).toEqual({ bounds: { width: 1100, height: 720 }, maximized: false })
  })

  it('puts the window back where it was when that is visible', () => {
    const saved = { x: 100, y: 50, width: 1000, height: 700, maximized: true }
    expect(restoreWindowState(saved, [laptop, rightMonitor], limits)).toEqual({ bounds: { x: 100, y: 50, width: 1000, height: 700 }, maximized: true })
  })

  it('keeps a window on the second monitor there', () => {
    const saved = { x: 2000, y: 0, width: 1200, height: 800, maximized: false }
    expect(restoreWindowState(saved, [laptop, rightMonitor], limits).bounds).toEqual({ x: 2000, y: 0, width: 1200, height: 800 })
  })

  it('centres the window on the primary display when its monitor is gone', () => {
    const saved = { x: 2000, y: 0, width: 1200, height: 800, maximized: false }
    expect(restoreWindowState(saved, [laptop], limits)).toEqual({ bounds: { width: 1200, height: 800 }, maximized: false })
  })

  it('shrinks a window larger than the display and slides a half-visible one back inside', () => {
    const saved = { x: 1200, y: 600, width: 3000, height: 2000, maximized: false }
    expect(restoreWindowState(saved, [laptop], limits).bounds).toEqual({ x: 0, y: 0, width: 1440, height: 875 })
    const offRight = { x: 1300, y: 100, width: 800, height: 600, maximized: false }
    expect(restoreWindowState(offRight, [laptop], limits).bounds).toEqual({ x: 640, y: 100, width: 800, height: 600 })
  })

  it('never goes below the minimum size', () => {
    const saved = { x: 10, y: 10, width: 100, height: 50, maximized: false }
    expect(restoreWindowState(saved, [laptop], limits).bounds).toMatchObject({ width: 720, height: 480 })
  })
})

describe('parseWindowState', () => {
  it.each([
    [null],
    ['text'],
    [{ x: 1, y: 2, width: 3 }],
    [{ x: 1, y: 2, width: 0, height: 4 }],
    [{ x: 1, y: 2, width: Number.NaN, height: 4 }],
    [{ x: '1', y: 2, width: 3, height: 4 }],
    [{ x: 1e9, y: 2, width: 3, height: 4 }]
  ])('ignores %j', (raw) => {
    expect(parseWindowState(raw)).toBeNull()
  })

  it('accepts a well-formed state', () => {
    expect(parseWindowState({ x: -5, y: 2, width: 800, height: 600, maximized: true, extra: 1 })).toEqual({ x: -5, y: 2, width: 800, height: 600, maximized: true })
  })
})

describe('WindowStateFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'autocalls-keys-window-state-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('saves and loads, and treats a damaged file as no state', () => {
    const file = new WindowStateFile(dir)
    expect(file.load()).toBeNull()
    file.save({ x: 1, y: 2, width: 800, height: 600, maximized: false })
    expect(JSON.parse(readFileSync(join(dir, 'window-state.json'), 'utf8'))).toEqual({ x: 1, y: 2, width: 800, height: 600, maximized: false })
    expect(file.load()).toEqual({ x: 1, y: 2, width: 800, height: 600, maximized: false })
    writeFileSync(file.path, '{"x":')
    expect(file.load()).toBeNull()
  })
})
