import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError } from '../../../src/main/api/api-error'
import { startBatch, type BatchProgress, type BatchTask } from '../../../src/main/services/batch-runner'
import { RequestPacer } from '../../../src/main/services/request-pacer'
import { runUntilSettled, simulatedRequest, SimulatedThrottle } from './simulated-throttle'

const START = Date.parse('2026-03-02T09:00:00Z')

beforeEach(() => {
  vi.useFakeTimers()
  vi.setSystemTime(START)
})
afterEach(() => {
  vi.useRealTimers()
})

/** Tasks that record how many of them run at once and which ones started. */
function tracked(count: number, pacerFor: (index: number) => RequestPacer, server: (index: number) => SimulatedThrottle, latencyMs: (index: number) => number = () => 50) {
  const stats = { running: 0, maxRunning: 0, started: [] as number[], startedAt: [] as number[] }
  const tasks: BatchTask<number>[] = Array.from({ length: count }, (_, index) => ({
    pacer: pacerFor(index),
    run: async () => {
      stats.started.push(index)
      stats.startedAt.push(Date.now())
      stats.running++
      stats.maxRunning = Math.max(stats.maxRunning, stats.running)
      try {
        const half = latencyMs(index) / 2
        await simulatedRequest(server(index), pacerFor(index), 'background', { up: half, down: half })
        return index
      } finally {
        stats.running--
      }
    }
  }))
  return { tasks, stats }
}

