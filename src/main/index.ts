/**
 * Electron entry point: the thin shell around the plain services (createAppServices).
 * Every decision lives in a pure module under ./electron, tested in Node; this file wires them
 * to Electron. Order matters: scheme privileges, the sandbox switch and the single-instance lock
 * are set up before `ready`; the session is hardened and app:// served before the window loads.
 *
 * Flags (documented in README): `--sandbox` (or AUTOCALLS_SANDBOX=1) adds a fresh built-in sandbox
 * account before the window loads; AUTOCALLS_KEYS_USER_DATA_DIR moves userData and
 * AUTOCALLS_KEYS_KEYCHAIN_SERVICE the keychain entries (the command line honours both too, so the
 * two stay on the same accounts). In development only, ELECTRON_RENDERER_URL (set by
 * `electron-vite dev`) is loaded instead of app://.
 */
import { app, BrowserWindow, clipboard, ClipboardItem, dialog, ipcMain, Menu, nativeTheme, net, powerMonitor, protocol, screen, session, shell } from 'electron'
import { homedir, arch, release, version as osVersion } from 'node:os'
import { join } from 'node:path'
import { accountLabel } from '../shared/domain'
import { USER_DATA_DIR_ENV } from './storage/user-data-dir'
import type { EventSink } from './ipc/event-sink'
import { createAppServices, type AppServices } from './app-services'
import { isAllowedExternalUrl } from './security/external-links'
import { addLogSink, log } from './support/log'
import { RotatingLogFile } from './support/log-file'
import { buildDiagnosticsText, diagnosticsAccounts, displayPath } from './diagnostics/diagnostics-text'
import { UpdateController } from './updates/update-controller'
import { UpdateCheckStamp, updatesDisabledReason } from './updates/update-schedule'
import { loadElectronUpdater } from './updates/load-electron-updater'
import { APP_ENTRY_URL, APP_ID, APP_NAME, APP_ORIGIN, APP_SCHEME, DOCS_URL, originOf } from './electron/app-identity'
import { createAppProtocolHandler, PRIVILEGED_SCHEMES } from './electron/app-protocol'
import { createSaveDialogPort } from './electron/save-dialog-port'
import { createElectronClipboardPort } from './electron/clipboard-port'
import { createNetFetch } from './electron/net-fetch'
import { registerIpcHandlers } from './electron/ipc-bridge'
import { aboutPanelOptions, buildMenuTemplate } from './electron/menu-template'
import { hardenWebContents } from './electron/navigation'
import { denyAllPermissions } from './electron/permissions'
import { backgroundColorFor, createMainWindow, MAIN_WINDOW_DEFAULT_SIZE, MAIN_WINDOW_MIN_SIZE } from './electron/window-options'
import { restoreWindowState, WindowStateFile } from './electron/window-state'

const isDevelopment = !app.isPackaged
const devServerUrl = isDevelopment ? process.env['ELECTRON_RENDERER_URL'] : undefined
const devServerOrigin = devServerUrl === undefined ? null : originOf(devServerUrl)
/** Origins the window may show and call IPC from: app://app, plus the Vite dev server in development. */
const allowedOrigins: readonly string[] = devServerOrigin === null ? [APP_ORIGIN] : [APP_ORIGIN, devServerOrigin]
const startInSandbox = process.argv.includes('--sandbox') || process.env['AUTOCALLS_SANDBOX'] === '1'

app.setName(APP_NAME)
const userDataOverride = process.env[USER_DATA_DIR_ENV]
if (userDataOverride) app.setPath('userData', userDataOverride)
// Every renderer sandboxed, whatever a window's options say.
app.enableSandbox()
protocol.registerSchemesAsPrivileged(PRIVILEGED_SCHEMES)

if (app.requestSingleInstanceLock()) {
  startApp()
} else {
  // Another instance is running: it gets 'second-instance' and focuses its window.
  app.quit()
}

