import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { observeRateLimit } from '../../../src/main/api/rate-limit-headers'
import { startBatch } from '../../../src/main/services/batch-runner'
import { defaultReserve, RequestPacer, type PacerStatus } from '../../../src/main/services/request-pacer'
import { runUntilSettled, simulatedRequest, SimulatedThrottle, type Latency } from './simulated-throttle'

const START = Date.parse('2026-03-02T09:00:00Z')
const RTT: Latency = { up: 25, down: 25 }
const figures = (line: string) => {
  if (process.env.PACER_FIGURES) console.info(line)
}

beforeEach(() => {
  vi.useFakeTimers()
  vi.setSystemTime(START)
})
afterEach(() => {
  vi.useRealTimers()
})

/** Runs `count` background requests through `pacer` as one batch (4 in flight) and waits for them. */
async function runBackground(server: SimulatedThrottle, pacer: RequestPacer, count: number, latency: () => Latency = () => RTT) {
  const tasks = Array.from({ length: count }, () => ({ pacer, run: () => simulatedRequest(server, pacer, 'background', latency()) }))
  const run = startBatch(tasks, { retryWhenRateLimited: true })
  const result = await runUntilSettled(run.result)
  return { result, elapsedMs: Date.now() - START }
}

/** Background work never spent what the pacer keeps for the person, in any window. */
function expectReserveUntouched(server: SimulatedThrottle) {
  for (const window of server.windows) {
    expect(window.counted.background, `window at +${window.start - START} ms`).toBeLessThanOrEqual(window.limit - defaultReserve(window.limit))
  }
}

describe('the reserve', () => {
  it('keeps 5 at Laravel’s default and a tenth of small limits, never less than one', () => {
    expect([1000, 60, 50, 49, 20, 10, 9, 5, 1].map(defaultReserve)).toEqual([5, 5, 5, 4, 2, 1, 1, 1, 1])
    expect(defaultReserve(null)).toBe(5)
  })
})

describe('pacing to a known window (20 requests per 2 s)', () => {
  it('runs 100 background requests with no 429 within 15 % of the fastest the limit allows', async () => {
    const server = new SimulatedThrottle({ limit: 20, windowMs: 2_000 })
    const pacer = new RequestPacer({ windowMs: 2_000 })
    const { result, elapsedMs } = await runBackground(server, pacer, 100)

    expect(result.outcomes.every((outcome) => outcome.status === 'succeeded')).toBe(true)
    expect(server.rejectedCount).toBe(0)
    // "The fastest the limit allows": N requests at a sustained L per W take N·W/L = 100 · 2 s / 20
    // = 10 s. (Only a client that bursts the whole limit at the very start and very end of its run
    // could do better, (⌈N/L⌉ − 1)·W + one round trip = 8.05 s, and only by spending the reserve.)
    const fastestMs = (100 * 2_000) / 20
    expect(elapsedMs).toBeLessThanOrEqual(fastestMs * 1.15)
    expectReserveUntouched(server)
    figures(`known window: 100 requests in ${elapsedMs} ms (fastest ${fastestMs} ms, +${((elapsedMs / fastestMs - 1) * 100).toFixed(1)} %), ${server.windows.length} windows, 0 × 429`)
  })

  it('does not slow down when the work fits in what is left', async () => {
    const server = new SimulatedThrottle({ limit: 60, windowMs: 60_000 })
    const pacer = new RequestPacer()
    const { elapsedMs } = await runBackground(server, pacer, 20)
    // One request alone to learn the budget, then 4 at a time: 1 + ⌈19 / 4⌉ = 6 round trips.
    expect(elapsedMs).toBe(6 * 50)
    expect(server.rejectedCount).toBe(0)
  })
})

