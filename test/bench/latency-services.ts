/**
 * Round trips per action through main's services (the IPC handler functions, composed by
 * createAppServices as in Electron) against sandboxes with injected latency: how many times a
 * person waits for the network between their action and its result. Deterministic with a
 * latency far above the machine's own noise, so `--quick` checks them.
 *
 * "Refresh all" runs over accounts spread over several sandboxes (hosts), at most 4 in flight
 * per host, and is also timed (full mode) against one list of the same size at the same latency.
 */
import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { SandboxServer } from '../../src/sandbox/index'
import { MemorySecretStore } from '../support/memory-secret-store'
import { newAccount, openServices, prepareAccountsUserData, prepareSignedInUserData, unwrap } from './lib/fixtures'
import { marksOf, maxInFlight, requestsSince, roundTrips, withLatency } from './lib/latency'

export interface TimedAction {
  action: string
  /** "METHOD /path" of every request the action sent, in arrival order. */
  requests: string[]
  roundTrips: number
  ms: number
}

async function timed(sandboxes: readonly SandboxServer[], latencyMs: number, action: string, work: () => Promise<void>): Promise<TimedAction> {
  const marks = marksOf(sandboxes)
  const from = Date.now()
  const t0 = performance.now()
  await work()
  const ms = performance.now() - t0
  const to = Date.now()
  const records = requestsSince(sandboxes, marks).filter((r) => r.at <= to)
  return { action, requests: records.sort((a, b) => a.at - b.at).map((r) => `${r.method} ${r.path}`), roundTrips: roundTrips(records, from, to, latencyMs), ms }
}

export interface ServiceLatency {
  startup: TimedAction
  refresh: TimedAction
  create: TimedAction
  delete: TimedAction
  signIn: TimedAction
}

/** Start-up, refresh, create, delete and sign-in through the handlers, each with `latencyMs` per request. */
export async function benchServiceLatency(sandbox: SandboxServer, keys: number, latencyMs: number): Promise<ServiceLatency> {
  const prepared = await prepareSignedInUserData(sandbox, keys)
  const services = await openServices(prepared.userDataDir, prepared.vault)
  const { handlers } = services
  const on = [sandbox]
  try {
    return await withLatency(on, latencyMs, async () => {
      let accountId = ''
      const startup = await timed(on, latencyMs, 'start-up with a stored credential → fresh list', async () => {
        const initial = unwrap(await handlers['app:get-initial-state'](undefined), 'app:get-initial-state')
        accountId = initial.shownAccountId ?? ''
        const list = unwrap(await handlers['keys:list']({ accountId }), 'keys:list')
        if (list.keys.length !== keys || list.fromCache) throw new Error('start-up: expected the fresh list')
      })
      const refresh = await timed(on, latencyMs, 'list refresh', async () => {
        unwrap(await handlers['keys:list']({ accountId }), 'keys:list')
      })
      let createdId = -1
      let pendingId = ''
      const create = await timed(on, latencyMs, 'create → token', async () => {
        const created = unwrap(await handlers['keys:create']({ accountId, name: 'Bench created key', requestId: randomUUID() }), 'keys:create')
        if (!created.token || !created.key) throw new Error('create: no token or provisional row in the answer')
        createdId = created.key.id
        pendingId = created.pendingId
      })
      // The list that confirms the new key runs in the background: let it end before the next action.
      await services.keys.settle()
      unwrap(await handlers['token:confirm-saved']({ pendingId }), 'token:confirm-saved')
      const remove = await timed(on, latencyMs, 'delete → row gone', async () => {
        const deleted = unwrap(await handlers['keys:delete']({ accountId, id: createdId }), 'keys:delete')
        if (deleted.alreadyGone) throw new Error('delete: the key was already gone')
      })
      const fresh = await freshServices()
      let signIn: TimedAction
      try {
        const account = newAccount(sandbox, keys)
        signIn = await timed(on, latencyMs, 'sign-in → list', async () => {
          const added = unwrap(await fresh.services.handlers['accounts:add']({ baseUrl: sandbox.baseUrl, apiKey: account.token }), 'accounts:add')
          if (added.list?.keys.length !== keys) throw new Error('sign-in: the list did not come with it')
        })
      } finally {
        await fresh.close()
      }
      return { startup, refresh, create, delete: remove, signIn }
    })
  } finally {
    await services.shutdown()
    await prepared.cleanup()
  }
}

async function freshServices() {
  const dir = await mkdtemp(join(tmpdir(), 'autocalls-bench-userdata-'))
  const services = await openServices(dir, new MemorySecretStore())
  return {
    services,
    async close() {
      await services.shutdown()
      await rm(dir, { recursive: true, force: true })
    }
  }
}