function startApp(): void {
  // The log file: only this instance (a second one quits above) and never the command line write it.
  // With userData moved (tests, a second profile) the logs move with it.
  const logFile = new RotatingLogFile({ dir: userDataOverride ? join(userDataOverride, 'logs') : app.getPath('logs') })
  addLogSink((line) => logFile.write(line))
  process.on('unhandledRejection', (reason) => log.unexpected('Unhandled promise rejection:', reason))
  // A monitor only logs: Electron's own handling of an uncaught exception stays as it is.
  process.on('uncaughtExceptionMonitor', (error) => log.unexpected('Uncaught exception:', error))

  let services: AppServices | null = null
  let mainWindow: BrowserWindow | null = null
  let isReady = false
  const windowState = new WindowStateFile(app.getPath('userData'))
  const clipboardPort = createElectronClipboardPort({ clipboard, ClipboardItem, platform: process.platform })

  const liveWindow = (): BrowserWindow | null => (mainWindow !== null && !mainWindow.isDestroyed() ? mainWindow : null)
  const events: EventSink = {
    emit(channel, payload) {
      liveWindow()?.webContents.send(channel, payload)
      if (channel === 'event:accounts-changed') scheduleMenuUpdate()
    }
  }
  // The Accounts menu lists every account: rebuilt (once per burst of changes) when they change.
  let menuUpdate: NodeJS.Immediate | null = null
  const scheduleMenuUpdate = (): void => {
    menuUpdate ??= setImmediate(() => {
      menuUpdate = null
      if (isReady) installMenu()
    })
  }
  const openExternal = async (url: string): Promise<void> => {
    if (!isAllowedExternalUrl(url)) throw new Error('This link is not on the allowlist of Autocalls pages.')
    await shell.openExternal(url)
  }
  const openExternalQuietly = (url: string): void => {
    openExternal(url).catch((error: unknown) => log.warn('Could not open a link in the browser:', error))
  }

  const updates = new UpdateController({
    appName: APP_NAME,
    currentVersion: app.getVersion(),
    disabledReason: updatesDisabledReason({ isPackaged: app.isPackaged, sandboxOnly: startInSandbox }),
    // A rejection, not a throw, when the module is missing: the controller tells the person.
    loadUpdater: () => Promise.resolve().then(loadElectronUpdater),
    ask: async (question) => {
      const window = liveWindow()
      const answer = window ? await dialog.showMessageBox(window, question) : await dialog.showMessageBox(question)
      return answer.response
    },
    stamp: new UpdateCheckStamp(app.getPath('userData')),
    log
  })
  let stopQuietChecks = (): void => undefined
  const copyDiagnostics = async (): Promise<void> => {
    const text = buildDiagnosticsText({
      appName: APP_NAME,
      appVersion: app.getVersion(),
      isPackaged: app.isPackaged,
      versions: process.versions,
      os: { platform: process.platform, release: release(), arch: arch(), version: osVersion() },
      accounts: diagnosticsAccounts(services?.accounts.list() ?? []),
      logLines: logFile.tail(100),
      logFile: displayPath(logFile.current, homedir()),
      now: new Date()
    })
    await clipboard.write([new ClipboardItem({ 'text/plain': text })])
    log.info('Diagnostics copied to the clipboard.')
    const told = {
      type: 'info' as const,
      message: 'Diagnostics copied to the clipboard.',
      detail: 'Paste them into your support request. They hold versions, account hosts and recent log lines: no API key and no email address.',
      buttons: ['OK']
    }
    const window = liveWindow()
    await (window ? dialog.showMessageBox(window, told) : dialog.showMessageBox(told))
  }

  app.on('web-contents-created', (_event, contents) => {
    hardenWebContents(contents, {
      allowedOrigins,
      openAllowlistedLink: openExternalQuietly,
      onBlocked: (what, url) => log.warn(`Blocked ${what}${url ? ` to ${url}` : ''}.`)
    })
  })

  app.on('second-instance', () => {
    const window = liveWindow()
    if (window) {
      if (window.isMinimized()) window.restore()
      window.show()
      window.focus()
    } else if (isReady) {
      void openMainWindow()
    }
  })

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
  app.on('activate', () => {
    if (isReady && liveWindow() === null) void openMainWindow()
  })

  let quitState: 'running' | 'shutting-down' | 'done' = 'running'
  app.on('before-quit', (event) => {
    if (quitState === 'done') return
    // Hold the quit once: clear the clipboard if it still holds our token, wipe held tokens, save state.
    event.preventDefault()
    if (quitState === 'shutting-down') return
    quitState = 'shutting-down'
    void shutDown().finally(() => {
      quitState = 'done'
      app.quit()
    })
  })

  let shutdown: Promise<void> | null = null
  /** Once per run: from the held quit, or (Windows log-off and shutdown, where before-quit never comes) from 'session-end'. */
  function shutDown(): Promise<void> {
    shutdown ??= (async () => {
      stopQuietChecks()
      try {
        if (services) await withTimeout(services.shutdown(), 5000, 'shutting down')
      } catch (error) {
        log.unexpected('Shut-down did not finish cleanly:', error)
      }
    })()
    return shutdown
  }

  async function onReady(): Promise<void> {
    if (process.platform === 'win32') app.setAppUserModelId(APP_ID)
    denyAllPermissions(session.defaultSession, (permission) => log.warn(`Denied a "${permission}" permission request.`))
    protocol.handle(
      APP_SCHEME,
      createAppProtocolHandler({
        rendererDir: join(__dirname, '../renderer'),
        onRefused: (url, status, reason) => log.warn(`app:// refused ${url} (${status}, ${reason}).`)
      })
    )

    // API requests go through Chromium's network stack: system proxy and PAC, the OS certificate store.
    const chromiumFetch = createNetFetch((input, init) => net.fetch(input, init))
    services = await createAppServices({
      userDataDir: app.getPath('userData'),
      clipboard: clipboardPort,
      events,
      openExternal,
      client: { fetch: chromiumFetch },
      save: createSaveDialogPort({ dialog, window: liveWindow, downloadsDir: () => app.getPath('downloads') })
    })
    const watcher = services.rotations.watcher
    // Rotation watching rests while the computer sleeps (the window's own visibility comes from the page).
    powerMonitor.on('suspend', () => watcher.setAwake(false))
    powerMonitor.on('resume', () => watcher.setAwake(true))
    const handlers = { ...services.handlers }
    const show = handlers['accounts:show']
    // The menu marks the account shown.
    handlers['accounts:show'] = async (request) => {
      const result = await show(request)
      scheduleMenuUpdate()
      return result
    }
    registerIpcHandlers(
      ipcMain,
      handlers,
      () => ({ windowWebContentsId: liveWindow()?.webContents.id ?? null, allowedOrigins }),
      (channel, reason) => log.warn(`Refused IPC ${channel}: ${reason}.`)
    )

    installMenu()
    app.setAboutPanelOptions(aboutPanelOptions({ appName: APP_NAME, version: app.getVersion(), iconPath: iconPath(), year: new Date().getFullYear() }))
    nativeTheme.on('updated', () => liveWindow()?.setBackgroundColor(backgroundColorFor(nativeTheme.shouldUseDarkColors)))

    if (startInSandbox) {
      const result = await services.handlers['accounts:add-sandbox'](undefined)
      if (!result.ok) log.error('Could not start the sandbox:', result.error.message)
    }
    isReady = true
    await openMainWindow()
    // An own-key rotation an earlier run did not finish: finished or rolled back now, in the background.
    void services.resumeInterrupted()
    // Never in development or sandbox-only mode (the controller knows); electron-updater loads at the first check.
    stopQuietChecks = updates.startQuietChecks()
  }

  function installMenu(): void {
    const accounts = services?.accounts
    const shown = accounts?.shownAccountId() ?? null
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        buildMenuTemplate({
          platform: process.platform,
          appName: APP_NAME,
          isPackaged: app.isPackaged,
          accounts: (accounts?.list() ?? []).map((account) => ({ id: account.id, label: accountLabel(account), shown: account.id === shown })),
          send: (command, accountId) => events.emit('event:menu-command', accountId === undefined ? { command } : { command, accountId }),
          openDocs: () => openExternalQuietly(DOCS_URL),
          support: {
            openLogsFolder: () => {
              // The line also makes sure the folder exists before the file manager is asked to show it.
              log.info('Opening the logs folder.')
              void shell.openPath(logFile.dir).then((problem) => {
                if (problem) log.warn(`Could not open the logs folder: ${problem}`)
              })
            },
            copyDiagnostics: () => {
              copyDiagnostics().catch((error: unknown) => log.unexpected('Copying the diagnostics failed:', error))
            },
            checkForUpdates: () => {
              updates.checkNow().catch((error: unknown) => log.unexpected('The update check failed:', error))
            },
            updatesEnabled: updates.enabled
          }
        })
      )
    )
  }

  async function openMainWindow(): Promise<void> {
    const primary = screen.getPrimaryDisplay()
    const workAreas = [primary, ...screen.getAllDisplays().filter((display) => display.id !== primary.id)].map((display) => display.workArea)
    const restored = restoreWindowState(windowState.load(), workAreas, {
      defaultWidth: MAIN_WINDOW_DEFAULT_SIZE.width,
      defaultHeight: MAIN_WINDOW_DEFAULT_SIZE.height,
      minWidth: MAIN_WINDOW_MIN_SIZE.width,
      minHeight: MAIN_WINDOW_MIN_SIZE.height
    })
    const window = createMainWindow(BrowserWindow, {
      preloadPath: join(__dirname, '../preload/index.js'),
      bounds: restored.bounds,
      darkMode: nativeTheme.shouldUseDarkColors,
      ...(process.platform === 'linux' ? { iconPath: iconPath() } : {}),
      devTools: isDevelopment
    })
    mainWindow = window
    window.once('ready-to-show', () => {
      if (restored.maximized) window.maximize()
      window.show()
    })
    window.on('close', () => {
      try {
        windowState.save({ ...window.getNormalBounds(), maximized: window.isMaximized() })
      } catch (error) {
        log.warn('Could not save the window position:', error)
      }
    })
    window.on('session-end', () => void shutDown())
    window.on('closed', () => {
      if (mainWindow === window) mainWindow = null
    })
    const entryUrl = devServerUrl ?? APP_ENTRY_URL
    try {
      await window.loadURL(entryUrl)
    } catch (error) {
      log.error('The window could not load the app:', error)
    }
  }

  app
    .whenReady()
    .then(onReady)
    .catch((error: unknown) => {
      log.unexpected('Autocalls Keys could not start:', error)
      app.quit()
    })
}

/** The PNG icon for the Linux window and the About panel (copied next to app.asar when packaged). */
function iconPath(): string {
  return app.isPackaged ? join(process.resourcesPath, 'icon.png') : join(app.getAppPath(), 'resources', 'icons', 'icon.png')
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms ${what}.`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}
