/**
 * What a person waits for on a real network, in the real window: the built renderer in headless
 * Chromium on the browser preview (real services), against the sandbox with injected latency
 * (150 ms per request by default: one round trip). For each action, the time from the click (the
 * click event's timeStamp) to the end of the first frame painted with its result, and the round
 * trips in between (sequential waits, from the sandbox's request log over the same span; page
 * times are turned into epoch ms with performance.timeOrigin, same machine, same clock).
 *
 * - Create: "Create key" in the New key dialog → the token in the copy-once dialog.
 * - Delete: "Delete key" in the confirmation → the row gone from the table.
 * - Start-up with a stored credential: the window asks for its initial state (its first call to
 *   main) → the fresh list painted (a key added on the server after the cache was written is in
 *   the top row). The bundle's own load is in the time-to-keys figures.
 * - Sign-in: "Sign in" on the first-run screen → the first row of the list painted.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { startPreviewServer } from '../../src/preview/server/preview-server'
import { MemorySecretStore } from '../support/memory-secret-store'
import { copyOnceDialog, deleteDialog, mainScreen, newKeyDialog, signInScreen } from '../e2e/support/ui'
import { waitForRefreshDone, type BrowserBenchContext } from './browser-bench'
import { newAccount, prepareSignedInUserData } from './lib/fixtures'
import { injectLatency, roundTrips, settleSandboxes } from './lib/latency'

const TABLE = '[role="table"][aria-label="API keys"]'

/** A check run in the page on every DOM change (plain JS: it runs as written). */
const PREDICATES = {
  token: `(() => { const f = document.querySelector('.token-field'); return !!f && typeof f.value === 'string' && f.value.length > 0 })()`,
  rowGone: (name: string) => `!document.querySelector(${JSON.stringify(`${TABLE} [aria-label=${JSON.stringify(`Delete ${name}`)}]`)})`,
  row: (name: string) => `!!document.querySelector(${JSON.stringify(`${TABLE} [aria-label=${JSON.stringify(`Delete ${name}`)}]`)})`,
  firstRow: `!!document.querySelector(${JSON.stringify(`${TABLE} [role="row"][aria-rowindex="2"]`)})`
}

/**
 * Arms `window.__lat` in the page: the next click's event.timeStamp, and the end of the first
 * frame painted after `predicate` became true (rAF, then a MessageChannel message).
 */
const armScript = (predicate: string): string => `(() => {
  const s = { clickAt: null, seenAt: null, paintedAt: null }
  Object.defineProperty(window, '__lat', { value: s, configurable: true })
  addEventListener('click', (e) => { if (s.clickAt === null) s.clickAt = e.timeStamp }, true)
  const check = () => {
    if (s.seenAt !== null || !(${predicate})) return
    s.seenAt = performance.now()
    observer.disconnect()
    requestAnimationFrame(() => { const c = new MessageChannel(); c.port1.onmessage = () => { s.paintedAt = performance.now() }; c.port2.postMessage(null) })
  }
  const observer = new MutationObserver(check)
  observer.observe(document, { childList: true, subtree: true, characterData: true, attributes: true })
  check()
})()`

interface LatMark {
  /** Page ms of the start (click, or the initial-state request). */
  startAt: number
  paintedAt: number
  timeOrigin: number
}

async function readMark(page: Page, startFrom: 'click' | 'initial-state'): Promise<LatMark> {
  await page.waitForFunction(() => {
    const s = (window as unknown as { __lat?: { paintedAt: number | null } }).__lat
    return s !== undefined && s.paintedAt !== null
  }, undefined, { timeout: 20_000 })
  return page.evaluate<LatMark>(`(() => {
    const s = window.__lat
    let startAt = s.clickAt
    if (${JSON.stringify(startFrom)} === 'initial-state') {
      const r = performance.getEntriesByType('resource').find((e) => e.name.includes('app%3Aget-initial-state') || e.name.includes('app:get-initial-state'))
      startAt = r ? r.startTime : null
    }
    return { startAt, paintedAt: s.paintedAt, timeOrigin: performance.timeOrigin }
  })()`)
}

const settle = (ctx: BrowserBenchContext): Promise<void> => settleSandboxes([ctx.sandbox], 400)

export interface LatencySample {
  ms: number
  roundTrips: number
  requests: string[]
}

function sampleOf(ctx: BrowserBenchContext, mark: LatMark, latencyMs: number): LatencySample {
  if (mark.startAt === null) throw new Error('latency: the start of the action was not seen')
  const from = mark.timeOrigin + mark.startAt
  const to = mark.timeOrigin + mark.paintedAt
  const records = ctx.sandbox.requests.filter((r) => r.at >= from && r.at <= to)
  return { ms: mark.paintedAt - mark.startAt, roundTrips: roundTrips(records, from, to, latencyMs), requests: records.map((r) => `${r.method} ${r.path}`) }
}

