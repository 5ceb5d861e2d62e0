/**
 * "Check for Updates…" and the quiet daily check, around electron-updater. Electron-free: the
 * updater is loaded through `loadUpdater` (the desktop app imports electron-updater there, at
 * the first check, so start-up never pays for it) and questions go through `ask`.
 *
 * Consent: the updater is set to download nothing by itself (autoDownload off) and to install
 * nothing on quit (autoInstallOnAppQuit off outside a download, see #check). An update found is
 * offered in a dialog; only a "Download" starts the download, and only "Restart and Install" or
 * "Install When I Quit" after it lets it be installed.
 */
import { DISABLED_MESSAGES, isQuietCheckDue, QUIET_CHECK_DELAY_MS, QUIET_CHECK_POLL_MS, type UpdateCheckStamp, type UpdatesDisabledReason } from './update-schedule'

/** The part of electron-updater's AppUpdater this controller uses. */
export interface Updater {
  autoDownload: boolean
  autoInstallOnAppQuit: boolean
  logger: UpdaterLogger | null
  checkForUpdates(): Promise<{ isUpdateAvailable: boolean; updateInfo: { version: string; releaseName?: string | null } } | null>
  downloadUpdate(): Promise<unknown>
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void
}

export interface UpdaterLogger {
  info(message?: unknown): void
  warn(message?: unknown): void
  error(message?: unknown): void
  debug?(message: string): void
}

export interface UpdateQuestion {
  type: 'info' | 'question' | 'error'
  message: string
  detail?: string
  buttons: string[]
  defaultId: number
  /** The answer of Escape or closing the dialog: always the one that changes nothing. */
  cancelId: number
}

/** The timers the quiet checks use (Node's globals; a test's fakes). */
export interface QuietCheckTimers {
  setTimeout(callback: () => void, ms: number): { unref?(): unknown }
  setInterval(callback: () => void, ms: number): { unref?(): unknown }
  clearTimeout(handle: never): void
  clearInterval(handle: never): void
}

export type UpdateOutcome =
  | 'disabled'
  | 'not-due'
  | 'busy'
  | 'up-to-date'
  | 'declined'
  | 'install-now'
  | 'install-on-quit'
  | 'downloaded-not-installed'
  | 'failed'

export interface UpdateControllerOptions {
  appName: string
  currentVersion: string
  disabledReason: UpdatesDisabledReason | null
  loadUpdater: () => Promise<Updater>
  /** Shows a dialog; resolves with the index of the button chosen. */
  ask: (question: UpdateQuestion) => Promise<number>
  stamp: UpdateCheckStamp
  now?: () => Date
  log: { info(...parts: unknown[]): void; warn(...parts: unknown[]): void; error(...parts: unknown[]): void }
}

export class UpdateController {
  readonly #options: UpdateControllerOptions
  #updater: Promise<Updater> | null = null
  #running: Promise<UpdateOutcome> | null = null

  constructor(options: UpdateControllerOptions) {
    this.#options = options
  }

  get enabled(): boolean {
    return this.#options.disabledReason === null
  }

  /** The person asked ("Check for Updates…"): every outcome is told, "up to date" and failures included. */
  async checkNow(): Promise<UpdateOutcome> {
    const reason = this.#options.disabledReason
    if (reason !== null) {
      await this.#tell('info', DISABLED_MESSAGES[reason])
      return 'disabled'
    }
    return this.#run(false)
  }

