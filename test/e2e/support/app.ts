/**
 * One e2e test file's world: a sandbox Autocalls API, the browser preview (real services, real
 * keychain) and one Chromium. Tests get a fresh app (new userData folder, new preview server)
 * with `freshApp()`, so state never leaks between tests while Chromium and the sandbox are reused.
 *
 *   const world = await startE2eWorld()
 *   const app = await world.freshApp()            // page open on the sign-in screen
 *   const account = world.newAccount({ keys: 3 }) // a sandbox account with its sign-in token
 *   await signIn(app.page, { baseUrl: world.sandbox.baseUrl, apiKey: account.token })
 *   ...
 *   await world.close()
 */
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ConsoleMessage, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, expect } from 'vitest'
import { startPreviewServer, type PreviewServer, type PreviewServerOptions } from '../../../src/preview/server/preview-server'
import { startSandbox, type SandboxOptions, type SandboxServer } from '../../../src/sandbox/index'
import { launchBrowser, type E2eBrowser, type LaunchOptions } from './browser'
import { assertKeychainUsable, cleanupKeychain, e2eVault, E2E_KEYCHAIN_SERVICE, ensureRendererBuild, REPO_ROOT } from './env'
import { SCREENSHOT_DIR, setColorScheme } from './screenshots'

export interface SandboxAccount {
  name: string
  email: string
  totalBalance: number
  /** The account's sign-in token (its key is named "Sign-in key"). */
  token: string
}

export interface E2eApp {
  preview: PreviewServer
  page: Page
  userDataDir: string
  /** Uncaught page errors and CSP violations seen so far (tests assert it stays empty). */
  pageProblems: string[]
  /** Reloads the page (a window reload in the app). */
  reload(): Promise<void>
  /**
   * Stops this preview and starts a new one on the same userData folder, like quitting and
   * reopening the app: the cached list and the keychain entry must carry over.
   */
  restart(): Promise<void>
  close(): Promise<void>
}

export interface E2eWorld {
  /** The sandbox the tests sign in to through "Advanced" → "API base URL". */
  sandbox: SandboxServer
  /** Every sandbox of the world, `sandbox` first: more than one when asked for (`hosts`), each another host. */
  hosts: SandboxServer[]
  browser: E2eBrowser
  keychainService: string
  /** Sandboxes started by "Try the sandbox" (newest last). */
  trySandboxes: SandboxServer[]
  /**
   * A new sandbox account (on `host`, default `sandbox`); `keys` extra keys are seeded
   * ("Seeded key 1".."N", one minute apart).
   */
  newAccount(options?: { keys?: number; name?: string; email?: string; totalBalance?: number; keyPrefix?: string; host?: SandboxServer }): SandboxAccount
  /** A fresh app: new userData folder, new preview server, a page on it showing the first screen. */
  freshApp(options?: Partial<Omit<PreviewServerOptions, 'userDataDir' | 'rendererDir'>>): Promise<E2eApp>
  /** Closes every app opened so far and returns the page problems they saw. */
  closeApps(): Promise<string[]>
  close(): Promise<void>
}

export interface WorldOptions {
  sandbox?: SandboxOptions
  /** How many sandbox servers (hosts) to start; default 1. */
  hosts?: number
  browser?: LaunchOptions
}

let accountCounter = 0

