/**
 * The benchmark suite (run through test/bench/run-bench.mjs, which builds first). Measures every
 * figure, prints the Markdown table, writes it with the raw samples under bench-results/, and
 * exits 1 when a figure is over its budget.
 *
 *   tsx test/bench/bench.ts [--quick] [--runs N]
 *
 * --quick: deterministic figures only (bundle sizes, main bundle and what it loads, request
 * counts, connections), no timing budgets: what `npm test` runs.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { loadavg } from 'node:os'
import { join, resolve } from 'node:path'
import { startSandbox, type SandboxServer } from '../../src/sandbox/index'
import { launchBrowser, type E2eBrowser } from '../e2e/support/browser'
import { benchDomRows, benchListPage, benchTimeToKeys, FILTER_KEYSTROKES, type BrowserBenchContext, type LoadSample } from './browser-bench'
import { BUDGETS, type BudgetId } from './budgets'
import { buildAppRendererVariant, buildFloor, GZIP_LEVEL, measureBuiltPage, rendererIsMinified, type BundleSize } from './bundle'
import { prepareSignedInUserData } from './lib/fixtures'
import type { Figure, Unit } from './lib/figures'
import { machineInfo, type MachineInfo } from './lib/machine'
import { renderMarkdown, type Report } from './lib/report'
import { summarise } from './lib/stats'
import { buildServicesBundle, classifyMainFiles, mainBundleFiles, probeStartup, type StartupSample } from './main-startup'
import { benchConnections, benchServiceRoundTrips, type ActionCount } from './round-trips'
import { benchUiRoundTrips, type WindowRoundTrips } from './ui-round-trips'
import { benchAccountSwitch, benchAccountsHeap, benchQuickFilter } from './browser-accounts'
import { benchBulkDelete, benchPacing } from './batches'
import { requestKind, ROUND_TRIP_MS } from './lib/latency'
import { benchListTransfer, benchRefreshAll, benchServiceLatency, controlRoundTrips } from './latency-services'
import { benchWindowLatency, type LatencySample } from './latency-window'
import { benchCsvExport, benchHygieneIndex, benchListCost } from './main-cost'
import { CLI_BUDGETS, measureCliStartup } from '../cli/bench/cli-startup'

const REPO_ROOT = resolve(__dirname, '../..')
const RENDERER_DIR = join(REPO_ROOT, 'out/renderer')
const RESULTS_DIR = join(REPO_ROOT, 'bench-results')
const KB = 1000
const MB = 1000 * 1000

interface Options {
  quick: boolean
  /** Measured runs per timing figure (after one warm-up). */
  runs: number
}

function parseArgs(argv: readonly string[]): Options {
  const options: Options = { quick: false, runs: 9 }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--quick') options.quick = true
    else if (arg === '--runs') {
      const n = Number(argv[++i])
      if (!Number.isInteger(n) || n < 1 || n > 100) throw new Error('--runs needs a whole number from 1 to 100')
      options.runs = n
    } else throw new Error(`Unknown option ${arg}. Usage: tsx test/bench/bench.ts [--quick] [--runs N]`)
  }
  return options
}

const log = (text: string): void => {
  process.stderr.write(`  ${text}\n`)
}

class Figures {
  readonly list: Figure[] = []
  readonly notes: string[] = []

  /** `budgetValue` replaces the budget's value for this run (a budget made of a fixed part plus a measured one). */
  add(id: string, label: string, unit: Unit, samples: number[], deterministic: boolean, budgetId?: BudgetId, note?: string, budgetValue?: number): void {
    if (samples.length === 0 || samples.some((v) => !Number.isFinite(v))) throw new Error(`${label}: no valid samples (${samples.join(', ')})`)
    const figure: Figure = { id, label, unit, samples, deterministic }
    if (budgetId) {
      const { op, value } = BUDGETS[budgetId]
      figure.budget = { op, value: budgetValue ?? value }
    }
    if (note) figure.note = note
    this.list.push(figure)
  }

  /** A figure this build cannot measure yet: a row that says so (never a pass), with the reason. */
  notMeasured(id: string, label: string, unit: Unit, budgetId: BudgetId, why: string): void {
    const { op, value } = BUDGETS[budgetId]
    this.list.push({ id, label, unit, samples: [], deterministic: false, budget: { op, value }, notMeasured: why })
  }
}

const requestList = (count: Pick<ActionCount, 'requests'>): string => (count.requests.length === 0 ? 'none' : count.requests.join(', '))

/** "2× GET /user/me, 10× GET /user/api-keys" */
const countOf = (requests: readonly string[]): string => {
  const counts = new Map<string, number>()
  for (const r of requests) counts.set(r, (counts.get(r) ?? 0) + 1)
  return [...counts].map(([r, n]) => `${n}× ${r}`).join(', ')
}
const median = (values: readonly number[]): number => summarise(values).median

