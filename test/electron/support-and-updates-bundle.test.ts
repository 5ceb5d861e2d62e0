/**
 * The built main bundle with the stand-in `electron` (as in main-bundle.test.ts), for what this
 * branch wires: the log file in app.getPath('logs') (and none for a second instance), references
 * for unexpected errors, Help → "Open Logs Folder" / "Copy Diagnostics", and the update checks:
 * electron-updater not loaded at start-up, loaded (here: a stand-in module) at the first check,
 * set to download nothing by itself, never active in development or sandbox-only mode, a quiet
 * check after start-up whose timers stop at quit.
 */
import { spawnSync } from 'node:child_process'
import { EventEmitter } from 'node:events'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { MenuItemConstructorOptions } from 'electron'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { emailHash } from '../../src/main/diagnostics/diagnostics-text'
import { QUIET_CHECK_DELAY_MS, QUIET_CHECK_POLL_MS, UPDATE_CHECK_FILE_NAME } from '../../src/main/updates/update-schedule'
import { createFakeElectron, fakeEvent, FakeWebFrame, type FakeElectron } from './fake-electron'

const root = resolve(__dirname, '../..')
const requireNode = createRequire(import.meta.url)
const NodeModule = requireNode('node:module') as { _load: (request: string, parent: unknown, isMain: boolean) => unknown }
const electronProcess = process as NodeJS.Process & { resourcesPath?: string }

let outDir: string
const tempDirs: string[] = []
const tempDir = (prefix: string): string => {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  tempDirs.push(dir)
  return dir
}

beforeAll(() => {
  outDir = tempDir('autocalls-keys-support-bundle-')
  const build = spawnSync(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build', '--outDir', outDir, '--logLevel', 'warn'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 180_000
  })
  if (build.status !== 0) throw new Error(`electron-vite build failed (${build.status}):\n${build.stdout}\n${build.stderr}`)
}, 200_000)

afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true })
})

/** A stand-in for electron-updater's `autoUpdater`, with electron-updater's defaults. */
class StandInAutoUpdater extends EventEmitter {
  autoDownload = true
  autoInstallOnAppQuit = true
  logger: unknown = console
  latest = '0.0.0-test'
  checks = 0
  downloads = 0
  checkForUpdates() {
    this.checks++
    return Promise.resolve({ isUpdateAvailable: this.latest !== '0.0.0-test', updateInfo: { version: this.latest } })
  }
  downloadUpdate() {
    this.downloads++
    return Promise.resolve([])
  }
  quitAndInstall() {
    throw new Error('not in this test')
  }
}

interface Loaded {
  fake: FakeElectron
  requested: string[]
  updater: StandInAutoUpdater
  dialogs: Array<Record<string, unknown>>
  answers: number[]
  openedPaths: string[]
  userDataDir: string
}

const loaded: Loaded[] = []
let restoreLoad: (() => void) | null = null

/**
 * Loads the bundle with `require('electron')` and `require('electron-updater')` answered by
 * stand-ins; unlike main-bundle.test.ts the hook stays for the whole test, since the bundle
 * requires electron-updater lazily, at the first update check.
 */
function loadMainBundle(options: { argv?: readonly string[]; isPackaged?: boolean; singleInstanceLock?: boolean } = {}): Loaded {
  const userDataDir = tempDir('autocalls-keys-userdata-')
  const fake = createFakeElectron({ userDataDir, appPath: root, isPackaged: options.isPackaged ?? false })
  if (options.singleInstanceLock === false) fake.module.app.singleInstanceLock = false
  electronProcess.resourcesPath ??= tempDir('autocalls-keys-resources-')
  const updater = new StandInAutoUpdater()
  const dialogs: Array<Record<string, unknown>> = []
  const answers: number[] = []
  const openedPaths: string[] = []
  // What the stand-in lacks for these menu items: message boxes and opening a folder.
  Object.assign(fake.module.dialog, {
    showMessageBox(...args: unknown[]) {
      const box = args.at(-1) as Record<string, unknown>
      dialogs.push(box)
      return Promise.resolve({ response: answers.shift() ?? (box['cancelId'] as number), checkboxChecked: false })
    }
  })
  Object.assign(fake.module.shell, {
    openPath(path: string) {
      openedPaths.push(path)
      return Promise.resolve('')
    }
  })
  const requested: string[] = []
  for (const file of readdirSync(join(outDir, 'main'))) delete requireNode.cache[join(outDir, 'main', file)]
  const savedArgv = process.argv
  const saved = { quiet: process.env['AUTOCALLS_KEYS_QUIET'], service: process.env['AUTOCALLS_KEYS_KEYCHAIN_SERVICE'], sandbox: process.env['AUTOCALLS_SANDBOX'], dir: process.env['AUTOCALLS_KEYS_USER_DATA_DIR'] }
  process.env['AUTOCALLS_KEYS_QUIET'] = '1'
  process.env['AUTOCALLS_KEYS_KEYCHAIN_SERVICE'] = `autocalls-keys-support-test-${process.pid}`
  delete process.env['AUTOCALLS_SANDBOX']
  delete process.env['AUTOCALLS_KEYS_USER_DATA_DIR']
  restoreLoad?.()
  const originalLoad = NodeModule._load
  NodeModule._load = function (request, parent, isMain) {
    requested.push(request)
    if (request === 'electron') return fake.module
    if (request === 'electron-updater') return { autoUpdater: updater }
    return originalLoad.call(this, request, parent, isMain)
  }
  restoreLoad = () => {
    NodeModule._load = originalLoad
    restoreLoad = null
  }
  try {
    process.argv = [...savedArgv, ...(options.argv ?? [])]
    requireNode(join(outDir, 'main/index.js'))
  } finally {
    process.argv = savedArgv
    if (saved.sandbox !== undefined) process.env['AUTOCALLS_SANDBOX'] = saved.sandbox
    if (saved.dir !== undefined) process.env['AUTOCALLS_KEYS_USER_DATA_DIR'] = saved.dir
  }
  const result = { fake, requested, updater, dialogs, answers, openedPaths, userDataDir }
  loaded.push(result)
  return result
}

