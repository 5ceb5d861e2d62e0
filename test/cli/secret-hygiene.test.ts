/**
 * Secret hygiene of the command line over a whole session: sign in (pipe and terminal), list,
 * create in every output mode (a pipe, --json, a terminal, an answer lost, a confirming list that
 * fails and is logged), a credential passed where it does not belong (an option, a note), a
 * rotation started and finished, a revoked key, delete the own key. The app's log lines are on (they go to standard error). Then:
 * - no credential and no token appears on any run's standard error (logs included) or in any
 *   file of the user-data folder;
 * - each created token appears on standard output exactly once, in the run that created it;
 * - the pending-token store holds no token by the time the command says it is done.
 */
import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Io, OutStream } from '../../src/cli/io'
import { runCli } from '../../src/cli/program'
import { createAppServices, type AppServices } from '../../src/main/app-services'
import { startSandbox, type SandboxServer } from '../../src/sandbox/index'
import { probeKeychain } from '../support/keychain'
import { scanTree, secretPart, type Needle } from '../reliability/support/scan'
import { createWorld, describeRun, occurrences, type CliRun, type CliWorld } from './support/cli'
import { runInTerminal } from './support/terminal'
import { login, newUser, revoke, type SandboxUser } from './support/users'

const probe = await probeKeychain()