export interface WindowLatency {
  keys: number
  startup: LatencySample[]
  create: LatencySample[]
  delete: LatencySample[]
  signIn: LatencySample[]
}

/** Each action `runs` times (after one warm-up) with `keys` keys, at `latencyMs` per request. */
export async function benchWindowLatency(ctx: BrowserBenchContext, keys: number, runs: number, latencyMs: number): Promise<WindowLatency> {
  const result: WindowLatency = { keys, startup: [], create: [], delete: [], signIn: [] }
  const prepared = await prepareSignedInUserData(ctx.sandbox, keys)
  try {
    for (let run = 0; run <= runs; run++) {
      const keep = run > 0
      // A key the cache does not have: newest, so the top row once the fresh list is painted.
      const marker = `Fresh on server ${run}`
      ctx.sandbox.seedKey(prepared.account.token, { name: marker, createdAt: Date.now() + 1000 })
      // A start-up: main's services start afresh on the folder and keychain the last run left.
      const preview = await startPreviewServer({ userDataDir: prepared.userDataDir, rendererDir: ctx.rendererDir, vault: prepared.vault, recordTraffic: false })
      const open = { preview, prepared, close: () => preview.close() }
      const page = await ctx.browser.context.newPage()
      const remove = injectLatency([ctx.sandbox], latencyMs)
      try {
        await page.addInitScript({ content: armScript(PREDICATES.row(marker)) })
        const listsBefore = ctx.sandbox.requests.filter((r) => r.method === 'GET' && r.path === '/user/api-keys' && r.status !== null).length
        await page.goto(open.preview.url, { waitUntil: 'load' })
        const startup = sampleOf(ctx, await readMark(page, 'initial-state'), latencyMs)
        await waitForRefreshDone(ctx, page, listsBefore)
        if (keep) result.startup.push(startup)

        const screen = mainScreen(page)
        const name = `Bench latency key ${run}`
        await screen.newKey.click()
        const dialog = newKeyDialog(page)
        await dialog.name.fill(name)
        await page.evaluate(armScript(PREDICATES.token))
        await dialog.create.click()
        const create = sampleOf(ctx, await readMark(page, 'click'), latencyMs)
        if (keep) result.create.push(create)
        const copy = copyOnceDialog(page)
        await screen.row(name).waitFor({ state: 'attached', timeout: 15_000 })
        await copy.saved.check()
        await copy.done.click()
        await copy.dialog.waitFor({ state: 'hidden' })
        // The list that confirms the new key (in the background) must be over before the delete.
        await settle(ctx)

        await screen.deleteButton(name).click()
        const confirm = deleteDialog(page)
        await page.evaluate(armScript(PREDICATES.rowGone(name)))
        await confirm.confirmDelete.click()
        const removed = sampleOf(ctx, await readMark(page, 'click'), latencyMs)
        if (keep) result.delete.push(removed)
        await confirm.dialog.waitFor({ state: 'hidden', timeout: 15_000 })
      } finally {
        remove()
        await page.close()
        await preview.close()
      }

      const signIn = await signInOnce(ctx, keys, latencyMs)
      if (keep) result.signIn.push(signIn)
    }
    return result
  } finally {
    await prepared.cleanup()
  }
}

/** A first start (empty folder and keychain), then "Sign in" with an account of `keys` keys. */
async function signInOnce(ctx: BrowserBenchContext, keys: number, latencyMs: number): Promise<LatencySample> {
  const dir = await mkdtemp(join(tmpdir(), 'autocalls-bench-userdata-'))
  const preview = await startPreviewServer({ userDataDir: dir, rendererDir: ctx.rendererDir, vault: new MemorySecretStore(), recordTraffic: false })
  const page = await ctx.browser.context.newPage()
  try {
    const account = newAccount(ctx.sandbox, keys)
    await page.goto(preview.url, { waitUntil: 'load' })
    const form = signInScreen(page)
    await form.heading.waitFor({ timeout: 15_000 })
    await form.apiKey.fill(account.token)
    if (!(await form.baseUrl.isVisible())) await form.advanced.click()
    await form.baseUrl.fill(ctx.sandbox.baseUrl)
    const remove = injectLatency([ctx.sandbox], latencyMs)
    try {
      await page.evaluate(armScript(PREDICATES.firstRow))
      const from = ctx.sandbox.requests.length
      await form.signIn.click()
      const sample = sampleOf(ctx, await readMark(page, 'click'), latencyMs)
      await settle(ctx)
      // Every request the sign-in sent, also those after the list was painted.
      const all = ctx.sandbox.requests.slice(from).map((r) => `${r.method} ${r.path}`)
      return { ...sample, requests: all }
    } finally {
      remove()
    }
  } finally {
    await page.close()
    await preview.close()
    await rm(dir, { recursive: true, force: true })
  }
}
