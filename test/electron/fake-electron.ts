/**
 * A stand-in for the `electron` module, enough for the built main bundle to start in plain Node.
 * It records what the app asks of Electron (schemes, handlers, windows, menus, session hooks) so
 * tests can assert it and drive events (ready, navigation, IPC, quit) by hand.
 */
import { EventEmitter } from 'node:events'

export interface RecordedCall {
  what: string
  args: unknown[]
}

/** A request the app sent through `net.fetch`, as it was handed over. */
export interface NetRequest {
  url: string
  init: (RequestInit & { bypassCustomProtocolHandlers?: boolean }) | undefined
}

// Captured at load, so the stand-in still sends when a test takes Node's global fetch away.
const nodeFetch = globalThis.fetch

export interface FakeElectronOptions {
  userDataDir: string
  appPath: string
  isPackaged?: boolean
  darkMode?: boolean
}

/** State shared by the fake modules of one fake Electron. */
class Context {
  readonly log: RecordedCall[] = []
  isReady = false
  app!: FakeApp
  readonly windows: FakeBrowserWindow[] = []
  readonly invokeHandlers = new Map<string, (event: unknown, request: unknown) => Promise<unknown>>()
  readonly protocolHandlers = new Map<string, (request: Request) => Response | Promise<Response>>()
  readonly menus: Array<{ template: unknown[] }> = []
  readonly clipboardState = { text: '', writes: [] as FakeClipboardItem[][], clears: 0 }
  readonly openedExternally: string[] = []
  readonly netRequests: NetRequest[] = []

  record(what: string, ...args: unknown[]): void {
    this.log.push({ what, args })
  }
}

export class FakeWebFrame {
  constructor(
    public url: string,
    public parent: FakeWebFrame | null = null
  ) {}
}

let nextWebContentsId = 1

export class FakeWebContents extends EventEmitter {
  readonly id = nextWebContentsId++
  readonly mainFrame = new FakeWebFrame('')
  readonly sent: Array<{ channel: string; payload: unknown }> = []
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null
  readonly loadedUrls: string[] = []

  send(channel: string, payload: unknown): void {
    this.sent.push({ channel, payload })
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler
  }
  async loadURL(url: string): Promise<void> {
    this.loadedUrls.push(url)
    this.mainFrame.url = url
  }
}

export interface FakeEvent {
  defaultPrevented: boolean
  preventDefault(): void
  [field: string]: unknown
}

/** An Electron-style event: `preventDefault` is recorded, extra fields (like `url`) carried along. */
export function fakeEvent(fields: Record<string, unknown> = {}): FakeEvent {
  const event: FakeEvent = {
    ...fields,
    defaultPrevented: false,
    preventDefault() {
      event.defaultPrevented = true
    }
  }
  return event
}

export class FakeApp extends EventEmitter {
  name = 'Electron'
  quitCalls = 0
  singleInstanceLock = true
  readonly #paths: Record<string, string>
  readonly #ready: Promise<void>
  #markReady!: () => void

  constructor(
    private readonly context: Context,
    private readonly options: FakeElectronOptions,
    public isPackaged: boolean
  ) {
    super()
    this.#paths = { userData: options.userDataDir, appData: options.userDataDir, temp: options.userDataDir, downloads: options.userDataDir, logs: options.userDataDir }
    this.#ready = new Promise((resolve) => {
      this.#markReady = resolve
    })
  }
  getPath(name: string): string {
    const path = this.#paths[name]
    if (path === undefined) throw new Error(`fake app.getPath: no path for ${name}`)
    return path
  }
  setPath(name: string, path: string): void {
    this.context.record('app.setPath', name, path)
    this.#paths[name] = path
  }
  getName(): string {
    return this.name
  }
  setName(name: string): void {
    this.context.record('app.setName', name)
    this.name = name
  }
  getVersion(): string {
    return '0.0.0-test'
  }
  getAppPath(): string {
    return this.options.appPath
  }
  whenReady(): Promise<void> {
    return this.#ready
  }
  isReady(): boolean {
    return this.context.isReady
  }
  enableSandbox(): void {
    this.context.record('app.enableSandbox', this.context.isReady)
  }
  requestSingleInstanceLock(): boolean {
    this.context.record('app.requestSingleInstanceLock')
    return this.singleInstanceLock
  }
  setAppUserModelId(id: string): void {
    this.context.record('app.setAppUserModelId', id)
  }
  setAboutPanelOptions(aboutOptions: unknown): void {
    this.context.record('app.setAboutPanelOptions', aboutOptions)
  }
  quit(): void {
    this.quitCalls++
    this.context.record('app.quit')
  }
  exit(code?: number): void {
    this.context.record('app.exit', code)
  }
  /** Test control: resolves `whenReady()` and emits 'ready'. */
  makeReady(): void {
    this.context.isReady = true
    this.#markReady()
    this.emit('ready')
  }
}

