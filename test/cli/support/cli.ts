/**
 * Runs the real `autocalls-keys` (the built out/main/cli.js, on plain Node, Electron forbidden)
 * as a child process, in a world of its own: a temporary user-data folder and a keychain service
 * name used by no one else. Every run is recorded, so a file can scan all that the command line
 * ever printed for secrets.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { KeychainVault } from '../../../src/main/vault/keychain-vault'
import { testServiceName } from '../../support/keychain'

export const ROOT = resolve(__dirname, '../../..')
export const CLI = join(ROOT, 'out/main/cli.js')
export const FORBID_ELECTRON = join(__dirname, 'forbid-electron.cjs')

export interface CliRun {
  args: string[]
  code: number | null
  stdout: string
  stderr: string
  /** How long the whole process took, spawn to exit (ms). */
  wallMs: number
}

export interface RunOptions {
  /** Written to standard input, which is then closed (standard input is a pipe, never a terminal). */
  input?: string
  env?: Record<string, string | undefined>
  timeoutMs?: number
  /** Closes the read end of standard output at once, as `| head -0` or `| true` would. */
  closeStdout?: boolean
  /** Gets the child process as soon as it runs (to send it a signal, as Ctrl+C would). */
  onSpawn?: (child: ChildProcess) => void
}

export interface CliWorld {
  readonly userDataDir: string
  readonly service: string
  readonly vault: KeychainVault
  /** Every run of this world, in order. */
  readonly runs: CliRun[]
  env(extra?: Record<string, string | undefined>): NodeJS.ProcessEnv
  run(args: readonly string[], options?: RunOptions): Promise<CliRun>
  /** Runs and parses standard output as the one JSON document it must be. */
  json<T = Record<string, unknown>>(args: readonly string[], options?: RunOptions): Promise<{ run: CliRun; body: T }>
  dispose(): Promise<void>
}

export function assertBuilt(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` (node test/run-tests.mjs builds first).`)
}

export async function createWorld(label: string): Promise<CliWorld> {
  assertBuilt()
  const userDataDir = await mkdtemp(join(tmpdir(), `autocalls-cli-${label}-`))
  const service = testServiceName(`cli ${label}`)
  const vault = new KeychainVault({ service })
  const runs: CliRun[] = []
  const world: CliWorld = {
    userDataDir,
    service,
    vault,
    runs,
    env: (extra = {}) => cliEnv(userDataDir, service, extra),
    async run(args, options = {}) {
      const result = await runCli(args, { ...options, env: world.env(options.env) })
      runs.push(result)
      return result
    },
    async json<T>(args: readonly string[], options?: RunOptions) {
      const run = await world.run(args, options)
      try {
        return { run, body: JSON.parse(run.stdout) as T }
      } catch {
        throw new Error(`autocalls-keys ${args.join(' ')} (exit ${run.code}) printed no JSON document:\n${run.stdout}\n--- stderr ---\n${run.stderr}`)
      }
    },
    async dispose() {
      for (const account of await vault.listAccounts().catch(() => [])) await vault.delete(account).catch(() => false)
      await rm(userDataDir, { recursive: true, force: true })
    }
  }
  return world
}

/** The environment of a command-line process: the test's folder and keychain service, the app's logs on. */
export function cliEnv(userDataDir: string, service: string, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, AUTOCALLS_KEYS_USER_DATA_DIR: userDataDir, AUTOCALLS_KEYS_KEYCHAIN_SERVICE: service }
  // The app's own log lines are part of what the hygiene scans read: never silenced here.
  delete env['AUTOCALLS_KEYS_QUIET']
  delete env['AUTOCALLS_ACCOUNT']
  delete env['NO_COLOR']
  delete env['FORCE_COLOR']
  // Node takes a bare CI=true for a terminal without colours: the colour tests decide for themselves.
  delete env['CI']
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name]
    else env[name] = value
  }
  return env
}

export function runCli(args: readonly string[], options: RunOptions & { env: NodeJS.ProcessEnv }): Promise<CliRun> {
  const started = performance.now()
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, ['--require', FORBID_ELECTRON, CLI, ...args], { env: options.env, stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    if (options.closeStdout) child.stdout.destroy()
    else child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolveRun({ args: [...args], code, stdout, stderr, wallMs: performance.now() - started })
    })
    child.stdin.on('error', () => undefined) // a command that never reads its input
    child.stdin.end(options.input ?? '')
    options.onSpawn?.(child)
  })
}

/** Shows a run in an assertion message. */
export const describeRun = (run: CliRun): string =>
  `autocalls-keys ${run.args.join(' ')} → exit ${run.code}\n--- stdout ---\n${run.stdout}--- stderr ---\n${run.stderr}`

/** How many times `needle` occurs in `text`. */
export const occurrences = (text: string, needle: string): number => (needle === '' ? 0 : text.split(needle).length - 1)