describe('the batch runner', () => {
  it('keeps at most 4 in flight and answers in input order, whatever order tasks finish in', async () => {
    const server = new SimulatedThrottle({ limit: 1000, windowMs: 60_000 })
    const pacer = new RequestPacer()
    const { tasks, stats } = tracked(30, () => pacer, () => server, (index) => 20 + ((index * 37) % 190))
    const progress: BatchProgress[] = []
    const run = startBatch(tasks, { onProgress: (p) => progress.push(p) })
    const result = await runUntilSettled(run.result)

    expect(result.ended).toBe('completed')
    expect(result.outcomes).toEqual(tasks.map((_, index) => ({ status: 'succeeded', value: index })))
    expect(stats.maxRunning).toBe(4)
    expect(stats.started).not.toEqual([...stats.started].sort((a, b) => a - b).reverse()) // sanity: tasks did run
    expect(progress.at(-1)).toMatchObject({ total: 30, succeeded: 30, failed: 0, skipped: 0, remaining: 0, running: 0 })
    // Done only ever grows.
    for (let i = 1; i < progress.length; i++) expect(progress[i]!.succeeded).toBeGreaterThanOrEqual(progress[i - 1]!.succeeded)
  })

  it('keeps 4 in flight across accounts, each through its own pacer (refresh all)', async () => {
    const servers = Array.from({ length: 10 }, () => new SimulatedThrottle({ limit: 60, windowMs: 60_000 }))
    const pacers = servers.map(() => new RequestPacer())
    const { tasks, stats } = tracked(10, (i) => pacers[i]!, (i) => servers[i]!, () => 200)
    const result = await runUntilSettled(startBatch(tasks).result)
    expect(result.outcomes.every((outcome) => outcome.status === 'succeeded')).toBe(true)
    expect(stats.maxRunning).toBe(4)
    expect(servers.map((server) => server.hits.length)).toEqual(Array(10).fill(1))
    expect(Date.now() - START).toBe(3 * 200) // ⌈10 / 4⌉ round trips
  })

  it('cancels: running tasks finish, none starts after, the rest are skipped', async () => {
    const server = new SimulatedThrottle({ limit: 1000, windowMs: 60_000 })
    const pacer = new RequestPacer()
    const { tasks, stats } = tracked(20, () => pacer, () => server)
    const run = startBatch(tasks)
    await vi.advanceTimersByTimeAsync(125) // the first alone (50 ms), then 4, then 4 more started at 100
    const startedBeforeCancel = stats.started.length
    run.cancel()
    const result = await runUntilSettled(run.result)

    expect(startedBeforeCancel).toBe(9)
    expect(stats.started.length).toBe(startedBeforeCancel)
    expect(result.ended).toBe('cancelled')
    expect(result.outcomes.slice(0, 9).every((outcome) => outcome.status === 'succeeded')).toBe(true)
    expect(result.outcomes.slice(9)).toEqual(Array(11).fill({ status: 'skipped', because: 'cancelled' }))
    expect(run.progress()).toMatchObject({ succeeded: 9, skipped: 11, remaining: 0 })
    expect(server.hits.length).toBe(9)
  })

  it('stops on an outcome the caller says stops it (a 401), letting running tasks finish', async () => {
    const server = new SimulatedThrottle({ limit: 1000, windowMs: 60_000 })
    const pacer = new RequestPacer()
    const started: number[] = []
    const unauthenticated = new ApiError({ kind: 'unauthenticated', message: 'The API key was not accepted.', status: 401, mayHaveReachedServer: true })
    const tasks = Array.from({ length: 12 }, (_, index) => ({
      pacer,
      run: async () => {
        started.push(index)
        await simulatedRequest(server, pacer, 'background', { up: 25, down: 25 + index })
        if (index === 3) throw unauthenticated
        return index
      }
    }))
    const result = await runUntilSettled(
      startBatch(tasks, { stopWhen: (outcome) => outcome.status === 'failed' && (outcome.error as ApiError).kind === 'unauthenticated' }).result
    )
    expect(result.ended).toBe('stopped')
    expect(result.stoppedBy).toBe(3)
    expect(result.outcomes[3]).toEqual({ status: 'failed', error: unauthenticated })
    // Task 0 ran alone; 1–4 together; 5 started when 1 finished, before 3 failed. Nothing after.
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6])
    expect(result.outcomes.slice(0, 3).map((outcome) => outcome.status)).toEqual(['succeeded', 'succeeded', 'succeeded'])
    expect(result.outcomes.slice(4, 7).map((outcome) => outcome.status)).toEqual(['succeeded', 'succeeded', 'succeeded'])
    expect(result.outcomes.slice(7)).toEqual(Array(5).fill({ status: 'skipped', because: 'stopped' }))
  })

  it('pauses the whole batch on a 429 and retries the throttled task after the Retry-After', async () => {
    const server = new SimulatedThrottle({ limit: 20, windowMs: 30_000 })
    const pacer = new RequestPacer()
    const { tasks } = tracked(16, () => pacer, () => server)
    const progress: BatchProgress[] = []
    const run = startBatch(tasks, { retryWhenRateLimited: true, onProgress: (p) => progress.push(p) })
    await vi.advanceTimersByTimeAsync(60)
    server.spendElsewhere(19) // someone else empties the window while our 4 are in flight
    const result = await runUntilSettled(run.result)

    expect(server.rejectedCount).toBe(4) // the four already in flight; nothing else is sent
    expect(result.outcomes).toEqual(tasks.map((_, index) => ({ status: 'succeeded', value: index })))
    const paused = progress.find((p) => p.pauseReason === 'rate-limited')!
    const windowEnd = server.windows[0]!.end
    // The 429's answer arrived at +100 ms with Retry-After 30 (29.95 s rounded up).
    expect(paused.pausedUntil).toBe(START + 100 + 30_000)
    expect(paused.pausedUntil).toBeGreaterThanOrEqual(windowEnd)
    const lastRejected = Math.max(...server.hits.filter((hit) => hit.status === 429).map((hit) => hit.at))
    const nextSent = server.hits.find((hit) => hit.at > lastRejected && hit.source === 'background')!
    expect(nextSent.at).toBeGreaterThanOrEqual(paused.pausedUntil! + 25)
  })

  it('without retries, a 429 is that task’s failure and the others go on after the pause', async () => {
    const server = new SimulatedThrottle({ limit: 10, windowMs: 5_000 })
    const pacer = new RequestPacer({ reserveFor: () => 0 })
    const { tasks } = tracked(6, () => pacer, () => server)
    const run = startBatch(tasks)
    await vi.advanceTimersByTimeAsync(60)
    server.spendElsewhere(7) // two left for the four in flight
    const result = await runUntilSettled(run.result)
    expect(result.outcomes.map((outcome) => outcome.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'failed', 'failed', 'succeeded'])
    expect((result.outcomes[3] as { error: ApiError }).error.kind).toBe('rate_limited')
    expect(server.hits.find((hit) => hit.at > START + 75)!.at).toBeGreaterThanOrEqual(server.windows[0]!.end)
  })

  it('works on the tasks fixed when it started', async () => {
    const server = new SimulatedThrottle({ limit: 1000, windowMs: 60_000 })
    const pacer = new RequestPacer()
    const { tasks, stats } = tracked(5, () => pacer, () => server)
    const run = startBatch(tasks)
    tasks.push(...tracked(5, () => pacer, () => server).tasks)
    tasks.splice(0, 2)
    const result = await runUntilSettled(run.result)
    expect(result.outcomes).toHaveLength(5)
    expect(stats.started.sort()).toEqual([0, 1, 2, 3, 4])
  })

  it('answers an empty batch at once', async () => {
    const result = await startBatch([]).result
    expect(result).toEqual({ outcomes: [], ended: 'completed', stoppedBy: null })
  })
})
