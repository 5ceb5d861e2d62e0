/**
 * The built main bundle (what `electron-vite build` emits), loaded in Node with a stand-in
 * `electron` module: no Electron binary needed. It must register exactly the contract's IPC
 * channels, create its window with the security settings, serve app:// and register the scheme
 * before ready, deny window.open, navigation and permissions, refuse IPC from foreign frames,
 * and with --sandbox start signed in. The bundle is built into a temporary folder, so it never
 * races another build of out/.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { INVOKE_CHANNELS } from '../../src/shared/ipc-contract'
import { createFakeElectron, fakeEvent, FakeWebFrame, type FakeElectron } from './fake-electron'

const root = resolve(__dirname, '../..')
const requireNode = createRequire(import.meta.url)
const NodeModule = requireNode('node:module') as { _load: (request: string, parent: unknown, isMain: boolean) => unknown }

let outDir: string
const tempDirs: string[] = []
const tempDir = (prefix: string): string => {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  tempDirs.push(dir)
  return dir
}

beforeAll(() => {
  outDir = tempDir('autocalls-keys-bundle-')
  // electron-vite's own entry, run by this Node: no .bin shim (a .cmd file on Windows).
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

interface LoadOptions {
  argv?: string[]
  env?: Record<string, string | undefined>
  isPackaged?: boolean
  singleInstanceLock?: boolean
}

const loaded: FakeElectron[] = []

// Electron defines process.resourcesPath (where a packaged app keeps app.asar and its icon); Node does not.
const electronProcess = process as NodeJS.Process & { resourcesPath?: string }

/** Loads out/main/index.js with `require('electron')` answered by a fresh fake. */
function loadMainBundle(options: LoadOptions = {}): FakeElectron {
  const fake = createFakeElectron({ userDataDir: tempDir('autocalls-keys-userdata-'), appPath: root, isPackaged: options.isPackaged ?? false })
  electronProcess.resourcesPath ??= tempDir('autocalls-keys-resources-')
  if (options.singleInstanceLock === false) fake.module.app.singleInstanceLock = false
  const mainPath = join(outDir, 'main/index.js')
  for (const file of readdirSync(join(outDir, 'main'))) delete requireNode.cache[join(outDir, 'main', file)]

  const env: Record<string, string | undefined> = {
    AUTOCALLS_KEYS_QUIET: '1',
    AUTOCALLS_KEYS_KEYCHAIN_SERVICE: `autocalls-keys-bundle-test-${process.pid}`,
    AUTOCALLS_SANDBOX: undefined,
    ELECTRON_RENDERER_URL: undefined,
    AUTOCALLS_KEYS_USER_DATA_DIR: undefined,
    ...options.env
  }
  const savedEnv = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]))
  const savedArgv = process.argv
  const originalLoad = NodeModule._load
  NodeModule._load = function (request, parent, isMain) {
    if (request === 'electron') return fake.module
    return originalLoad.call(this, request, parent, isMain)
  }
  try {
    for (const [key, value] of Object.entries(env)) {
      if (value === undefined) delete process.env[key]
      else process.env[key] = value
    }
    process.argv = [...savedArgv, ...(options.argv ?? [])]
    requireNode(mainPath)
  } finally {
    NodeModule._load = originalLoad
    process.argv = savedArgv
    // The bundle read its flags at load time; the keychain service name must stay for later calls.
    for (const [key, value] of Object.entries(savedEnv)) {
      if (key === 'AUTOCALLS_KEYS_KEYCHAIN_SERVICE' || key === 'AUTOCALLS_KEYS_QUIET') continue
      if (value === undefined) delete process.env[key]
      else process.env[key] = value
    }
  }
  loaded.push(fake)
  return fake
}

async function startApp(options: LoadOptions = {}) {
  const fake = loadMainBundle(options)
  fake.makeReady()
  await vi.waitFor(() => expect(fake.windows[0]?.webContents.loadedUrls.length).toBe(1), { timeout: 15_000 })
  const window = fake.windows[0]!
  return { fake, window }
}

