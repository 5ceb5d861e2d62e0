/**
 * The `npm run preview:browser` command (entry: src/preview/cli.ts). Kept here so it is
 * type-checked with the server and its argument parsing can be unit-tested.
 */
import { mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { KEYCHAIN_SERVICE_ENV, KeychainVault } from '../../main/vault/keychain-vault'
import { startPreviewServer, type PreviewServer } from './preview-server'

/** Keychain entries of the preview stay apart from the desktop app's, unless the env var says otherwise. */
export const PREVIEW_KEYCHAIN_SERVICE = 'Autocalls Keys (browser preview)'
/** Persistent across runs, so the cached key list shows on the next start. */
export const DEFAULT_PREVIEW_USER_DATA = join(tmpdir(), 'autocalls-keys-preview')

export const USAGE = 'Usage: tsx src/preview/cli.ts [--user-data <dir>] [--port <n>] [--renderer <dir>] [--verbose]'

export interface CliOptions {
  userDataDir: string
  /** The built renderer; default out/renderer. */
  rendererDir: string | undefined
  port: number
  verbose: boolean
  help: boolean
}

export function parseArgs(argv: readonly string[]): CliOptions {
  const options: CliOptions = { userDataDir: DEFAULT_PREVIEW_USER_DATA, rendererDir: undefined, port: 0, verbose: false, help: false }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? ''
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1
    const flag = eq > 0 ? arg.slice(0, eq) : arg
    const inline = eq > 0 ? arg.slice(eq + 1) : undefined
    const value = (): string => {
      const next = inline ?? argv[++i]
      if (next === undefined || next === '') throw new Error(`${flag} needs a value. ${USAGE}`)
      return next
    }
    if (flag === '--user-data') options.userDataDir = resolve(value())
    else if (flag === '--renderer') options.rendererDir = resolve(value())
    else if (flag === '--port') {
      const text = value()
      const port = Number(text)
      if (!/^\d+$/.test(text) || port > 65535) throw new Error(`--port must be a whole number from 0 to 65535. ${USAGE}`)
      options.port = port
    } else if (flag === '--verbose' && inline === undefined) options.verbose = true
    else if ((flag === '--help' || flag === '-h') && inline === undefined) options.help = true
    else throw new Error(`Unknown option ${arg}. ${USAGE}`)
  }
  return options
}

export interface CliIo {
  stdout: (text: string) => void
  env: NodeJS.ProcessEnv
}

/** Starts the preview and prints exactly one line: `Preview ready: <url>`. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<PreviewServer | null> {
  const options = parseArgs(argv)
  if (options.help) {
    io.stdout(`${USAGE}\n`)
    return null
  }
  // The ready line is the only line on stdout unless --verbose asks for the app's log too.
  if (!options.verbose) io.env['AUTOCALLS_KEYS_QUIET'] = '1'
  await mkdir(options.userDataDir, { recursive: true, mode: 0o700 })
  const preview = await startPreviewServer({
    userDataDir: options.userDataDir,
    port: options.port,
    ...(options.rendererDir ? { rendererDir: options.rendererDir } : {}),
    vault: new KeychainVault({ service: io.env[KEYCHAIN_SERVICE_ENV] || PREVIEW_KEYCHAIN_SERVICE }),
    recordTraffic: false
  })
  io.stdout(`Preview ready: ${preview.url}\n`)
  return preview
}
