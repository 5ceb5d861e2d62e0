/**
 * Process-wide set-up of the end-to-end tests: a keychain service name of their own (so the
 * person's real entries are never touched), a check that the keychain works, and an up-to-date
 * renderer build for the preview to serve.
 */
import { randomBytes } from 'node:crypto'
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { KEYCHAIN_SERVICE_ENV, KeychainVault } from '../../../src/main/vault/keychain-vault'
import type { SecretStore } from '../../../src/main/vault/secret-store'

export const REPO_ROOT = resolve(__dirname, '../../..')

/** Unique per test process: the real keychain, but never the entries of the real app. */
export const E2E_KEYCHAIN_SERVICE = (process.env[KEYCHAIN_SERVICE_ENV] =
  process.env['AUTOCALLS_E2E_KEYCHAIN_SERVICE'] ?? `autocalls-keys-e2e-${process.pid}-${randomBytes(4).toString('hex')}`)

// Keep the app's log out of the test output; tests read state, not logs.
process.env['AUTOCALLS_KEYS_QUIET'] ??= '1'

/** The real OS keychain under the tests' own service name (loaded the way plain Node/tsx needs). */
export const e2eVault = (): KeychainVault => new KeychainVault({ service: E2E_KEYCHAIN_SERVICE })

/** The e2e keychain, recording which accounts' credentials were read (`get`), in order. */
export interface RecordingVault extends SecretStore {
  readonly reads: string[]
}

export function recordingVault(): RecordingVault {
  const vault = e2eVault()
  const reads: string[] = []
  return {
    reads,
    get: (account) => {
      reads.push(account)
      return vault.get(account)
    },
    set: (account, secret) => vault.set(account, secret),
    delete: (account) => vault.delete(account),
    listAccounts: () => vault.listAccounts()
  }
}

/** Fails fast, with the fix, when no unlocked Secret Service keyring is running. */
export async function assertKeychainUsable(): Promise<void> {
  const vault = e2eVault()
  const probe = `probe-${randomBytes(6).toString('hex')}`
  try {
    await vault.set(probe, 'probe')
    if ((await vault.get(probe)) !== 'probe') throw new Error('the keychain did not return what was stored')
    await vault.delete(probe)
  } catch (error) {
    throw new Error(
      `The e2e tests use the real OS keychain, which is not usable here: ${error instanceof Error ? error.message : String(error)}\n` +
        "Run them inside a D-Bus session with an unlocked gnome-keyring, e.g.: dbus-run-session -- bash -c 'export XDG_DATA_HOME=$(mktemp -d); " +
        "echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null; npx vitest run --config test/vitest.config.mts --project e2e'"
    )
  }
}

/** Removes every entry the tests left under their own service name. Returns the accounts removed. */
export async function cleanupKeychain(): Promise<string[]> {
  const vault = e2eVault()
  const accounts = await vault.listAccounts()
  for (const account of accounts) await vault.delete(account)
  return accounts
}

/**
 * Where the tests' renderer build lives: a private folder, rebuilt when any renderer or shared
 * source is newer than the build, so the tests never run against a stale `out/renderer`.
 * AUTOCALLS_E2E_RENDERER_DIR points the tests at a ready build instead (e.g. out/renderer).
 */
export const E2E_RENDERER_DIR = resolve(process.env['AUTOCALLS_E2E_RENDERER_DIR'] ?? join(REPO_ROOT, 'node_modules/.cache/autocalls-keys-e2e/renderer'))
const BUILD_STAMP = '.e2e-build-stamp'
const BUILD_INPUTS = ['src/renderer', 'src/shared', 'electron.vite.config.ts', 'package-lock.json']

let building: Promise<string> | undefined

export function ensureRendererBuild(): Promise<string> {
  building ??= buildIfStale()
  return building
}

async function buildIfStale(): Promise<string> {
  if (process.env['AUTOCALLS_E2E_RENDERER_DIR']) {
    await stat(join(E2E_RENDERER_DIR, 'index.html')).catch(() => {
      throw new Error(`AUTOCALLS_E2E_RENDERER_DIR=${E2E_RENDERER_DIR} has no index.html`)
    })
    return E2E_RENDERER_DIR
  }
  const newestInput = Math.max(...(await Promise.all(BUILD_INPUTS.map((p) => newestMtime(join(REPO_ROOT, p))))))
  const built = await stat(join(E2E_RENDERER_DIR, BUILD_STAMP)).then(
    (s) => s.mtimeMs,
    () => 0
  )
  if (built >= newestInput) return E2E_RENDERER_DIR
  await buildRenderer(E2E_RENDERER_DIR)
  await writeFile(join(E2E_RENDERER_DIR, BUILD_STAMP), new Date().toISOString())
  return E2E_RENDERER_DIR
}

/** The renderer section of electron.vite.config.ts, built with Vite into `outDir`. */
async function buildRenderer(outDir: string): Promise<void> {
  const [{ build }, configModule] = await Promise.all([import('vite'), import('../../../electron.vite.config')])
  const exported = (configModule as { default: unknown }).default
  const config = (typeof exported === 'function' ? await exported({ command: 'build', mode: 'production' }) : exported) as {
    renderer?: Record<string, unknown> & { build?: Record<string, unknown> }
  }
  const renderer = config.renderer ?? {}
  await mkdir(outDir, { recursive: true })
  // Vitest sets NODE_ENV=test, which would make Vite bundle React's development build (StrictMode
  // double effects and all): build exactly what ships, a production bundle.
  const nodeEnv = process.env['NODE_ENV']
  process.env['NODE_ENV'] = 'production'
  try {
    await build({
      ...renderer,
      configFile: false,
      envDir: false,
      mode: 'production',
      root: (renderer['root'] as string | undefined) ?? join(REPO_ROOT, 'src/renderer'),
      // electron-vite's default for the renderer: relative asset URLs.
      base: './',
      logLevel: 'error',
      build: { ...renderer.build, outDir, emptyOutDir: true, reportCompressedSize: false, sourcemap: false, chunkSizeWarningLimit: 4096 }
    })
  } finally {
    if (nodeEnv === undefined) delete process.env['NODE_ENV']
    else process.env['NODE_ENV'] = nodeEnv
  }
}

async function newestMtime(path: string): Promise<number> {
  let info
  try {
    info = await stat(path)
  } catch {
    return 0
  }
  if (!info.isDirectory()) return info.mtimeMs
  let newest = info.mtimeMs
  for (const entry of await readdir(path)) newest = Math.max(newest, await newestMtime(join(path, entry)))
  return newest
}
