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
