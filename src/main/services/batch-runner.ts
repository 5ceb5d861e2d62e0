/**
 * Runs a fixed list of tasks (bulk delete now; refresh all and the command line's batch commands
 * later) through the accounts' request pacers, with at most 4 in flight for the whole batch.
 * Reports progress, can be cancelled (running tasks finish, none starts after), stops early when
 * an outcome says so (a 401: the account is signed out), and answers one outcome per task, in the
 * order the tasks were given.
 */
import type { InFlightGate, PacerStatus, PacerWaitReason, RequestPacer } from './request-pacer'

export const BATCH_MAX_IN_FLIGHT = 4

export interface BatchTask<T> {
  /** The pacer of the account the task acts on. */
  pacer: RequestPacer
  /** One request (or a short, idempotent sequence). */
  run: () => Promise<T>
}

export type TaskOutcome<T> =
  | { status: 'succeeded'; value: T }
  | { status: 'failed'; error: unknown }
  /** Never started: the batch was cancelled, or stopped by another task's outcome. */
  | { status: 'skipped'; because: 'cancelled' | 'stopped' }

export interface BatchProgress {
  total: number
  succeeded: number
  failed: number
  skipped: number
  /** Not finished yet: queued or running. */
  remaining: number
  running: number
  /**
   * When every pacer that holds this batch's waiting tasks is paused (429, or waiting for the
   * window to reset), the earliest time one of them resumes, and why; null while work goes on.
   */
  pausedUntil: number | null
  pauseReason: Extract<PacerWaitReason, 'rate-limited' | 'reserve'> | null
}

export interface BatchResult<T> {
  /** One per task, in the order given. */
  outcomes: TaskOutcome<T>[]
  ended: 'completed' | 'cancelled' | 'stopped'
  /** The index of the task whose outcome stopped the batch. */
  stoppedBy: number | null
}

export interface BatchOptions<T> {
  maxInFlight?: number
  /** After each finished task: true stops the batch (tasks not started are skipped). */
  stopWhen?: (outcome: TaskOutcome<T>, index: number) => boolean
  /** Whether a task may run again after a 429 (true for GET and DELETE; never for a POST). */
  retryWhenRateLimited?: boolean
  onProgress?: (progress: BatchProgress) => void
}

export interface BatchRun<T> {
  readonly result: Promise<BatchResult<T>>
  /** Tasks not started are skipped; running ones finish. */
  cancel(): void
  progress(): BatchProgress
}

/** A counting gate for one batch, shared by every pacer the batch's tasks go through. */
export class InFlightLimit implements InFlightGate {
  #active = 0
  readonly #listeners: (() => void)[] = []
  constructor(readonly max: number) {}

  get active(): number {
    return this.#active
  }

