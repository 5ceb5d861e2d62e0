/**
 * Batches through main's services against the sandbox:
 * - bulk delete of 100 keys through the handler `keys:bulk-delete` (BulkDeleteService: the
 *   account's pacer, at most 4 in flight) with 50 ms latency per request: wall time and DELETEs;
 * - pacing (issue 15) against a sandbox with a short rate-limit window (20 requests per 2 s per
 *   user): the same bulk delete, its 429 answers and its time against the fastest the limit
 *   allows; a click (a list refresh) made while the batch waits; "Refresh all" three times in a
 *   row over 10 accounts with a limit so small that the pacer has to wait (zero 429s).
 */
import { randomUUID } from 'node:crypto'
import { createAppServices, type AppServices } from '../../src/main/app-services'
import { defaultReserve } from '../../src/main/services/request-pacer'
import { startSandbox, type SandboxServer } from '../../src/sandbox/index'
import type { SecretStore } from '../../src/main/vault/secret-store'
import { nullClipboard, nullEvents, prepareAccountsUserData, prepareSignedInUserData, unwrap } from './lib/fixtures'
import { injectLatency, roundTrips } from './lib/latency'

const pacedServices = (userDataDir: string, vault: SecretStore, windowMs?: number): Promise<AppServices> =>
  createAppServices({
    userDataDir,
    vault,
    clipboard: nullClipboard,
    events: nullEvents,
    openExternal: () => Promise.resolve(),
    ...(windowMs ? { pacing: { windowMs } } : {})
  })

export interface BulkDeleteSample {
  ms: number
  deletes: number
  deleted: number
  /** Answers with status 429 during the batch. */
  rateLimited: number
  requests: number
}

/**
 * One bulk delete of `count` keys on a restarted app (the list fetched first, without latency),
 * then the batch with `latencyMs` on every request. `during` runs while the batch does.
 */
async function bulkDeleteOnce(
  sandbox: SandboxServer,
  count: number,
  latencyMs: number,
  windowMs?: number,
  during?: (services: AppServices, accountId: string) => Promise<void>
): Promise<BulkDeleteSample> {
  const prepared = await prepareSignedInUserData(sandbox, count + 1)
  const services = await pacedServices(prepared.userDataDir, prepared.vault, windowMs)
  try {
    const { handlers } = services
    const accountId = unwrap(await handlers['app:get-initial-state'](undefined), 'app:get-initial-state').shownAccountId ?? ''
    const list = unwrap(await handlers['keys:list']({ accountId }), 'keys:list')
    const ids = list.keys.filter((k) => !k.isAppKey).map((k) => k.id)
    if (ids.length !== count) throw new Error(`bulk delete: ${ids.length} keys to delete, expected ${count}`)
    sandbox.resetRateLimits()
    const from = sandbox.requests.length
    const remove = injectLatency([sandbox], latencyMs)
    try {
      const t0 = performance.now()
      const batch = handlers['keys:bulk-delete']({ accountId, batchId: randomUUID(), ids, includeOwnKey: false })
      const side = during ? during(services, accountId) : Promise.resolve()
      const [result] = await Promise.all([batch, side])
      const ms = performance.now() - t0
      const done = unwrap(result, 'keys:bulk-delete')
      const seen = sandbox.requests.slice(from)
      return {
        ms,
        deletes: seen.filter((r) => r.method === 'DELETE').length,
        deleted: done.items.filter((item) => item.outcome === 'deleted').length,
        rateLimited: seen.filter((r) => r.status === 429).length,
        requests: seen.length
      }
    } finally {
      remove()
    }
  } finally {
    await services.shutdown()
    await prepared.cleanup()
  }
}

/** Bulk delete of 100 keys at 50 ms per request (issue 10), `runs` times. */
export async function benchBulkDelete(sandbox: SandboxServer, runs: number, count = 100, latencyMs = 50): Promise<BulkDeleteSample[]> {
  const samples: BulkDeleteSample[] = []
  for (let run = 0; run <= runs; run++) {
    const sample = await bulkDeleteOnce(sandbox, count, latencyMs)
    if (run > 0) samples.push(sample)
  }
  return samples
}

