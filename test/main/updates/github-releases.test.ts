/**
 * electron-updater itself (its real updater classes, its GitHub Releases provider, its semver and
 * sha512 checks) driven by the app's UpdateController against a local server that answers like
 * GitHub: the releases feed, the latest release, `latest.yml` / `latest-linux.yml` and the
 * installer. The provider settings are the packaging config's `publish` entry, written as the
 * app-update.yml electron-builder puts in the app, with only the host pointed at 127.0.0.1.
 *
 * What cannot run outside Electron, so is not covered here: electron-updater's ElectronHttpExecutor
 * (Chromium's `net` module; a Node http executor stands in), its ElectronAppAdapter (app paths,
 * quit events; a small adapter stands in), and installing (dpkg, the NSIS installer, Squirrel.Mac).
 */
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, request as httpRequest, type ClientRequest, type IncomingMessage, type RequestOptions, type Server } from 'node:http'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { DownloadOptions } from 'builder-util-runtime'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { UpdateController, type UpdateQuestion, type Updater } from '../../../src/main/updates/update-controller'
import { UpdateCheckStamp } from '../../../src/main/updates/update-schedule'

const requireCjs = createRequire(import.meta.url)
const root = resolve(__dirname, '../../..')
const { HttpExecutor, configureRequestOptions, configureRequestUrl } = requireCjs('builder-util-runtime') as typeof import('builder-util-runtime')
const { DebUpdater, NsisUpdater } = requireCjs('electron-updater') as typeof import('electron-updater')
const publish = (requireCjs(join(root, 'resources/packaging/electron-builder.config.cjs')) as { publish: { provider: string; owner: string; repo: string } }).publish

/** builder-util's NodeHttpExecutor, in a few lines: plain http instead of Chromium's net. */
class NodeHttpExecutor extends HttpExecutor<ClientRequest> {
  createRequest(options: RequestOptions, callback: (response: IncomingMessage) => void): ClientRequest {
    return httpRequest(options, callback)
  }
  download(url: URL, destination: string, options: DownloadOptions): Promise<string> {
    return options.cancellationToken.createPromise((resolvePromise, reject, onCancel) => {
      const requestOptions = { headers: options.headers || undefined }
      configureRequestUrl(url, requestOptions)
      configureRequestOptions(requestOptions)
      this.doDownload(requestOptions, { destination, options, onCancel, callback: (error) => (error == null ? resolvePromise(destination) : reject(error)), responseHandler: null }, 0)
    })
  }
}

const INSTALLER = Buffer.from('not really a .deb, but its sha512 is checked all the same\n'.repeat(200))
const sha512 = (data: Buffer) => createHash('sha512').update(data).digest('base64')

let server: Server
let port = 0
const requests: string[] = []
let latestTag = 'v1.1.0'
let missingChannelFile = false
let installerBytes = INSTALLER

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    requests.push(path)
    const base = `/${publish.owner}/${publish.repo}/releases`
    const version = latestTag.slice(1)
    const yaml = (file: string) =>
      [`version: ${version}`, 'files:', `  - url: ${file}`, `    sha512: ${sha512(installerBytes)}`, `    size: ${installerBytes.length}`, `path: ${file}`, `sha512: ${sha512(installerBytes)}`, "releaseDate: '2026-12-01T10:00:00.000Z'", ''].join('\n')
    if (path === `/api/v3/repos/${publish.owner}/${publish.repo}/releases/latest`) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ tag_name: latestTag }))
    } else if (path === `${base}.atom`) {
      res.writeHead(200, { 'content-type': 'application/atom+xml' }).end(
        `<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom"><entry><id>tag:github.com,2008:Repository/1/${latestTag}</id><link rel="alternate" type="text/html" href="https://github.com${base}/tag/${latestTag}"/><title>Autocalls Keys ${version}</title><content type="html">Fixes.</content></entry></feed>`
      )
    } else if (!missingChannelFile && path === `${base}/download/${latestTag}/latest.yml`) {
      res.writeHead(200, { 'content-type': 'text/yaml' }).end(yaml(`autocalls-keys-${version}-windows-x64-setup.exe`))
    } else if (!missingChannelFile && path === `${base}/download/${latestTag}/latest-linux.yml`) {
      res.writeHead(200, { 'content-type': 'text/yaml' }).end(yaml(`autocalls-keys-${version}-linux-amd64.deb`))
    } else if (path.startsWith(`${base}/download/${latestTag}/autocalls-keys-`)) {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(INSTALLER.length) }).end(INSTALLER)
    } else {
      res.writeHead(404).end('Not Found')
    }
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  port = (server.address() as { port: number }).port
})
afterAll(async () => {
  await new Promise((done) => server.close(done))
})