export class FakeBrowserWindow extends EventEmitter {
  readonly webContents = new FakeWebContents()
  destroyed = false
  visible = false
  maximized = false
  minimized = false
  focused = false
  readonly backgroundColors: string[] = []

  constructor(
    private readonly context: Context,
    readonly options: Record<string, unknown>
  ) {
    super()
    context.record('new BrowserWindow', options)
    context.windows.push(this)
    context.app.emit('web-contents-created', fakeEvent(), this.webContents)
  }
  loadURL(url: string): Promise<void> {
    this.context.record('window.loadURL', url)
    return this.webContents.loadURL(url)
  }
  show(): void {
    this.visible = true
  }
  focus(): void {
    this.focused = true
  }
  restore(): void {
    this.minimized = false
  }
  isMinimized(): boolean {
    return this.minimized
  }
  maximize(): void {
    this.maximized = true
    this.visible = true
  }
  isMaximized(): boolean {
    return this.maximized
  }
  isDestroyed(): boolean {
    return this.destroyed
  }
  getNormalBounds(): { x: number; y: number; width: number; height: number } {
    return { x: 40, y: 30, width: 1000, height: 700 }
  }
  setBackgroundColor(color: string): void {
    this.backgroundColors.push(color)
  }
  close(): void {
    this.emit('close', fakeEvent())
    this.destroyed = true
    this.emit('closed')
  }
}

type PermissionRequestHandler = (webContents: unknown, permission: string, callback: (granted: boolean) => void, details?: unknown) => void

export class FakeSession extends EventEmitter {
  permissionRequestHandler: PermissionRequestHandler | null = null
  permissionCheckHandler: ((webContents: unknown, permission: string) => boolean) | null = null
  devicePermissionHandler: ((details: unknown) => boolean) | null = null
  displayMediaRequestHandler: ((request: unknown, callback: (streams: unknown) => void) => void) | null = null
  setPermissionRequestHandler(handler: PermissionRequestHandler | null): void {
    this.permissionRequestHandler = handler
  }
  setPermissionCheckHandler(handler: FakeSession['permissionCheckHandler']): void {
    this.permissionCheckHandler = handler
  }
  setDevicePermissionHandler(handler: FakeSession['devicePermissionHandler']): void {
    this.devicePermissionHandler = handler
  }
  setDisplayMediaRequestHandler(handler: FakeSession['displayMediaRequestHandler']): void {
    this.displayMediaRequestHandler = handler
  }
}

export class FakeClipboardItem {
  constructor(readonly items: Record<string, unknown>) {}
  get types(): string[] {
    return Object.keys(this.items)
  }
}

export class FakeNativeTheme extends EventEmitter {
  themeSource = 'system'
  constructor(public shouldUseDarkColors: boolean) {
    super()
  }
}

export interface FakeElectronModule {
  app: FakeApp
  BrowserWindow: new (options: Record<string, unknown>) => FakeBrowserWindow
  ipcMain: {
    handle(channel: string, listener: (event: unknown, request: unknown) => Promise<unknown>): void
    on(channel: string): void
    removeHandler(channel: string): void
  }
  protocol: {
    registerSchemesAsPrivileged(schemes: unknown): void
    handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void
  }
  session: { defaultSession: FakeSession }
  Menu: { buildFromTemplate(template: unknown[]): { template: unknown[] }; setApplicationMenu(menu: { template: unknown[] }): void }
  nativeTheme: FakeNativeTheme
  screen: { getPrimaryDisplay(): FakeDisplay; getAllDisplays(): FakeDisplay[] }
  clipboard: { write(items: FakeClipboardItem[]): Promise<void>; readText(): Promise<string>; clear(): void }
  ClipboardItem: typeof FakeClipboardItem
  shell: { openExternal(url: string): Promise<void> }
  /** Records each request, then sends it with Node's fetch (Chromium's stack is not here). */
  net: { fetch(input: string | Request, init?: NetRequest['init']): Promise<Response> }
  /** The save dialog answers what the test put in `saveDialogAnswers` (cancelled when empty). */
  dialog: { showSaveDialog(...args: unknown[]): Promise<{ canceled: boolean; filePath?: string }> }
  powerMonitor: EventEmitter
}

