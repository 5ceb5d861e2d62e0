/** Screenshots of each screen in light and dark, written under test-results/screenshots/ (git-ignored). */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { REPO_ROOT } from './env'

export const SCREENSHOT_DIR = join(REPO_ROOT, 'test-results', 'screenshots')
export type ColorScheme = 'light' | 'dark'

/** Emulates `prefers-color-scheme` and waits two frames so the new colours are painted. */
export async function setColorScheme(page: Page, scheme: ColorScheme): Promise<void> {
  await page.emulateMedia({ colorScheme: scheme })
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))))
}

/** Writes `<name>-light.png` and `<name>-dark.png`; leaves the page in light. Returns the paths. */
export async function screenshotBothSchemes(page: Page, name: string): Promise<string[]> {
  await mkdir(SCREENSHOT_DIR, { recursive: true })
  const paths: string[] = []
  for (const scheme of ['light', 'dark'] as const) {
    await setColorScheme(page, scheme)
    const path = join(SCREENSHOT_DIR, `${name}-${scheme}.png`)
    await page.screenshot({ path, animations: 'disabled', caret: 'hide' })
    paths.push(path)
  }
  await setColorScheme(page, 'light')
  return paths
}