const dirs: string[] = []
beforeEach(() => {
  requests.length = 0
  latestTag = 'v1.1.0'
  missingChannelFile = false
  installerBytes = INSTALLER
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

type UpdaterClass = typeof DebUpdater | typeof NsisUpdater

/** The real updater class, with app-update.yml as electron-builder writes it (host pointed here). */
function realUpdater(Updater: UpdaterClass, platform: 'linux' | 'win32', currentVersion: string) {
  const dir = mkdtempSync(join(tmpdir(), 'autocalls-updater-'))
  dirs.push(dir)
  const appUpdateConfigPath = join(dir, 'app-update.yml')
  writeFileSync(
    appUpdateConfigPath,
    [`provider: ${publish.provider}`, `owner: ${publish.owner}`, `repo: ${publish.repo}`, `host: 127.0.0.1:${port}`, 'protocol: http', 'updaterCacheDirName: autocalls-keys-updater', ''].join('\n')
  )
  const quitHandlers: Array<(code: number) => void> = []
  const adapter = {
    version: currentVersion,
    name: 'Autocalls Keys',
    isPackaged: true,
    appUpdateConfigPath,
    userDataPath: join(dir, 'userData'),
    baseCachePath: join(dir, 'cache'),
    whenReady: () => Promise.resolve(),
    relaunch: () => undefined,
    quit: () => undefined,
    onQuit: (handler: (code: number) => void) => quitHandlers.push(handler)
  }
  const updater = new Updater(null, adapter)
  // What electron-updater's own tests set: an http executor and the platform to resolve files for.
  Object.assign(updater, { httpExecutor: new NodeHttpExecutor(), _testOnlyOptions: { platform } })
  // The platform step of installing (dpkg, the NSIS installer) is recorded instead of run.
  const installs: Array<{ isSilent: boolean; isForceRunAfter: boolean }> = []
  Object.assign(updater, {
    doInstall: (options: { isSilent: boolean; isForceRunAfter: boolean }) => {
      installs.push({ isSilent: options.isSilent, isForceRunAfter: options.isForceRunAfter })
      return true
    }
  })
  return { updater, dir, cacheDir: join(dir, 'cache', 'autocalls-keys-updater'), quitHandlers, installs }
}

function controllerFor(updater: Updater, dir: string, currentVersion: string, answers: number[]) {
  const questions: UpdateQuestion[] = []
  const controller = new UpdateController({
    appName: 'Autocalls Keys',
    currentVersion,
    disabledReason: null,
    loadUpdater: () => Promise.resolve(updater),
    ask: (question) => {
      questions.push(question)
      return Promise.resolve(answers.shift() ?? question.cancelId)
    },
    stamp: new UpdateCheckStamp(dir),
    log: { info: () => undefined, warn: () => undefined, error: () => undefined }
  })
  return { controller, questions }
}

const downloads = () => requests.filter((path) => /\/autocalls-keys-[^/]+\.(deb|exe)$/.test(path))

describe('electron-updater against a local GitHub Releases stand-in', () => {
  it('finds a newer version in latest-linux.yml (DebUpdater), asks, and downloads nothing on "Not Now"', async () => {
    const { updater, dir, cacheDir } = realUpdater(DebUpdater, 'linux', '1.0.0')
    const { controller, questions } = controllerFor(updater, dir, '1.0.0', [1])
    expect(await controller.checkNow()).toBe('declined')
    expect(questions[0]!.message).toBe('Autocalls Keys 1.1.0 is available.')
    expect(requests).toEqual(
      expect.arrayContaining([
        `/${publish.owner}/${publish.repo}/releases.atom`,
        `/api/v3/repos/${publish.owner}/${publish.repo}/releases/latest`,
        `/${publish.owner}/${publish.repo}/releases/download/v1.1.0/latest-linux.yml`
      ])
    )
    expect(updater.autoDownload).toBe(false)
    expect(downloads()).toEqual([])
    expect(existsSync(cacheDir)).toBe(false)
  })

  it('downloads the installer only after "Download", checks its sha512, and installs nothing on "Not Now"', async () => {
    const { updater, dir, cacheDir, quitHandlers, installs } = realUpdater(DebUpdater, 'linux', '1.0.0')
    const { controller, questions } = controllerFor(updater, dir, '1.0.0', [0, 2])
    expect(await controller.checkNow()).toBe('downloaded-not-installed')
    expect(downloads()).toEqual([`/${publish.owner}/${publish.repo}/releases/download/v1.1.0/autocalls-keys-1.1.0-linux-amd64.deb`])
    const pending = join(cacheDir, 'pending')
    expect(readdirSync(pending)).toContain('autocalls-keys-1.1.0-linux-amd64.deb')
    expect(readFileSync(join(pending, 'autocalls-keys-1.1.0-linux-amd64.deb')).equals(INSTALLER)).toBe(true)
    expect(questions[1]!.message).toBe('Autocalls Keys 1.1.0 is ready to install.')
    // The app quits normally: electron-updater's quit handler runs and installs nothing.
    expect(quitHandlers).toHaveLength(1)
    quitHandlers[0]!(0)
    expect(installs).toEqual([])
  })

  it('installs on quit after "Install When I Quit", through electron-updater’s own quit handler', async () => {
    const { updater, dir, quitHandlers, installs } = realUpdater(DebUpdater, 'linux', '1.0.0')
    const { controller } = controllerFor(updater, dir, '1.0.0', [0, 1])
    expect(await controller.checkNow()).toBe('install-on-quit')
    expect(installs).toEqual([])
    quitHandlers[0]!(0)
    expect(installs).toEqual([{ isSilent: true, isForceRunAfter: false }])
  })

  it('refuses a download whose sha512 does not match latest-linux.yml', async () => {
    installerBytes = Buffer.from('the file latest-linux.yml describes')
    const { updater, dir } = realUpdater(DebUpdater, 'linux', '1.0.0')
    const { controller, questions } = controllerFor(updater, dir, '1.0.0', [0])
    expect(await controller.checkNow()).toBe('failed')
    expect(questions[1]).toMatchObject({ type: 'error', message: 'Could not download Autocalls Keys 1.1.0.' })
    expect(questions[1]!.detail).toMatch(/sha512 checksum mismatch/)
  })

  it('reads latest.yml on Windows (NsisUpdater) and tells the person who asked that 1.1.0 is the latest', async () => {
    const { updater, dir } = realUpdater(NsisUpdater, 'win32', '1.1.0')
    const { controller, questions } = controllerFor(updater, dir, '1.1.0', [])
    expect(await controller.checkNow()).toBe('up-to-date')
    expect(requests).toContain(`/${publish.owner}/${publish.repo}/releases/download/v1.1.0/latest.yml`)
    expect(questions).toEqual([expect.objectContaining({ message: 'Autocalls Keys is up to date.' })])
  })

  it('offers nothing older than what is installed', async () => {
    latestTag = 'v0.9.0'
    const { updater, dir } = realUpdater(NsisUpdater, 'win32', '1.0.0')
    const { controller } = controllerFor(updater, dir, '1.0.0', [])
    expect(await controller.checkQuietly()).toBe('up-to-date')
  })

  it('a release without its latest*.yml is a failed check, told only to the person who asked', async () => {
    missingChannelFile = true
    const quiet = realUpdater(DebUpdater, 'linux', '1.0.0')
    const quietRun = controllerFor(quiet.updater, quiet.dir, '1.0.0', [])
    expect(await quietRun.controller.checkQuietly()).toBe('failed')
    expect(quietRun.questions).toEqual([])
    const asked = realUpdater(DebUpdater, 'linux', '1.0.0')
    const askedRun = controllerFor(asked.updater, asked.dir, '1.0.0', [])
    expect(await askedRun.controller.checkNow()).toBe('failed')
    expect(askedRun.questions[0]!.detail).toMatch(/Cannot find latest-linux\.yml in the latest release artifacts/)
  })
})
