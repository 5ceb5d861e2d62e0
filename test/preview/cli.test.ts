import { spawn } from 'node:child_process'
import { resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_PREVIEW_USER_DATA, parseArgs } from '../../src/preview/server/cli-main'
import { makeTempDirs, rawRequest } from './helpers'

const root = resolve(__dirname, '../..')

describe('parseArgs', () => {
  it('defaults to a persistent folder under the temp dir and an ephemeral port', () => {
    expect(parseArgs([])).toEqual({ userDataDir: DEFAULT_PREVIEW_USER_DATA, rendererDir: undefined, port: 0, verbose: false, help: false })
    expect(DEFAULT_PREVIEW_USER_DATA).toMatch(/autocalls-keys-preview$/)
  })

  it('reads --user-data, --port, --renderer in both spellings', () => {
    expect(parseArgs(['--user-data', 'a', '--port', '8123', '--renderer=r', '--verbose'])).toMatchObject({
      userDataDir: resolve('a'),
      port: 8123,
      rendererDir: resolve('r'),
      verbose: true
    })
    expect(parseArgs(['--user-data=/x/y', '--port=0'])).toMatchObject({ userDataDir: '/x/y', port: 0 })
  })

  it('rejects bad values and unknown options', () => {
    expect(() => parseArgs(['--port', '-1'])).toThrow(/--port/)
    expect(() => parseArgs(['--port', '70000'])).toThrow(/--port/)
    expect(() => parseArgs(['--port', '1.5'])).toThrow(/--port/)
    expect(() => parseArgs(['--user-data'])).toThrow(/needs a value/)
    expect(() => parseArgs(['--host', '0.0.0.0'])).toThrow(/Unknown option --host/)
  })
})

describe('the command', () => {
  let dirs: Awaited<ReturnType<typeof makeTempDirs>>
  beforeAll(async () => {
    dirs = await makeTempDirs()
  })
  afterAll(async () => {
    await dirs.cleanup()
  })

  it('prints exactly one ready line, serves the page, and stops cleanly on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [resolve(root, 'node_modules/tsx/dist/cli.mjs'), 'src/preview/cli.ts', '--user-data', dirs.userDataDir, '--renderer', dirs.rendererDir],
      { cwd: root, env: { ...process.env, AUTOCALLS_KEYS_KEYCHAIN_SERVICE: 'autocalls-keys-cli-test' }, stdio: ['ignore', 'pipe', 'pipe'] }
    )
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)))
    try {
      const deadline = Date.now() + 15_000
      while (!stdout.includes('\n') && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 50))
      const match = /^Preview ready: (http:\/\/127\.0\.0\.1:(\d+)\/p\/[A-Za-z0-9_-]{43}\/)\n$/.exec(stdout)
      expect(match, `stdout: ${stdout}\nstderr: ${stderr}`).not.toBeNull()
      const url = new URL(match![1]!)
      const page = await rawRequest(Number(match![2]), url.pathname)
      expect(page.status).toBe(200)
      expect(page.body).toContain('__preview/bridge.js')
      expect((await rawRequest(Number(match![2]), '/')).status).toBe(403)
    } finally {
      child.kill('SIGTERM')
    }
    // Windows has no SIGTERM: kill() ends the process at once, so only elsewhere is there a clean exit to see.
    const code = await exited
    if (process.platform !== 'win32') expect(code).toBe(0)
    expect(stdout.trim().split('\n')).toHaveLength(1)
  })
})