/** An IPC event as Electron would build it for a frame of the given window. */
function ipcEvent(sender: { id: number }, frame: FakeWebFrame | null) {
  return { sender, senderFrame: frame, frameId: 1, processId: 1 }
}

async function invoke(fake: FakeElectron, channel: string, request: unknown, event?: unknown): Promise<unknown> {
  const handler = fake.invokeHandlers.get(channel)
  if (!handler) throw new Error(`no handler for ${channel}`)
  const window = fake.windows[0]!
  return handler(event ?? ipcEvent(window.webContents, new FakeWebFrame(window.webContents.mainFrame.url)), request)
}

async function quit(fake: FakeElectron): Promise<ReturnType<typeof fakeEvent>> {
  const event = fakeEvent()
  fake.module.app.emit('before-quit', event)
  await vi.waitFor(() => expect(fake.module.app.quitCalls).toBeGreaterThan(0), { timeout: 10_000 })
  return event
}

afterEach(async () => {
  // Stop anything a test left running (the sandbox server) through the app's own quit path.
  for (const fake of loaded.splice(0)) {
    if (fake.module.app.quitCalls === 0 && fake.windows.length > 0) await quit(fake).catch(() => undefined)
  }
})

describe('the built main bundle in Node with a stand-in electron module', () => {
  it('registers the privileged app scheme, the sandbox switch and the single-instance lock before ready', () => {
    const fake = loadMainBundle()
    const schemes = fake.log.filter((call) => call.what === 'protocol.registerSchemesAsPrivileged')
    expect(schemes).toHaveLength(1)
    const [list, wasReady] = schemes[0]!.args as [Array<{ scheme: string; privileges: Record<string, boolean> }>, boolean]
    expect(wasReady).toBe(false)
    expect(list).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, codeCache: true } }])
    expect(fake.log.some((call) => call.what === 'app.enableSandbox' && call.args[0] === false)).toBe(true)
    expect(fake.log.some((call) => call.what === 'app.requestSingleInstanceLock')).toBe(true)
    expect(fake.log.find((call) => call.what === 'app.setName')?.args).toEqual(['Autocalls Keys'])
    expect(fake.windows).toHaveLength(0)
  })

  it('quits at once, without a window, when another instance holds the lock', async () => {
    const fake = loadMainBundle({ singleInstanceLock: false })
    expect(fake.module.app.quitCalls).toBe(1)
    fake.makeReady()
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(fake.windows).toHaveLength(0)
    expect(fake.invokeHandlers.size).toBe(0)
  })

  it('registers exactly the IPC channels of the contract', async () => {
    const { fake } = await startApp()
    expect([...fake.invokeHandlers.keys()].sort()).toEqual([...INVOKE_CHANNELS].sort())
    expect(fake.log.filter((call) => call.what === 'ipcMain.on')).toEqual([])
  })

  it('creates the window hidden, sandboxed and isolated, with the bundled CommonJS preload', async () => {
    const { fake, window } = await startApp()
    expect(fake.windows).toHaveLength(1)
    const options = window.options as { webPreferences: Record<string, unknown> } & Record<string, unknown>
    expect(options).toMatchObject({ show: false, title: 'Autocalls Keys', minWidth: 720, minHeight: 480, backgroundColor: '#f6f7f9' })
    const prefs = options.webPreferences
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      devTools: true
    })
    expect(prefs).not.toHaveProperty('enableBlinkFeatures')
    expect(prefs.preload).toBe(join(outDir, 'preload/index.js'))

    // A sandboxed preload can require only a few modules and cannot load ES modules.
    const preload = readFileSync(join(outDir, 'preload/index.js'), 'utf8')
    const required = [...preload.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((match) => match[1])
    expect(new Set(required)).toEqual(new Set(['electron']))
    expect(preload).not.toMatch(/^\s*(import|export)\s/m)
  })

  it('loads app://app/index.html (not file://) and shows the window only when ready to show', async () => {
    const { window } = await startApp()
    expect(window.webContents.loadedUrls).toEqual(['app://app/index.html'])
    expect(window.visible).toBe(false)
    window.emit('ready-to-show')
    expect(window.visible).toBe(true)
  })

  it('serves app:// from the built renderer with the CSP, and refuses escapes and other hosts', async () => {
    const { fake } = await startApp()
    const handle = fake.log.find((call) => call.what === 'protocol.handle')
    expect(handle?.args).toEqual(['app', true])
    const serve = fake.protocolHandlers.get('app')!

    const index = await serve(new Request('app://app/index.html'))
    expect(index.status).toBe(200)
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'")
    expect(index.headers.get('x-content-type-options')).toBe('nosniff')
    const html = await index.text()
    const script = /src="\.?\/?(assets\/[^"]+\.js)"/.exec(html)?.[1]
    expect(script).toBeDefined()
    const js = await serve(new Request(`app://app/${script}`))
    expect(js.status).toBe(200)
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(js.headers.get('content-security-policy')).toBeTruthy()

    expect((await serve(new Request('app://app/'))).status).toBe(200)
    expect((await serve(new Request('app://app/missing.js'))).status).toBe(404)
    expect((await serve(new Request('app://app/..%2f..%2fmain%2findex.js'))).status).toBe(400)
    expect((await serve(new Request('app://app/%2e%2e/%2e%2e/main/index.js'))).status).not.toBe(200)
    expect((await serve(new Request('app://app/assets/..%5c..%5cmain%5cindex.js'))).status).toBe(400)
    expect((await serve(new Request('app://elsewhere/index.html'))).status).toBe(403)
    expect((await serve(new Request('app://app/index.html', { method: 'POST', body: 'x' }))).status).toBe(405)
  })

  it('denies every window.open and opens only allowlisted https links in the browser', async () => {
    const { fake, window } = await startApp()
    const open = window.webContents.windowOpenHandler!
    expect(open({ url: 'https://evil.example/phish' })).toEqual({ action: 'deny' })
    expect(open({ url: 'app://app/index.html' })).toEqual({ action: 'deny' })
    expect(open({ url: 'http://docs.autocalls.ai/' })).toEqual({ action: 'deny' })
    expect(fake.openedExternally).toEqual([])
    expect(open({ url: 'https://docs.autocalls.ai/api' })).toEqual({ action: 'deny' })
    await vi.waitFor(() => expect(fake.openedExternally).toEqual(['https://docs.autocalls.ai/api']))
  })

  it('blocks navigation, redirects and frames away from the app, and <webview>', async () => {
    const { fake, window } = await startApp()
    const contents = window.webContents
    for (const event of ['will-navigate', 'will-frame-navigate', 'will-redirect']) {
      const away = fakeEvent({ url: 'https://evil.example/' })
      contents.emit(event, away, 'https://evil.example/')
      expect(away.defaultPrevented, event).toBe(true)
      const file = fakeEvent({ url: 'file:///etc/passwd' })
      contents.emit(event, file, 'file:///etc/passwd')
      expect(file.defaultPrevented, event).toBe(true)
      const inside = fakeEvent({ url: 'app://app/index.html' })
      contents.emit(event, inside, 'app://app/index.html')
      expect(inside.defaultPrevented, event).toBe(false)
    }
    const docs = fakeEvent({ url: 'https://app.autocalls.ai/dashboard' })
    contents.emit('will-navigate', docs, 'https://app.autocalls.ai/dashboard')
    expect(docs.defaultPrevented).toBe(true)
    await vi.waitFor(() => expect(fake.openedExternally).toEqual(['https://app.autocalls.ai/dashboard']))
    const webview = fakeEvent()
    contents.emit('will-attach-webview', webview, {}, {})
    expect(webview.defaultPrevented).toBe(true)
  })

  it('denies every permission request and check, device access, screen capture and downloads', async () => {
    const { fake } = await startApp()
    const session = fake.module.session.defaultSession
    for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read', 'clipboard-sanitized-write', 'openExternal', 'hid']) {
      const callback = vi.fn()
      session.permissionRequestHandler!({}, permission, callback, {})
      expect(callback).toHaveBeenCalledWith(false)
      expect(session.permissionCheckHandler!({}, permission)).toBe(false)
    }
    expect(session.devicePermissionHandler!({ deviceType: 'usb' })).toBe(false)
    const streams = vi.fn()
    session.displayMediaRequestHandler!({}, streams)
    expect(streams).toHaveBeenCalledWith(null)
    const download = fakeEvent()
    session.emit('will-download', download, {}, {})
    expect(download.defaultPrevented).toBe(true)
  })

  it('answers IPC only from the app window’s top frame on app://app, then validates the payload', async () => {
    const { fake, window } = await startApp()
    const trusted = await invoke(fake, 'app:get-initial-state', undefined)
    expect(trusted).toMatchObject({ ok: true, value: { accounts: [], shownAccountId: null } })

    const refusals: Array<[string, unknown]> = [
      ['foreign origin', ipcEvent(window.webContents, new FakeWebFrame('https://evil.example/'))],
      ['file://', ipcEvent(window.webContents, new FakeWebFrame('file:///tmp/index.html'))],
      ['missing frame', ipcEvent(window.webContents, null)],
      ['sub-frame', ipcEvent(window.webContents, new FakeWebFrame('app://app/index.html', new FakeWebFrame('app://app/index.html')))],
      ['another web contents', ipcEvent({ id: window.webContents.id + 1000 }, new FakeWebFrame('app://app/index.html'))],
      ['dev server in a build without one', ipcEvent(window.webContents, new FakeWebFrame('http://localhost:5173/'))]
    ]
    for (const [label, event] of refusals) {
      await expect(invoke(fake, 'app:get-initial-state', undefined, event), label).rejects.toThrow(/Refused app:get-initial-state/)
    }
    // Trusted sender, bad payload: reaches the handler, which refuses the payload as a typed error.
    expect(await invoke(fake, 'keys:delete', { accountId: 'a@b on https://x.example/api', id: 'one' })).toMatchObject({ ok: false, error: { kind: 'invalid_request' } })
    expect(await invoke(fake, 'shell:open-external', { url: 'https://evil.example/' })).toMatchObject({ ok: false, error: { kind: 'not_allowed' } })
    expect(fake.openedExternally).toEqual([])
  })

  it('has a native menu whose app commands reach the window once, and an About panel', async () => {
    const { fake, window } = await startApp()
    expect(fake.menus).toHaveLength(1)
    const items = (fake.menus[0]!.template as Array<{ submenu?: unknown[] }>).flatMap((menu) => (menu.submenu ?? []) as Array<Record<string, unknown>>)
    for (const [id, accelerator] of [
      ['new-key', 'CmdOrCtrl+N'],
      ['refresh', 'CmdOrCtrl+R'],
      ['find', 'CmdOrCtrl+F']
    ] as const) {
      const item = items.find((entry) => entry['id'] === id)!
      expect(item).toMatchObject({ accelerator, registerAccelerator: false })
      const click = item['click'] as (menuItem: unknown, browserWindow: unknown, event: unknown) => void
      click({}, window, { triggeredByAccelerator: true })
      click({}, window, { triggeredByAccelerator: false })
    }
    expect(window.webContents.sent).toEqual([
      { channel: 'event:menu-command', payload: { command: 'new-key' } },
      { channel: 'event:menu-command', payload: { command: 'refresh' } },
      { channel: 'event:menu-command', payload: { command: 'find' } }
    ])
    const about = fake.log.find((call) => call.what === 'app.setAboutPanelOptions')?.args[0]
    expect(about).toMatchObject({ applicationName: 'Autocalls Keys', applicationVersion: '0.0.0-test' })
  })

  it('follows the OS theme and focuses the existing window on a second launch', async () => {
    const { fake, window } = await startApp()
    fake.module.nativeTheme.shouldUseDarkColors = true
    fake.module.nativeTheme.emit('updated')
    expect(window.backgroundColors.at(-1)).toBe('#15181d')
    window.minimized = true
    fake.module.app.emit('second-instance', fakeEvent(), ['autocalls-keys'], root, {})
    expect(window.minimized).toBe(false)
    expect(window.focused).toBe(true)
    expect(fake.windows).toHaveLength(1)
  })

  it('holds the first quit to shut the services down, then quits; remembers the window bounds', async () => {
    const { fake, window } = await startApp()
    const firstQuit = await quit(fake)
    expect(firstQuit.defaultPrevented).toBe(true)
    expect(fake.module.app.quitCalls).toBe(1)
    const second = fakeEvent()
    fake.module.app.emit('before-quit', second)
    expect(second.defaultPrevented).toBe(false)

    window.close()
    const state = JSON.parse(readFileSync(join(fake.module.app.getPath('userData'), 'window-state.json'), 'utf8'))
    expect(state).toEqual({ x: 40, y: 30, width: 1000, height: 700, maximized: false })
    // The next start puts the window where it was.
    const next = await startApp({ env: { AUTOCALLS_KEYS_USER_DATA_DIR: fake.module.app.getPath('userData') } })
    expect(next.window.options).toMatchObject({ x: 40, y: 30, width: 1000, height: 700 })
  })

  it('in development loads the dev server and trusts it; a packaged app ignores ELECTRON_RENDERER_URL', async () => {
    const dev = await startApp({ env: { ELECTRON_RENDERER_URL: 'http://localhost:5173' } })
    expect(dev.window.webContents.loadedUrls).toEqual(['http://localhost:5173'])
    await expect(invoke(dev.fake, 'app:get-initial-state', undefined)).resolves.toMatchObject({ ok: true })

    const packaged = await startApp({ isPackaged: true, env: { ELECTRON_RENDERER_URL: 'http://localhost:5173' } })
    expect(packaged.window.webContents.loadedUrls).toEqual(['app://app/index.html'])
    expect((packaged.window.options as { webPreferences: { devTools: boolean } }).webPreferences.devTools).toBe(false)
    const event = ipcEvent(packaged.window.webContents, new FakeWebFrame('http://localhost:5173/'))
    await expect(invoke(packaged.fake, 'app:get-initial-state', undefined, event)).rejects.toThrow(/Refused/)
  })
})

