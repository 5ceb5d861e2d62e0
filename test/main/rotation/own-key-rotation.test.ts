/**
 * Replacing the app's own credential, against a real sandbox and the real keychain (a keychain
 * service of its own per test): the happy path, and crash tests in which a child process runs the
 * rotation and exits at each step; the sandbox lives here, in the parent, so it outlives the
 * child. After each crash the services start again on the same folder and keychain service and
 * must end with a working session and at most one orphan key on the server.
 */
import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { STATE_FILE_NAME } from '../../../src/main/app-services'
import { replacementEntryOf, replacementNameFor, type OwnKeyStep } from '../../../src/main/rotation/own-key-rotation'
import { KeychainVault } from '../../../src/main/vault/keychain-vault'
import { startSandbox, type SandboxServer } from '../../../src/sandbox/index'
import { createTestApp, type TestApp } from '../../support/app-fixture'
import { probeKeychain, testServiceName } from '../../support/keychain'
import { signIn, value } from '../services/signed-in'

let server: SandboxServer
beforeAll(async () => {
  const probe = await probeKeychain()
  // These tests are about the real keychain: without one they cannot say anything.
  if (!probe.available) throw new Error(`The OS keychain is required for the own-key rotation tests: ${probe.reason}`)
  server = await startSandbox({ seedDemo: false })
})
afterAll(async () => {
  await server.close()
})

/** What the child exits with when it crashed where it was told (see own-key-crash-child.ts). */
const CRASH_EXIT_CODE = 17

const me = (token: string) => fetch(`${server.baseUrl}/user/me`, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } })

describe('replacing the app’s own key', () => {
  let app: TestApp
  let vault: KeychainVault
  let sent: string[]
  const recordingFetch: typeof fetch = (input, init) => {
    sent.push(new Headers(init?.headers).get('authorization') ?? '')
    return fetch(input, init)
  }
  let steps: OwnKeyStep[]

  beforeEach(async () => {
    sent = []
    steps = []
    vault = new KeychainVault({ service: testServiceName('own-key') })
    app = await createTestApp({ vault, client: { timeoutMs: 2_000, sleep: async () => {}, fetch: recordingFetch }, ownKeyRotationHook: (step) => void steps.push(step) })
  })
  afterEach(async () => {
    await app.dispose()
  })

  it('the new credential works and is used for every later request, the old key is gone, the account stays signed in, also after a restart', async () => {
    const who = await signIn(app, server)
    const result = value(await app.services.handlers['rotation:rotate-own']({ accountId: who.accountId, requestId: randomUUID(), reveal: false }))
    expect(steps).toEqual(['creating', 'created', 'verified', 'swapped', 'deleted'])
    expect(result.oldKey.id).toBe(who.appKeyId)
    expect(result.newKey.name).toBe(replacementNameFor(new Date()))
    expect(result.reveal).toBeNull()
    expect(result.account).toMatchObject({ id: who.accountId, status: 'ready' })
    const newToken = (await vault.get(who.accountId))!
    expect(newToken).not.toBe(who.token)
    expect(newToken.startsWith(`${result.newKey.id}|`)).toBe(true)
    expect(await vault.get(replacementEntryOf(who.accountId))).toBeNull()
    expect(app.services.state.state.ownKeyRotations).toEqual({})
    expect((await me(who.token)).status).toBe(401)
    expect((await me(newToken)).status).toBe(200)
    expect(server.listKeysOf(newToken).map((key) => key.id)).toEqual([result.newKey.id])
    expect(app.services.sessions.appKeyId(who.accountId)).toBe(result.newKey.id)
    // The new token never left main: no pending token, no copy.
    expect(app.services.pending.list()).toEqual([])
    expect(app.clipboard.writes).toEqual([])
    await app.services.keys.settle()
    sent = []
    const list = value(await app.services.handlers['keys:list']({ accountId: who.accountId }))
    expect(list.keys.find((key) => key.isAppKey)?.id).toBe(result.newKey.id)
    expect(sent.length).toBeGreaterThan(0)
    expect(new Set(sent)).toEqual(new Set([`Bearer ${newToken}`]))
    const actions = value(await app.services.handlers['activity:list']({ accountId: who.accountId })).entries.map((entry) => entry.action)
    expect(actions.filter((action) => action.startsWith('own-key')).reverse()).toEqual([
      'own-key-rotation-started',
      'own-key-rotation-verified',
      'own-key-rotation-swapped',
      'own-key-rotation-finished'
    ])
    app = await app.restart()
    const after = value(await app.services.handlers['keys:list']({ accountId: who.accountId }))
    expect(after.keys.map((key) => key.id)).toEqual([result.newKey.id])
    expect(app.services.accounts.list()[0]).toMatchObject({ status: 'ready', verified: true })
  })

  it('moves the old key’s note to the replacement, and shows the token only when asked (copy-once)', async () => {
    const who = await signIn(app, server)
    value(await app.services.handlers['notes:set']({ accountId: who.accountId, keyId: who.appKeyId, note: 'This app', reviewBy: null }))
    const result = value(await app.services.handlers['rotation:rotate-own']({ accountId: who.accountId, requestId: randomUUID(), reveal: true }))
    expect(result.reveal?.token).toBe(await vault.get(who.accountId))
    expect(app.services.pending.list().map((pending) => pending.pendingId)).toEqual([result.reveal!.pendingId])
    expect(app.services.notes.of(who.accountId)).toEqual({ [String(result.newKey.id)]: expect.objectContaining({ note: 'This app' }) })
  })

  it('a failed create leaves everything as it was', async () => {
    const who = await signIn(app, server)
    server.faults.add({ method: 'POST', path: '/user/api-keys', fault: { type: 'status', status: 403 } })
    const result = await app.services.handlers['rotation:rotate-own']({ accountId: who.accountId, requestId: randomUUID(), reveal: false })
    expect(result.ok).toBe(false)
    expect(await vault.get(who.accountId)).toBe(who.token)
    expect(app.services.state.state.ownKeyRotations).toEqual({})
    expect((await me(who.token)).status).toBe(200)
    expect(server.listKeysOf(who.token)).toHaveLength(1)
  })
})

