/**
 * Small stand-ins for the Electron modules the main process uses (clipboard, shell). Same
 * interfaces as the real ports; they record what happened so tests can read it.
 */
import type { ClipboardPort } from '../../main/clipboard/secure-clipboard'

export interface RecordingClipboardOptions {
  /** Keep every text ever written in `writes` (tests). Off: only `current` is held. Default true. */
  keepHistory?: boolean
}

/** The clipboard of the browser preview: an in-memory string, never the system clipboard. */
export class RecordingClipboard implements ClipboardPort {
  /** Everything written, oldest first (empty when `keepHistory` is off). */
  readonly writes: string[] = []
  /** What a paste would give now; '' when empty or cleared. */
  current = ''
  /** How many times the clipboard was cleared. */
  clears = 0
  readonly #keepHistory: boolean

  constructor(options: RecordingClipboardOptions = {}) {
    this.#keepHistory = options.keepHistory ?? true
  }

  async writeSecret(text: string): Promise<void> {
    if (this.#keepHistory) this.writes.push(text)
    this.current = text
  }

  async readText(): Promise<string> {
    return this.current
  }

  clear(): void {
    this.current = ''
    this.clears += 1
  }

  /** Stands in for a person copying something else after the app did. */
  simulateOtherCopy(text: string): void {
    this.current = text
  }
}

/** `shell.openExternal` stand-in: records the URL and opens nothing. */
export class RecordingShell {
  readonly opened: string[] = []

  readonly openExternal = async (url: string): Promise<void> => {
    this.opened.push(url)
  }
}