describe('the built main bundle started with --sandbox', () => {
  it('is signed in to a fresh sandbox before the window loads; copy marks the token as secret; quit clears it', async () => {
    const { fake } = await startApp({ argv: ['--sandbox'] })
    const accountId = await sandboxAccountOf(fake)

    const created = (await invoke(fake, 'keys:create', { accountId, name: 'bundle test key', requestId: 'bundle-test-request-1' })) as {
      ok: true
      value: { pendingId: string; token: string; key: { id: number } | null }
    }
    expect(created.ok).toBe(true)
    const copied = await invoke(fake, 'token:copy', { pendingId: created.value.pendingId })
    expect(copied).toMatchObject({ ok: true })
    // One write: the token plus the platform's "do not record" marker.
    expect(fake.clipboardState.writes).toHaveLength(1)
    const item = fake.clipboardState.writes[0]![0]!
    expect(item.items['text/plain']).toBe(created.value.token)
    expect(Object.keys(item.items).length).toBeGreaterThan(1)
    expect(fake.clipboardState.text).toBe(created.value.token)

    expect(await invoke(fake, 'keys:delete', { accountId, id: created.value.key!.id })).toMatchObject({ ok: true })
    await quit(fake)
    expect(fake.clipboardState.clears).toBe(1)
    expect(fake.clipboardState.text).toBe('')
  })

  it('clears the copied token when Windows ends the session (no before-quit then)', async () => {
    const { fake, window } = await startApp({ argv: ['--sandbox'] })
    const accountId = await sandboxAccountOf(fake)
    const created = (await invoke(fake, 'keys:create', { accountId, name: 'session end key', requestId: 'bundle-test-request-2' })) as { value: { pendingId: string } }
    await invoke(fake, 'token:copy', { pendingId: created.value.pendingId })
    expect(fake.clipboardState.text).not.toBe('')
    window.emit('session-end', fakeEvent({ reasons: ['logoff'] }))
    await vi.waitFor(() => expect(fake.clipboardState.clears).toBe(1))
    expect(fake.clipboardState.text).toBe('')
  })

  it("sends every API request through Electron's net.fetch, never Node's fetch", async () => {
    const nodeFetch = globalThis.fetch
    globalThis.fetch = () => Promise.reject(new Error("main used Node's fetch"))
    try {
      const { fake } = await startApp({ argv: ['--sandbox'] })
      const accountId = await sandboxAccountOf(fake)
      expect(await invoke(fake, 'keys:list', { accountId })).toMatchObject({ ok: true })
      const initial = (await invoke(fake, 'app:get-initial-state', undefined)) as { value: { accounts: Array<{ baseUrl: string }> } }
      const base = initial.value.accounts[0]!.baseUrl
      // The sandbox sign-in (GET /user/me with its list, side by side) and the refreshes went
      // through net.fetch, with the client's rules. (How many lists depends on whether the window's
      // keys:list joined the one the initial state started: the request budgets count those.)
      expect([...new Set(fake.netRequests.map((request) => `${request.init?.method} ${request.url}`))].sort()).toEqual([
        `GET ${base}/user/api-keys`,
        `GET ${base}/user/me`
      ])
      expect(fake.netRequests.length).toBeGreaterThanOrEqual(3)
      for (const { init } of fake.netRequests) {
        expect(init).toMatchObject({ redirect: 'error', credentials: 'omit', cache: 'no-store', bypassCustomProtocolHandlers: true })
        expect(init?.signal).toBeInstanceOf(AbortSignal)
        expect(new Headers(init?.headers).get('accept')).toBe('application/json')
      }
    } finally {
      globalThis.fetch = nodeFetch
    }
  })

  it('also starts in the sandbox with AUTOCALLS_SANDBOX=1', async () => {
    const { fake } = await startApp({ env: { AUTOCALLS_SANDBOX: '1' } })
    expect(await sandboxAccountOf(fake)).toMatch(/^demo@example\.com on http:\/\/127\.0\.0\.1:\d+\/api$/)
  })

  it('lists the accounts in the Accounts menu, and rebuilds it when an account is added', async () => {
    const { fake } = await startApp({ argv: ['--sandbox'] })
    const accountsMenu = () =>
      (fake.menus.at(-1)?.template as Array<{ label?: string; submenu?: Array<{ label?: string; type?: string; checked?: boolean }> }>).find((m) => m.label === 'Accounts')
    await vi.waitFor(() => expect(accountsMenu()?.submenu?.filter((item) => item.type === 'radio')).toHaveLength(1))
    expect(await invoke(fake, 'accounts:add-sandbox', undefined)).toMatchObject({ ok: true })
    await vi.waitFor(() => expect(accountsMenu()?.submenu?.filter((item) => item.type === 'radio')).toHaveLength(2))
    const labels = accountsMenu()!.submenu!.filter((item) => item.type === 'radio').map((item) => item.label)
    expect(labels[1]).toMatch(/^frontdesk@harbor-dental\.example on 127\.0\.0\.1:\d+$/)
  })
})

/** The sandbox account the app signed in to at start (its id). */
async function sandboxAccountOf(fake: FakeElectron): Promise<string> {
  const initial = (await invoke(fake, 'app:get-initial-state', undefined)) as { ok: true; value: { accounts: Array<{ id: string; isSandbox: boolean }> } }
  expect(initial.value.accounts).toMatchObject([{ isSandbox: true }])
  return initial.value.accounts[0]!.id
}
