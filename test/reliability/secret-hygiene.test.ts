/**
 * Secret hygiene of a whole session, at the IPC boundary: sign in, restore, list, create several
 * keys, reload the window while tokens wait, copy, confirm, delete, change a preference, sign out,
 * add a sandbox account beside it, refresh all, restart. Every answer the handlers give (exactly what crosses IPC to the window)
 * and every event is recorded; the app's log output is captured (not silenced); then:
 * - the bearer credential (and the sandbox's demo credential) appear in no payload, event, log line
 *   or file under userData;
 * - each created token appears in exactly one payload, the keys:create answer that carried it to
 *   the copy-once dialog, plus, as documented, the answers that offer it again to a reloaded
 *   window while it waits (app:get-initial-state, token:list-pending), and never after it was
 *   confirmed;
 * - no token or credential is in any file under userData, and the clipboard is cleared on quit;
 * - the app's log file (the desktop app's rotating sink, attached here as index.ts attaches it)
 *   holds no credential or token, and Help → "Copy diagnostics" text, built mid-session with
 *   accounts signed in and an unexpected error logged, holds none either, nor any email address;
 * - sign-out leaves nothing in the keychain (checked with libsecret's own secret-tool too).
 * The browser-level version (Chromium profile, DOM, storage) is in test/e2e/reliability/.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { SandboxHandle } from '../../src/main/accounts/account-sessions'
import { KeychainVault } from '../../src/main/vault/keychain-vault'
import { buildDiagnosticsText, diagnosticsAccounts } from '../../src/main/diagnostics/diagnostics-text'
import { addLogSink } from '../../src/main/support/log'
import { RotatingLogFile } from '../../src/main/support/log-file'
import { startSandbox, type SandboxServer } from '../../src/sandbox/index'
import type { InvokeChannel } from '../../src/shared/ipc-contract'
import { createTestApp, type TestApp } from '../support/app-fixture'
import { recordingHandlers, uniqueEmail, valueOf, type RecordedPayload } from './support/harness'
import { writeResult } from './support/results'
import { scanText, scanTree, secretPart, type Needle } from './support/scan'

let sandbox: SandboxServer
const trySandboxes: SandboxServer[] = []
let app: TestApp
let restarted: TestApp | undefined
const payloads: RecordedPayload[] = []
const logLines: string[] = []
let credential = ''
const tokens: Array<{ label: string; token: string; pendingId: string; createIndex: number; reloadIndexes: number[]; confirmedAt: number }> = []
let demoCredential = ''
const midFlowScans: Array<{ when: string; files: number; bytes: number; hits: unknown[] }> = []
const savedQuiet = process.env['AUTOCALLS_KEYS_QUIET']
const logsDir = mkdtempSync(join(tmpdir(), 'autocalls-hygiene-logs-'))
const logFile = new RotatingLogFile({ dir: logsDir })
let removeLogSink = (): void => undefined
let diagnostics = ''
const emails: string[] = []

beforeAll(async () => {
  // The app's own log output, not silenced, so it can be scanned.
  delete process.env['AUTOCALLS_KEYS_QUIET']
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, method).mockImplementation((...parts: unknown[]) => {
      logLines.push(parts.map((p) => (p instanceof Error ? `${p.name}: ${p.message}\n${p.stack ?? ''}` : typeof p === 'string' ? p : JSON.stringify(p))).join(' '))
    })
  }
  removeLogSink = addLogSink((line) => logFile.write(line))
  sandbox = await startSandbox()
  app = await createTestApp({
    // A port that fails with the credential in its error text: the log must still not show it.
    openExternal: (url) => Promise.reject(new Error(`could not open ${url} (request had Authorization: Bearer ${credential})`)),
    startSandbox: async (): Promise<SandboxHandle> => {
      const started = await startSandbox()
      trySandboxes.push(started)
      demoCredential = started.demo.token
      return { baseUrl: started.baseUrl, token: started.demo.token, close: () => started.close() }
    }
  })
  await runWholeSession()
}, 60_000)

afterAll(async () => {
  vi.restoreAllMocks()
  removeLogSink()
  logFile.close()
  rmSync(logsDir, { recursive: true, force: true })
  if (savedQuiet === undefined) delete process.env['AUTOCALLS_KEYS_QUIET']
  else process.env['AUTOCALLS_KEYS_QUIET'] = savedQuiet
  await restarted?.dispose()
  await app.dispose().catch(() => undefined)
  await Promise.all(trySandboxes.map((s) => s.close()))
  await sandbox.close()
})

async function runWholeSession(): Promise<void> {
  const h = recordingHandlers(app.services.handlers, payloads)
  const email = uniqueEmail('hygiene')
  emails.push(email)
  credential = sandbox.createAccount({ name: 'Hygiene Checker', email, totalBalance: 12.5 }).token
  sandbox.seedKeys(credential, 3, 'Existing key')

  valueOf(await h['app:get-initial-state'](undefined))
  const { account } = valueOf(await h['accounts:add']({ baseUrl: sandbox.baseUrl, apiKey: credential }))
  const accountId = account.id
  valueOf(await h['accounts:list'](undefined))
  valueOf(await h['keys:list']({ accountId }))
  // A failed sign-in with another key on the way (its text must not leak either).
  await h['accounts:add']({ baseUrl: sandbox.baseUrl, apiKey: '77|AnotherWrongKeyAnotherWrongKeyAnotherWr' })

  for (const label of ['Production', 'Staging', 'CI']) {
    const created = valueOf(await h['keys:create']({ accountId, name: label, requestId: `hygiene-${label}-0001` }))
    tokens.push({ label, token: created.token, pendingId: created.pendingId, createIndex: payloads.length - 1, reloadIndexes: [], confirmedAt: Infinity })
  }
  await scanUserDataNow('signed in, three tokens waiting, list cached')
  // The window reloads (or crashes and reopens) while the three tokens wait: offered again.
  const reloadStart = payloads.length
  valueOf(await h['app:get-initial-state'](undefined))
  valueOf(await h['token:list-pending'](undefined))
  for (const entry of tokens) entry.reloadIndexes.push(reloadStart, reloadStart + 1)

  for (const entry of tokens) {
    valueOf(await h['token:copy']({ pendingId: entry.pendingId }))
    valueOf(await h['token:confirm-saved']({ pendingId: entry.pendingId }))
    entry.confirmedAt = payloads.length - 1
  }
  // A create whose answer is lost, and an error path that logs, on the way.
  sandbox.faults.add({ method: 'POST', path: '/user/api-keys', fault: { type: 'drop-after-commit' } })
  await h['keys:create']({ accountId, name: 'Lost answer', requestId: 'hygiene-lost-0001' })
  valueOf(await h['keys:list']({ accountId }))
  const staging = sandbox.listKeysOf(credential).find((k) => k.name === 'Staging')!
  valueOf(await h['keys:delete']({ accountId, id: staging.id }))
  valueOf(await h['preferences:update']({ clipboardClearSeconds: 30 }))
  // An unexpected failure inside main (it is logged): the port's error text carries the credential.
  expect(await h['shell:open-external']({ url: 'https://docs.autocalls.ai/' })).toMatchObject({ ok: false, error: { kind: 'internal' } })
  await scanUserDataNow('after creates, copies, a lost create and a delete')
  valueOf(await h['accounts:remove']({ accountId }))
  valueOf(await h['app:get-initial-state'](undefined))

  // The sandbox: its demo credential is a bearer credential too.
  const sandboxAccount = valueOf(await h['accounts:add-sandbox'](undefined)).account.id
  valueOf(await h['keys:list']({ accountId: sandboxAccount }))
  const sandboxKey = valueOf(await h['keys:create']({ accountId: sandboxAccount, name: 'Sandbox key', requestId: 'hygiene-sandbox-0001' }))
  tokens.push({ label: 'Sandbox key', token: sandboxKey.token, pendingId: sandboxKey.pendingId, createIndex: payloads.length - 1, reloadIndexes: [], confirmedAt: Infinity })
  valueOf(await h['token:confirm-saved']({ pendingId: sandboxKey.pendingId }))
  tokens.at(-1)!.confirmedAt = payloads.length - 1

  // Signed in again beside the sandbox account, everything refreshed, then the key is revoked
  // elsewhere: main ends that account's session and tells the window.
  valueOf(await h['accounts:add']({ baseUrl: sandbox.baseUrl, apiKey: credential }))
  valueOf(await h['accounts:refresh-all'](undefined))
  // Help → "Copy diagnostics" now: two accounts signed in, the unexpected error above in the log.
  const signedIn = app.services.accounts.list()
  emails.push(...signedIn.map((a) => a.profile.email))
  diagnostics = buildDiagnosticsText({
    appName: 'Autocalls Keys',
    appVersion: '0.0.0-test',
    isPackaged: false,
    versions: process.versions,
    os: { platform: process.platform, release: 'test', arch: process.arch },
    accounts: diagnosticsAccounts(signedIn),
    logLines: logFile.tail(100),
    logFile: logFile.current,
    now: new Date()
  })
  valueOf(await h['accounts:remove']({ accountId: sandboxAccount }))
  sandbox.faults.add({ method: 'GET', path: '/user/api-keys', fault: { type: 'unauthenticated' } })
  expect(await h['keys:list']({ accountId })).toMatchObject({ ok: false, error: { kind: 'unauthenticated' } })

  // Quit and start again on the same folder.
  restarted = await app.restart()
  const h2 = recordingHandlers(restarted.services.handlers, payloads)
  valueOf(await h2['app:get-initial-state'](undefined))
  await restarted.services.shutdown()
}

async function scanUserDataNow(when: string): Promise<void> {
  await app.services.state.flush()
  const tree = await scanTree(app.userDataDir, [...credentialNeedles(), ...tokenNeedles()])
  midFlowScans.push({ when, files: tree.files, bytes: tree.bytes, hits: tree.hits })
}

const credentialNeedles = (): Needle[] => [
  { label: 'bearer credential', value: secretPart(credential) },
  { label: 'sandbox demo credential', value: secretPart(demoCredential) }
]
const tokenNeedles = (): Needle[] => tokens.map((t) => ({ label: `token of “${t.label}”`, value: secretPart(t.token) }))

describe('secret hygiene of a whole session (services and IPC)', () => {
  it('the log file got every line, and holds no credential or token', async () => {
    const tree = await scanTree(logsDir, [...credentialNeedles(), ...tokenNeedles()])
    expect(tree.paths).toContain('main.log')
    expect(tree.hits).toEqual([])
    const written = logFile.tail(100_000).join('\n')
    expect(logLines.length).toBeGreaterThan(0)
    for (const line of logLines) expect(written).toContain(line)
    // The unexpected failure is there with its reference and its stack, redacted.
    expect(written).toMatch(/Unexpected error in the main process: \[ref [0-9A-Z]{4}-[0-9A-Z]{4}\] Error: could not open .*\n {4}at /)
  })

  it('the diagnostics text holds no credential, no token and no email address', () => {
    expect(diagnostics).toMatch(/^Accounts \(2\):$/m)
    expect(diagnostics).toContain('Unexpected error in the main process')
    expect(new Set(emails).size).toBeGreaterThanOrEqual(2)
    const needles = [...credentialNeedles(), ...tokenNeedles(), ...emails.map((value, i) => ({ label: `email ${i}`, value }))]
    expect(scanText(diagnostics, 'diagnostics', needles)).toEqual([])
    expect(scanText(diagnostics.toLowerCase(), 'diagnostics (lower case)', needles.map((n) => ({ ...n, value: n.value.toLowerCase() })))).toEqual([])
  })

  it('the flow really ran: sign-in, creates, reload, copies, deletes, sign-out, sandbox, restart', () => {
    const channels = new Set(payloads.map((p) => p.channel))
    for (const channel of ['accounts:add', 'keys:create', 'token:copy', 'token:confirm-saved', 'keys:delete', 'accounts:remove', 'accounts:add-sandbox', 'accounts:refresh-all'] as InvokeChannel[]) {
      expect(channels).toContain(channel)
    }
    expect(tokens).toHaveLength(4)
    expect(demoCredential).toMatch(/^\d+\|/)
    expect(app.clipboard.writes.length).toBeGreaterThanOrEqual(3)
  })

  it('no payload to the window and no event ever carries a bearer credential', () => {
    const hits = payloads.flatMap((p, i) => scanText(p.json, `#${i} ${p.channel}`, credentialNeedles()))
    expect(hits).toEqual([])
    expect(app.events.map((e) => e.channel)).toContain('event:accounts-changed')
    expect(app.events.some((e) => JSON.stringify(e.payload).includes('needs-sign-in'))).toBe(true)
    expect(app.events.flatMap((e) => scanText(JSON.stringify(e), e.channel, [...credentialNeedles(), ...tokenNeedles()]))).toEqual([])
  })

  it('each token is in exactly the keys:create answer that carried it, plus the answers to a reloaded window while it waited', () => {
    for (const entry of tokens) {
      const carrying = payloads.flatMap((p, i) => (p.json.includes(secretPart(entry.token)) ? [i] : []))
      expect(carrying, entry.label).toEqual([entry.createIndex, ...entry.reloadIndexes].sort((a, b) => a - b))
      expect(payloads[entry.createIndex]!.channel).toBe('keys:create')
      for (const i of entry.reloadIndexes) expect(['app:get-initial-state', 'token:list-pending']).toContain(payloads[i]!.channel)
      // Never after confirmation: the copy answers and everything later are token-free.
      expect(carrying.every((i) => i < entry.confirmedAt)).toBe(true)
    }
    // token:copy answers only say when the clipboard clears: the token does not travel back.
    for (const p of payloads.filter((q) => q.channel === 'token:copy')) expect(JSON.parse(p.json)).toEqual({ ok: true, value: { clearsInSeconds: 60 } })
  })

  it('no credential or token in any file under userData, and none in the log output', async () => {
    const tree = await scanTree(app.userDataDir, [...credentialNeedles(), ...tokenNeedles()])
    expect(tree.files).toBeGreaterThan(0)
    expect(tree.hits).toEqual([])
    expect(midFlowScans.map((scan) => scan.hits)).toEqual(midFlowScans.map(() => []))
    expect(midFlowScans.every((scan) => scan.files >= 2 && scan.bytes > 500)).toBe(true) // the state file and the account's list
    // The app did log (the unexpected failure), and no line carries a secret.
    expect(logLines.some((line) => line.includes('Unexpected error'))).toBe(true)
    const logHits = logLines.flatMap((line, i) => scanText(line, `log line ${i}`, [...credentialNeedles(), ...tokenNeedles()]))
    expect(logHits).toEqual([])
    writeResult('secret-scan.json', {
      title: 'Service level (IPC handlers, userData folder, log output) after a whole session',
      rows: [
        { where: 'IPC answers to the window', scanned: `${payloads.length} payloads`, credentialHits: 0, tokenHits: 'only the keys:create answer, and the answers offering a waiting token to a reloaded window' },
        { where: 'Events to the window', scanned: `${app.events.length} events`, credentialHits: 0, tokenHits: '0' },
        ...midFlowScans.map((scan) => ({ where: `userData folder, ${scan.when}`, scanned: `${scan.files} file(s), ${scan.bytes} bytes (UTF-8 and UTF-16)`, credentialHits: 0, tokenHits: '0' })),
        { where: 'userData folder after sign-out and a restart', scanned: `${tree.files} file(s), ${tree.bytes} bytes (UTF-8 and UTF-16)`, credentialHits: 0, tokenHits: '0' },
        { where: 'Log output (not silenced)', scanned: `${logLines.length} lines`, credentialHits: 0, tokenHits: '0' },
        { where: 'Log file (rotating sink)', scanned: `${logFile.tail(100_000).length} lines`, credentialHits: 0, tokenHits: '0' },
        { where: 'Copy Diagnostics text', scanned: `${diagnostics.split('\n').length} lines`, credentialHits: 0, tokenHits: '0 (and no email address)' }
      ]
    })
  })

  it('quitting clears the clipboard the app filled, and sign-out left nothing in the keychain', async () => {
    expect(app.clipboard.current).toBe('')
    expect(await app.vault.listAccounts()).toEqual([])
    if (app.vault instanceof KeychainVault) {
      // keytar's own listing of the service (every OS), then, on Linux, libsecret's view of the
      // Secret Service through its own command line, so the check does not rest on the app's code.
      expect(await new KeychainVault({ service: app.vault.service }).listAccounts()).toEqual([])
      if (process.platform === 'linux') {
        const search = spawnSync('secret-tool', ['search', '--all', 'service', app.vault.service], { encoding: 'utf8' })
        expect(search.error, 'secret-tool must be installed (libsecret-tools)').toBeUndefined()
        // secret-tool prints the matching items; it exits 1 and prints nothing when none match.
        expect(search.stdout).toBe('')
      }
    }
  })
})
