/**
 * Browser figures of the accounts and hygiene issues, in headless Chromium on the browser preview:
 * - switching between two accounts of 10,000 cached keys each: click on the other account in the
 *   switcher → the first frame painted with its list (the main region names its email, rows in);
 * - the renderer's heap with 10 accounts × 1,000 keys, after visiting every account;
 * - a quick-filter change at 10,000 keys: click on a quick filter (`role="radio"` named like
 *   "Stale 12" in the radiogroup "Quick filters") → the list of that many rows painted. Only
 *   when the build has that markup; otherwise `null` (the bench then says it was not measured).
 */
import type { Page } from 'playwright-core'
import { startPreviewServer } from '../../src/preview/server/preview-server'
import { switcher, waitUntil } from '../e2e/support/ui'
import { jsHeapAfterGc, loadApp, openPreviewWithKeys, type BrowserBenchContext, type OpenPreview } from './browser-bench'
import { prepareAccountsUserData } from './lib/fixtures'
import { settleSandboxes } from './lib/latency'

const TABLE = '[role="table"][aria-label="API keys"]'

/** Arms `window.__ui`: the next click's timeStamp and the first frame painted after `predicate` holds. */
const arm = (predicate: string): string => `(() => {
  const s = { clickAt: null, paintedAt: null }
  Object.defineProperty(window, '__ui', { value: s, configurable: true })
  addEventListener('click', (e) => { if (s.clickAt === null) s.clickAt = e.timeStamp }, { capture: true, once: true })
  let seen = false
  const check = () => {
    if (seen || s.clickAt === null || !(${predicate})) return
    seen = true
    observer.disconnect()
    requestAnimationFrame(() => { const c = new MessageChannel(); c.port1.onmessage = () => { s.paintedAt = performance.now() }; c.port2.postMessage(null) })
  }
  const observer = new MutationObserver(check)
  observer.observe(document, { childList: true, subtree: true, characterData: true, attributes: true })
})()`

async function clickToPaint(page: Page, predicate: string, click: () => Promise<void>): Promise<number> {
  await page.evaluate(arm(predicate))
  await click()
  await page.waitForFunction(() => {
    const s = (window as unknown as { __ui?: { paintedAt: number | null } }).__ui
    return s !== undefined && s.paintedAt !== null
  }, undefined, { timeout: 10_000 })
  return page.evaluate<number>('window.__ui.paintedAt - window.__ui.clickAt')
}

async function openAccounts(ctx: BrowserBenchContext, count: number, keys: number): Promise<OpenPreview & { accounts: Array<{ email: string; name: string }> }> {
  const prepared = await prepareAccountsUserData([ctx.sandbox], count, keys)
  const preview = await startPreviewServer({ userDataDir: prepared.userDataDir, rendererDir: ctx.rendererDir, vault: prepared.vault, recordTraffic: false })
  return {
    preview,
    prepared: { ...prepared, account: prepared.accounts[0] as (typeof prepared.accounts)[number] },
    accounts: prepared.accounts.map((a, i) => ({ email: a.email, name: `Bench Person ${a.email.match(/-(\d+)@/)?.[1] ?? i}` })),
    async close() {
      await preview.close()
      await prepared.cleanup()
    }
  }
}

const shown = (email: string): string =>
  `!!document.querySelector(${JSON.stringify(`main[aria-label=${JSON.stringify(`API keys of ${email}`)}]`)}) && !!document.querySelector(${JSON.stringify(`${TABLE} [role="row"][aria-rowindex="2"]`)})`

/** `switches` switches back and forth between two accounts of `keys` keys (after one warm-up each way). */
export async function benchAccountSwitch(ctx: BrowserBenchContext, keys: number, switches: number): Promise<number[]> {
  const open = await openAccounts(ctx, 2, keys)
  try {
    const { page } = await loadApp(ctx, open)
    try {
      const samples: number[] = []
      for (let i = 0; i < switches + 2; i++) {
        const target = open.accounts[(i + 1) % 2] as { email: string; name: string }
        const ms = await clickToPaint(page, shown(target.email), () => switcher(page).account(target.name).click())
        // The background refresh of the account shown ends before the next switch.
        await settleSandboxes([ctx.sandbox], 100)
        if (i >= 2) samples.push(ms)
      }
      return samples
    } finally {
      await page.close()
    }
  } finally {
    await open.close()
  }
}

/** JS heap after GC with `count` accounts of `keys` keys, every account shown once. */
export async function benchAccountsHeap(ctx: BrowserBenchContext, count: number, keys: number, runs: number): Promise<number[]> {
  const open = await openAccounts(ctx, count, keys)
  try {
    const samples: number[] = []
    for (let run = 0; run <= runs; run++) {
      const { page } = await loadApp(ctx, open)
      try {
        for (const account of [...open.accounts.slice(1), open.accounts[0] as { email: string; name: string }]) {
          await switcher(page).account(account.name).click()
          await waitUntil(() => page.locator(`main[aria-label="API keys of ${account.email}"]`).count(), (n) => n === 1, `${account.email} shown`)
        }
        await settleSandboxes([ctx.sandbox], 300)
        if (run > 0) samples.push(await jsHeapAfterGc(page))
      } finally {
        await page.close()
      }
    }
    return samples
  } finally {
    await open.close()
  }
}

/**
 * Quick-filter changes at `keys` keys: each radio of "Quick filters" in turn, then "All", timed
 * from the click to the list of the radio's count painted. null when the markup is not in the build.
 */
export async function benchQuickFilter(ctx: BrowserBenchContext, keys: number, rounds: number): Promise<number[] | null> {
  const open = await openPreviewWithKeys(ctx, keys)
  try {
    const { page } = await loadApp(ctx, open)
    try {
      const group = page.getByRole('radiogroup', { name: 'Quick filters', exact: true })
      if ((await group.count()) === 0) return null
      const radios = group.getByRole('radio')
      const names = await radios.evaluateAll((els) => els.map((el) => (el.getAttribute('aria-label') ?? el.textContent ?? '').trim()))
      const samples: number[] = []
      let shownCount = keys
      for (let round = 0; round <= rounds; round++) {
        for (let i = 0; i < names.length; i++) {
          const count = Number(/(\d[\d,]*)\s*$/.exec(names[i] as string)?.[1]?.replace(/,/g, '') ?? Number.NaN)
          // A filter that shows what is already shown changes nothing on screen: nothing to time.
          if (!Number.isFinite(count) || count === 0 || count === shownCount) continue
          shownCount = count
          const predicate = `Number(document.querySelector(${JSON.stringify(TABLE)})?.getAttribute('aria-rowcount')) === ${count + 1}`
          const ms = await clickToPaint(page, predicate, () => radios.nth(i).click())
          if (round > 0) samples.push(ms)
        }
      }
      return samples
    } finally {
      await page.close()
    }
  } finally {
    await open.close()
  }
}
