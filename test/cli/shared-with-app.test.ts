/**
 * The command line and the desktop app on the same keychain entries and the same state file:
 * the app's services (built by createAppServices, as Electron's entry builds them) in this
 * process, the command line in child processes, on one user-data folder and one keychain
 * service. An account added in one is usable in the other, and both writing the state file at
 * the same moment never corrupts it or loses a change.
 */
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { STATE_FILE_NAME } from '../../src/main/app-services'
import { startSandbox, type SandboxServer } from '../../src/sandbox/index'
import { createTestApp, type TestApp } from '../support/app-fixture'
import { probeKeychain } from '../support/keychain'
import { createWorld, describeRun, type CliWorld } from './support/cli'
import { accountIdOf, login, newUser } from './support/users'

const probe = await probeKeychain()

describe.runIf(probe.available)('the command line and the app share accounts (real OS keychain)', () => {
  let sandbox: SandboxServer
  let world: CliWorld
  let app: TestApp

  beforeAll(async () => {
    sandbox = await startSandbox()
  })
  afterAll(async () => {
    await sandbox.close()
  })
  afterEach(async () => {
    await app?.dispose()
    await world?.dispose()
  })

  async function both(label: string): Promise<void> {
    world = await createWorld(label)
    app = await createTestApp({}, { userDataDir: world.userDataDir, vault: world.vault })
  }

  it('an account added in the app is listed and usable on the command line, and the other way round', async () => {
    await both('shared')
    const [inApp, inCli] = [newUser(sandbox, 'in-app'), newUser(sandbox, 'in-cli')]
    const added = await app.services.accounts.add(sandbox.baseUrl, inApp.token)
    expect(added.alreadyExisted).toBe(false)

    // The command line sees it, and signs its requests with the credential the app stored.
    const listed = await world.json(['accounts', '--json'])
    expect(listed.body).toMatchObject({ defaultAccountId: added.account.id, accounts: [{ id: added.account.id, email: inApp.email }] })
    const keys = await world.json(['keys', 'list', '--json'])
    expect(keys.run.code, describeRun(keys.run)).toBe(0)
    expect(keys.body['keys']).toEqual([expect.objectContaining({ id: inApp.keyId, ownKey: true })])

    // The app sees the account the command line added, and uses its keychain entry.
    expect((await login(world, sandbox, inCli.token)).code).toBe(0)
    const cliId = accountIdOf(sandbox, inCli)
    expect((await app.services.accounts.reload()).map((a) => a.id)).toEqual([added.account.id, cliId])
    const appList = await app.services.keys.list(cliId)
    expect(appList.keys.map((k) => k.id)).toEqual([inCli.keyId])

    // `use` is stored where the app reads it; a logout on either side is seen on the other.
    expect((await world.run(['use', inCli.email])).code).toBe(0)
    await app.services.accounts.reload()
    expect(app.services.state.state.defaultAccountId).toBe(cliId)
    expect((await world.run(['logout', inApp.email])).code).toBe(0)
    expect((await app.services.accounts.reload()).map((a) => a.id)).toEqual([cliId])
    expect(await world.vault.get(added.account.id)).toBeNull()
    await app.services.accounts.remove(cliId)
    const after = await world.run(['whoami'])
    expect(after.code).toBe(2)
  })

  it('the app and four command lines writing the state file at once: every change lands, the file stays whole', async () => {
    await both('concurrent')
    const appUsers = Array.from({ length: 3 }, (_, n) => newUser(sandbox, `app-${n}`))
    const cliUsers = Array.from({ length: 4 }, (_, n) => newUser(sandbox, `cli-${n}`))
    // Seed one account through the app so the command lines have something to `use` as well.
    const seed = await app.services.accounts.add(sandbox.baseUrl, appUsers[0]!.token)

    let cliDone = false
    let appWrites = 0
    const appSide = (async () => {
      for (const user of appUsers.slice(1)) await app.services.accounts.add(sandbox.baseUrl, user.token)
      // Keep writing while the command lines run: the preference flips and list summaries.
      while (!cliDone) {
        appWrites++
        await app.services.state.update((draft) => {
          draft.preferences.clipboardClearSeconds = 5 + (appWrites % 100)
        })
        await app.services.keys.list(seed.account.id)
      }
    })()
    const cliSide = Promise.all(
      cliUsers.map(async (user) => {
        const signIn = await login(world, sandbox, user.token)
        expect(signIn.code, describeRun(signIn)).toBe(0)
        const list = await world.run(['--account', user.email, 'keys', 'list', '--json'])
        expect(list.code, describeRun(list)).toBe(0)
      })
    ).finally(() => (cliDone = true))
    await Promise.all([appSide, cliSide])
    await app.services.state.flush()
    // The app really wrote while the command lines did (about 30 writes here on two cores).
    expect(appWrites).toBeGreaterThan(3)

    const file = join(world.userDataDir, STATE_FILE_NAME)
    const onDisk = JSON.parse(await readFile(file, 'utf8')) as { accounts: Record<string, { keyCount: number | null }>; accountOrder: string[]; preferences: { clipboardClearSeconds: number } }
    const expected = [...appUsers, ...cliUsers].map((user) => accountIdOf(sandbox, user)).sort()
    expect(Object.keys(onDisk.accounts).sort()).toEqual(expected)
    expect([...onDisk.accountOrder].sort()).toEqual(expected)
    // The command lines' list summaries were not overwritten by the app's writes.
    for (const user of cliUsers) expect(onDisk.accounts[accountIdOf(sandbox, user)]!.keyCount).toBe(1)
    expect(onDisk.preferences.clipboardClearSeconds).toBe(5 + (appWrites % 100))
    expect((await readdir(world.userDataDir)).filter((name) => name.includes('.damaged-') || name.endsWith('.tmp') || name.endsWith('.lock'))).toEqual([])
    // Both sides read the same seven accounts.
    expect((await app.services.accounts.reload()).map((a) => a.id).sort()).toEqual(expected)
    const fromCli = await world.json(['accounts', '--json'])
    expect((fromCli.body['accounts'] as Array<{ id: string }>).map((a) => a.id).sort()).toEqual(expected)
    // And every account's credential is in the shared keychain entries.
    expect((await world.vault.listAccounts()).sort()).toEqual(expected)
  }, 60_000)
})
