/**
 * The keychain missing, empty or locked, with the real keytar and Secret Service in a child
 * process (its own D-Bus session and GNOME Keyring, or none at all) and a throwaway HOME.
 *
 * Proves: sign-in answers `keychain_unavailable` with a message that names the fix; nothing about
 * the credential is written to any file (the whole temp HOME is scanned, UTF-8 and UTF-16) or to
 * the logs; and a locked keyring is never mistaken for a missing credential, nor a sign-out
 * reported as done while the credential stays in the keyring.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type SandboxServer } from '../../src/sandbox/index'
import { secretPart, scanText, scanTree, type Needle } from './support/scan'
import { uniqueEmail } from './support/harness'
import { writeResult } from './support/results'

const ROOT = resolve(__dirname, '../..')
const TSX = join(ROOT, 'node_modules/.bin/tsx')
const FIXTURE = join(__dirname, 'fixtures/keychain-scenario.ts')

type Keyring = 'no-bus' | 'no-login-collection' | 'locked' | 'unlocked'

interface ScenarioRun {
  report: Record<string, unknown>
  output: string
  home: string
  credential: string
  code: number | null
}

let sandbox: SandboxServer
const homes: string[] = []
const observed: Array<{ keyring: Keyring; scenario: string; outcome: unknown }> = []

beforeAll(async () => {
  sandbox = await startSandbox()
})
afterAll(async () => {
  writeResult('keychain-unavailable.json', observed)
  await sandbox.close()
  await Promise.all(homes.map((home) => rm(home, { recursive: true, force: true })))
})

const KEYRING_SETUP: Record<Exclude<Keyring, 'no-bus'>, string> = {
  // A Secret Service is running, but no keyring was ever created (a fresh account, a failed prompt).
  'no-login-collection': 'gnome-keyring-daemon --start --components=secrets >/dev/null',
  // A login keyring exists and is locked (locked by hand, or by the session after idle).
  locked:
    'eval "$(printf pw | gnome-keyring-daemon --unlock --components=secrets)" >/dev/null && ' +
    'dbus-send --session --print-reply --dest=org.freedesktop.secrets /org/freedesktop/secrets org.freedesktop.Secret.Service.Lock array:objpath:/org/freedesktop/secrets/collection/login >/dev/null',
  unlocked: 'eval "$(printf pw | gnome-keyring-daemon --unlock --components=secrets)" >/dev/null'
}

/**
 * `require` loads keytar with require() so these tests are about the keychain, not about module
 * interop; `app` loads it exactly as the app does (see the last test).
 */
