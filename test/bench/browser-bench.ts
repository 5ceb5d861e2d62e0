/**
 * Benchmarks in headless Chromium through the browser preview (src/preview): the built renderer
 * from out/renderer, wired to the real main-process handlers running in this Node process. The
 * preview's bridge carries each call over HTTP on 127.0.0.1 where Electron sends an IPC message,
 * and the bundle is served with no-store where Electron reads it from disk with V8's code cache:
 * the figures are a cold start, if anything pessimistic for the desktop app.
 *
 * In-page timestamps come from test/bench/page/probe.js, injected before the app's scripts.
 * Page-side code is passed to `evaluate` as strings: it runs as written, untouched by the
 * TypeScript loader.
 */
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { startPreviewServer, type PreviewServer } from '../../src/preview/server/preview-server'
import type { SandboxServer } from '../../src/sandbox/index'
import type { E2eBrowser } from '../e2e/support/browser'
import { mainScreen, waitUntil } from '../e2e/support/ui'
import { prepareSignedInUserData, type PreparedUserData } from './lib/fixtures'
import { injectLatency } from './lib/latency'

/**
 * What probe.js keeps in the page. Functions handed to Playwright must not declare named inner
 * functions: the TypeScript loader would wrap them in a helper that does not exist in the page.
 */
interface BenchWindow {
  __bench: {
    rowPaintedAt: number | null
    keystrokes: Array<{ idlePaintAt: number | null; mutatedAt: number | null; paintedAt: number | null }>
  }
}

export const PROBE_SCRIPT = join(__dirname, 'page', 'probe.js')

export interface BrowserBenchContext {
  sandbox: SandboxServer
  browser: E2eBrowser
  rendererDir: string
}

export interface OpenPreview {
  preview: PreviewServer
  prepared: PreparedUserData
  close(): Promise<void>
}

/** A preview server on a user-data folder that is signed in with `keys` cached keys. */
export async function openPreviewWithKeys(ctx: BrowserBenchContext, keys: number): Promise<OpenPreview> {
  const prepared = await prepareSignedInUserData(ctx.sandbox, keys)
  const preview = await startPreviewServer({
    userDataDir: prepared.userDataDir,
    rendererDir: ctx.rendererDir,
    vault: prepared.vault,
    recordTraffic: false
  })
  return {
    preview,
    prepared,
    async close() {
      await preview.close()
      await prepared.cleanup()
    }
  }
}

export interface LoadSample {
  /** ms since navigation start: the first data row of the table painted. */
  rowPaintedAt: number
  rowInsertedAt: number
  /** The app's first React commit (its "Starting…" screen, or the list itself). */
  appFirstCommitAt: number | null
  /** The renderer asked main for `app:get-initial-state`. */
  initialStateRequestedAt: number | null
  firstPaint: number | null
  firstContentfulPaint: number | null
  /** The app's script (and stylesheet) fully received. */
  assetsLoadedAt: number | null
  /** The answer of `app:get-initial-state` (cached list included) fully received. */
  initialStateAt: number | null
  initialStateBytes: number | null
  domContentLoaded: number
  rows: number
}

const READ_LOAD = `(() => {
  const bench = window.__bench
  const paint = (name) => { const e = performance.getEntriesByName(name, 'paint')[0]; return e ? e.startTime : null }
  const resources = performance.getEntriesByType('resource')
  const assets = resources.filter((r) => /\\/assets\\/[^/]+\\.(js|css)$/.test(r.name))
  const initial = resources.find((r) => r.name.includes('app%3Aget-initial-state') || r.name.includes('app:get-initial-state'))
  const nav = performance.getEntriesByType('navigation')[0]
  const table = document.querySelector('[role="table"][aria-label="API keys"]')
  return {
    rowPaintedAt: bench.rowPaintedAt,
    rowInsertedAt: bench.rowInsertedAt,
    appFirstCommitAt: bench.appFirstCommitAt,
    initialStateRequestedAt: initial ? initial.startTime : null,
    firstPaint: paint('first-paint'),
    firstContentfulPaint: paint('first-contentful-paint'),
    assetsLoadedAt: assets.length ? Math.max(...assets.map((r) => r.responseEnd)) : null,
    initialStateAt: initial ? initial.responseEnd : null,
    initialStateBytes: initial ? initial.decodedBodySize : null,
    domContentLoaded: nav ? nav.domContentLoadedEventEnd : 0,
    rows: table ? Number(table.getAttribute('aria-rowcount')) - 1 : -1
  }
})()`

