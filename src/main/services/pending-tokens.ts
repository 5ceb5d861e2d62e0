/**
 * Tokens of keys just created, held in main's memory (never on disk) until the person confirms
 * they saved them, so a reload or crash of the window does not lose a token that cannot be
 * fetched again. Each is wiped after confirmation or after a bounded time.
 */
import { randomUUID } from 'node:crypto'
import type { PendingTokenView } from '../../shared/domain'

export const DEFAULT_PENDING_TOKEN_TTL_MS = 30 * 60_000

export interface PendingTokensOptions {
  ttlMs?: number
  now?: () => number
  setTimer?: (callback: () => void, ms: number) => { unref?: () => void }
  clearTimer?: (timer: unknown) => void
}

interface Entry {
  view: PendingTokenView
  timer: unknown
}

export class PendingTokens {
  readonly ttlMs: number
  readonly #entries = new Map<string, Entry>()
  readonly #now: () => number
  readonly #setTimer: NonNullable<PendingTokensOptions['setTimer']>
  readonly #clearTimer: NonNullable<PendingTokensOptions['clearTimer']>

  constructor(options: PendingTokensOptions = {}) {
    this.ttlMs = options.ttlMs ?? DEFAULT_PENDING_TOKEN_TTL_MS
    this.#now = options.now ?? Date.now
    this.#setTimer = options.setTimer ?? setTimeout
    this.#clearTimer = options.clearTimer ?? ((timer) => clearTimeout(timer as NodeJS.Timeout))
  }

  add(input: Omit<PendingTokenView, 'pendingId' | 'expiresAt'>): PendingTokenView {
    const pendingId = randomUUID()
    const view: PendingTokenView = { pendingId, ...input, expiresAt: new Date(this.#now() + this.ttlMs).toISOString() }
    const timer = this.#setTimer(() => this.wipe(pendingId), this.ttlMs)
    timer.unref?.()
    this.#entries.set(pendingId, { view, timer })
    return view
  }

  get(pendingId: string): PendingTokenView | null {
    return this.#entries.get(pendingId)?.view ?? null
  }

  list(): PendingTokenView[] {
    return [...this.#entries.values()].map((entry) => entry.view)
  }

  /** True when a token was held and is now gone. */
  wipe(pendingId: string): boolean {
    const entry = this.#entries.get(pendingId)
    if (!entry) return false
    this.#clearTimer(entry.timer)
    this.#entries.delete(pendingId)
    return true
  }

  wipeAll(): void {
    for (const pendingId of [...this.#entries.keys()]) this.wipe(pendingId)
  }
}
