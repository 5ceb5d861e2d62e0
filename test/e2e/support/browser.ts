/**
 * Debian's Chromium, driven by playwright-core (never a downloaded browser), with a fresh
 * on-disk profile per launch so later tests can scan what the browser kept.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'

export const CHROMIUM_PATH = process.env['AUTOCALLS_E2E_CHROMIUM'] ?? '/usr/bin/chromium'

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic'
]

/** A desktop-window-sized viewport; screenshots use it too. */
export const VIEWPORT = { width: 1024, height: 700 }

export interface E2eBrowser {
  context: BrowserContext
  /** The Chromium profile folder (cookies, storage, cache, history) of this launch. */
  profileDir: string
  newPage(): Promise<Page>
  /** Closes Chromium (its profile is flushed to disk) and, unless asked to keep it, deletes the profile. */
  close(options?: { keepProfile?: boolean }): Promise<void>
  /** Deletes the profile folder (after `close({ keepProfile: true })`). */
  removeProfile(): Promise<void>
}

export interface LaunchOptions {
  colorScheme?: 'light' | 'dark'
  /** Only for special cases; the axe scans work with the page's CSP in force. */
  bypassCSP?: boolean
  reducedMotion?: 'reduce' | 'no-preference'
  /** Keep downloads (the preview's exports), so a test can read them from the `download` event. Default false. */
  acceptDownloads?: boolean
}

export async function launchBrowser(options: LaunchOptions = {}): Promise<E2eBrowser> {
  const profileDir = await mkdtemp(join(tmpdir(), 'autocalls-e2e-profile-'))
  let context: BrowserContext
  try {
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: VIEWPORT,
      deviceScaleFactor: 1,
      colorScheme: options.colorScheme ?? 'light',
      reducedMotion: options.reducedMotion ?? 'reduce',
      locale: 'en-US',
      timezoneId: 'UTC',
      bypassCSP: options.bypassCSP ?? false,
      acceptDownloads: options.acceptDownloads ?? false,
      serviceWorkers: 'block'
    })
  } catch (error) {
    await rm(profileDir, { recursive: true, force: true })
    throw new Error(
      `Could not start Chromium at ${CHROMIUM_PATH} (set AUTOCALLS_E2E_CHROMIUM to another binary): ${error instanceof Error ? error.message : String(error)}`
    )
  }
  context.setDefaultTimeout(10_000)
  let closed = false
  const removeProfile = () => rm(profileDir, { recursive: true, force: true, maxRetries: 3 })
  return {
    context,
    profileDir,
    async newPage() {
      const blank = context.pages().find((p) => p.url() === 'about:blank')
      return blank ?? context.newPage()
    },
    async close({ keepProfile = false } = {}) {
      if (!closed) {
        closed = true
        await context.close()
      }
      if (!keepProfile) await removeProfile()
    },
    removeProfile
  }
}
