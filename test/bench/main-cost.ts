/**
 * CPU work in main and in shared code, timed in this Node process (no network wait):
 * - a 10,000-key list answer (the sandbox's real body, ~1.5 MB): JSON.parse plus the app's
 *   validation (readKeyList), then the view main sends to the window serialised and read back
 *   with V8's serializer (what Electron's IPC does with a handler's answer: structured clone);
 * - the CSV export of 10,000 keys through the handler `export:keys` (cached list, notes, states,
 *   RFC 4180 text; the default save port hands the file back as a download);
 * - the hygiene index (states and quick-filter counts) of 10,000 keys, `indexKeyHygiene`, the
 *   work a quick-filter change stands on.
 */
import { deserialize, serialize } from 'node:v8'
import { readKeyList } from '../../src/main/api/response-schemas'
import type { SandboxServer } from '../../src/sandbox/index'
import { DEFAULT_HYGIENE_SETTINGS, indexKeyHygiene, type IndexedKey, type QuickFilter } from '../../src/shared/key-hygiene'
import { openServices, prepareSignedInUserData, unwrap } from './lib/fixtures'

export interface ListCostSample {
  /** JSON.parse + readKeyList. */
  parseValidateMs: number
  /** The same, plus the handler's view serialised and deserialised (structured clone). */
  withSendMs: number
  bytes: number
}

async function listBody(sandbox: SandboxServer, token: string): Promise<string> {
  const response = await fetch(`${sandbox.baseUrl}/user/api-keys`, { headers: { Accept: 'application/json', Authorization: `Bearer ${token}` } })
  if (!response.ok) throw new Error(`list: HTTP ${response.status}`)
  return response.text()
}

export async function benchListCost(sandbox: SandboxServer, keys: number, runs: number): Promise<ListCostSample[]> {
  const prepared = await prepareSignedInUserData(sandbox, keys)
  const services = await openServices(prepared.userDataDir, prepared.vault)
  try {
    const body = await listBody(sandbox, prepared.account.token)
    const accountId = unwrap(await services.handlers['app:get-initial-state'](undefined), 'app:get-initial-state').shownAccountId ?? ''
    const view = unwrap(await services.handlers['keys:get-cached']({ accountId }), 'keys:get-cached')
    if (!view || view.keys.length !== keys) throw new Error('list cost: no cached view of the right size')
    const samples: ListCostSample[] = []
    for (let run = 0; run <= runs; run++) {
      const t0 = performance.now()
      const parsed = readKeyList(JSON.parse(body))
      const t1 = performance.now()
      const copy = deserialize(serialize(view)) as typeof view
      const t2 = performance.now()
      if (parsed.length !== keys || copy.keys.length !== keys) throw new Error('list cost: wrong key count')
      if (run > 0) samples.push({ parseValidateMs: t1 - t0, withSendMs: t2 - t0, bytes: Buffer.byteLength(body) })
    }
    return samples
  } finally {
    await services.shutdown()
    await prepared.cleanup()
  }
}

export async function benchCsvExport(sandbox: SandboxServer, keys: number, runs: number): Promise<number[]> {
  const prepared = await prepareSignedInUserData(sandbox, keys)
  const services = await openServices(prepared.userDataDir, prepared.vault)
  try {
    const accountId = unwrap(await services.handlers['app:get-initial-state'](undefined), 'app:get-initial-state').shownAccountId ?? ''
    const samples: number[] = []
    for (let run = 0; run <= runs; run++) {
      const t0 = performance.now()
      const outcome = unwrap(await services.handlers['export:keys']({ accountId, format: 'csv' }), 'export:keys')
      const ms = performance.now() - t0
      if (outcome.outcome !== 'download') throw new Error(`export: unexpected outcome ${outcome.outcome}`)
      const lines = outcome.content.trimEnd().split(/\r\n/).length
      if (lines !== keys + 1) throw new Error(`export: ${lines} CSV lines for ${keys} keys`)
      if (run > 0) samples.push(ms)
    }
    return samples
  } finally {
    await services.shutdown()
    await prepared.cleanup()
  }
}

export interface HygieneSample {
  /** indexKeyHygiene over the whole list (once per list). */
  indexMs: number
  /** Then one quick-filter change: `select` of each filter in turn over the list (median of them). */
  selectMs: number
}

/**
 * The work under a quick-filter change at `keys` keys, in Node: the hygiene index of the list as
 * the sandbox seeds it (a third used, the rest never), then `select` of every quick filter.
 */
export async function benchHygieneIndex(sandbox: SandboxServer, keys: number, runs: number): Promise<HygieneSample[]> {
  const prepared = await prepareSignedInUserData(sandbox, keys)
  const services = await openServices(prepared.userDataDir, prepared.vault)
  try {
    const accountId = unwrap(await services.handlers['app:get-initial-state'](undefined), 'app:get-initial-state').shownAccountId ?? ''
    const view = unwrap(await services.handlers['keys:get-cached']({ accountId }), 'keys:get-cached')
    if (!view) throw new Error('hygiene index: no cached list')
    const list: IndexedKey[] = view.keys
    const notes = new Map(Object.entries(view.notes).map(([id, note]) => [Number(id), note]))
    const filters: QuickFilter[] = ['all', 'in-use', 'stale', 'never-used', 'new', 'review-due', 'this-app']
    const samples: HygieneSample[] = []
    for (let run = 0; run <= runs; run++) {
      const t0 = performance.now()
      const index = indexKeyHygiene(list, { nowMs: Date.now(), settings: DEFAULT_HYGIENE_SETTINGS, notes, today: new Date().toISOString().slice(0, 10) })
      const indexMs = performance.now() - t0
      if (index.counts.all !== keys) throw new Error(`hygiene index: counted ${index.counts.all} of ${keys}`)
      const selects: number[] = []
      for (const filter of filters) {
        const s0 = performance.now()
        const shown = index.select(list, filter)
        selects.push(performance.now() - s0)
        if (shown.length !== index.counts[filter]) throw new Error(`hygiene index: ${filter} selected ${shown.length}, counted ${index.counts[filter]}`)
      }
      selects.sort((a, b) => a - b)
      if (run > 0) samples.push({ indexMs, selectMs: selects[selects.length >> 1] as number })
    }
    return samples
  } finally {
    await services.shutdown()
    await prepared.cleanup()
  }
}
