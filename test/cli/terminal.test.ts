/**
 * At a terminal (a real pseudo-terminal through util-linux `script`): the hidden API-key prompt,
 * the "shown once" frame around a new token, the delete confirmation, and colour only without
 * NO_COLOR. Linux only (`script` differs elsewhere); the rest of the command line is tested on
 * pipes in the other files.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type SandboxServer } from '../../src/sandbox/index'
import { probeKeychain } from '../support/keychain'
import { createWorld, occurrences, type CliWorld } from './support/cli'
import { plain, runInTerminal } from './support/terminal'
import { accountIdOf, labelOf, login, newUser } from './support/users'

const probe = await probeKeychain()
const ESC = '\u001b['

describe.runIf(probe.available && process.platform === 'linux')('autocalls-keys on a terminal', () => {
  let sandbox: SandboxServer
  let world: CliWorld

  beforeAll(async () => {
    sandbox = await startSandbox()
  })
  afterAll(async () => {
    await sandbox.close()
  })
  afterEach(async () => {
    await world?.dispose()
  })

  it('login asks for the key without echoing it, and stores it once verified', async () => {
    world = await createWorld('tty-login')
    const user = newUser(sandbox, 'ttylogin')
    const run = await runInTerminal(['login', '--base-url', sandbox.baseUrl], world.env(), [{ waitFor: '(input hidden): ', send: `${user.token}\r` }])
    expect(run.code, run.screen).toBe(0)
    expect(plain(run.screen)).toContain(`API key for ${new URL(sandbox.baseUrl).host} (input hidden): \n`)
    expect(plain(run.screen)).toContain(`Signed in to ${labelOf(sandbox, user)}.`)
    // Neither the token nor any part of its secret reached the screen.
    expect(occurrences(run.screen, user.token.split('|')[1]!.slice(0, 12))).toBe(0)
    expect(await world.vault.get(accountIdOf(sandbox, user))).toBe(user.token)
  })

  it('Ctrl+C at the key prompt stops with exit 130 and stores nothing', async () => {
    world = await createWorld('tty-login-stop')
    const run = await runInTerminal(['login', '--base-url', sandbox.baseUrl], world.env(), [{ waitFor: '(input hidden): ', send: 'abc\u0003' }])
    expect(run.code, run.screen).toBe(130)
    expect(run.screen).not.toContain('abc')
    expect(await world.vault.listAccounts()).toEqual([])
  })

  it('a new token is framed with the "shown once" warning, in colour, and shown exactly once', async () => {
    world = await createWorld('tty-create')
    const user = newUser(sandbox, 'ttycreate')
    expect((await login(world, sandbox, user.token)).code).toBe(0)
    const run = await runInTerminal(['keys', 'create', 'on a terminal'], world.env())
    expect(run.code, run.screen).toBe(0)
    const token = sandbox.listKeysOf(user.token).find((k) => k.name === 'on a terminal')
    expect(token).toBeDefined()
    const screen = plain(run.screen)
    expect(screen).toMatch(/This token is shown once: copy it now and keep it somewhere safe\. It cannot be shown again\.\n\n {4}\d+\|[A-Za-z0-9]{40,48}\n\n/)
    const shown = /\n {4}(\d+\|[A-Za-z0-9]+)\n/.exec(screen)![1]!
    expect(occurrences(run.screen, shown)).toBe(1)
    expect(Number(shown.split('|')[0])).toBe(token!.id)
    expect(run.screen).toContain(`${ESC}33m`) // the warning is coloured on a terminal
  })

  it('NO_COLOR: the same screens without a single escape sequence', async () => {
    world = await createWorld('tty-nocolor')
    const user = newUser(sandbox, 'ttynocolor')
    expect((await login(world, sandbox, user.token)).code).toBe(0)
    const env = world.env({ NO_COLOR: '1' })
    for (const args of [['keys', 'create', 'plain'], ['keys', 'list'], ['accounts']]) {
      const run = await runInTerminal(args, env)
      expect(run.code, run.screen).toBe(0)
      expect(run.screen).not.toContain('\u001b')
    }
    const coloured = await runInTerminal(['keys', 'list'], world.env())
    expect(coloured.screen).toContain(`${ESC}1m`) // the header is bold without NO_COLOR
  })

  it('keys delete asks, naming the account and the keys; "n" deletes nothing (exit 1), "yes" deletes', async () => {
    world = await createWorld('tty-delete')
    const user = newUser(sandbox, 'ttydelete')
    const key = sandbox.seedKey(user.token, { name: 'ask me first' }).key
    expect((await login(world, sandbox, user.token)).code).toBe(0)
    const declined = await runInTerminal(['keys', 'delete', String(key.id)], world.env(), [{ waitFor: '[y/N] ', send: 'n\r' }])
    expect(declined.code, declined.screen).toBe(1)
    const asked = plain(declined.screen)
    expect(asked).toContain(`Delete 1 key from ${labelOf(sandbox, user)}?\n  #${key.id}  ask me first\nAnything using it loses access at once; this cannot be undone. Delete? [y/N] `)
    expect(asked).toContain('Nothing was deleted.')
    expect(sandbox.listKeysOf(user.token).map((k) => k.id)).toContain(key.id)
    const confirmed = await runInTerminal(['keys', 'delete', String(key.id)], world.env(), [{ waitFor: '[y/N] ', send: 'yes\r' }])
    expect(confirmed.code, confirmed.screen).toBe(0)
    expect(plain(confirmed.screen)).toMatch(new RegExp(`${key.id} +ask me first +deleted`))
    expect(sandbox.listKeysOf(user.token).map((k) => k.id)).not.toContain(key.id)
  })

  it('a batch delete shows its progress on a terminal, on one line rewritten in place (and never on a pipe)', async () => {
    world = await createWorld('tty-progress')
    const user = newUser(sandbox, 'ttyprogress')
    const keys = [1, 2, 3].map((n) => sandbox.seedKey(user.token, { name: `progress ${n}` }).key)
    expect((await login(world, sandbox, user.token)).code).toBe(0)
    const run = await runInTerminal(['keys', 'delete', ...keys.map((k) => String(k.id)), '--yes'], world.env())
    expect(run.code, run.screen).toBe(0)
    expect(run.screen).toContain('\rDeleting 3 keys: 0 done, 0 failed, 3 left')
    expect(run.screen).toMatch(/\rDeleting 3 keys: 2 done, 0 failed, 1 left/)
    // The line is blanked before the report, so the table starts on a clean line.
    expect(run.screen).toMatch(/\r {40,}\r(?:\u001b\[[0-9;]*m)*ID/)
    // Only a carriage return and spaces: with NO_COLOR the screen has no escape sequence at all.
    const plainRun = await runInTerminal(['keys', 'delete', String(sandbox.seedKey(user.token, { name: 'no colour' }).key.id), '--yes'], world.env({ NO_COLOR: '1' }))
    expect(plainRun.code, plainRun.screen).toBe(0)
    expect(plainRun.screen).toContain('\rDeleting 1 key: 0 done, 0 failed, 1 left')
    expect(plainRun.screen).not.toContain('\u001b')
    const more = sandbox.seedKey(user.token, { name: 'on a pipe' }).key
    const piped = await world.run(['keys', 'delete', String(more.id), '--yes'])
    expect(piped.code).toBe(0)
    expect(piped.stderr).not.toContain('Deleting')
    expect(piped.stderr).not.toContain('\u001b')
  })

  it('a rotation’s token is framed like a new key’s, and says which key it replaces', async () => {
    world = await createWorld('tty-rotate')
    const user = newUser(sandbox, 'ttyrotate')
    const old = sandbox.seedKey(user.token, { name: 'to replace' }).key
    expect((await login(world, sandbox, user.token)).code).toBe(0)
    const run = await runInTerminal(['keys', 'rotate', String(old.id)], world.env())
    expect(run.code, run.screen).toBe(0)
    const screen = plain(run.screen)
    expect(screen).toMatch(new RegExp(`This token is shown once: copy it now and keep it somewhere safe\\. It cannot be shown again\\.\\nIt is the replacement of key #${old.id} “to replace”\\.\\n\\n {4}\\d+\\|[A-Za-z0-9]{40,48}\\n\\n`))
    const shown = /\n {4}(\d+\|[A-Za-z0-9]+)\n/.exec(screen)![1]!
    expect(occurrences(run.screen, shown)).toBe(1)
    expect(screen).toContain(`Started rotating #${old.id} “to replace”`)
  })

  it('a note shows as a labelled block, its lines kept and its bidirectional controls made inert', async () => {
    world = await createWorld('tty-note')
    const user = newUser(sandbox, 'ttynote')
    const key = sandbox.seedKey(user.token, { name: 'noted' }).key
    expect((await login(world, sandbox, user.token)).code).toBe(0)
    expect((await world.run(['keys', 'note', String(key.id), 'first line\nsecond \u202eline', '--review-by', '2020-02-29'])).code).toBe(0)
    const run = await runInTerminal(['keys', 'note', String(key.id)], world.env())
    expect(run.code, run.screen).toBe(0)
    const screen = plain(run.screen)
    expect(screen).toMatch(new RegExp(`Key +#${key.id} “noted”\\nAccount +${labelOf(sandbox, user).replace(/[.]/g, '\\.')}\\nReview by +2020-02-29 \\(due\\)\\nUpdated +\\S+\\n\\nfirst line\\nsecond \\\\u202eline\\n`))
    expect(run.screen).not.toContain('\u202e')
  })

  it('the own key is never deleted after a mere confirmation: it needs the flags even at a terminal', async () => {
    world = await createWorld('tty-own')
    const user = newUser(sandbox, 'ttyown')
    expect((await login(world, sandbox, user.token)).code).toBe(0)
    const run = await runInTerminal(['keys', 'delete', String(user.keyId)], world.env(), [{ waitFor: '[y/N] ', send: 'yes\r' }])
    expect(run.code, run.screen).toBe(1)
    expect(plain(run.screen)).toContain('--yes --including-own-key')
    expect(plain(run.screen)).not.toContain('[y/N]')
    expect(sandbox.listKeysOf(user.token).map((k) => k.id)).toContain(user.keyId)
  })
})