async function startApp(options: { argv?: readonly string[]; isPackaged?: boolean } = {}): Promise<Loaded> {
  const app = loadMainBundle(options)
  app.fake.makeReady()
  await vi.waitFor(() => expect(app.fake.windows[0]?.webContents.loadedUrls.length).toBe(1), { timeout: 15_000 })
  return app
}

async function quit(fake: FakeElectron): Promise<void> {
  fake.module.app.emit('before-quit', fakeEvent())
  await vi.waitFor(() => expect(fake.module.app.quitCalls).toBeGreaterThan(0), { timeout: 10_000 })
}

afterEach(async () => {
  for (const app of loaded.splice(0)) {
    if (app.fake.module.app.quitCalls === 0 && app.fake.windows.length > 0) await quit(app.fake).catch(() => undefined)
  }
  restoreLoad?.()
  vi.restoreAllMocks()
})

const flatten = (items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] =>
  items.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? flatten(item.submenu) : [])])
const menuItem = (fake: FakeElectron, id: string): MenuItemConstructorOptions => {
  const item = flatten(fake.menus.at(-1)!.template as MenuItemConstructorOptions[]).find((entry) => entry.id === id)
  if (!item) throw new Error(`no menu item ${id}`)
  return item
}
const click = (item: MenuItemConstructorOptions) => item.click!({} as never, undefined, {})
// The stand-in's app.getPath('logs') is the user-data folder.
const logText = (app: Loaded) => readFileSync(join(app.userDataDir, 'main.log'), 'utf8')

async function invoke(fake: FakeElectron, channel: string, request: unknown): Promise<unknown> {
  const window = fake.windows[0]!
  return fake.invokeHandlers.get(channel)!({ sender: window.webContents, senderFrame: new FakeWebFrame(window.webContents.mainFrame.url), frameId: 1, processId: 1 }, request)
}

describe('logs and diagnostics in the built main bundle', () => {
  it('writes the log file in app.getPath("logs"), with a reference and a stack trace for an unexpected error', async () => {
    const app = await startApp()
    Object.assign(app.fake.module.shell, {
      openExternal() {
        return Promise.reject(new Error('xdg-open exited with code 3'))
      }
    })
    const result = (await invoke(app.fake, 'shell:open-external', { url: 'https://docs.autocalls.ai/' })) as { ok: false; error: { kind: string; message: string } }
    expect(result.error.kind).toBe('internal')
    const reference = /Reference: (\S{4}-\S{4})$/.exec(result.error.message)?.[1]
    expect(reference).toBeDefined()
    await vi.waitFor(() => expect(logText(app)).toContain(`[ref ${reference}]`))
    const entry = logText(app).slice(logText(app).indexOf(`[ref ${reference}]`))
    expect(entry).toMatch(/^\[ref \S+\] Error: xdg-open exited with code 3\n {4}at /)
  })

  it('lets a second instance quit without touching the log file', () => {
    const app = loadMainBundle({ singleInstanceLock: false })
    expect(app.fake.module.app.quitCalls).toBe(1)
    expect(existsSync(join(app.userDataDir, 'main.log'))).toBe(false)
  })

  it('Help → Open Logs Folder opens the folder that holds main.log', async () => {
    const app = await startApp()
    click(menuItem(app.fake, 'open-logs-folder'))
    await vi.waitFor(() => expect(app.openedPaths).toEqual([app.userDataDir]))
    expect(logText(app)).toContain('Opening the logs folder.')
  })

  it('Help → Copy Diagnostics puts versions, accounts as host and email hash, and the log tail on the clipboard', async () => {
    const app = await startApp({ argv: ['--sandbox'] })
    const accounts = (await invoke(app.fake, 'accounts:list', undefined)) as { ok: true; value: Array<{ baseUrl: string; profile: { email: string } }> }
    const account = (Array.isArray(accounts.value) ? accounts.value : (accounts.value as { accounts: typeof accounts.value }).accounts)[0]!
    click(menuItem(app.fake, 'copy-diagnostics'))
    await vi.waitFor(() => expect(app.fake.clipboardState.text).toMatch(/^Autocalls Keys diagnostics, /))
    const text = app.fake.clipboardState.text
    expect(text).toMatch(/^App: 0\.0\.0-test \(development build\)$/m)
    expect(text).toContain(`Node: ${process.versions.node}`)
    expect(text).toMatch(new RegExp(`^OS: ${process.platform} `, 'm'))
    expect(text).toContain(`  - ${new URL(account.baseUrl).host} (sandbox), <email ${emailHash(account.profile.email)}>, `)
    expect(text).not.toContain(account.profile.email)
    expect(text).toMatch(/^Log \(.*main\.log\), last \d+ lines:$/m)
    await vi.waitFor(() => expect(app.dialogs).toEqual([expect.objectContaining({ message: 'Diagnostics copied to the clipboard.' })]))
  })
})