async function benchBundle(figures: Figures): Promise<Record<string, unknown>> {
  log('renderer bundle and the bare-React floor')
  const app = measureBuiltPage(RENDERER_DIR)
  const floorBuild = await buildFloor()
  let floor: BundleSize
  try {
    floor = measureBuiltPage(floorBuild.dir)
  } finally {
    await floorBuild.cleanup()
  }
  // What `build.minify: true` would give, app and floor alike (information, no budget), while
  // the renderer is not minified.
  let minified: { app: BundleSize; floor: BundleSize } | null = null
  if (!(await rendererIsMinified())) {
    const minFloorBuild = await buildFloor({ minify: true })
    const minAppBuild = await buildAppRendererVariant({ minify: true })
    try {
      minified = { app: measureBuiltPage(minAppBuild.dir), floor: measureBuiltPage(minFloorBuild.dir) }
    } finally {
      await minFloorBuild.cleanup()
      await minAppBuild.cleanup()
    }
  }
  const files = app.files.map((f) => `${f.file} ${(f.gzip / KB).toFixed(1)} KB`).join(', ')
  figures.add('bundle.app.gzip', 'Renderer bundle: JS + CSS the window loads, gzip', 'KB', [app.gzip / KB], true, 'bundle.app.gzip', `${files}; ${(app.bytes / KB).toFixed(1)} KB before gzip.`)
  figures.add('bundle.floor.gzip', 'Floor: bare React 19 page, same build, gzip', 'KB', [floor.gzip / KB], true, undefined, `${(floor.bytes / KB).toFixed(1)} KB before gzip.`)
  figures.add('bundle.added.gzip', 'What the app adds on top of the floor, gzip', 'KB', [(app.gzip - floor.gzip) / KB], true, 'bundle.added.gzip')
  if (minified) {
    figures.add(
      'bundle.minified.gzip',
      'Renderer bundle if it were minified (information), gzip',
      'KB',
      [minified.app.gzip / KB],
      true,
      undefined,
      `With build.minify: true the app would be ${(minified.app.gzip / KB).toFixed(1)} KB gzip (${(minified.app.bytes / KB).toFixed(1)} KB raw) against a floor of ${(minified.floor.gzip / KB).toFixed(1)} KB (${(minified.floor.bytes / KB).toFixed(1)} KB raw): ${((minified.app.gzip - minified.floor.gzip) / KB).toFixed(1)} KB added.`
    )
  }
  figures.notes.push(
    `Bundle sizes: each file gzipped on its own with zlib level ${GZIP_LEVEL}; KB = 1,000 bytes. Files loaded at start = index.html's scripts and stylesheets plus their static imports; ${
      app.lazy.length === 0 ? 'the build has no lazily loaded chunk.' : `lazy chunks (not counted): ${app.lazy.map((f) => `${f.file} ${(f.gzip / KB).toFixed(1)} KB`).join(', ')}.`
    }`
  )
  return { app, floor, minified }
}

async function benchMain(figures: Figures, sandbox: SandboxServer, options: Options): Promise<Record<string, unknown>> {
  log('main process: bundle, start-up work, lazy loading')
  const outMain = mainBundleFiles()
  if (!outMain.some((f) => f.file === 'index.js')) throw new Error('out/main/index.js is missing: build first')
  const { atStart, onDemand } = classifyMainFiles(outMain)
  const listFiles = (files: typeof outMain): string => files.map((f) => `${f.file} ${(f.bytes / KB).toFixed(1)} KB`).join(', ')
  figures.add(
    'main.bundle.kb',
    'Main bundle: out/main/index.js (+ chunks it requires at start)',
    'KB',
    [atStart.reduce((sum, f) => sum + f.bytes, 0) / KB],
    true,
    'main.bundle.kb',
    `${listFiles(atStart)}; loaded on demand: ${onDemand.length === 0 ? 'nothing' : listFiles(onDemand)}.`
  )
  const services = await buildServicesBundle()
  const details: Record<string, unknown> = { outMain, servicesBundle: services.files }
  try {
    const sizes = options.quick ? [10] : [10, 10_000]
    const samples = new Map<number, StartupSample[]>()
    for (const keys of sizes) {
      const prepared = await prepareSignedInUserData(sandbox, keys)
      try {
        const runs = options.quick ? 1 : options.runs + 3
        const list: StartupSample[] = []
        for (let run = 0; run <= runs; run++) {
          const sample = await probeStartup(services.entry, prepared.userDataDir)
          if (sample.cachedKeys !== keys) throw new Error(`main start-up: expected ${keys} cached keys, got ${sample.cachedKeys}`)
          if (run > 0) list.push(sample) // the first run warms the disk cache
        }
        samples.set(keys, list)
        if (keys === 10) {
          const control = await probeStartup(services.entry, prepared.userDataDir, true)
          if (!control.keytarLoaded || !control.sandboxLoaded) {
            throw new Error(`main start-up: the lazy-loading check is blind (control run: keytar ${control.keytarLoaded}, sandbox ${control.sandboxLoaded})`)
          }
        }
      } finally {
        await prepared.cleanup()
      }
    }
    const all = [...samples.values()].flat()
    figures.add('main.keytar.loaded', 'keytar loaded before the first paint', 'yes/no', [all.some((s) => s.keytarLoaded) ? 1 : 0], true, 'main.keytar.loaded')
    figures.add('main.sandbox.loaded', 'Sandbox server loaded before the first paint', 'yes/no', [all.some((s) => s.sandboxLoaded) ? 1 : 0], true, 'main.sandbox.loaded')
    figures.notes.push(
      `Main start-up: src/main/app-services.ts built with the project's main config (${services.files.map((f) => `${f.file} ${(f.bytes / KB).toFixed(1)} KB`).join(', ')}), loaded in a fresh Node ${process.version} process, createAppServices() with the default keychain vault, then app:get-initial-state. A control run that loads keytar and starts the sandbox on purpose proves the check sees them. Modules loaded from node_modules: ${
        [...new Set(all.flatMap((s) => s.externalModules))].join(', ') || 'none'
      }.`
    )
    if (!options.quick) {
      for (const keys of sizes) {
        const list = samples.get(keys) ?? []
        const id = keys === 10 ? 'main.startup.10' : 'main.startup.10000'
        const load = summarise(list.map((s) => s.loadMs))
        figures.add(
          id,
          `Main start-up work, ${keys.toLocaleString('en-US')} cached keys (no Electron)`,
          'ms',
          list.map((s) => s.totalMs),
          false,
          id,
          `Of which loading the bundle: median ${load.median.toFixed(1)} ms; building the services and answering the initial state: median ${summarise(list.map((s) => s.initMs)).median.toFixed(1)} ms; CPU time (all threads): median ${summarise(list.map((s) => s.cpuMs)).median.toFixed(1)} ms.`
        )
      }
    }
    details['startup'] = Object.fromEntries(samples)
  } finally {
    await services.cleanup()
  }
  return details
}