export interface RefreshAllSample {
  all: TimedAction
  /** One list of the same size at the same latency, through the same services (the reference). */
  oneList: TimedAction
  listRequests: number
  accounts: number
  hosts: number
  /** The most requests in flight at once on one host during "Refresh all". */
  maxInFlightPerHost: number
}

/**
 * "Refresh all" over `accounts` accounts of `keys` keys spread over the sandboxes, at
 * `latencyMs`: a restart (new services on the folder), then accounts:refresh-all, each account's
 * outcome checked. Then one account's list alone, as the reference for the wall time.
 */
export async function benchRefreshAll(sandboxes: readonly SandboxServer[], accounts: number, keys: number, latencyMs: number, runs: number): Promise<RefreshAllSample[]> {
  const prepared = await prepareAccountsUserData(sandboxes, accounts, keys)
  try {
    const samples: RefreshAllSample[] = []
    for (let run = 0; run < runs; run++) {
      const services = await openServices(prepared.userDataDir, prepared.vault)
      try {
        const { handlers } = services
        const sample = await withLatency(sandboxes, latencyMs, async () => {
          let listRequests = 0
          const marks = marksOf(sandboxes)
          const from = Date.now()
          const all = await timed(sandboxes, latencyMs, 'Refresh all → every account fresh', async () => {
            const outcomes = unwrap(await handlers['accounts:refresh-all'](undefined), 'accounts:refresh-all')
            const failed = outcomes.filter((o) => !o.ok)
            if (outcomes.length !== accounts || failed.length > 0) {
              throw new Error(`refresh all: ${outcomes.length} outcomes, failed: ${failed.map((o) => o.error?.message).join('; ')}`)
            }
          })
          listRequests = all.requests.filter((r) => r === 'GET /user/api-keys').length
          const to = Date.now()
          const maxInFlightPerHost = Math.max(...sandboxes.map((sandbox, i) => maxInFlight(sandbox.requests.slice(marks[i]), from, to, latencyMs)))
          const first = unwrap(await handlers['accounts:list'](undefined), 'accounts:list')[0]
          if (!first) throw new Error('refresh all: no account')
          const oneList = await timed(sandboxes, latencyMs, 'one list', async () => {
            const list = unwrap(await handlers['keys:list']({ accountId: first.id }), 'keys:list')
            if (list.keys.length !== keys) throw new Error(`one list: ${list.keys.length} keys`)
          })
          return { all, oneList, listRequests, accounts, hosts: sandboxes.length, maxInFlightPerHost }
        })
        samples.push(sample)
      } finally {
        await services.shutdown()
      }
    }
    return samples
  } finally {
    await prepared.cleanup()
  }
}

/**
 * The list's transfer and parse: keys:list through the services with no latency (the sandbox
 * building and sending the answer, main receiving, parsing, validating and caching it), median
 * of `runs`. What issue 14's start-up and sign-in budgets add to their round trip.
 */
export async function benchListTransfer(sandbox: SandboxServer, keys: number, runs: number): Promise<number[]> {
  const prepared = await prepareSignedInUserData(sandbox, keys)
  const services = await openServices(prepared.userDataDir, prepared.vault)
  try {
    const accountId = unwrap(await services.handlers['app:get-initial-state'](undefined), 'app:get-initial-state').shownAccountId ?? ''
    const samples: number[] = []
    for (let run = 0; run <= runs; run++) {
      const t0 = performance.now()
      const list = unwrap(await services.handlers['keys:list']({ accountId }), 'keys:list')
      const ms = performance.now() - t0
      if (list.keys.length !== keys) throw new Error(`list transfer: ${list.keys.length} keys`)
      if (run > 0) samples.push(ms)
    }
    return samples
  } finally {
    await services.shutdown()
    await prepared.cleanup()
  }
}

/**
 * The round-trip count's control: the same two requests sent one after the other, then
 * together, straight to the sandbox. The counter must say 2, then 1, or it is blind.
 */
export async function controlRoundTrips(sandbox: SandboxServer, latencyMs: number): Promise<{ sequential: number; together: number }> {
  const account = newAccount(sandbox, 1)
  const get = async (path: string): Promise<void> => {
    const response = await fetch(`${sandbox.baseUrl}${path}`, { headers: { Accept: 'application/json', Authorization: `Bearer ${account.token}` } })
    await response.arrayBuffer()
    if (!response.ok) throw new Error(`control: HTTP ${response.status}`)
  }
  return withLatency([sandbox], latencyMs, async () => {
    const sequential = await timed([sandbox], latencyMs, 'sequential', async () => {
      await get('/user/me')
      await get('/user/api-keys')
    })
    const together = await timed([sandbox], latencyMs, 'together', async () => {
      await Promise.all([get('/user/me'), get('/user/api-keys')])
    })
    return { sequential: sequential.roundTrips, together: together.roundTrips }
  })
}