/** Data rows the key table says it has (aria-rowcount less the header row). */
const READ_ROWS = `(() => { const t = document.querySelector('[role="table"][aria-label="API keys"]'); return t ? Number(t.getAttribute('aria-rowcount')) - 1 : -1 })()`

/** Requests the sandbox answered for the list endpoint so far (to see the background refresh end). */
const listCalls = (sandbox: SandboxServer): number =>
  sandbox.requests.filter((r) => r.method === 'GET' && r.path === '/user/api-keys' && r.status !== null).length

/**
 * Opens the app in a fresh tab and waits for the key list to be painted, then for the app's
 * background refresh (restore + list) to finish so nothing is in flight when the tab closes.
 */
export async function loadApp(ctx: BrowserBenchContext, open: OpenPreview): Promise<{ page: Page; sample: LoadSample }> {
  const page = await ctx.browser.context.newPage()
  await page.addInitScript({ path: PROBE_SCRIPT })
  const listsBefore = listCalls(ctx.sandbox)
  await page.goto(open.preview.url, { waitUntil: 'load' })
  await page.waitForFunction(() => (window as unknown as BenchWindow).__bench.rowPaintedAt !== null, undefined, { timeout: 15_000 })
  // Paint Timing entries are reported once the frame is presented, which can be after the probe's
  // "painted" mark when the first contentful paint is the list's own frame: wait for it.
  await page
    .waitForFunction(() => performance.getEntriesByName('first-contentful-paint', 'paint').length > 0, undefined, { timeout: 2_000 })
    .catch(() => undefined)
  const sample = await page.evaluate<LoadSample>(READ_LOAD)
  await waitForRefreshDone(ctx, page, listsBefore)
  return { page, sample }
}

export async function waitForRefreshDone(ctx: BrowserBenchContext, page: Page, listsBefore: number): Promise<void> {
  await waitUntil(() => Promise.resolve(listCalls(ctx.sandbox)), (n) => n > listsBefore, 'the background list refresh', 15_000)
  await waitUntil(() => mainScreen(page).refresh.isEnabled(), Boolean, 'the Refresh button to be enabled again', 15_000)
}

/**
 * Time to keys on screen for each list size: one preview per size, one warm-up load each, then
 * `runs` rounds that load every size once in turn, so noise from the rest of the machine falls on
 * all sizes alike (and run i of one size can be compared with run i of another).
 */
export async function benchTimeToKeys(ctx: BrowserBenchContext, sizes: readonly number[], runs: number, latencyMs: number): Promise<Map<number, LoadSample[]>> {
  const opened: Array<{ keys: number; open: OpenPreview }> = []
  let removeLatency = (): void => {}
  try {
    for (const keys of sizes) opened.push({ keys, open: await openPreviewWithKeys(ctx, keys) })
    // The API as far away as on a real network (see BUDGETS.md): the fresh list lands after the
    // first paint, as it does for a person, instead of during the bundle's load.
    removeLatency = latencyMs > 0 ? injectLatency([ctx.sandbox], latencyMs) : removeLatency
    const samples = new Map<number, LoadSample[]>(sizes.map((keys) => [keys, []]))
    for (let run = 0; run <= runs; run++) {
      for (const { keys, open } of opened) {
        const { page, sample } = await loadApp(ctx, open)
        // Once the fresh list is in, the table holds every key (the first paint may hold only
        // the first screenful of the cache).
        const rows = await page.evaluate<number>(READ_ROWS)
        await page.close()
        if (rows !== keys) throw new Error(`time to keys: expected ${keys} rows, the table says ${rows}`)
        if (run > 0) samples.get(keys)?.push(sample)
      }
    }
    return samples
  } finally {
    removeLatency()
    for (const { open } of opened) await open.close()
  }
}

export interface KeystrokeSample {
  key: string
  /** keydown's event.timeStamp → first frame painted after the list changed. */
  latency: number
  /** keydown → the last change to the list (script + React work, before style/layout/paint). */
  toCommit: number | null
  commits: number
  rows: number | null
}