async function benchRoundTrips(figures: Figures, sandbox: SandboxServer, hosts: SandboxServer[], ctx: BrowserBenchContext): Promise<Record<string, unknown>> {
  log('round trips per action (services, then the window) and connections')
  const services = await benchServiceRoundTrips(sandbox)
  const inWindow = await benchUiRoundTrips(ctx)
  const rows: Array<[keyof WindowRoundTrips, BudgetId, string]> = [
    ['startup', 'requests.startup', 'start-up with a stored credential'],
    ['refresh', 'requests.refresh', 'list refresh'],
    ['create', 'requests.create', 'create, new key in the list'],
    ['delete', 'requests.delete', 'delete']
  ]
  for (const [key, budgetId, what] of rows) {
    const inServices = services[key]
    figures.add(`${budgetId}.services`, `Requests: ${what} (main's services)`, 'requests', [inServices.requests.length], true, budgetId)
    figures.add(`${budgetId}.window`, `Requests: ${what} (in the window)`, 'requests', [inWindow[key].requests.length], true, budgetId)
  }
  figures.add('requests.signin.services', "Requests: sign-in, then the list (main's services)", 'requests', [services.signIn.requests.length], true, 'requests.signin')
  figures.notes.push(
    `Requests per action, as the sandbox saw them: ${[...rows.map(([key]) => key), 'signIn' as const]
      .map((key) => `${services[key].action}: ${requestList(services[key])}`)
      .join('; ')}. In the window: ${rows.map(([key]) => `${inWindow[key].action}: ${requestList(inWindow[key])}`).join('; ')}.`
  )
  const connections = await benchConnections(100)
  figures.add(
    'connections.100',
    `TCP connections for ${connections.calls} consecutive API calls`,
    'connections',
    [connections.connections],
    true,
    'connections.100',
    'A sign-in then 99 list refreshes through the services, against a sandbox of their own; every connection the sandbox accepted is counted.'
  )
  figures.notes.push(
    'Requests are counted on the sandbox server (its request log). "In the window" drives the built renderer in headless Chromium on the browser preview, clicking as a person does; "main\'s services" calls the same handler functions directly.'
  )

  log(`round trips per action through the services, ${ROUND_TRIP_MS} ms latency per request`)
  const control = await controlRoundTrips(sandbox, ROUND_TRIP_MS)
  if (control.sequential !== 2 || control.together !== 1) {
    throw new Error(`round trips: the counter is blind (control: two requests in a row counted ${control.sequential}, two together ${control.together})`)
  }
  const waits = await benchServiceLatency(sandbox, 10, ROUND_TRIP_MS)
  const rtRows: Array<[keyof typeof waits, BudgetId, string]> = [
    ['startup', 'roundtrips.startup', 'start-up with a stored credential → fresh list'],
    ['refresh', 'roundtrips.refresh', 'list refresh'],
    ['create', 'roundtrips.create', 'create → token'],
    ['delete', 'roundtrips.delete', 'delete'],
    ['signIn', 'roundtrips.signin', 'sign-in → list']
  ]
  for (const [key, budgetId, what] of rtRows) {
    figures.add(budgetId, `Round trips: ${what} (main's services)`, 'round trips', [waits[key].roundTrips], true, budgetId)
  }
  const [refreshAll] = await benchRefreshAll(hosts, 10, 10, ROUND_TRIP_MS, 1)
  if (!refreshAll) throw new Error('refresh all: no sample')
  figures.add('roundtrips.refreshall', `Round trips: "Refresh all", 10 accounts on ${hosts.length} hosts (main's services)`, 'round trips', [refreshAll.all.roundTrips], true, 'roundtrips.refreshall')
  figures.add('refreshall.lists', 'Requests: list requests of "Refresh all" over 10 accounts', 'requests', [refreshAll.listRequests], true, 'refreshall.lists', `All its requests: ${refreshAll.all.requests.length} (${countOf(refreshAll.all.requests)}).`)
  figures.notes.push(
    `Round trips = sequential waits: the longest chain of requests in which each was sent after the previous one's answer came back, over the action's span, counted on the sandbox's log with ${ROUND_TRIP_MS} ms latency on every request (the sandbox waits before handling each one). Requests per action at that latency: ${rtRows
      .map(([key]) => `${waits[key].action}: ${requestList(waits[key])}`)
      .join('; ')}. Control: two requests in a row count 2, the same two sent together 1.`
  )
  return { services, window: inWindow, connections, waits, refreshAll }
}