describe('learning the window', () => {
  it('with the window unknown (60 s assumed, really 2 s) still never gets a 429, and learns it', async () => {
    const server = new SimulatedThrottle({ limit: 20, windowMs: 2_000 })
    const pacer = new RequestPacer()
    const { elapsedMs } = await runBackground(server, pacer, 100)
    expect(server.rejectedCount).toBe(0)
    expectReserveUntouched(server)
    expect(pacer.status().windowMs).toBeLessThanOrEqual(3_000)
    figures(`unknown 2 s window: 100 requests in ${elapsedMs} ms, learned window ${pacer.status().windowMs} ms, 0 × 429`)
  })

  it('learns from one 429 (another client spent the budget) and goes on without a second', async () => {
    const server = new SimulatedThrottle({ limit: 20, windowMs: 10_000 })
    const pacer = new RequestPacer() // assumes 60 s
    setTimeout(() => server.spendElsewhere(18), 4_000) // a script of the same user, in our first window
    const { result, elapsedMs } = await runBackground(server, pacer, 100)

    expect(server.rejectedCount).toBe(1)
    expect(result.outcomes.every((outcome) => outcome.status === 'succeeded')).toBe(true)
    const rejected = server.hits.find((hit) => hit.status === 429)!
    const firstWindow = server.windows[0]!
    // Nothing was sent between the 429 and the window's end (the Retry-After).
    const pausedStarts = server.hits.filter((hit) => hit.at > rejected.at && hit.at < firstWindow.end)
    expect(pausedStarts).toEqual([])
    // The 429 said when the window ends: the pacer now assumes 11 s (10 s, rounded up after a
    // round trip), not 60 s.
    expect(pacer.status().windowMs).toBe(11_000)
    figures(`unknown 10 s window, one 429 from outside spending: 100 requests in ${elapsedMs} ms, learned ${pacer.status().windowMs} ms, 1 × 429`)
  })

  it('learns Laravel’s whole-second windows (which end at the first hit’s second + W) without a 429', async () => {
    const server = new SimulatedThrottle({ limit: 20, windowMs: 2_000, truncateToSeconds: true })
    const pacer = new RequestPacer()
    const { elapsedMs } = await runBackground(server, pacer, 100)
    expect(server.rejectedCount).toBe(0)
    expectReserveUntouched(server)
    expect(pacer.status().windowMs).toBeLessThanOrEqual(3_000)
    figures(`unknown Laravel 2 s window: 100 requests in ${elapsedMs} ms, learned ${pacer.status().windowMs} ms, 0 × 429`)
  })

  it('with an assumed window shorter than the real one, gets no 429 and widens its guess', async () => {
    const server = new SimulatedThrottle({ limit: 20, windowMs: 90_000 })
    const pacer = new RequestPacer() // assumes 60 s
    const { elapsedMs } = await runBackground(server, pacer, 40)
    expect(server.rejectedCount).toBe(0)
    // The one request sent when the 60 s guess ran out found the window still open: it spent one
    // unit of the reserve, once, and the pacer stopped trusting the guess.
    expect(server.windows[0]!.counted.background).toBe(20 - defaultReserve(20) + 1)
    for (const window of server.windows.slice(1)) expect(window.counted.background).toBeLessThanOrEqual(20 - defaultReserve(20))
    figures(`assumed 60 s, real 90 s: 40 requests in ${elapsedMs} ms, 0 × 429, window guess now ${pacer.status().windowMs} ms`)
  })
})

describe('the server changing its limit', () => {
  it('follows a limit lowered mid-batch without a 429', async () => {
    const server = new SimulatedThrottle({ limit: 20, windowMs: 2_000 })
    const pacer = new RequestPacer({ windowMs: 2_000 })
    setTimeout(() => server.setLimit(10), 4_300) // a few requests into the third window
    const { result } = await runBackground(server, pacer, 100)
    expect(server.rejectedCount).toBe(0)
    expect(result.outcomes.every((outcome) => outcome.status === 'succeeded')).toBe(true)
    const after = server.windows.filter((window) => window.start > START + 4_300)
    expect(after.length).toBeGreaterThan(5)
    for (const window of after) expect(window.counted.background).toBeLessThanOrEqual(10 - defaultReserve(10))
    expect(pacer.status().limit).toBe(10)
  })

  it('a limit lowered below what the window already spent costs one 429, then is followed', async () => {
    const server = new SimulatedThrottle({ limit: 20, windowMs: 2_000 })
    const pacer = new RequestPacer({ windowMs: 2_000 })
    setTimeout(() => server.setLimit(5), 5_000) // the third window has spent ~8 by then
    const { result } = await runBackground(server, pacer, 60)
    expect(server.rejectedCount).toBe(1)
    expect(result.outcomes.every((outcome) => outcome.status === 'succeeded')).toBe(true)
    for (const window of server.windows.filter((window) => window.limit === 5)) expect(window.counted.background).toBeLessThanOrEqual(4)
  })
})