describe.runIf(probe.available)('secret hygiene of autocalls-keys (real OS keychain)', () => {
  let sandbox: SandboxServer
  let world: CliWorld
  let user: SandboxUser
  let spare: string
  /** Every token the session created, with the run that printed it. */
  const created: Array<{ token: string; run: CliRun | { stdout: string; stderr: string } }> = []
  const terminalScreens: string[] = []

  beforeAll(async () => {
    sandbox = await startSandbox()
    world = await createWorld('hygiene')
    user = newUser(sandbox, 'hygiene')
    spare = sandbox.seedKey(user.token, { name: 'spare' }).token
    await session()
  }, 90_000)
  afterAll(async () => {
    await world.dispose()
    await sandbox.close()
  })

  const tokenOf = (text: string) => /\d+\|[A-Za-z0-9]{40,48}/.exec(text)?.[0]

  async function session(): Promise<void> {
    const expectCode = async (code: number, pending: Promise<CliRun>) => {
      const run = await pending
      expect(run.code, describeRun(run)).toBe(code)
      return run
    }
    await expectCode(0, login(world, sandbox, `${user.token}\n`))
    await expectCode(0, login(world, sandbox, spare, ['--json'])) // again: the stored key is replaced
    await expectCode(0, login(world, sandbox, user.token))
    await expectCode(0, world.run(['accounts']))
    await expectCode(0, world.run(['whoami', '--json']))
    await expectCode(0, world.run(['keys', 'list']))
    await expectCode(0, world.run(['keys', 'list', '--json']))
    const piped = await expectCode(0, world.run(['keys', 'create', 'piped']))
    created.push({ token: piped.stdout.trimEnd(), run: piped })
    const json = await expectCode(0, world.run(['keys', 'create', 'json', '--json']))
    created.push({ token: (JSON.parse(json.stdout) as { token: string }).token, run: json })
    // The list that confirms a new key fails (and is logged): the token is still printed once.
    sandbox.faults.add({ method: 'GET', path: '/user/api-keys', times: 3, fault: { type: 'status', status: 500 } })
    const logged = await expectCode(0, world.run(['keys', 'create', 'logged']))
    expect(logged.stderr).toMatch(/warn: The list that confirms a new key could not be fetched/)
    created.push({ token: logged.stdout.trimEnd(), run: logged })
    sandbox.faults.clear()
    sandbox.faults.add({ method: 'POST', path: '/user/api-keys', fault: { type: 'drop-after-commit' } })
    await expectCode(6, world.run(['keys', 'create', 'lost']))
    // The lost key's token exists only on the server: it must appear nowhere of ours.
    const lostId = sandbox.listKeysOf(user.token).find((k) => k.name === 'lost')!.id
    expect(lostId).toBeGreaterThan(0)
    if (process.platform === 'linux') {
      const screen = await runInTerminal(['keys', 'create', 'terminal'], world.env())
      expect(screen.code, screen.screen).toBe(0)
      terminalScreens.push(screen.screen)
      created.push({ token: tokenOf(screen.screen)!, run: { stdout: screen.screen, stderr: '' } })
      const prompt = await runInTerminal(['login', '--base-url', sandbox.baseUrl], world.env(), [{ waitFor: '(input hidden): ', send: `${spare}\r` }])
      expect(prompt.code, prompt.screen).toBe(0)
      terminalScreens.push(prompt.screen)
    }
    await expectCode(1, world.run(['login', `--api-key=${user.token}`]))
    // A rotation: the replacement's token once on standard output; notes refuse a pasted credential without echoing it.
    const toRotate = sandbox.seedKey(user.token, { name: 'to rotate' }).key
    const rotated = await expectCode(0, world.run(['keys', 'rotate', String(toRotate.id)]))
    created.push({ token: rotated.stdout.trimEnd(), run: rotated })
    const replacement = rotated.stdout.split('|')[0]!
    await expectCode(0, world.run(['keys', 'rotations']))
    await expectCode(0, world.run(['keys', 'note', replacement, 'rotated in the hygiene session']))
    await expectCode(1, world.run(['keys', 'note', replacement, `pasted ${user.token}`]))
    await expectCode(1, world.run(['keys', 'note', replacement, `pasted ${user.token}`, '--json']))
    await expectCode(0, world.run(['keys', 'rotate', '--finish', replacement, '--force']))
    // Revoked elsewhere: the 401 path ends the session.
    await revoke(sandbox, Number(spare.split('|')[0]), user.token)
    await expectCode(2, world.run(['keys', 'list']))
    await expectCode(0, login(world, sandbox, user.token))
    await expectCode(0, world.run(['keys', 'delete', String(user.keyId), '--yes', '--including-own-key', '--json']))
    await expectCode(2, world.run(['whoami']))
  }

  const needles = (): Needle[] => [
    { label: 'sign-in credential', value: secretPart(user.token) },
    { label: 'second credential', value: secretPart(spare) },
    ...created.map(({ token }, index) => ({ label: `created token ${index + 1}`, value: secretPart(token) }))
  ]

  it('created tokens on their own run\'s standard output exactly once, and nowhere else on standard output', () => {
    expect(created.length).toBe(process.platform === 'linux' ? 5 : 4)
    for (const { token, run } of created) {
      expect(token).toMatch(/^\d+\|[A-Za-z0-9]{40,48}$/)
      expect(occurrences(run.stdout, token)).toBe(1)
      const elsewhere = world.runs.filter((other) => other !== run).map((other) => occurrences(other.stdout, secretPart(token)))
      expect(elsewhere.every((count) => count === 0)).toBe(true)
    }
  })

  it('no credential or token on any standard error (the app\'s log lines included)', () => {
    const stderr = world.runs.map((run) => run.stderr).join('\n')
    expect(stderr).toMatch(/^\[\d{4}-\d{2}-\d{2}T[^\]]+\] warn: /m) // the logs were on, not silenced
    for (const needle of needles()) expect([needle.label, occurrences(stderr, needle.value)]).toEqual([needle.label, 0])
    expect(stderr).not.toMatch(/\d+\|[A-Za-z0-9]{40}/)
    // On the terminal, where stdout and stderr share the screen, a token shows once and the typed key never.
    for (const screen of terminalScreens) {
      expect(occurrences(screen, secretPart(user.token))).toBe(0)
      expect(occurrences(screen, secretPart(spare))).toBe(0)
    }
  })

  it('no credential or token in any file the command line wrote (state file, key lists)', async () => {
    const scan = await scanTree(world.userDataDir, needles())
    expect(scan.files).toBeGreaterThan(0)
    expect(scan.paths.some((path) => path.endsWith('autocalls-keys-state.json'))).toBe(true)
    expect(scan.hits).toEqual([])
  })

  it('the pending-token store is wiped as soon as the token is written, before the command ends', async () => {
    const other = newUser(sandbox, 'pending')
    let services: AppServices | undefined
    const heldWhenDone: number[] = []
    const out: string[] = []
    const stream = (sink: string[], onWrite?: (text: string) => void): OutStream => ({
      isTTY: false,
      color: false,
      write: (text) => {
        sink.push(text)
        onWrite?.(text)
        return Promise.resolve()
      }
    })
    const io = (input: string): Io => ({
      stdout: stream(out),
      stderr: stream([], (text) => {
        if (text.startsWith('Created key')) heldWhenDone.push(services!.pending.list().length)
      }),
      stdin: Object.assign(Readable.from([input]), { isTTY: false }) as unknown as NodeJS.ReadStream,
      env: world.env()
    })
    const open = async () => {
      services = await createAppServices({ userDataDir: world.userDataDir, vault: world.vault, clipboard: { writeSecret: () => Promise.resolve(), readText: () => Promise.resolve(''), clear: () => {} }, events: { emit: () => {} }, openExternal: () => Promise.resolve() })
      return services
    }
    expect(await runCli(['login', '--base-url', sandbox.baseUrl], io(other.token), { openServices: open })).toBe(0)
    expect(await runCli(['--account', other.email, 'keys', 'create', 'in process'], io(''), { openServices: open })).toBe(0)
    expect(out.join('')).toMatch(/^\d+\|[A-Za-z0-9]{40,48}\n$/)
    expect(heldWhenDone).toEqual([0])
  })
})
