/**
 * The update controller with a stand-in updater: consent at each step (nothing downloaded or
 * installed without a yes), the daily limit of the quiet check and its timers, development and
 * sandbox-only mode, failures told to the person only when they asked.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { UpdateController, type UpdateQuestion, type Updater } from '../../../src/main/updates/update-controller'
import {
  isQuietCheckDue,
  QUIET_CHECK_DELAY_MS,
  QUIET_CHECK_INTERVAL_MS,
  QUIET_CHECK_POLL_MS,
  UpdateCheckStamp,
  UPDATE_CHECK_FILE_NAME,
  updatesDisabledReason
} from '../../../src/main/updates/update-schedule'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
  vi.useRealTimers()
})

class StandInUpdater implements Updater {
  // electron-updater's defaults: the controller must turn both off.
  autoDownload = true
  autoInstallOnAppQuit = true
  logger: Updater['logger'] = null
  checks = 0
  downloads = 0
  installs: Array<[boolean | undefined, boolean | undefined]> = []
  constructor(public latest: string | Error, readonly current = '1.0.0') {}
  checkForUpdates() {
    this.checks++
    if (this.latest instanceof Error) return Promise.reject(this.latest)
    return Promise.resolve({ isUpdateAvailable: this.latest !== this.current, updateInfo: { version: this.latest } })
  }
  /** electron-updater adds its install-on-quit handler when a download completes, only if the flag is on then. */
  quitHandlerAdded = false
  downloadUpdate() {
    this.downloads++
    if (this.autoInstallOnAppQuit) this.quitHandlerAdded = true
    return Promise.resolve(['/cache/update.deb'])
  }
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean) {
    this.installs.push([isSilent, isForceRunAfter])
  }
}

function setup(options: { latest?: string | Error; answers?: number[]; disabled?: 'development' | 'sandbox' | null; now?: () => Date } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'autocalls-updates-'))
  dirs.push(dir)
  const updater = new StandInUpdater(options.latest ?? '1.1.0')
  const questions: UpdateQuestion[] = []
  const answers = [...(options.answers ?? [])]
  const loadUpdater = vi.fn(() => Promise.resolve(updater))
  const logged: string[] = []
  const record = (...parts: unknown[]) => logged.push(parts.map((p) => (p instanceof Error ? p.message : String(p))).join(' '))
  const stamp = new UpdateCheckStamp(dir)
  const controller = new UpdateController({
    appName: 'Autocalls Keys',
    currentVersion: '1.0.0',
    disabledReason: options.disabled ?? null,
    loadUpdater,
    ask: (question) => {
      questions.push(question)
      return Promise.resolve(answers.shift() ?? question.cancelId)
    },
    stamp,
    ...(options.now ? { now: options.now } : {}),
    log: { info: record, warn: record, error: record }
  })
  return { dir, updater, questions, controller, loadUpdater, stamp, logged }
}

describe('consent', () => {
  it('offers an update found and downloads nothing when the person says not now', async () => {
    const { controller, updater, questions } = setup({ answers: [1] })
    expect(await controller.checkNow()).toBe('declined')
    expect(updater.autoDownload).toBe(false)
    expect(updater.autoInstallOnAppQuit).toBe(false)
    expect(updater.downloads).toBe(0)
    expect(updater.installs).toEqual([])
    expect(questions).toHaveLength(1)
    expect(questions[0]).toMatchObject({ type: 'question', message: 'Autocalls Keys 1.1.0 is available.', buttons: ['Download', 'Not Now'], cancelId: 1 })
    expect(questions[0]!.detail).toContain('Nothing is installed until you say so.')
  })

  it('closing the dialog (its cancel answer) is a no at every step', async () => {
    const first = setup({ answers: [] })
    expect(await first.controller.checkNow()).toBe('declined')
    expect(first.updater.downloads).toBe(0)
    const second = setup({ answers: [0] })
    expect(await second.controller.checkNow()).toBe('downloaded-not-installed')
    expect(second.questions[1]).toMatchObject({ buttons: ['Restart and Install', 'Install When I Quit', 'Not Now'], cancelId: 2 })
    expect(second.updater.installs).toEqual([])
    expect(second.updater.autoInstallOnAppQuit).toBe(false)
  })

  it('downloads after a yes, and installs now only after "Restart and Install"', async () => {
    const { controller, updater, questions } = setup({ answers: [0, 0] })
    expect(await controller.checkNow()).toBe('install-now')
    expect(updater.downloads).toBe(1)
    expect(updater.installs).toEqual([[false, true]])
    expect(questions[1]!.message).toBe('Autocalls Keys 1.1.0 is ready to install.')
  })

  it('"Install When I Quit" is the only way the update gets installed on quit', async () => {
    const { controller, updater } = setup({ answers: [0, 1] })
    expect(await controller.checkNow()).toBe('install-on-quit')
    expect(updater.installs).toEqual([])
    expect(updater.autoInstallOnAppQuit).toBe(true)
    expect(updater.quitHandlerAdded).toBe(true)
  })

  it('a failed download is told, and nothing is installed', async () => {
    const { controller, updater, questions } = setup({ answers: [0] })
    updater.downloadUpdate = () => Promise.reject(new Error('sha512 checksum mismatch'))
    expect(await controller.checkNow()).toBe('failed')
    expect(questions[1]).toMatchObject({ type: 'error', message: 'Could not download Autocalls Keys 1.1.0.', buttons: ['OK'] })
    expect(questions[1]!.detail).toMatch(/^sha512 checksum mismatch\. /)
    expect(updater.installs).toEqual([])
  })
})