describe('a server that sends no rate-limit headers', () => {
  it('gets one background request a second', async () => {
    const server = new SimulatedThrottle({ limit: 60, windowMs: 60_000, headers: false })
    const pacer = new RequestPacer()
    const statuses: PacerStatus[] = []
    pacer.onStatus((status) => statuses.push(status))
    const { elapsedMs } = await runBackground(server, pacer, 20)
    const starts = server.hits.map((hit) => hit.at)
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(1_000)
    expect(elapsedMs).toBe(19 * 1_000 + 50)
    expect(server.rejectedCount).toBe(0)
    expect(statuses.some((status) => status.reason === 'no-headers')).toBe(true)
  })
})

describe('the person’s clicks', () => {
  it('start at once while background work waits on the reserve, and may spend the reserve', async () => {
    const server = new SimulatedThrottle({ limit: 20, windowMs: 60_000 })
    const pacer = new RequestPacer()
    const background = () => ({ pacer, run: () => simulatedRequest(server, pacer, 'background') })
    // 18 fit in the window's 20 less the reserve of 2, so they run at once…
    await runUntilSettled(startBatch(Array.from({ length: 18 }, background)).result)
    expect(Date.now() - START).toBe(6 * 50)
    // …and more must wait for the window to reset (60 s after its first answer arrived).
    const batch = startBatch(Array.from({ length: 10 }, background), { retryWhenRateLimited: true })
    await vi.advanceTimersByTimeAsync(10_000)
    expect(batch.progress()).toMatchObject({ succeeded: 0, pausedUntil: START + 50 + 60_000, pauseReason: 'reserve' })
    expect(pacer.status()).toMatchObject({ reason: 'reserve', remaining: 2, queued: 10, pausedUntil: START + 50 + 60_000 })

    const clickedAt = Date.now()
    const click = pacer.runInteractive(() => simulatedRequest(server, pacer, 'interactive'))
    await vi.advanceTimersByTimeAsync(50)
    const answer = await click
    expect(answer.sentAt).toBe(clickedAt)
    expect(answer.status).toBe(200)
    expect(pacer.status().remaining).toBe(1) // the click's answer updated the count
    await runUntilSettled(batch.result)
    expect(server.rejectedCount).toBe(0)
    expect(server.windows.map((window) => window.counted)).toEqual([
      { background: 18, interactive: 1, external: 0 },
      { background: 10, interactive: 0, external: 0 }
    ])
  })

  it('start at once while the batch is spreading its requests, and are counted as in flight', async () => {
    const server = new SimulatedThrottle({ limit: 20, windowMs: 2_000 })
    const pacer = new RequestPacer({ windowMs: 2_000 })
    const batch = startBatch(Array.from({ length: 100 }, () => ({ pacer, run: () => simulatedRequest(server, pacer, 'background') })))
    const clicks: number[] = []
    for (let i = 0; i < 5; i++) {
      await vi.advanceTimersByTimeAsync(1_377)
      const clickedAt = Date.now()
      const click = pacer.runInteractive(async () => {
        expect(pacer.status().inFlight).toBeGreaterThanOrEqual(1)
        return simulatedRequest(server, pacer, 'interactive')
      })
      await vi.advanceTimersByTimeAsync(50)
      clicks.push((await click).sentAt - clickedAt)
    }
    await runUntilSettled(batch.result)
    expect(clicks).toEqual([0, 0, 0, 0, 0])
    expect(server.rejectedCount).toBe(0)
    expectReserveUntouched(server)
  })
})

