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

  add(id: string, label: string, unit: Unit, samples: number[], deterministic: boolean, budgetId?: BudgetId, note?: string): void {
    const figure: Figure = { id, label, unit, samples, deterministic }
    if (budgetId) {
      const { op, value } = BUDGETS[budgetId]
      figure.budget = { op, value }
    }
    if (note) figure.note = note
    this.list.push(figure)
  }
}

const requestList = (count: ActionCount): string => (count.requests.length === 0 ? 'none' : count.requests.join(', '))

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

async function benchRoundTrips(figures: Figures, sandbox: SandboxServer, ctx: BrowserBenchContext): Promise<Record<string, unknown>> {
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
  return { services, window: inWindow, connections }
}

async function benchTimings(figures: Figures, ctx: BrowserBenchContext, options: Options): Promise<Record<string, unknown>> {
  const sizes = [10, 1_000, 10_000]
  log(`time to keys on screen: ${sizes.join(', ')} keys × ${options.runs} runs (interleaved, after a warm-up)`)
  const loads = await benchTimeToKeys(ctx, sizes, options.runs)
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
  figures.notes.push(
    `Time to keys: a fresh tab per load; navigation start to the end of the first frame painted after the first table row entered the DOM (requestAnimationFrame, then a MessageChannel message: it runs right after that frame is painted). First contentful paint from the Paint Timing API. The preview carries the window's calls over HTTP on 127.0.0.1 where Electron uses IPC, and serves the bundle over HTTP with no-store where Electron reads it from disk through app:// with V8's code cache: a cold start, pessimistic for the app.`
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

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2))
  const started = Date.now()
  const machine: MachineInfo = machineInfo(REPO_ROOT)
  const figures = new Figures()
  const details: Record<string, unknown> = {}

  details['bundle'] = await benchBundle(figures)
  const sandbox = await startSandbox({ seedDemo: false })
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
    details['roundTrips'] = await benchRoundTrips(figures, sandbox, ctx)
    log('rows in the DOM with 10,000 keys')
    const dom = await benchDomRows(ctx, 10_000)
    figures.add('dom.rows.10000', `Table rows in the DOM, ${dom.total.toLocaleString('en-US')} keys`, 'count', [dom.rows], true, 'dom.rows.10000')
    details['domRows'] = dom
    if (!options.quick) details['timings'] = await benchTimings(figures, ctx, options)
  } finally {
    await browser?.close()
    await sandbox.close()
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