async function benchTimings(figures: Figures, ctx: BrowserBenchContext, options: Options): Promise<Record<string, unknown>> {
  const sizes = [10, 1_000, 10_000]
  log(`time to keys on screen: ${sizes.join(', ')} keys × ${options.runs} runs (interleaved, after a warm-up)`)
  const loads = await benchTimeToKeys(ctx, sizes, options.runs, ROUND_TRIP_MS)
  const of = (keys: number): LoadSample[] => loads.get(keys) ?? []
  for (const keys of sizes) {
    const samples = of(keys)
    const fcp = summarise(samples.map((s) => s.firstContentfulPaint ?? Number.NaN).filter(Number.isFinite))
    const initial = summarise(samples.map((s) => s.initialStateAt ?? Number.NaN).filter(Number.isFinite))
    const n = keys.toLocaleString('en-US')
    const id = `ttk.${keys}` as BudgetId
    figures.add(
      id,
      `Time to keys on screen, ${n} cached keys`,
      'ms',
      samples.map((s) => s.rowPaintedAt),
      false,
      id,
      `First contentful paint median ${fcp.median.toFixed(1)} ms; bundle loaded ${summarise(samples.map((s) => s.assetsLoadedAt ?? Number.NaN).filter(Number.isFinite)).median.toFixed(1)} ms, DOMContentLoaded ${summarise(samples.map((s) => s.domContentLoaded)).median.toFixed(1)} ms; initial state (${((samples[0]?.initialStateBytes ?? 0) / KB).toFixed(1)} KB of JSON) asked at ${summarise(samples.map((s) => s.initialStateRequestedAt ?? Number.NaN).filter(Number.isFinite)).median.toFixed(1)} ms, received at ${initial.median.toFixed(1)} ms; first row in the DOM at ${summarise(samples.map((s) => s.rowInsertedAt)).median.toFixed(1)} ms.`
    )
  }
  for (const keys of sizes) {
    const gaps = of(keys)
      .map((s) => (s.firstContentfulPaint === null ? Number.NaN : s.rowPaintedAt - s.firstContentfulPaint))
      .filter(Number.isFinite)
    const id = `ttk.gap.${keys}` as BudgetId
    figures.add(id, `Keys painted after first contentful paint, ${keys.toLocaleString('en-US')} keys`, 'ms', gaps, false, id)
  }
  const small = of(10)
  const flat = of(10_000)
    .map((s, i) => s.rowPaintedAt - (small[i]?.rowPaintedAt ?? Number.NaN))
    .filter(Number.isFinite)
  figures.add('ttk.flat', 'Time to keys, 10,000 minus 10 keys (same round)', 'ms', flat, false, 'ttk.flat')
  // For comparison, not budgeted: the sandbox answering at once, so the fresh 1.1 MB list is built
  // and parsed by this process (the sandbox's and main's) while it still serves the bundle.
  const instant = await benchTimeToKeys(ctx, [10, 10_000], options.runs, 0)
  const instantSmall = instant.get(10) ?? []
  const instantFlat = (instant.get(10_000) ?? []).map((s, i) => s.rowPaintedAt - (instantSmall[i]?.rowPaintedAt ?? Number.NaN)).filter(Number.isFinite)
  figures.add(
    'ttk.flat.instant',
    'Time to keys, 10,000 minus 10 keys, API answering at once (no latency)',
    'ms',
    instantFlat,
    false,
    undefined,
    `Not budgeted: with a loopback API that answers in about a millisecond, the fresh 10,000-key list comes back during the bundle's load, and building it (the sandbox) and parsing it (main) run in the same Node process that serves the bundle. Time to keys at 10,000 keys: median ${summarise((instant.get(10_000) ?? []).map((s) => s.rowPaintedAt)).median.toFixed(1)} ms.`
  )
  figures.notes.push(
    `Time to keys: with ${ROUND_TRIP_MS} ms latency on every request to the sandbox, as on a real network (the fresh list arrives after the cached list is painted; the table must hold every key once it has); a fresh tab per load; navigation start to the end of the first frame painted after the first table row entered the DOM (requestAnimationFrame, then a MessageChannel message: it runs right after that frame is painted). First contentful paint from the Paint Timing API. The preview carries the window's calls over HTTP on 127.0.0.1 where Electron uses IPC, and serves the bundle over HTTP with no-store where Electron reads it from disk through app:// with V8's code cache: a cold start, pessimistic for the app.`
  )

  const listRuns = Math.max(3, Math.ceil(options.runs * 0.7))
  log(`filter latency and memory: 10,000 keys × ${listRuns} runs × ${FILTER_KEYSTROKES.length} keystrokes; memory with 10 keys`)
  const big = await benchListPage(ctx, 10_000, listRuns, true)
  const tiny = await benchListPage(ctx, 10, 3, false)
  const keystrokes = big.flatMap((s) => s.keystrokes)
  const latency = summarise(keystrokes.map((k) => k.latency))
  const commits = keystrokes.map((k) => k.toCommit).filter((v): v is number => v !== null)
  figures.add(
    'filter.10000',
    'Filter: keystroke to list painted, 10,000 keys',
    'ms',
    keystrokes.map((k) => k.latency),
    false,
    'filter.10000',
    `${keystrokes.length} keystrokes (${listRuns} runs of "${FILTER_KEYSTROKES.map((k) => (k === 'Backspace' ? '⌫' : k)).join('')}"), 95th percentile ${latency.p95.toFixed(1)} ms; keydown to the list's DOM updated (script and React only) median ${commits.length ? summarise(commits).median.toFixed(1) : 'n/a'} ms. From the keydown's event.timeStamp to the end of the first frame painted after the list changed (or the next frame, when the keystroke leaves the same rows), so it includes the wait for the next frame.`
  )
  const heap10k = big.map((s) => s.heapBytes / MB)
  const heap10 = tiny.map((s) => s.heapBytes / MB)
  figures.add('memory.10000', 'Renderer JS heap after GC, 10,000 keys', 'MB', heap10k, false, 'memory.10000')
  figures.add('memory.10', 'Renderer JS heap after GC, 10 keys', 'MB', heap10, false)
  figures.notes.push(
    `Memory: Chromium's JSHeapUsedSize (CDP Performance.getMetrics) after two HeapProfiler.collectGarbage, once the list was refreshed from the sandbox; MB = 1,000,000 bytes. 10,000 keys cost ${(
      ((summarise(heap10k).median - summarise(heap10).median) * MB) /
      9_990
    ).toFixed(0)} bytes of heap per key.`
  )
  return { loads: Object.fromEntries(loads), listPage10000: big, listPage10: tiny }
}