describe('a 429', () => {
  it('pauses all background work for the Retry-After, and says so', async () => {
    const server = new SimulatedThrottle({ limit: 20, windowMs: 30_000 })
    const pacer = new RequestPacer({ windowMs: 30_000 })
    const statuses: PacerStatus[] = []
    pacer.onStatus((status) => statuses.push(status))
    server.spendElsewhere(20) // the window is already spent when we start
    const batch = startBatch(
      Array.from({ length: 10 }, () => ({ pacer, run: () => simulatedRequest(server, pacer, 'background') })),
      { retryWhenRateLimited: true }
    )
    await vi.advanceTimersByTimeAsync(1_000)
    expect(server.rejectedCount).toBe(1) // one probe, not ten
    const paused = pacer.status()
    expect(paused.reason).toBe('rate-limited')
    expect(paused.pausedUntil).toBe(START + 50 + 30_000) // its answer's arrival + Retry-After
    expect(batch.progress()).toMatchObject({ pausedUntil: START + 50 + 30_000, pauseReason: 'rate-limited', remaining: 10 })

    await vi.advanceTimersByTimeAsync(28_000)
    expect(server.hits.length).toBe(21) // nothing during the pause
    const result = await runUntilSettled(batch.result)
    expect(result.outcomes.every((outcome) => outcome.status === 'succeeded')).toBe(true)
    expect(server.rejectedCount).toBe(1)
    expect(statuses.some((status) => status.reason === 'rate-limited' && status.pausedUntil === START + 30_050)).toBe(true)
    expect(pacer.status().reason).toBeNull()
  })
})

describe('cancelling', () => {
  it('drops queued tasks and lets running ones finish', async () => {
    const server = new SimulatedThrottle({ limit: 60, windowMs: 60_000 })
    const pacer = new RequestPacer()
    const controller = new AbortController()
    const tasks = Array.from({ length: 10 }, () => pacer.schedule(() => simulatedRequest(server, pacer, 'background'), { signal: controller.signal }))
    const settled = Promise.allSettled(tasks)
    await vi.advanceTimersByTimeAsync(60) // the first answered, then four started
    controller.abort()
    const outcomes = await runUntilSettled(settled)
    expect(outcomes.map((outcome) => outcome.status)).toEqual([...Array(5).fill('fulfilled'), ...Array(5).fill('rejected')])
    expect(server.hits.length).toBe(5)
    expect(pacer.status().queued).toBe(0)
  })

  it('disposes: queued tasks rejected, no timer left behind', async () => {
    const server = new SimulatedThrottle({ limit: 20, windowMs: 60_000 })
    const pacer = new RequestPacer()
    server.spendElsewhere(20)
    const tasks = Promise.allSettled(Array.from({ length: 3 }, () => pacer.schedule(() => simulatedRequest(server, pacer, 'background'), { retryWhenRateLimited: true })))
    await vi.advanceTimersByTimeAsync(100) // a 429: paused for a minute, the three queued
    expect(pacer.status()).toMatchObject({ reason: 'rate-limited', queued: 3 })
    pacer.dispose()
    expect((await tasks).map((outcome) => outcome.status)).toEqual(['rejected', 'rejected', 'rejected'])
    expect(vi.getTimerCount()).toBe(0)
  })
})