async function runScenario(keyring: Keyring, scenario: string, loader: 'require' | 'app' = 'require'): Promise<ScenarioRun> {
  const home = await mkdtemp(join(tmpdir(), 'autocalls-keys-home-'))
  homes.push(home)
  const { token: credential } = sandbox.createAccount({ name: 'Keyring Tester', email: uniqueEmail('keyring'), totalBalance: 3 })
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    HOME: home,
    XDG_DATA_HOME: join(home, '.local/share'),
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_CACHE_HOME: join(home, '.cache'),
    TMPDIR: join(home, 'tmp'),
    AUTOCALLS_TEST_BASE_URL: sandbox.baseUrl,
    AUTOCALLS_TEST_API_KEY: credential,
    AUTOCALLS_TEST_USER_DATA: join(home, '.config/Autocalls Keys'),
    AUTOCALLS_KEYS_KEYCHAIN_SERVICE: `Autocalls Keys reliability ${process.pid} ${Date.now()}`,
    AUTOCALLS_TEST_KEYTAR_LOADER: loader
    // AUTOCALLS_KEYS_QUIET deliberately unset: the app logs, and the logs are scanned too.
  }
  const mkdirs = `mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$TMPDIR"`
  const run = `"${TSX}" "${FIXTURE}" ${scenario}`
  const [command, args] =
    keyring === 'no-bus'
      ? (['bash', ['-c', `${mkdirs} && exec ${run}`]] as const)
      : (['dbus-run-session', ['--', 'bash', '-c', `${mkdirs} && ${KEYRING_SETUP[keyring]} && ${run}`]] as const)
  if (keyring === 'no-bus') env['DBUS_SESSION_BUS_ADDRESS'] = 'unix:path=/nonexistent/autocalls-keys-test-bus'
  const child = spawn(command, [...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')))
  const code = await new Promise<number | null>((done) => child.once('close', done))
  const line = output.split('\n').find((l) => l.startsWith('REPORT '))
  if (!line) throw new Error(`the scenario printed no report (exit ${code}):\n${output}`)
  return { report: JSON.parse(line.slice('REPORT '.length)) as Record<string, unknown>, output, home, credential, code }
}

/** Neither the whole credential nor its secret part may be in any file under HOME or in the output. */
async function expectNoSecretAnywhere(run: ScenarioRun): Promise<{ files: number; bytes: number }> {
  const needles: Needle[] = [{ label: 'bearer credential (secret part)', value: secretPart(run.credential) }]
  const tree = await scanTree(run.home, needles)
  expect(tree.hits, `files under HOME: ${tree.paths.join(', ')}`).toEqual([])
  expect(scanText(run.output, 'child stdout/stderr (logs)', needles)).toEqual([])
  expect(tree.files).toBeGreaterThan(0) // the scan saw what the run wrote (tsx cache, keyring files...)
  return { files: tree.files, bytes: tree.bytes }
}

const meCalls = () => sandbox.requests.filter((r) => r.method === 'GET' && r.path === '/user/me').length

// Linux's Secret Service (D-Bus + GNOME Keyring) is what these scenarios arrange; CI runs Linux.
const linux = process.platform === 'linux'

describe.runIf(linux)('sign-in without a usable keychain stores nothing anywhere', () => {
  it('no D-Bus session at all (keychain daemon stopped): keychain_unavailable, names the fix', async () => {
    const before = meCalls()
    const run = await runScenario('no-bus', 'sign-in')
    expect(run.report['crashed']).toBeUndefined()
    expect(run.report['signIn']).toMatchObject({
      ok: false,
      error: {
        kind: 'keychain_unavailable',
        message: expect.stringMatching(
          /^No system keyring is available \(Could not connect: No such file or directory\)\. .*install and start GNOME Keyring or KWallet \(for example: sudo apt install gnome-keyring\), make sure it is unlocked, and try again\.$/
        )
      }
    })
    // The server was asked (the key was verified), the app is not signed in, and nothing was kept.
    expect(meCalls() - before).toBe(1)
    expect(run.report['accounts']).toEqual([])
    expect(run.report['initial']).toMatchObject({ ok: true, value: { accounts: [], cachedKeys: null, pendingTokens: [] } })
    const scanned = await expectNoSecretAnywhere(run)
    observed.push({ keyring: 'no-bus', scenario: 'sign-in', outcome: { answer: run.report['signIn'], scanned } })
  })

  it('a Secret Service with no keyring created yet: keychain_unavailable, nothing written', async () => {
    const run = await runScenario('no-login-collection', 'sign-in')
    expect(run.report['crashed']).toBeUndefined()
    expect(run.report['signIn']).toMatchObject({
      ok: false,
      error: { kind: 'keychain_unavailable', message: expect.stringMatching(/collection\/login.*create or unlock the “Login” keyring/) }
    })
    expect(run.report['accounts']).toEqual([])
    const scanned = await expectNoSecretAnywhere(run)
    observed.push({ keyring: 'no-login-collection', scenario: 'sign-in', outcome: { answer: run.report['signIn'], scanned } })
  })

  it('a locked keyring: keychain_unavailable saying to unlock it, nothing written', async () => {
    const run = await runScenario('locked', 'sign-in')
    expect(run.report['crashed']).toBeUndefined()
    expect(run.report['signIn']).toMatchObject({
      ok: false,
      error: {
        kind: 'keychain_unavailable',
        message: expect.stringMatching(/^The system keyring is locked \(Cannot create an item in a locked collection\)\. Unlock it .* and try again\.$/)
      }
    })
    expect(run.report['accounts']).toEqual([])
    const scanned = await expectNoSecretAnywhere(run)
    observed.push({ keyring: 'locked', scenario: 'sign-in', outcome: { answer: run.report['signIn'], scanned } })
  })
})

describe.runIf(linux)('a keyring locked while signed in', () => {
  // keytar (libsecret) answers a read of a LOCKED keyring with null and a delete with false, no error.
  it('at start-up: a locked keyring is not taken for a deleted credential, and the account is kept', async () => {
    const run = await runScenario('unlocked', 'locked-restore')
    expect(run.report['crashed']).toBeUndefined()
    expect(run.report['signIn']).toMatchObject({ ok: true, value: { account: { status: 'ready' } } })
    // The credential really is still in the keyring (seen once it is unlocked again).
    expect(run.report['keychainAfterUnlock']).toEqual([expect.objectContaining({ isTheCredential: true })])
    observed.push({ keyring: 'locked', scenario: 'restore at start-up', outcome: { restore: run.report['restore'], initial: run.report['initialAfterRestore'], scanned: await expectNoSecretAnywhere(run) } })
    const said = JSON.stringify([run.report['restore'], run.report['initialAfterRestore']])
    // What the person is told must be the truth: the keyring is locked, not "the key is gone".
    expect(said).not.toContain('no longer in the system keychain')
    expect(said).toMatch(/locked/i)
    // The account stays known, marked "keychain locked" (not "needs sign-in"), so unlocking and
    // retrying restores it (and sign-out can still remove it).
    expect(run.report['restore']).toMatchObject({ ok: false, error: { kind: 'keychain_unavailable' } })
    expect(run.report['accountsAfterRestore']).toMatchObject([{ status: 'keychain-locked', problem: { kind: 'keychain_unavailable' } }])
    expect(run.report['initialAfterRestore']).toMatchObject({ ok: true, value: { accounts: [{ status: 'keychain-locked' }] } })
  })

  it('at sign-out: never reports signed out while the credential stays in the keyring', async () => {
    const run = await runScenario('unlocked', 'locked-sign-out')
    expect(run.report['crashed']).toBeUndefined()
    expect(run.report['signIn']).toMatchObject({ ok: true, value: { account: { status: 'ready' } } })
    const stillStored = (run.report['keychainAfterUnlock'] as Array<{ isTheCredential: boolean }>).some((entry) => entry.isTheCredential)
    observed.push({ keyring: 'locked', scenario: 'sign-out', outcome: { signOut: run.report['signOut'], credentialStillInKeyring: stillStored, scanned: await expectNoSecretAnywhere(run) } })
    if (stillStored) {
      // Honest failure: the keyring is locked, the person is told to unlock it, and stays signed in.
      expect(run.report['signOut']).toMatchObject({ ok: false, error: { kind: 'keychain_unavailable', message: expect.stringMatching(/locked.*Unlock/) } })
      expect(run.report['accountsAfterSignOut']).toMatchObject([{ status: 'ready' }])
    } else {
      expect(run.report['signOut']).toEqual({ ok: true, value: [] })
    }
  })
})

describe.runIf(linux)('the keychain module as the app loads it outside vitest', () => {
  // vitest's module runner hands `import('keytar')` the full CommonJS exports; plain Node (the
  // CommonJS main bundle keeps `import("keytar")`, and the preview CLI runs under tsx) gives the
  // interop namespace, where cjs-module-lexer found only `getPassword` besides `default`.
  it('signs in and stores the credential with an unlocked keyring', async () => {
    const run = await runScenario('unlocked', 'sign-in', 'app')
    expect(run.report['crashed']).toBeUndefined()
    observed.push({ keyring: 'unlocked', scenario: 'sign-in (keytar loaded as the app loads it)', outcome: { answer: run.report['signIn'], scanned: await expectNoSecretAnywhere(run) } })
    expect(run.report['signIn']).toMatchObject({ ok: true, value: { account: { status: 'ready', verified: true } } })
    expect(run.report['keychain']).toEqual([expect.objectContaining({ isTheCredential: true })])
  })
})