  tryAcquire(): boolean {
    if (this.#active >= this.max) return false
    this.#active++
    return true
  }

  release(): void {
    this.#active = Math.max(0, this.#active - 1)
    for (const listener of [...this.#listeners]) listener()
  }

  onRelease(listener: () => void): void {
    this.#listeners.push(listener)
  }
}

export function startBatch<T>(tasks: readonly BatchTask<T>[], options: BatchOptions<T> = {}): BatchRun<T> {
  const fixed = Object.freeze([...tasks]) // the set of work is decided now: later changes to the list do nothing
  const outcomes: (TaskOutcome<T> | undefined)[] = Array.from({ length: fixed.length }, () => undefined)
  const gate = new InFlightLimit(Math.max(1, options.maxInFlight ?? BATCH_MAX_IN_FLIGHT))
  const controller = new AbortController()
  let ended: BatchResult<T>['ended'] = 'completed'
  let stoppedBy: number | null = null
  const pacers = [...new Set(fixed.map((task) => task.pacer))]
  const runningOn = new Map<RequestPacer, number>(pacers.map((pacer) => [pacer, 0]))
  const lastStatus = new Map<RequestPacer, PacerStatus>(pacers.map((pacer) => [pacer, pacer.status()]))

  const progress = (): BatchProgress => {
    let succeeded = 0
    let failed = 0
    let skipped = 0
    for (const outcome of outcomes) {
      if (outcome?.status === 'succeeded') succeeded++
      else if (outcome?.status === 'failed') failed++
      else if (outcome?.status === 'skipped') skipped++
    }
    const remaining = fixed.length - succeeded - failed - skipped
    const running = [...runningOn.values()].reduce((sum, count) => sum + count, 0)
    // Tasks of each pacer that are neither finished nor running are waiting in it.
    const waitingOn = new Map<RequestPacer, number>()
    fixed.forEach((task, index) => {
      if (outcomes[index] === undefined) waitingOn.set(task.pacer, (waitingOn.get(task.pacer) ?? 0) + 1)
    })
    const pauses = pacers.filter((pacer) => (waitingOn.get(pacer) ?? 0) > runningOn.get(pacer)!).map((pacer) => lastStatus.get(pacer)!)
    const allPaused = running === 0 && pauses.length > 0 && pauses.every((status) => status.pausedUntil !== null)
    const first = allPaused ? pauses.reduce((a, b) => (b.pausedUntil! < a.pausedUntil! ? b : a)) : null
    return {
      total: fixed.length,
      succeeded,
      failed,
      skipped,
      remaining,
      running,
      pausedUntil: first?.pausedUntil ?? null,
      pauseReason: first ? (first.reason === 'rate-limited' ? 'rate-limited' : 'reserve') : null
    }
  }

  let lastReported = ''
  const report = (): void => {
    if (!options.onProgress) return
    const now = progress()
    const key = JSON.stringify(now)
    if (key === lastReported) return
    lastReported = key
    options.onProgress(now)
  }

  const unsubscribe = pacers.map((pacer) =>
    pacer.onStatus((status) => {
      lastStatus.set(pacer, status)
      report()
    })
  )

  /** Applies `stopWhen` once per task. */
  const judged = new Set<number>()
  const judge = (outcome: TaskOutcome<T>, index: number): void => {
    if (judged.has(index) || outcome.status === 'skipped') return
    judged.add(index)
    if (!controller.signal.aborted && options.stopWhen?.(outcome, index)) {
      ended = 'stopped'
      stoppedBy = index
      controller.abort()
    }
  }

  const runOne = async (task: BatchTask<T>, index: number): Promise<void> => {
    const retrying = options.retryWhenRateLimited ?? false
    const attempt = async (): Promise<T> => {
      runningOn.set(task.pacer, runningOn.get(task.pacer)! + 1)
      report()
      try {
        const value = await task.run()
        // Judged here, before the pacer hears the task is done and starts the next one: after a
        // stopping outcome, nothing may start.
        judge({ status: 'succeeded', value }, index)
        return value
      } catch (error) {
        if (!(retrying && task.pacer.isRateLimited(error))) judge({ status: 'failed', error }, index)
        throw error
      } finally {
        runningOn.set(task.pacer, runningOn.get(task.pacer)! - 1)
      }
    }
    try {
      const value = await task.pacer.schedule(attempt, { signal: controller.signal, gate, retryWhenRateLimited: retrying })
      outcomes[index] = { status: 'succeeded', value }
    } catch (error) {
      // Only a task still waiting in its pacer is rejected with our own abort reason.
      const notStarted = controller.signal.aborted && error === controller.signal.reason
      outcomes[index] = notStarted ? { status: 'skipped', because: ended === 'stopped' ? 'stopped' : 'cancelled' } : { status: 'failed', error }
    }
    judge(outcomes[index], index) // a 429 that ran out of retries
    report()
  }

  const result = (async (): Promise<BatchResult<T>> => {
    try {
      await Promise.all(fixed.map((task, index) => runOne(task, index)))
      return { outcomes: outcomes as TaskOutcome<T>[], ended, stoppedBy }
    } finally {
      for (const stop of unsubscribe) stop()
    }
  })()
  report()

  return {
    result,
    cancel() {
      if (controller.signal.aborted) return
      ended = 'cancelled'
      controller.abort()
    },
    progress
  }
}