interface FakeDisplay {
  id: number
  workArea: { x: number; y: number; width: number; height: number }
  bounds: { x: number; y: number; width: number; height: number }
}

export interface FakeElectron {
  /** What `require('electron')` returns. */
  module: FakeElectronModule
  log: RecordedCall[]
  windows: FakeBrowserWindow[]
  invokeHandlers: Map<string, (event: unknown, request: unknown) => Promise<unknown>>
  protocolHandlers: Map<string, (request: Request) => Response | Promise<Response>>
  menus: Array<{ template: unknown[] }>
  clipboardState: { text: string; writes: FakeClipboardItem[][]; clears: number }
  openedExternally: string[]
  netRequests: NetRequest[]
  /** Paths the next save dialogs answer with (null: the person cancels); each dialog shown is in `saveDialogs`. */
  saveDialogAnswers: Array<string | null>
  saveDialogs: unknown[][]
  /** Resolves `app.whenReady()` and emits 'ready'. */
  makeReady(): void
}

export function createFakeElectron(options: FakeElectronOptions): FakeElectron {
  const context = new Context()
  const app = new FakeApp(context, options, options.isPackaged ?? false)
  context.app = app

  const saveDialogAnswers: Array<string | null> = []
  const saveDialogs: unknown[][] = []
  const display: FakeDisplay = { id: 1, workArea: { x: 0, y: 0, width: 1920, height: 1040 }, bounds: { x: 0, y: 0, width: 1920, height: 1080 } }
  const module: FakeElectronModule = {
    app,
    BrowserWindow: class extends FakeBrowserWindow {
      constructor(windowOptions: Record<string, unknown>) {
        super(context, windowOptions)
      }
    },
    ipcMain: {
      handle(channel, listener) {
        if (context.invokeHandlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`)
        context.invokeHandlers.set(channel, listener)
      },
      on(channel) {
        context.record('ipcMain.on', channel)
      },
      removeHandler(channel) {
        context.invokeHandlers.delete(channel)
      }
    },
    protocol: {
      registerSchemesAsPrivileged(schemes) {
        context.record('protocol.registerSchemesAsPrivileged', schemes, context.isReady)
      },
      handle(scheme, handler) {
        context.record('protocol.handle', scheme, context.isReady)
        context.protocolHandlers.set(scheme, handler)
      }
    },
    session: { defaultSession: new FakeSession() },
    Menu: {
      buildFromTemplate: (template) => ({ template }),
      setApplicationMenu: (menu) => {
        context.menus.push(menu)
      }
    },
    nativeTheme: new FakeNativeTheme(options.darkMode ?? false),
    screen: { getPrimaryDisplay: () => display, getAllDisplays: () => [display] },
    clipboard: {
      async write(items) {
        context.clipboardState.writes.push(items)
        const text = items[0]?.items['text/plain']
        context.clipboardState.text = typeof text === 'string' ? text : ''
      },
      async readText() {
        return context.clipboardState.text
      },
      clear() {
        context.clipboardState.clears++
        context.clipboardState.text = ''
      }
    },
    ClipboardItem: FakeClipboardItem,
    shell: {
      async openExternal(url) {
        context.openedExternally.push(url)
      }
    },
    net: {
      async fetch(input, init) {
        if (!context.isReady) throw new Error('net module can only be used after app is ready')
        const url = typeof input === 'string' ? input : input.url
        context.netRequests.push({ url, init })
        const { bypassCustomProtocolHandlers: _electronOnly, ...nodeInit } = init ?? {}
        return nodeFetch(input, nodeInit)
      }
    },
    dialog: {
      async showSaveDialog(...args) {
        saveDialogs.push(args)
        const answer = saveDialogAnswers.shift() ?? null
        return answer === null ? { canceled: true } : { canceled: false, filePath: answer }
      }
    },
    powerMonitor: new EventEmitter()
  }

  return {
    module,
    log: context.log,
    windows: context.windows,
    invokeHandlers: context.invokeHandlers,
    protocolHandlers: context.protocolHandlers,
    menus: context.menus,
    clipboardState: context.clipboardState,
    openedExternally: context.openedExternally,
    netRequests: context.netRequests,
    saveDialogAnswers,
    saveDialogs,
    makeReady: () => app.makeReady()
  }
}