  /** The daily check: silent unless an update is found (then the person is asked), at most once a day. */
  async checkQuietly(): Promise<UpdateOutcome> {
    if (this.#options.disabledReason !== null) return 'disabled'
    if (this.#running) return 'busy'
    const now = this.#now()
    if (!isQuietCheckDue(await this.#options.stamp.lastCheckAt(), now)) return 'not-due'
    return this.#run(true)
  }

  /**
   * A quiet check shortly after start-up, then a look every hour whether a day has passed (an app
   * left open for days still hears of an update). Returns the function that stops both timers.
   */
  startQuietChecks(timers: QuietCheckTimers = globalThis): () => void {
    if (!this.enabled) return () => undefined
    const run = (): void => {
      this.checkQuietly().catch((error: unknown) => this.#options.log.warn('The daily update check failed:', error))
    }
    const first = timers.setTimeout(run, QUIET_CHECK_DELAY_MS)
    const poll = timers.setInterval(run, QUIET_CHECK_POLL_MS)
    // Neither keeps the process alive on quit.
    first.unref?.()
    poll.unref?.()
    return () => {
      timers.clearTimeout(first as never)
      timers.clearInterval(poll as never)
    }
  }

  #run(quiet: boolean): Promise<UpdateOutcome> {
    if (this.#running) return Promise.resolve<UpdateOutcome>('busy')
    this.#running = this.#check(quiet).finally(() => {
      this.#running = null
    })
    return this.#running
  }

  async #check(quiet: boolean): Promise<UpdateOutcome> {
    const { appName, currentVersion, log } = this.#options
    // Recorded before asking: a check that fails (offline) still counts, so a quiet one is not retried at every start.
    await this.#options.stamp.record(this.#now()).catch((error: unknown) => log.warn('Could not record the time of the update check:', error))
    let updater: Updater
    let found: Awaited<ReturnType<Updater['checkForUpdates']>>
    try {
      updater = await this.#loadUpdater()
      found = await updater.checkForUpdates()
    } catch (error) {
      log.warn('The update check failed:', error)
      if (!quiet) await this.#tell('error', 'Could not check for updates.', `${errorText(error)} Check your connection and try again later.`)
      return 'failed'
    }
    if (!found || !found.isUpdateAvailable) {
      log.info(`Update check: ${currentVersion} is the latest version${found ? ` (the release server has ${found.updateInfo.version})` : ''}.`)
      if (!quiet) await this.#tell('info', `${appName} is up to date.`, `You have version ${currentVersion}, the latest.`)
      return 'up-to-date'
    }
    const version = found.updateInfo.version
    log.info(`Update check: ${version} is available (this is ${currentVersion}).`)
    const download = await this.#options.ask({
      type: 'question',
      message: `${appName} ${version} is available.`,
      detail: `You have version ${currentVersion}. Download the new version now? Nothing is installed until you say so.`,
      buttons: ['Download', 'Not Now'],
      defaultId: 0,
      cancelId: 1
    })
    if (download !== 0) {
      log.info(`Update ${version} declined.`)
      return 'declined'
    }
    try {
      // electron-updater registers its install-on-quit handler when a download completes, and only
      // if this flag is on then; the handler reads the flag again at quit. So: on while
      // downloading, off straight after, and on again only if the person chooses "Install When I Quit".
      updater.autoInstallOnAppQuit = true
      try {
        await updater.downloadUpdate()
      } finally {
        updater.autoInstallOnAppQuit = false
      }
    } catch (error) {
      log.warn(`Downloading update ${version} failed:`, error)
      await this.#tell('error', `Could not download ${appName} ${version}.`, `${errorText(error)} Try again later from “Check for Updates…”.`)
      return 'failed'
    }
    const install = await this.#options.ask({
      type: 'question',
      message: `${appName} ${version} is ready to install.`,
      detail: 'Restart now to install it, or have it installed the next time you quit.',
      buttons: ['Restart and Install', 'Install When I Quit', 'Not Now'],
      defaultId: 0,
      cancelId: 2
    })
    if (install === 0) {
      log.info(`Installing update ${version} now (the person chose to restart).`)
      updater.quitAndInstall(false, true)
      return 'install-now'
    }
    if (install === 1) {
      log.info(`Update ${version} will be installed on quit (the person chose so).`)
      updater.autoInstallOnAppQuit = true
      return 'install-on-quit'
    }
    log.info(`Update ${version} downloaded, not installed (the person chose not now).`)
    return 'downloaded-not-installed'
  }

  #loadUpdater(): Promise<Updater> {
    this.#updater ??= this.#options.loadUpdater().then((updater) => {
      updater.autoDownload = false
      updater.autoInstallOnAppQuit = false
      const { log } = this.#options
      // electron-updater's own messages into the app's (redacted) log.
      updater.logger = {
        info: (message) => log.info('[updater]', message),
        warn: (message) => log.warn('[updater]', message),
        error: (message) => log.warn('[updater]', message)
      }
      return updater
    })
    // A failed load (a broken install) is tried again at the next check.
    this.#updater.catch(() => {
      this.#updater = null
    })
    return this.#updater
  }

  async #tell(type: UpdateQuestion['type'], message: string, detail?: string): Promise<void> {
    await this.#options.ask({ type, message, ...(detail === undefined ? {} : { detail }), buttons: ['OK'], defaultId: 0, cancelId: 0 })
  }

  #now(): Date {
    return this.#options.now?.() ?? new Date()
  }
}

/** The first line of an error, for a dialog (the whole error goes to the log). */
function errorText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  const first = message.split('\n')[0]!.trim()
  const sentence = first.length > 200 ? `${first.slice(0, 200)}…` : first
  return /[.!?]$/.test(sentence) ? sentence : `${sentence}.`
}
