/**
 * axe-core scans of the live page. axe is evaluated through the DevTools protocol, which the
 * page's CSP (script-src 'self') does not govern, so the page is scanned with its real policy on.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Page } from 'playwright-core'

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

export interface A11yViolation {
  id: string
  impact: string | null
  help: string
  targets: string[]
}

/** Runs axe on the page (or `selector`) and returns its violations. */
export async function scanA11y(page: Page, selector?: string): Promise<A11yViolation[]> {
  const loaded = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe === 'object')
  if (!loaded) await page.evaluate(AXE_SOURCE)
  return page.evaluate(async (context) => {
    type AxeResults = {
      violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[] }> }>
    }
    const axe = (window as unknown as { axe: { run(context: unknown, options: unknown): Promise<AxeResults> } }).axe
    const results = await axe.run(context ?? document, { resultTypes: ['violations'] })
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.map(String).join(' ')).slice(0, 5)
    }))
  }, selector ?? null)
}

/** Throws, listing ids, impact and targets, when axe finds serious or critical violations. */
export async function expectNoSeriousA11yViolations(page: Page, label: string, selector?: string): Promise<A11yViolation[]> {
  const violations = await scanA11y(page, selector)
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  if (serious.length > 0) {
    const lines = serious.map((v) => `  - ${v.id} (${v.impact}): ${v.help} at ${v.targets.join(' | ')}`)
    throw new Error(`axe found ${serious.length} serious/critical violation(s) on "${label}":\n${lines.join('\n')}`)
  }
  return violations
}