describe('asked for and quiet checks', () => {
  it('tells the person who asked that the app is up to date, or why the check failed', async () => {
    const upToDate = setup({ latest: '1.0.0' })
    expect(await upToDate.controller.checkNow()).toBe('up-to-date')
    expect(upToDate.questions).toEqual([expect.objectContaining({ type: 'info', message: 'Autocalls Keys is up to date.', buttons: ['OK'] })])
    const offline = setup({ latest: new Error('net::ERR_INTERNET_DISCONNECTED\n    at stack') })
    expect(await offline.controller.checkNow()).toBe('failed')
    expect(offline.questions[0]).toMatchObject({ type: 'error', message: 'Could not check for updates.' })
    expect(offline.questions[0]!.detail).toBe('net::ERR_INTERNET_DISCONNECTED. Check your connection and try again later.')
  })

  it('stays silent in a quiet check unless there is an update to offer', async () => {
    const upToDate = setup({ latest: '1.0.0' })
    expect(await upToDate.controller.checkQuietly()).toBe('up-to-date')
    const offline = setup({ latest: new Error('offline') })
    expect(await offline.controller.checkQuietly()).toBe('failed')
    expect([...upToDate.questions, ...offline.questions]).toEqual([])
    expect(offline.logged.some((line) => line.includes('The update check failed: offline'))).toBe(true)
    const found = setup({ latest: '2.0.0', answers: [1] })
    expect(await found.controller.checkQuietly()).toBe('declined')
    expect(found.questions).toHaveLength(1)
  })

  it('checks quietly at most once a day, counting a check the person asked for, a failed one too', async () => {
    let now = new Date('2026-12-03T09:00:00Z')
    const { controller, updater, stamp, dir } = setup({ latest: new Error('offline'), now: () => now })
    expect(await controller.checkQuietly()).toBe('failed')
    expect(JSON.parse(readFileSync(join(dir, UPDATE_CHECK_FILE_NAME), 'utf8'))).toEqual({ lastCheckAt: '2026-12-03T09:00:00.000Z' })
    now = new Date(now.getTime() + QUIET_CHECK_INTERVAL_MS - 1)
    expect(await controller.checkQuietly()).toBe('not-due')
    expect(updater.checks).toBe(1)
    now = new Date(now.getTime() + 1)
    updater.latest = '1.0.0'
    expect(await controller.checkNow()).toBe('up-to-date')
    expect(await controller.checkQuietly()).toBe('not-due')
    expect((await stamp.lastCheckAt())?.toISOString()).toBe(now.toISOString())
    expect(updater.checks).toBe(2)
  })

  it('runs one check at a time and loads the updater once, at the first check', async () => {
    const { controller, loadUpdater, updater } = setup({ latest: '1.0.0' })
    expect(loadUpdater).not.toHaveBeenCalled()
    const [first, second] = await Promise.all([controller.checkNow(), controller.checkNow()])
    expect([first, second]).toEqual(['up-to-date', 'busy'])
    await controller.checkNow()
    expect(loadUpdater).toHaveBeenCalledTimes(1)
    expect(updater.checks).toBe(2)
  })

  it('tries loading the updater again after a failed load', async () => {
    const { controller, loadUpdater, updater } = setup({ latest: '1.0.0' })
    loadUpdater.mockRejectedValueOnce(new Error("Cannot find module 'electron-updater'"))
    expect(await controller.checkNow()).toBe('failed')
    expect(await controller.checkNow()).toBe('up-to-date')
    expect(loadUpdater).toHaveBeenCalledTimes(2)
    expect(updater.checks).toBe(1)
  })

  it('sends electron-updater’s own messages to the app log', async () => {
    const { controller, updater, logged } = setup({ latest: '1.0.0' })
    await controller.checkNow()
    updater.logger!.info('Checking for update')
    updater.logger!.error('Error: boom')
    expect(logged).toContain('[updater] Checking for update')
    expect(logged).toContain('[updater] Error: boom')
  })
})