/** Runs the child until it exits; answers its exit code and what it printed. */
function runChild(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'own-key-crash-child.ts')],
      { env: { ...process.env, ...env }, timeout: 30_000 },
      (_error, stdout, stderr) => resolve({ code: child.exitCode, stdout, stderr })
    )
  })
}

describe('crash-safe at every step (a child process exits there; the app starts again)', () => {
  const cases: Array<{ crashAt: OwnKeyStep | 'post-answer'; outcome: 'rolled back' | 'finished'; orphans: number }> = [
    { crashAt: 'creating', outcome: 'rolled back', orphans: 0 },
    { crashAt: 'post-answer', outcome: 'rolled back', orphans: 1 },
    { crashAt: 'created', outcome: 'finished', orphans: 0 },
    { crashAt: 'verified', outcome: 'finished', orphans: 0 },
    { crashAt: 'swapped', outcome: 'finished', orphans: 0 },
    { crashAt: 'deleted', outcome: 'finished', orphans: 0 }
  ]

  it.each(cases)('crash at $crashAt: $outcome, a working session, $orphans orphan key', async ({ crashAt, outcome, orphans }) => {
    const userDataDir = await mkdtemp(join(tmpdir(), 'autocalls-keys-crash-'))
    const service = testServiceName(`crash ${crashAt}`)
    const vault = new KeychainVault({ service })
    const email = `crash-${randomUUID()}@example.com`
    const { token } = server.createAccount({ name: 'Crash', email, totalBalance: 1 })
    const oldKeyId = Number(token.split('|')[0])
    let app: TestApp | null = null
    try {
      const child = await runChild({ CRASH_AT: crashAt, SANDBOX_BASE_URL: server.baseUrl, SIGN_IN_TOKEN: token, USER_DATA_DIR: userDataDir, KEYCHAIN_SERVICE: service })
      expect(child.code, child.stderr).toBe(CRASH_EXIT_CODE)
      const { accountId } = JSON.parse(child.stdout.trim().split('\n')[0]!) as { accountId: string }
      // The child really stopped half-way: its journal is on disk.
      const journal = JSON.parse(await readFile(join(userDataDir, STATE_FILE_NAME), 'utf8')).ownKeyRotations[accountId]
      expect(journal?.phase).toBe(crashAt === 'post-answer' ? 'creating' : crashAt === 'deleted' ? 'swapped' : crashAt)

      app = await createTestApp({ vault }, { userDataDir, vault })
      await app.services.resumeInterrupted()
      expect(app.services.state.state.ownKeyRotations).toEqual({})
      expect(await vault.get(replacementEntryOf(accountId))).toBeNull()

      // A working session: the credential in the keychain is accepted, and the list comes.
      const credential = (await vault.get(accountId))!
      expect((await me(credential)).status).toBe(200)
      const list = value(await app.services.handlers['keys:list']({ accountId }))
      expect(app.services.accounts.list()[0]).toMatchObject({ id: accountId, status: 'ready' })
      const notice = app.services.accounts.list()[0]!.notice ?? ''
      expect(notice).toContain(outcome === 'finished' ? 'has now been finished' : 'has been rolled back')

      const onServer = server.listKeysOf(credential)
      const appKeyId = app.services.sessions.appKeyId(accountId)
      expect(list.keys.find((key) => key.isAppKey)?.id).toBe(appKeyId)
      if (outcome === 'finished') {
        // The old key is gone; the replacement is the app's key; nothing else is left.
        expect(credential).not.toBe(token)
        expect(onServer.map((key) => key.id)).toEqual([appKeyId])
        expect(appKeyId).not.toBe(oldKeyId)
        expect(onServer[0]!.name).toBe(replacementNameFor(new Date()))
      } else {
        // Still the old key; at most one orphan, named so the person recognises it, and pointed at.
        expect(credential).toBe(token)
        expect(appKeyId).toBe(oldKeyId)
        const others = onServer.filter((key) => key.id !== oldKeyId)
        expect(others).toHaveLength(orphans)
        for (const orphan of others) expect(orphan.name).toBe(replacementNameFor(new Date()))
        if (orphans > 0) expect(notice).toContain(`A key named “${replacementNameFor(new Date())}”`)
      }
      const actions = value(await app.services.handlers['activity:list']({ accountId })).entries.map((entry) => entry.action)
      expect(actions[0]).toBe(outcome === 'finished' ? 'own-key-rotation-resumed' : 'own-key-rotation-rolled-back')

      // The app can rotate again afterwards (nothing is stuck).
      const again = value(await app.services.handlers['rotation:rotate-own']({ accountId, requestId: randomUUID(), reveal: false }))
      expect((await me((await vault.get(accountId))!)).status).toBe(200)
      expect(server.listKeysOf((await vault.get(accountId))!).map((key) => key.id)).toContain(again.newKey.id)
    } finally {
      if (app) await app.dispose()
      else await rm(userDataDir, { recursive: true, force: true })
      for (const account of await vault.listAccounts().catch(() => [])) await vault.delete(account).catch(() => false)
    }
  })
})