describe('updates in the built main bundle', () => {
  it('in a packaged build: electron-updater is not loaded at start-up; "Check for Updates…" loads it, downloads nothing, and tells the result', async () => {
    const app = await startApp({ isPackaged: true })
    expect(app.requested).not.toContain('electron-updater')
    const item = menuItem(app.fake, 'check-for-updates')
    expect(item.enabled).toBe(true)
    click(item)
    await vi.waitFor(() => expect(app.dialogs).toHaveLength(1))
    expect(app.requested.filter((request) => request === 'electron-updater')).toHaveLength(1)
    expect(app.updater.autoDownload).toBe(false)
    expect(app.updater.autoInstallOnAppQuit).toBe(false)
    expect(app.dialogs[0]).toMatchObject({ message: 'Autocalls Keys is up to date.', buttons: ['OK'] })

    app.updater.latest = '9.9.9'
    app.answers.push(1)
    click(item)
    await vi.waitFor(() => expect(app.dialogs).toHaveLength(2))
    expect(app.dialogs[1]).toMatchObject({ message: 'Autocalls Keys 9.9.9 is available.', buttons: ['Download', 'Not Now'] })
    await vi.waitFor(() => expect(readFileSync(join(app.userDataDir, UPDATE_CHECK_FILE_NAME), 'utf8')).toMatch(/"lastCheckAt"/))
    expect(app.updater.downloads).toBe(0)
    expect(app.requested.filter((request) => request === 'electron-updater')).toHaveLength(1)
  })

  it('in a packaged build: one quiet check after start-up, its timers stopped at quit', async () => {
    const timeouts = vi.spyOn(globalThis, 'setTimeout')
    const intervals = vi.spyOn(globalThis, 'setInterval')
    const clears = vi.spyOn(globalThis, 'clearTimeout')
    const app = await startApp({ isPackaged: true })
    await vi.waitFor(() => expect(timeouts.mock.calls.some((call) => call[1] === QUIET_CHECK_DELAY_MS)).toBe(true))
    expect(intervals.mock.calls.some((call) => call[1] === QUIET_CHECK_POLL_MS)).toBe(true)
    const index = timeouts.mock.calls.findIndex((call) => call[1] === QUIET_CHECK_DELAY_MS)
    const handle = timeouts.mock.results[index]!.value as NodeJS.Timeout
    // Run it now instead of in 30 s: the update found is offered, and declined.
    app.updater.latest = '9.9.9'
    app.answers.push(1)
    ;(timeouts.mock.calls[index]![0])()
    await vi.waitFor(() => expect(app.dialogs).toHaveLength(1))
    expect(app.updater.checks).toBe(1)
    expect(app.updater.downloads).toBe(0)
    await quit(app.fake)
    expect(clears.mock.calls.some((call) => call[0] === handle)).toBe(true)
  })

  it.each([
    ['development', { isPackaged: false }],
    ['sandbox-only mode', { isPackaged: true, argv: ['--sandbox'] }]
  ] as const)('in %s: no quiet check is scheduled and the menu item is greyed out', async (_mode, options) => {
    const timeouts = vi.spyOn(globalThis, 'setTimeout')
    const intervals = vi.spyOn(globalThis, 'setInterval')
    const app = await startApp(options)
    expect(menuItem(app.fake, 'check-for-updates').enabled).toBe(false)
    await new Promise<void>((done) => setImmediate(done))
    expect(timeouts.mock.calls.some((call) => call[1] === QUIET_CHECK_DELAY_MS)).toBe(false)
    expect(intervals.mock.calls.some((call) => call[1] === QUIET_CHECK_POLL_MS)).toBe(false)
    expect(app.requested).not.toContain('electron-updater')
  })
})