describe('never in development or in sandbox-only mode', () => {
  it.each(['development', 'sandbox'] as const)('%s: no check, no updater loaded, the person who asks is told why', async (reason) => {
    const { controller, loadUpdater, questions } = setup({ disabled: reason })
    expect(controller.enabled).toBe(false)
    expect(await controller.checkQuietly()).toBe('disabled')
    expect(await controller.checkNow()).toBe('disabled')
    expect(loadUpdater).not.toHaveBeenCalled()
    expect(questions).toHaveLength(1)
    expect(questions[0]!.message).toMatch(reason === 'development' ? /not in a development build/ : /sandbox-only mode/)
    const timers = { setTimeout: vi.fn(), setInterval: vi.fn(), clearTimeout: vi.fn(), clearInterval: vi.fn() }
    controller.startQuietChecks(timers)()
    expect(timers.setTimeout).not.toHaveBeenCalled()
    expect(timers.setInterval).not.toHaveBeenCalled()
  })

  it('derives the mode from the packaged flag and the sandbox switch', () => {
    expect(updatesDisabledReason({ isPackaged: false, sandboxOnly: false })).toBe('development')
    expect(updatesDisabledReason({ isPackaged: true, sandboxOnly: true })).toBe('sandbox')
    expect(updatesDisabledReason({ isPackaged: true, sandboxOnly: false })).toBeNull()
  })
})

describe('the schedule', () => {
  it('is due with no record, after a day, or when the clock went back', () => {
    const last = new Date('2026-12-03T09:00:00Z')
    expect(isQuietCheckDue(null, last)).toBe(true)
    expect(isQuietCheckDue(last, new Date(last.getTime() + QUIET_CHECK_INTERVAL_MS - 1))).toBe(false)
    expect(isQuietCheckDue(last, new Date(last.getTime() + QUIET_CHECK_INTERVAL_MS))).toBe(true)
    expect(isQuietCheckDue(last, new Date(last.getTime() - 60_000))).toBe(true)
  })

  it('reads a missing or damaged stamp file as never checked', async () => {
    const { stamp, dir } = setup()
    expect(await stamp.lastCheckAt()).toBeNull()
    writeFileSync(join(dir, UPDATE_CHECK_FILE_NAME), '{"lastCheckAt": 42}')
    expect(await stamp.lastCheckAt()).toBeNull()
    writeFileSync(join(dir, UPDATE_CHECK_FILE_NAME), 'not json')
    expect(await stamp.lastCheckAt()).toBeNull()
  })

  it('checks quietly after the start-up delay, then looks every hour whether a day has passed, until stopped', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval', 'clearTimeout', 'clearInterval', 'Date'] })
    vi.setSystemTime(new Date('2026-12-03T09:00:00Z'))
    const { controller, updater } = setup({ latest: '1.0.0' })
    const stop = controller.startQuietChecks()
    await vi.advanceTimersByTimeAsync(QUIET_CHECK_DELAY_MS - 1)
    expect(updater.checks).toBe(0)
    await vi.advanceTimersByTimeAsync(1)
    await vi.waitFor(() => expect(updater.checks).toBe(1))
    // Hourly looks from the start: the one at 24 h is 30 s short of a day since the check; the next one is due.
    await vi.advanceTimersByTimeAsync(QUIET_CHECK_POLL_MS * 24 - QUIET_CHECK_DELAY_MS)
    expect(updater.checks).toBe(1)
    await vi.advanceTimersByTimeAsync(QUIET_CHECK_POLL_MS)
    await vi.waitFor(() => expect(updater.checks).toBe(2))
    stop()
    await vi.advanceTimersByTimeAsync(QUIET_CHECK_INTERVAL_MS * 2)
    expect(updater.checks).toBe(2)
  })
})
