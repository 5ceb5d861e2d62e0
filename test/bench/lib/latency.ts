/**
 * Network latency for the benchmarks: the sandbox's latency fault on every request (it waits
 * before handling each one, so the answer leaves at least `ms` after the request arrived: one
 * round trip of `ms`, both directions), and the count of round trips a person waited for.
 */
import type { RequestRecord, SandboxServer } from '../../../src/sandbox/index'

/** Issue 14: 150 ms per request, both directions counted as one round trip. */
export const ROUND_TRIP_MS = 150

/** Slows every request of each sandbox by `ms` until the returned function is called. */
export function injectLatency(sandboxes: readonly SandboxServer[], ms: number): () => void {
  const handles = sandboxes.map((sandbox) => sandbox.faults.add({ times: Infinity, fault: { type: 'latency', ms } }))
  return () => {
    for (const handle of handles) handle.remove()
  }
}

/** Runs `work` with latency on the sandboxes, removing it afterwards whatever happens. */
export async function withLatency<T>(sandboxes: readonly SandboxServer[], ms: number, work: () => Promise<T>): Promise<T> {
  const remove = injectLatency(sandboxes, ms)
  try {
    return await work()
  } finally {
    remove()
  }
}

/**
 * Round trips = sequential waits: the longest chain of requests that arrived between `fromMs`
 * and `toMs` (epoch ms, as the sandbox logs them) in which each one arrived after the previous
 * one's answer could have come back (its arrival + the latency), counting only requests whose
 * answer could be back by `toMs` (one still on its way was not waited for). Requests sent together (a
 * verification alongside the list) count once; a request sent only after another's answer
 * counts again. Works across several sandboxes (pass all their records).
 */
export function roundTrips(records: ReadonlyArray<Readonly<RequestRecord>>, fromMs: number, toMs: number, latencyMs: number): number {
  // Only requests whose answer could be back by the end were waited for.
  const inSpan = records.filter((r) => r.at >= fromMs && r.at + latencyMs <= toMs + 1).sort((a, b) => a.at - b.at)
  // depth[i]: the longest chain ending with request i.
  const depth: number[] = []
  let longest = 0
  for (let i = 0; i < inSpan.length; i++) {
    let best = 0
    for (let j = 0; j < i; j++) {
      if ((inSpan[i] as RequestRecord).at >= (inSpan[j] as RequestRecord).at + latencyMs) best = Math.max(best, depth[j] as number)
    }
    depth[i] = best + 1
    longest = Math.max(longest, best + 1)
  }
  return longest
}

/**
 * The most requests one sandbox had in flight at once over the span: each request is in flight
 * at least from its arrival until the latency has passed (a lower bound of the real figure).
 */
export function maxInFlight(records: ReadonlyArray<Readonly<RequestRecord>>, fromMs: number, toMs: number, latencyMs: number): number {
  const inSpan = records.filter((r) => r.at >= fromMs && r.at <= toMs)
  let most = 0
  for (const r of inSpan) most = Math.max(most, inSpan.filter((o) => o.at <= r.at && r.at < o.at + latencyMs).length)
  return most
}

/** The requests of each sandbox logged since the marks (index per sandbox) as "METHOD /path". */
export function requestsSince(sandboxes: readonly SandboxServer[], marks: readonly number[]): RequestRecord[] {
  return sandboxes.flatMap((sandbox, i) => sandbox.requests.slice(marks[i] ?? 0) as RequestRecord[])
}

export const marksOf = (sandboxes: readonly SandboxServer[]): number[] => sandboxes.map((s) => s.requests.length)

/** Waits until each sandbox has answered everything it received and seen nothing new for `quietMs`. */
export async function settleSandboxes(sandboxes: readonly SandboxServer[], quietMs = 300, timeoutMs = 15_000): Promise<void> {
  let seen = -1
  let quietSince = Date.now()
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const now = sandboxes.reduce((n, s) => n + s.requests.length, 0)
    const pending = sandboxes.some((s) => s.requests.some((r) => r.status === null && r.fault !== 'drop' && r.fault !== 'hang'))
    if (now !== seen || pending) {
      seen = now
      quietSince = Date.now()
    } else if (Date.now() - quietSince >= quietMs) return
    if (Date.now() > deadline) throw new Error(`the app kept sending requests for ${timeoutMs / 1000} s`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

/** "DELETE /user/api-keys/41150" → "DELETE /user/api-keys/{id}", so notes list each kind once. */
export const requestKind = (request: string): string => request.replace(/\/\d+(?=\/|$)/g, '/{id}')