describe('reading the answers', () => {
  const observe = (pacer: RequestPacer, sentAt: number, receivedAt: number, headers: Record<string, string>, status = 200) =>
    pacer.observe(observeRateLimit(new Headers(headers), status, START + sentAt, START + receivedAt))

  it('does not take a late answer with a higher Remaining for a new window', () => {
    const pacer = new RequestPacer({ windowMs: 60_000 })
    observe(pacer, 0, 100, { 'X-RateLimit-Limit': '60', 'X-RateLimit-Remaining': '50' })
    observe(pacer, 10, 200, { 'X-RateLimit-Limit': '60', 'X-RateLimit-Remaining': '51' }) // sent before the 50 arrived
    expect(pacer.status().remaining).toBe(50)
    observe(pacer, 300, 400, { 'X-RateLimit-Limit': '60', 'X-RateLimit-Remaining': '59' }) // sent after: the window rolled over
    expect(pacer.status().remaining).toBe(59)
  })

  it('counts headerless error answers (a 404) against what is left until the next figure', () => {
    const pacer = new RequestPacer()
    observe(pacer, 0, 100, { 'X-RateLimit-Limit': '60', 'X-RateLimit-Remaining': '50' })
    observe(pacer, 110, 200, {}, 404)
    expect(pacer.status().remaining).toBe(49)
    observe(pacer, 210, 300, { 'X-RateLimit-Limit': '60', 'X-RateLimit-Remaining': '48' })
    expect(pacer.status().remaining).toBe(48)
  })

  it('ignores a stale limit from an answer sent before the one that changed it', () => {
    const pacer = new RequestPacer()
    observe(pacer, 0, 100, { 'X-RateLimit-Limit': '60', 'X-RateLimit-Remaining': '50' })
    observe(pacer, 200, 300, { 'X-RateLimit-Limit': '30', 'X-RateLimit-Remaining': '20' })
    observe(pacer, 150, 350, { 'X-RateLimit-Limit': '60', 'X-RateLimit-Remaining': '48' })
    expect(pacer.status()).toMatchObject({ limit: 30, remaining: 20, reserve: 3 })
  })
})

describe('property: never a 429, never the reserve, whatever the limit, window and latency', () => {
  it('holds for limits 3–60, windows 1–60 s (exact or Laravel’s), jittery latency, told or assumed', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          limit: fc.integer({ min: 3, max: 60 }),
          windowSeconds: fc.constantFrom(1, 2, 5, 10, 60),
          truncate: fc.boolean(),
          told: fc.boolean(),
          count: fc.integer({ min: 1, max: 70 }),
          seed: fc.integer(),
          maxLatency: fc.integer({ min: 0, max: 400 })
        }),
        async ({ limit, windowSeconds, truncate, told, count, seed, maxLatency }) => {
          vi.setSystemTime(START + (seed % 1000)) // windows start anywhere within a second
          const startedAt = Date.now()
          const server = new SimulatedThrottle({ limit, windowMs: windowSeconds * 1000, truncateToSeconds: truncate })
          const pacer = new RequestPacer(told ? { windowMs: windowSeconds * 1000 } : {})
          const random = mulberry32(seed)
          const latency = () => ({ up: Math.floor(random() * maxLatency), down: Math.floor(random() * maxLatency) })
          const tasks = Array.from({ length: count }, () => ({ pacer, run: () => simulatedRequest(server, pacer, 'background', latency()) }))
          const result = await runUntilSettled(startBatch(tasks, { retryWhenRateLimited: true }).result)
          expect(result.outcomes.every((outcome) => outcome.status === 'succeeded')).toBe(true)
          expect(server.rejectedCount).toBe(0)
          expectReserveUntouched(server)
          // Told the window, it is never much slower than the limit and the latency allow: it
          // starts L − reserve requests per window of W (one window per ⌈N / (L − reserve)⌉),
          // each window costing at most two extra round trips (the last requests finish, then one
          // alone opens the next), and the last window's work runs 4 at a time. A Laravel window
          // can be cut short (it ends on a whole second), so a window's share may straddle two,
          // hence a whole W per window rather than the N·W/L of the exact test above. The bound
          // catches a pacer that waits for a window it does not need.
          if (told) {
            const perWindow = limit - defaultReserve(limit)
            const windows = Math.ceil(count / perWindow)
            const roundTrip = 2 * maxLatency
            const bound = roundTrip + windows * (windowSeconds * 1000 + 2 * roundTrip) + Math.ceil(perWindow / 4) * roundTrip
            expect(Date.now() - startedAt).toBeLessThanOrEqual(bound * 1.15 + 50)
          }
        }
      ),
      { numRuns: 150 }
    )
  }, 60_000)
})

/** A small seeded generator, so a failing case replays exactly. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