/** Issue 14's latency figures: the window's actions and "Refresh all", 10 and 10,000 keys. */
async function benchLatency(figures: Figures, ctx: BrowserBenchContext, hosts: SandboxServer[], options: Options): Promise<Record<string, unknown>> {
  const runs = Math.max(3, Math.ceil(options.runs * 0.6))
  const details: Record<string, unknown> = {}
  const worst = { create: 0, delete: 0, startup: 0, signIn: 0 }
  const signInRequests: number[] = []
  for (const keys of [10, 10_000] as const) {
    log(`latency (${ROUND_TRIP_MS} ms a request) in the window, ${keys.toLocaleString('en-US')} keys × ${runs} runs`)
    const transfer = median(await benchListTransfer(ctx.sandbox, keys, options.runs))
    const win = await benchWindowLatency(ctx, keys, runs, ROUND_TRIP_MS)
    const n = keys.toLocaleString('en-US')
    const rts = (samples: LatencySample[]) =>
      `round trips ${[...new Set(samples.map((x) => x.roundTrips))].join('/')}; requests: ${[...new Set(samples.map((x) => x.requests.map(requestKind).join(' + ') || 'none'))].join(' | ')}`
    const listBudget = (id: BudgetId): number => Math.round((BUDGETS[id].value + transfer) * 10) / 10
    figures.add(`latency.create.${keys}`, `Latency: Create click → token visible, ${n} keys`, 'ms', win.create.map((x) => x.ms), false, `latency.create.${keys}`, rts(win.create))
    figures.add(`latency.delete.${keys}`, `Latency: confirm Delete → row gone, ${n} keys`, 'ms', win.delete.map((x) => x.ms), false, `latency.delete.${keys}`, rts(win.delete))
    figures.add(
      `latency.startup.${keys}`,
      `Latency: start-up with a stored credential → fresh list painted, ${n} keys`,
      'ms',
      win.startup.map((x) => x.ms),
      false,
      `latency.startup.${keys}`,
      `${rts(win.startup)}. Budget 1 round trip + the list's transfer and parse (${transfer.toFixed(1)} ms measured) + 100 ms.`,
      listBudget(`latency.startup.${keys}`)
    )
    figures.add(
      `latency.signin.${keys}`,
      `Latency: Sign in click → list painted, ${n} keys`,
      'ms',
      win.signIn.map((x) => x.ms),
      false,
      `latency.signin.${keys}`,
      `${rts(win.signIn)}. Budget 1 round trip + the list's transfer and parse (${transfer.toFixed(1)} ms measured) + 100 ms.`,
      listBudget(`latency.signin.${keys}`)
    )
    for (const action of ['create', 'delete', 'startup', 'signIn'] as const) worst[action] = Math.max(worst[action], ...win[action].map((x) => x.roundTrips))
    signInRequests.push(...win.signIn.map((x) => x.requests.length))

    log(`"Refresh all" over 10 accounts of ${n} keys on ${hosts.length} hosts × ${runs} runs`)
    const all = await benchRefreshAll(hosts, 10, keys, ROUND_TRIP_MS, runs)
    const one = median(all.map((x) => x.oneList.ms))
    const note = `Wall time median ${median(all.map((x) => x.all.ms)).toFixed(1)} ms against one list at the same latency, ${one.toFixed(1)} ms; round trips ${[...new Set(all.map((x) => x.all.roundTrips))].join('/')}; requests per run: ${countOf(all[0]?.all.requests ?? [])}.`
    if (keys === 10) {
      figures.add('refreshall.ratio.10', 'Latency: "Refresh all", 10 accounts × 10 keys, wall time ÷ one list', 'x', all.map((x) => x.all.ms / x.oneList.ms), false, 'refreshall.ratio.10', note)
    } else {
      const budget = Math.round((BUDGETS['refreshall.10000'].value + 10 * transfer) * 10) / 10
      figures.add('refreshall.10000', 'Latency: "Refresh all" → every account fresh, 10 accounts × 10,000 keys', 'ms', all.map((x) => x.all.ms), false, 'refreshall.10000', `${note} Budget 1 round trip + 10 × one list's transfer and parse (${transfer.toFixed(1)} ms) + 100 ms.`, budget)
    }
    figures.add(
      `refreshall.inflight.${keys}`,
      `Latency: "Refresh all", most requests in flight on one host, 10 accounts × ${n} keys`,
      'requests',
      [Math.max(...all.map((x) => x.maxInFlightPerHost))],
      false,
      'refreshall.inflight',
      'On a restarted app each account verifies its credential alongside its list: two requests per account in flight.'
    )
    figures.add(`refreshall.rt.${keys}`, `Latency: "Refresh all" round trips (worst), 10 accounts × ${n} keys`, 'round trips', [Math.max(...all.map((x) => x.all.roundTrips))], false, 'roundtrips.refreshall')
    details[`window${keys}`] = win
    details[`refreshAll${keys}`] = all
    details[`transfer${keys}`] = transfer
  }
  figures.add('latency.rt.create', 'Latency: Create → token, round trips in the window (worst of both sizes)', 'round trips', [worst.create], false, 'latency.rt.create')
  figures.add('latency.rt.delete', 'Latency: Delete → row gone, round trips in the window (worst)', 'round trips', [worst.delete], false, 'latency.rt.delete')
  figures.add('latency.rt.startup', 'Latency: start-up → fresh list, round trips in the window (worst)', 'round trips', [worst.startup], false, 'latency.rt.startup')
  figures.add('latency.rt.signin', 'Latency: sign-in → list, round trips in the window (worst)', 'round trips', [worst.signIn], false, 'latency.rt.signin')
  figures.add('requests.signin.window', 'Requests: sign-in from the window, everything it sent (most of all runs)', 'requests', [Math.max(...signInRequests)], false, 'requests.signin.window')
  figures.notes.push(
    `Latency: every request to the sandbox waits ${ROUND_TRIP_MS} ms before it is handled (one round trip, both directions). In the window, from the click event's timeStamp (start-up: from the window's first call to main, app:get-initial-state) to the end of the first frame painted with the result (the token in the copy-once dialog, the row gone, a key the cache did not have in the top row, the first row). Round trips: sequential waits between those two moments on the sandbox's log (page times turned into epoch ms with performance.timeOrigin). "Refresh all" runs through the handler accounts:refresh-all on a restarted app (each account verifies alongside its list), against sandboxes in this process: their own work (building 10 answers of ~1.1 MB at 10,000 keys) competes for the same 2 cores.`
  )
  return details
}