export async function startE2eWorld(options: WorldOptions = {}): Promise<E2eWorld> {
  await assertKeychainUsable()
  const rendererDir = await ensureRendererBuild()
  const hosts = await Promise.all(Array.from({ length: Math.max(1, options.hosts ?? 1) }, () => startSandbox(options.sandbox)))
  const sandbox = hosts[0]!
  const browser = await launchBrowser(options.browser)
  const trySandboxes: SandboxServer[] = []
  const apps = new Set<E2eApp>()
  const tempDirs: string[] = []

  const world: E2eWorld = {
    sandbox,
    hosts,
    browser,
    keychainService: E2E_KEYCHAIN_SERVICE,
    trySandboxes,
    newAccount({ keys = 0, name, email, totalBalance = 125.5, keyPrefix, host = sandbox } = {}) {
      const n = ++accountCounter
      const account = {
        name: name ?? `E2E Person ${n}`,
        email: email ?? `e2e-${process.pid}-${n}@example.test`,
        totalBalance
      }
      const { token } = host.createAccount(account)
      if (keys > 0) host.seedKeys(token, keys, keyPrefix)
      return { ...account, token }
    },
    async freshApp(overrides = {}) {
      const userDataDir = await mkdtemp(join(tmpdir(), 'autocalls-e2e-userdata-'))
      tempDirs.push(userDataDir)
      const start = () =>
        startPreviewServer({
          userDataDir,
          rendererDir,
          vault: e2eVault(),
          startSandbox: async () => {
            const started = await startSandbox()
            trySandboxes.push(started)
            return { baseUrl: started.baseUrl, token: started.demo.token, close: () => started.close() }
          },
          ...overrides
        })
      const page = await browser.newPage()
      const pageProblems: string[] = []
      page.on('pageerror', (error) => pageProblems.push(`pageerror: ${error.message}`))
      page.on('console', (message: ConsoleMessage) => {
        if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) {
          pageProblems.push(`csp: ${message.text()}`)
        }
      })
      let preview = await start()
      const app: E2eApp = {
        get preview() {
          return preview
        },
        page,
        userDataDir,
        pageProblems,
        async reload() {
          await page.reload({ waitUntil: 'load' })
          await waitForAppPainted(page)
        },
        async restart() {
          await page.goto('about:blank')
          await preview.close()
          preview = await start()
          await page.goto(preview.url, { waitUntil: 'load' })
          await waitForAppPainted(page)
        },
        async close() {
          apps.delete(app)
          if (!page.isClosed()) await page.close()
          await preview.close()
        }
      }
      apps.add(app)
      await page.goto(preview.url, { waitUntil: 'load' })
      await waitForAppPainted(page)
      return app
    },
    async closeApps() {
      const problems = [...apps].flatMap((app) => app.pageProblems)
      for (const app of [...apps]) await app.close().catch(() => undefined)
      return problems
    },
    async close() {
      await world.closeApps()
      await browser.close()
      await Promise.all([...trySandboxes, ...hosts].map((s) => s.close()))
      await Promise.all(tempDirs.map((d) => rm(d, { recursive: true, force: true })))
      await cleanupKeychain()
    }
  }
  return world
}

/**
 * One world per test file, with the usual hooks: started before the tests; after each test every
 * app it opened is closed, the tests' keychain entries are removed and its pages must have seen
 * no error or CSP violation; closed after the last test.
 */
export function useE2eWorld(options: WorldOptions = {}): { readonly world: E2eWorld } {
  let started: E2eWorld | undefined
  beforeAll(async () => {
    started = await startE2eWorld(options)
  })
  afterAll(async () => {
    await started?.close()
  })
  afterEach(async () => {
    const problems = (await started?.closeApps()) ?? []
    await cleanupKeychain()
    expect(problems, 'page errors or CSP violations').toEqual([])
  })
  return {
    get world() {
      if (!started) throw new Error('The e2e world starts in beforeAll: use it inside tests.')
      return started
    }
  }
}

/** The first paint: either screen's level-1 heading. */
export async function waitForAppPainted(page: Page): Promise<void> {
  await page
    .getByRole('heading', { level: 1 })
    .first()
    .waitFor({ state: 'visible', timeout: 10_000 })
}

/** A file the page offered as a download (the preview's exports), read back. */
export interface CapturedDownload {
  fileName: string
  text: string
}

/**
 * Runs `start` (the click that exports) and returns the download it caused, read from disk. The
 * world must be started with `browser: { acceptDownloads: true }`.
 */
export async function captureDownload(page: Page, start: () => Promise<void>): Promise<CapturedDownload> {
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 10_000 }), start()])
  const path = await download.path()
  const failure = await download.failure()
  if (failure !== null) throw new Error(`The download of ${download.suggestedFilename()} failed: ${failure}`)
  return { fileName: download.suggestedFilename(), text: await readFile(path, 'utf8') }
}

/**
 * A screenshot for the README, in light: always written to test-results/screenshots/<name>, and
 * copied to resources/screenshots/<name> when AUTOCALLS_README_SCREENSHOTS=1, so ordinary runs
 * change no tracked file.
 */
export async function readmeScreenshot(page: Page, name: string, viewport = README_VIEWPORT): Promise<string> {
  const before = page.viewportSize()
  await page.setViewportSize(viewport)
  // setColorScheme waits two frames: the new size is laid out and painted too.
  await setColorScheme(page, 'light')
  await mkdir(SCREENSHOT_DIR, { recursive: true })
  const path = join(SCREENSHOT_DIR, name)
  await page.screenshot({ path, animations: 'disabled', caret: 'hide' })
  if (process.env['AUTOCALLS_README_SCREENSHOTS'] === '1') await copyFile(path, join(REPO_ROOT, 'resources', 'screenshots', name))
  if (before) await page.setViewportSize(before)
  return path
}

/** The README's screenshots: wide enough that key names are not cut. */
export const README_VIEWPORT = { width: 1280, height: 720 }
