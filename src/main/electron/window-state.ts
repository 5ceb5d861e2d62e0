/**
 * Remembers the window's size, position and maximised state in a small JSON file in userData,
 * and puts it back only where it is visible on the displays connected now.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

export const WINDOW_STATE_FILE_NAME = 'window-state.json'

export interface Rect {
  x: number
  y: number
  width: number
  height: number
}

export interface SavedWindowState extends Rect {
  maximized: boolean
}

export interface RestoredWindowState {
  /** No x/y: let Electron centre the window on the primary display. */
  bounds: { x?: number; y?: number; width: number; height: number }
  maximized: boolean
}

export interface SizeLimits {
  defaultWidth: number
  defaultHeight: number
  minWidth: number
  minHeight: number
}

/**
 * Places saved bounds on the display they overlap most (its work area, i.e. without task bar or
 * dock), shrinking to fit and sliding back inside. A window that would be on no display (monitor
 * unplugged, resolution changed) keeps its size and is centred instead.
 */
export function restoreWindowState(saved: SavedWindowState | null, workAreas: readonly Rect[], limits: SizeLimits): RestoredWindowState {
  const primary = workAreas[0]
  if (saved === null) {
    return { bounds: fitSize(limits.defaultWidth, limits.defaultHeight, primary, limits), maximized: false }
  }
  let best: Rect | undefined
  let bestOverlap = 0
  for (const area of workAreas) {
    const overlap = overlapArea(saved, area)
    if (overlap > bestOverlap) {
      best = area
      bestOverlap = overlap
    }
  }
  if (best === undefined) {
    return { bounds: fitSize(saved.width, saved.height, primary, limits), maximized: saved.maximized }
  }
  const { width, height } = fitSize(saved.width, saved.height, best, limits)
  return {
    bounds: {
      x: clamp(saved.x, best.x, best.x + best.width - width),
      y: clamp(saved.y, best.y, best.y + best.height - height),
      width,
      height
    },
    maximized: saved.maximized
  }
}

function fitSize(width: number, height: number, area: Rect | undefined, limits: SizeLimits): { width: number; height: number } {
  const maxWidth = area ? Math.max(area.width, limits.minWidth) : Number.POSITIVE_INFINITY
  const maxHeight = area ? Math.max(area.height, limits.minHeight) : Number.POSITIVE_INFINITY
  return {
    width: Math.round(clamp(width, limits.minWidth, maxWidth)),
    height: Math.round(clamp(height, limits.minHeight, maxHeight))
  }
}

function overlapArea(a: Rect, b: Rect): number {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)
  return width > 0 && height > 0 ? width * height : 0
}

const clamp = (value: number, min: number, max: number): number => Math.min(Math.max(value, min), Math.max(min, max))

/** Accepts only a well-formed state; anything else (hand-edited, truncated, old format) is ignored. */
export function parseWindowState(raw: unknown): SavedWindowState | null {
  if (typeof raw !== 'object' || raw === null) return null
  const value = raw as Record<string, unknown>
  const numbers = ['x', 'y', 'width', 'height'].map((key) => value[key])
  if (!numbers.every((n): n is number => typeof n === 'number' && Number.isFinite(n) && Math.abs(n) < 1e6)) return null
  const [x, y, width, height] = numbers as [number, number, number, number]
  if (width <= 0 || height <= 0) return null
  return { x, y, width, height, maximized: value['maximized'] === true }
}

/** Reads and writes the state file. Synchronous on purpose: it is written from the window's 'close' event. */
export class WindowStateFile {
  readonly path: string

  constructor(userDataDir: string) {
    this.path = join(userDataDir, WINDOW_STATE_FILE_NAME)
  }

  load(): SavedWindowState | null {
    try {
      return parseWindowState(JSON.parse(readFileSync(this.path, 'utf8')))
    } catch {
      return null
    }
  }

  save(state: SavedWindowState): void {
    const temporary = `${this.path}.tmp`
    mkdirSync(dirname(this.path), { recursive: true })
    writeFileSync(temporary, `${JSON.stringify(state)}\n`, { mode: 0o600 })
    renameSync(temporary, this.path)
  }
}