async function benchWork(figures: Figures, sandbox: SandboxServer, options: Options): Promise<Record<string, unknown>> {
  log('work in main: a 10,000-key answer, CSV export, the hygiene index')
  const list = await benchListCost(sandbox, 10_000, options.runs + 6)
  figures.add('main.list.parse.10000', 'Main: JSON.parse + validate a 10,000-key answer', 'ms', list.map((x) => x.parseValidateMs), false, 'main.list.parse.10000', `${((list[0]?.bytes ?? 0) / KB).toFixed(0)} KB of JSON, the sandbox's own answer.`)
  figures.add('main.list.send.10000', 'Main: parse + validate + structured clone for the window, 10,000 keys', 'ms', list.map((x) => x.withSendMs), false, 'main.list.send.10000', "Structured clone = v8.serialize + v8.deserialize of the handler's view, as Electron's IPC carries a handler's answer.")
  const csv = await benchCsvExport(sandbox, 10_000, options.runs)
  figures.add('export.csv.10000', 'Export: CSV of 10,000 keys (handler export:keys)', 'ms', csv, false, 'export.csv.10000')
  const hygiene = await benchHygieneIndex(sandbox, 10_000, options.runs + 6)
  figures.add(
    'quickfilter.index.10000',
    'Quick filter at 10,000 keys in Node: indexKeyHygiene + one select()',
    'ms',
    hygiene.map((x) => x.indexMs + x.selectMs),
    false,
    'quickfilter.index.10000',
    `Index alone median ${median(hygiene.map((x) => x.indexMs)).toFixed(2)} ms (once per list), one select() median ${median(hygiene.map((x) => x.selectMs)).toFixed(2)} ms (per change).`
  )
  return { list, csv, hygiene }
}