export interface PacingResult {
  limit: number
  windowMs: number
  latencyMs: number
  reserve: number
  bulk: BulkDeleteSample
  /** The fastest the limit allows, keeping the pacer's reserve for the person (ms). */
  fastestMs: number
  /** The fastest the limit allows if every request of the window went to the batch (ms). */
  floorMs: number
  click: { ms: number; roundTrips: number; requests: number }
  refreshAll: { rounds: number; accounts: number; limit: number; lists: number; rateLimited: number; ms: number }
}

/**
 * Laravel's fixed window starts at its first hit: N requests with `usable` of each window's
 * `limit` need ceil(N / usable) windows, so the last ones go out (ceil(N / usable) − 1) windows
 * after the first and come back one round trip later.
 */
export const fastestUnderLimit = (requests: number, usable: number, windowMs: number, latencyMs: number): number =>
  (Math.ceil(requests / usable) - 1) * windowMs + latencyMs

export async function benchPacing(options: { limit?: number; windowMs?: number; latencyMs?: number } = {}): Promise<PacingResult> {
  const limit = options.limit ?? 20
  const windowMs = options.windowMs ?? 2000
  const latencyMs = options.latencyMs ?? 50
  const sandbox = await startSandbox({ seedDemo: false, throttle: { limit, windowMs } })
  try {
    let click = { ms: Number.NaN, roundTrips: Number.NaN, requests: 0 }
    const bulk = await bulkDeleteOnce(sandbox, 100, latencyMs, windowMs, async (services, accountId) => {
      // A click once the batch has spent its share of the first window and waits for the next.
      const waitFrom = Date.now()
      while (sandbox.requests.filter((r) => r.method === 'DELETE' && r.at >= waitFrom - 60_000).length < limit - defaultReserve(limit) && Date.now() - waitFrom < 5000) {
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
      const from = Date.now()
      const mark = sandbox.requests.length
      const t0 = performance.now()
      unwrap(await services.handlers['keys:list']({ accountId }), 'keys:list (a click during the batch)')
      const ms = performance.now() - t0
      const mine = sandbox.requests.slice(mark).filter((r) => r.method === 'GET')
      click = { ms, roundTrips: roundTrips(mine, from, Date.now(), latencyMs), requests: mine.length }
    })
    const reserve = defaultReserve(limit)
    // The batch's requests: the DELETEs (and a verification, if the batch sent one).
    const batchRequests = bulk.requests - click.requests
    const fastestMs = fastestUnderLimit(batchRequests, limit - reserve, windowMs, latencyMs)
    const floorMs = fastestUnderLimit(batchRequests, limit, windowMs, latencyMs)
    const refreshAll = await pacedRefreshAll(latencyMs)
    return { limit, windowMs, latencyMs, reserve, bulk, fastestMs, floorMs, click, refreshAll }
  } finally {
    await sandbox.close()
  }
}

/**
 * "Refresh all" `rounds` times in a row over 10 accounts on one host, each account a user of
 * its own with a limit of 4 per 2 s: the first round verifies and lists (2 requests an account),
 * the next ones list: 4 requests an account in quick succession, more than a window allows
 * background work (4 less the reserve of 1), so the pacer has to wait for the next window.
 */
async function pacedRefreshAll(latencyMs: number, rounds = 3, limit = 4, windowMs = 2000) {
  const sandbox = await startSandbox({ seedDemo: false })
  try {
    const prepared = await prepareAccountsUserData([sandbox], 10, 10)
    const services = await pacedServices(prepared.userDataDir, prepared.vault, windowMs)
    try {
      sandbox.setThrottle({ limit, windowMs })
      sandbox.resetRateLimits()
      const from = sandbox.requests.length
      const remove = injectLatency([sandbox], latencyMs)
      const t0 = performance.now()
      try {
        for (let round = 0; round < rounds; round++) {
          const outcomes = unwrap(await services.handlers['accounts:refresh-all'](undefined), 'accounts:refresh-all')
          const failed = outcomes.filter((o) => !o.ok)
          if (failed.length > 0) throw new Error(`paced refresh all: ${failed.map((o) => o.error?.kind).join(', ')}`)
        }
      } finally {
        remove()
      }
      const ms = performance.now() - t0
      const seen = sandbox.requests.slice(from)
      return {
        rounds,
        accounts: 10,
        limit,
        lists: seen.filter((r) => r.method === 'GET' && r.path === '/user/api-keys').length,
        rateLimited: seen.filter((r) => r.status === 429).length,
        ms
      }
    } finally {
      await services.shutdown()
      await prepared.cleanup()
    }
  } finally {
    await sandbox.close()
  }
}
