/**
 * `login`, `accounts`, `use`, `whoami`, `logout` and the choice of account, run as real child
 * processes against the sandbox and the real keychain. Each test has a folder and a keychain
 * service of its own.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { refusedBaseUrl, startSandbox, type SandboxServer } from '../../src/sandbox/index'
import { keychainRequired, probeKeychain, secretServiceProvider, secretToolLookup } from '../support/keychain'
import { createWorld, describeRun, type CliWorld } from './support/cli'
import { accountIdOf, labelOf, login, newUser, revoke } from './support/users'

const probe = await probeKeychain()

describe('keychain for the command-line tests', () => {
  it(`is available when required (CI or npm test); provider: ${secretServiceProvider()}`, () => {
    if (keychainRequired) expect(probe, probe.reason).toEqual({ available: true })
  })
})

describe.runIf(probe.available)('autocalls-keys accounts, login, use, whoami, logout (real OS keychain)', () => {
  let sandbox: SandboxServer
  let second: SandboxServer
  let world: CliWorld

  beforeAll(async () => {
    ;[sandbox, second] = await Promise.all([startSandbox(), startSandbox()])
  })
  afterAll(async () => {
    await Promise.all([sandbox.close(), second.close()])
  })
  afterEach(async () => {
    await world?.dispose()
  })

  it('login reads the key from standard input, verifies it, stores it in the keychain and makes the first account the default', async () => {
    world = await createWorld('login')
    const user = newUser(sandbox, 'login')
    const run = await login(world, sandbox, `${user.token}\n`)
    expect(run.code, describeRun(run)).toBe(0)
    expect(run.stdout).toBe('')
    expect(run.stderr).toContain(`Signed in to ${labelOf(sandbox, user)}.`)
    // In the real Secret Service, under the test's service name, keyed by the account id.
    const id = accountIdOf(sandbox, user)
    expect(await world.vault.get(id)).toBe(user.token)
    if (process.platform === 'linux') expect(secretToolLookup(world.service, id)).toBe(user.token)
    const { body } = await world.json(['accounts', '--json'])
    expect(body).toMatchObject({ version: 1, defaultAccountId: id, accounts: [{ id, email: user.email, name: user.name, isDefault: true, status: 'ready', selector: user.email }] })
    expect(sandbox.requests.filter((r) => r.path === '/user/me').length).toBeGreaterThan(0)
  })

  it('login to an account that is already there says so, and replaces the stored key only with one that verifies', async () => {
    world = await createWorld('relogin')
    const user = newUser(sandbox, 'relogin')
    const spare = sandbox.seedKey(user.token, { name: 'spare' })
    expect((await login(world, sandbox, user.token)).code).toBe(0)
    const again = await world.json(['login', '--base-url', sandbox.baseUrl, '--json'], { input: spare.token })
    expect(again.run.code, describeRun(again.run)).toBe(0)
    expect(again.body).toMatchObject({ version: 1, alreadyExisted: true, isDefault: true, account: { email: user.email } })
    expect(again.run.stderr).toContain(`Already signed in to ${labelOf(sandbox, user)}`)
    expect(await world.vault.get(accountIdOf(sandbox, user))).toBe(spare.token)
    const wrong = await login(world, sandbox, '99|aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa')
    expect(wrong.code, describeRun(wrong)).toBe(2)
    expect(await world.vault.get(accountIdOf(sandbox, user))).toBe(spare.token)
  })

  it('a key the server rejects is not stored (exit 2); empty input, a bad URL or a key as an argument are usage errors (exit 1)', async () => {
    world = await createWorld('login-errors')
    const rejected = await login(world, sandbox, '7|bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb')
    expect(rejected.code, describeRun(rejected)).toBe(2)
    expect(rejected.stderr).toMatch(/^error: /m)
    const empty = await login(world, sandbox, '  \n')
    expect(empty.code).toBe(1)
    expect(empty.stderr).toContain('No API key on standard input')
    const plainHttp = await world.run(['login', '--base-url', 'http://api.example.com/api'], { input: 'x' })
    expect(plainHttp.code).toBe(1)
    expect(plainHttp.stderr).toContain('must use https://')
    const asArgument = await world.run(['login', '5|cccccccccccccccccccccccccccccccccccccccc'])
    expect(asArgument.code).toBe(1)
    expect(asArgument.stderr).not.toContain('cccccccccccccccccccccccccccccccccccccccc')
    expect(await world.vault.listAccounts()).toEqual([])
    expect((await world.json(['accounts', '--json'])).body).toMatchObject({ accounts: [] })
  })

  it('an unreachable host is a network error (exit 4) and stores nothing', async () => {
    world = await createWorld('login-network')
    const run = await world.run(['login', '--base-url', await refusedBaseUrl()], { input: '1|dddddddddddddddddddddddddddddddddddddddd' })
    expect(run.code, describeRun(run)).toBe(4)
    expect(await world.vault.listAccounts()).toEqual([])
  })

  it.runIf(process.platform === 'linux')('without a usable keychain: exit 5 with the app\'s advice, nothing stored', async () => {
    world = await createWorld('no-keychain')
    const user = newUser(sandbox, 'nokeychain')
    const noBus = { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/autocalls-cli-test-bus' }
    const run = await world.run(['login', '--base-url', sandbox.baseUrl, '--json'], { input: user.token, env: noBus })
    expect(run.code, describeRun(run)).toBe(5)
    expect(JSON.parse(run.stderr.trim().split('\n').at(-1)!)).toMatchObject({ version: 1, error: { kind: 'keychain_unavailable', exitCode: 5, message: expect.stringMatching(/No system keyring is available/) } })
    expect((await world.json(['accounts', '--json'])).body).toMatchObject({ accounts: [] })
    // An account stored while the keychain worked, used while it does not: exit 5, still signed in.
    expect((await login(world, sandbox, user.token)).code).toBe(0)
    const list = await world.run(['keys', 'list'], { env: noBus })
    expect(list.code, describeRun(list)).toBe(5)
    expect((await world.json(['accounts', '--json'])).body).toMatchObject({ accounts: [{ status: 'ready' }] })
  })

  it('accounts marks the default; use changes it and names the account on standard error', async () => {
    world = await createWorld('use')
    const [a, b] = [newUser(sandbox, 'first'), newUser(sandbox, 'second')]
    await login(world, sandbox, a.token)
    await login(world, sandbox, b.token)
    const table = await world.run(['accounts'])
    expect(table.code).toBe(0)
    const rows = table.stdout.trimEnd().split('\n')
    expect(rows[0]).toMatch(/^ {3}ACCOUNT +NAME +HOST +KEYS +STATUS +REFRESHED$/)
    expect(rows[1]).toMatch(new RegExp(`^\\*  ${a.email} `))
    expect(rows[2]).toMatch(new RegExp(`^   ${b.email} `))
    // Aligned: every row's NAME starts in the same column.
    expect(new Set(rows.map((row, index) => (index === 0 ? row.indexOf('NAME') : row.indexOf(index === 1 ? a.name : b.name)))).size).toBe(1)
    const use = await world.run(['use', b.email])
    expect(use.code, describeRun(use)).toBe(0)
    expect(use.stderr).toContain(`Default account: ${labelOf(sandbox, b)}`)
    expect((await world.json(['accounts', '--json'])).body).toMatchObject({ defaultAccountId: accountIdOf(sandbox, b) })
    const who = await world.json(['whoami', '--json'])
    expect(who.body).toMatchObject({ selectedBy: 'default', account: { email: b.email }, profile: { email: b.email, name: b.name, totalBalance: 42.5 }, verified: true })
    const unknown = await world.run(['use', 'nobody@example.com'])
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain(`No account “nobody@example.com”`)
    expect(unknown.stderr).toContain(`  ${a.email}\n  ${b.email}`)
  })

  it('--account, then AUTOCALLS_ACCOUNT, then the default; unknown names are usage errors listing the accounts', async () => {
    world = await createWorld('choice')
    const [a, b] = [newUser(sandbox, 'choice-a'), newUser(sandbox, 'choice-b')]
    await login(world, sandbox, a.token)
    await login(world, sandbox, b.token)
    const byDefault = await world.json(['whoami', '--json'])
    expect(byDefault.body).toMatchObject({ selectedBy: 'default', account: { email: a.email } })
    const byEnv = await world.json(['whoami', '--json'], { env: { AUTOCALLS_ACCOUNT: b.email } })
    expect(byEnv.body).toMatchObject({ selectedBy: 'env', account: { email: b.email } })
    const byFlag = await world.json(['--account', a.email, 'whoami', '--json'], { env: { AUTOCALLS_ACCOUNT: b.email } })
    expect(byFlag.body).toMatchObject({ selectedBy: 'flag', account: { email: a.email } })
    const human = await world.run(['whoami', '--account', b.email])
    expect(human.stdout).toMatch(new RegExp(`^Account +${labelOf(sandbox, b).replace(/\./g, '\\.')}\nName +${b.name}\nBalance +\\$42\\.50\nChosen +from --account\n$`))
    const badEnv = await world.run(['whoami', '--json'], { env: { AUTOCALLS_ACCOUNT: 'ghost@example.com' } })
    expect(badEnv.code).toBe(1)
    expect(JSON.parse(badEnv.stderr)).toEqual({
      version: 1,
      error: { kind: 'invalid_request', exitCode: 1, message: expect.stringContaining('AUTOCALLS_ACCOUNT'), accounts: [a.email, b.email] }
    })
    expect(badEnv.stdout).toBe('')
  })

  it('the same email on two hosts is ambiguous by email alone and picked by email@host', async () => {
    world = await createWorld('two-hosts')
    expect((await login(world, sandbox, sandbox.demo.token)).code).toBe(0)
    expect((await login(world, second, second.demo.token)).code).toBe(0)
    const email = sandbox.demo.email
    expect(second.demo.email).toBe(email)
    const ambiguous = await world.run(['--account', email, 'keys', 'list'])
    expect(ambiguous.code, describeRun(ambiguous)).toBe(1)
    const [firstHost, secondHost] = [new URL(sandbox.baseUrl).host, new URL(second.baseUrl).host]
    expect(ambiguous.stderr).toContain(`names 2 accounts`)
    expect(ambiguous.stderr).toContain(`  ${email}@${firstHost}\n  ${email}@${secondHost}`)
    const picked = await world.json(['--account', `${email}@${secondHost}`, 'whoami', '--json'])
    expect(picked.body).toMatchObject({ account: { baseUrl: second.baseUrl, selector: `${email}@${secondHost}` } })
    second.resetRequests()
    sandbox.resetRequests()
    expect((await world.run(['--account', `${email}@${secondHost}`, 'keys', 'list', '--json'])).code).toBe(0)
    expect(sandbox.requests).toEqual([]) // the call went to the host named, and only there
    expect(second.requests.map((r) => r.path)).toContain('/user/api-keys')
  })

  it('logout removes the chosen (or named) account and its keychain entry; then nothing is signed in (exit 2)', async () => {
    world = await createWorld('logout')
    const [a, b] = [newUser(sandbox, 'out-a'), newUser(sandbox, 'out-b')]
    await login(world, sandbox, a.token)
    await login(world, sandbox, b.token)
    const named = await world.run(['logout', b.email])
    expect(named.code, describeRun(named)).toBe(0)
    expect(named.stderr).toContain(`Signed out of ${labelOf(sandbox, b)}`)
    expect(await world.vault.get(accountIdOf(sandbox, b))).toBeNull()
    const unknown = await world.run(['logout', 'ghost@example.com'])
    expect(unknown.code).toBe(1)
    const chosen = await world.json(['logout', '--json'])
    expect(chosen.run.code).toBe(0)
    expect(chosen.run.stderr).toContain(`Account: ${labelOf(sandbox, a)} (the default)`)
    expect(chosen.body).toMatchObject({ version: 1, signedOut: true, account: { email: a.email } })
    expect(await world.vault.listAccounts()).toEqual([])
    const whoami = await world.run(['whoami'])
    expect(whoami.code).toBe(2)
    expect(whoami.stderr).toContain('Not signed in to any account')
  })

  it('a key revoked elsewhere: exit 2, the account needs a new sign-in (its key leaves the keychain), and login brings it back', async () => {
    world = await createWorld('revoked')
    const user = newUser(sandbox, 'revoked')
    const spare = sandbox.seedKey(user.token, { name: 'spare' })
    await login(world, sandbox, user.token)
    await revoke(sandbox, user.keyId, spare.token)
    const first = await world.run(['whoami'])
    expect(first.code, describeRun(first)).toBe(2)
    expect(first.stderr).toMatch(/autocalls-keys login/)
    expect(await world.vault.get(accountIdOf(sandbox, user))).toBeNull()
    expect((await world.json(['accounts', '--json'])).body).toMatchObject({ accounts: [{ status: 'needs-sign-in' }] })
    const again = await world.run(['keys', 'list'])
    expect(again.code).toBe(2)
    expect(again.stderr).toContain('rejected by the server')
    expect((await login(world, sandbox, spare.token)).code).toBe(0)
    expect((await world.json(['accounts', '--json'])).body).toMatchObject({ accounts: [{ status: 'ready' }] })
  })
})