async function benchBatches(figures: Figures, sandbox: SandboxServer, options: Options): Promise<Record<string, unknown>> {
  const runs = Math.max(3, Math.ceil(options.runs * 0.6))
  log(`bulk delete of 100 keys at 50 ms latency × ${runs}`)
  const bulk = await benchBulkDelete(sandbox, runs)
  figures.add('bulkdelete.100', 'Bulk delete of 100 keys, 50 ms latency per request (keys:bulk-delete)', 'ms', bulk.map((x) => x.ms), false, 'bulkdelete.100', `${bulk.map((x) => x.deleted).join('/')} deleted per run; 429s: ${bulk.reduce((n, x) => n + x.rateLimited, 0)}.`)
  figures.add('bulkdelete.100.deletes', 'Bulk delete of 100 keys: DELETE requests (most of all runs)', 'requests', [Math.max(...bulk.map((x) => x.deletes))], false, 'bulkdelete.100.deletes', `Fewest: ${Math.min(...bulk.map((x) => x.deletes))}.`)
  log('pacing: 20 requests per 2 s (bulk delete of 100, a click during it, "Refresh all" ×3)')
  const pacing = await benchPacing()
  const { bulk: paced } = pacing
  figures.add(
    'pacing.bulk.ratio',
    `Pacing: bulk delete of 100 at ${pacing.limit} per ${pacing.windowMs / 1000} s, wall ÷ fastest the limit allows`,
    'x',
    [paced.ms / pacing.fastestMs],
    false,
    'pacing.bulk.ratio',
    `${(paced.ms / 1000).toFixed(2)} s for ${paced.requests - pacing.click.requests} batch requests (${paced.deleted} deleted); fastest with the reserve of ${pacing.reserve} kept for clicks ${(pacing.fastestMs / 1000).toFixed(2)} s; with every request of each window spent on the batch ${(pacing.floorMs / 1000).toFixed(2)} s (${(paced.ms / pacing.floorMs).toFixed(2)}×). ${pacing.latencyMs} ms latency per request.`
  )
  figures.add('pacing.bulk.429', 'Pacing: 429 answers during that bulk delete', 'count', [paced.rateLimited], false, 'pacing.bulk.429')
  figures.add('pacing.click.rt', 'Pacing: a click during the batch, round trips', 'round trips', [pacing.click.roundTrips], false, 'pacing.click.rt', `Answered in ${pacing.click.ms.toFixed(1)} ms at ${pacing.latencyMs} ms latency (${pacing.click.requests} request).`)
  const ra = pacing.refreshAll
  figures.add('pacing.refreshall.429', `Pacing: "Refresh all" ×${ra.rounds} over ${ra.accounts} accounts at ${ra.limit} per 2 s per user, 429 answers`, 'count', [ra.rateLimited], false, 'pacing.refreshall.429', `${ra.lists} list requests in ${(ra.ms / 1000).toFixed(2)} s.`)
  return { bulk, pacing }
}