/**
 * Keystrokes typed into "Filter keys" over "Sign-in key" + "Seeded key 1".."Seeded key 9999":
 * "seeded key 42" letter by letter (10,000 → 9,999 rows, then 1,111 and 111), two backspaces
 * (back to 9,999: the filter is trimmed), "77" (1,111, 111), three backspaces (9,999).
 */
export const FILTER_KEYSTROKES = [...'seeded key 42', 'Backspace', 'Backspace', '7', '7', 'Backspace', 'Backspace', 'Backspace']

const READ_KEYSTROKES = `window.__bench.keystrokes.map((k) => ({
  key: k.key,
  latency: (k.paintedAt ?? k.idlePaintAt) - k.start,
  toCommit: k.lastMutatedAt === null ? null : k.lastMutatedAt - k.start,
  commits: k.commits,
  rows: k.rows
}))`

/** Filter latency on a page that shows the whole list. Each keystroke is let settle before the next. */
export async function benchFilter(page: Page, keystrokes: readonly string[] = FILTER_KEYSTROKES): Promise<KeystrokeSample[]> {
  const filter = mainScreen(page).filter
  await filter.click()
  await filter.fill('')
  await page.evaluate('window.__bench.keystrokes.length = 0')
  for (let i = 0; i < keystrokes.length; i++) {
    await page.keyboard.press(keystrokes[i] as string)
    await page.waitForFunction(
      (index) => {
        const k = (window as unknown as BenchWindow).__bench.keystrokes[index]
        return k !== undefined && k.idlePaintAt !== null && (k.mutatedAt === null || k.paintedAt !== null)
      },
      i,
      { timeout: 5_000 }
    )
    // Let any later commit of the same keystroke land, like a person's ~150 ms between keys.
    await page.waitForTimeout(120)
  }
  const samples = await page.evaluate<KeystrokeSample[]>(READ_KEYSTROKES)
  if (samples.length !== keystrokes.length) throw new Error(`filter: ${keystrokes.length} keys pressed, ${samples.length} seen`)
  await filter.fill('')
  return samples
}

/** JS heap in use after a full garbage collection, in bytes (Chromium's own count, via CDP). */
export async function jsHeapAfterGc(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page)
  try {
    await cdp.send('Performance.enable')
    await cdp.send('HeapProfiler.collectGarbage')
    await cdp.send('HeapProfiler.collectGarbage')
    const { metrics } = await cdp.send('Performance.getMetrics')
    const used = metrics.find((m) => m.name === 'JSHeapUsedSize')
    if (!used) throw new Error('Chromium reported no JSHeapUsedSize')
    return used.value
  } finally {
    await cdp.detach()
  }
}

export interface ListPageSample {
  heapBytes: number
  keystrokes: KeystrokeSample[]
}

/** On a fresh tab with `keys` keys (refreshed from the sandbox): the heap after GC, then the filter. */
export async function benchListPage(ctx: BrowserBenchContext, keys: number, runs: number, withFilter: boolean): Promise<ListPageSample[]> {
  const open = await openPreviewWithKeys(ctx, keys)
  try {
    const samples: ListPageSample[] = []
    for (let run = 0; run <= runs; run++) {
      const { page } = await loadApp(ctx, open)
      // Let the refreshed list's render and any idle work settle before reading the heap.
      await page.waitForTimeout(300)
      const heapBytes = await jsHeapAfterGc(page)
      const keystrokes = withFilter ? await benchFilter(page) : []
      await page.close()
      if (run > 0) samples.push({ heapBytes, keystrokes })
    }
    return samples
  } finally {
    await open.close()
  }
}

/** Data rows in the DOM with `keys` keys on screen (the list is virtualised: a screenful plus overscan). */
export async function benchDomRows(ctx: BrowserBenchContext, keys: number): Promise<{ rows: number; total: number }> {
  const open = await openPreviewWithKeys(ctx, keys)
  try {
    const { page, sample } = await loadApp(ctx, open)
    const rows = await page.evaluate<number>(
      `document.querySelectorAll('[role="table"][aria-label="API keys"] [role="row"]:not([aria-rowindex="1"])').length`
    )
    await page.close()
    return { rows, total: sample.rows }
  } finally {
    await open.close()
  }
}