async function benchAccounts(figures: Figures, ctx: BrowserBenchContext, options: Options): Promise<Record<string, unknown>> {
  log('accounts in the window: switch (2 × 10,000 keys), heap (10 × 1,000 keys), quick filter (10,000 keys)')
  const switches = await benchAccountSwitch(ctx, 10_000, Math.max(10, options.runs * 2))
  figures.add('switch.10000', 'Switch between two accounts of 10,000 cached keys: click → list painted', 'ms', switches, false, 'switch.10000', `95th percentile ${summarise(switches).p95.toFixed(1)} ms.`)
  const heap = await benchAccountsHeap(ctx, 10, 1_000, 3)
  figures.add('memory.10x1000', 'Renderer JS heap after GC, 10 accounts × 1,000 keys (each shown once)', 'MB', heap.map((b) => b / MB), false, 'memory.10x1000')
  const quick = await benchQuickFilter(ctx, 10_000, Math.max(3, Math.ceil(options.runs / 3)))
  if (quick === null) {
    figures.notMeasured(
      'quickfilter.10000',
      'Quick filter click → list painted, 10,000 keys (browser)',
      'ms',
      'quickfilter.10000',
      'this build has no radiogroup "Quick filters" (issue 10\'s UI is not on this branch yet); the service-level figure above measures the work under it. It is measured, with its budget, as soon as the markup exists.'
    )
  } else {
    figures.add('quickfilter.10000', 'Quick filter click → list painted, 10,000 keys (browser)', 'ms', quick, false, 'quickfilter.10000', `${quick.length} changes; 95th percentile ${summarise(quick).p95.toFixed(1)} ms.`)
  }
  return { switches, heap, quick }
}

async function benchCli(figures: Figures, options: Options): Promise<Record<string, unknown>> {
  log('command line: --help and keys list --json (10,000 keys), whole processes')
  const cli = await measureCliStartup({ runs: options.runs })
  const [help, list] = cli
  if (!help || !list) throw new Error('command line: expected two figures')
  if (help.budgetMs !== CLI_BUDGETS.helpMs || list.budgetMs !== CLI_BUDGETS.list10kMs || BUDGETS['cli.help'].value !== CLI_BUDGETS.helpMs || BUDGETS['cli.list.10000'].value !== CLI_BUDGETS.list10kMs) {
    throw new Error('command line: the budgets of test/cli/bench/cli-startup.ts and test/bench/budgets.ts differ')
  }
  figures.add('cli.help', help.label, 'ms', help.samplesMs, false, 'cli.help')
  figures.add('cli.list.10000', list.label, 'ms', list.samplesMs, false, 'cli.list.10000', 'The sandbox serving the list runs on the same machine and is part of the figure.')
  return { cli }
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2))
  const started = Date.now()
  const machine: MachineInfo = machineInfo(REPO_ROOT)
  const figures = new Figures()
  const details: Record<string, unknown> = {}

  details['bundle'] = await benchBundle(figures)
  const sandbox = await startSandbox({ seedDemo: false })
  // Two more hosts for "Refresh all" over accounts spread over hosts.
  const hosts = [sandbox, await startSandbox({ seedDemo: false }), await startSandbox({ seedDemo: false })]
  let browser: E2eBrowser | undefined
  try {
    details['main'] = await benchMain(figures, sandbox, options)
    browser = await launchBrowser()
    const ctx: BrowserBenchContext = { sandbox, browser, rendererDir: RENDERER_DIR }
    const probe = await browser.context.newPage()
    const cdp = await browser.context.newCDPSession(probe)
    machine.chromium = /\/([\d.]+)/.exec((await cdp.send('Browser.getVersion')).product)?.[1] ?? null
    await cdp.detach()
    await probe.close()
    details['roundTrips'] = await benchRoundTrips(figures, sandbox, hosts, ctx)
    log('rows in the DOM with 10,000 keys')
    const dom = await benchDomRows(ctx, 10_000)
    figures.add('dom.rows.10000', `Table rows in the DOM, ${dom.total.toLocaleString('en-US')} keys`, 'count', [dom.rows], true, 'dom.rows.10000')
    details['domRows'] = dom
    if (!options.quick) {
      details['timings'] = await benchTimings(figures, ctx, options)
      details['latency'] = await benchLatency(figures, ctx, hosts, options)
      details['accounts'] = await benchAccounts(figures, ctx, options)
      details['work'] = await benchWork(figures, sandbox, options)
      details['batches'] = await benchBatches(figures, sandbox, options)
      details['cli'] = await benchCli(figures, options)
    }
  } finally {
    await browser?.close()
    for (const host of hosts) await host.close()
  }

  machine.loadAtEnd = Math.round((loadavg()[0] ?? 0) * 100) / 100
  const report: Report = {
    mode: options.quick ? 'quick' : 'full',
    runs: options.runs,
    date: new Date().toISOString(),
    seconds: Math.round((Date.now() - started) / 1000),
    machine,
    figures: figures.list,
    notes: figures.notes
  }
  const { markdown, failures } = renderMarkdown(report)
  process.stdout.write(`\n${markdown}\n`)
  await mkdir(RESULTS_DIR, { recursive: true })
  const base = options.quick ? 'bench-quick' : 'bench'
  await writeFile(join(RESULTS_DIR, `${base}.md`), markdown)
  await writeFile(join(RESULTS_DIR, `${base}.json`), `${JSON.stringify({ ...report, budgets: BUDGETS, details }, null, 2)}\n`)
  process.stderr.write(`Written: bench-results/${base}.md and bench-results/${base}.json\n`)
  if (failures.length > 0) {
    process.stderr.write(`\n${failures.length} figure(s) over budget: ${failures.join('; ')}\n`)
    return 1
  }
  return 0
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`\nThe benchmark could not run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
    process.exit(2)
  }
)
