/**
 * Round trips per action, counted on the sandbox server (its request log), through the real
 * main-process services composed as Electron's entry point composes them (createAppServices,
 * in-memory SecretStore), calling the same handler functions the window calls over IPC.
 * Plus the connection count of 100 consecutive API calls (keep-alive reuse).
 */
import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startSandbox, type SandboxServer } from '../../src/sandbox/index'
import { MemorySecretStore } from '../support/memory-secret-store'
import { newAccount, openServices, prepareSignedInUserData, unwrap } from './lib/fixtures'

export interface ActionCount {
  action: string
  requests: string[]
}

const since = (sandbox: SandboxServer, from: number): string[] => sandbox.requests.slice(from).map((r) => `${r.method} ${r.path}`)

/** Runs `work` and returns the requests the sandbox received meanwhile. */
async function counted(sandbox: SandboxServer, work: () => Promise<unknown>): Promise<string[]> {
  const from = sandbox.requests.length
  await work()
  return since(sandbox, from)
}

export interface ServiceRoundTrips {
  startup: ActionCount
  refresh: ActionCount
  create: ActionCount
  delete: ActionCount
  signIn: ActionCount
}

export async function benchServiceRoundTrips(sandbox: SandboxServer): Promise<ServiceRoundTrips> {
  const prepared = await prepareSignedInUserData(sandbox, 10)
  // A restart: new services on the folder and keychain the last session left behind.
  const services = await openServices(prepared.userDataDir, prepared.vault)
  const { handlers } = services
  try {
    let accountId = ''
    const startup = await counted(sandbox, async () => {
      const initial = unwrap(await handlers['app:get-initial-state'](undefined), 'app:get-initial-state')
      if (!initial.shownAccountId || !initial.cachedKeys) throw new Error('start-up: expected a shown account with cached keys')
      accountId = initial.shownAccountId
      // The window asks for the list; main re-verifies the stored credential alongside it.
      unwrap(await handlers['keys:list']({ accountId }), 'keys:list')
    })
    const refresh = await counted(sandbox, async () => unwrap(await handlers['keys:list']({ accountId }), 'keys:list'))
    let createdId = -1
    const create = await counted(sandbox, async () => {
      const created = unwrap(await handlers['keys:create']({ accountId, name: 'Bench created key', requestId: randomUUID() }), 'keys:create')
      if (!created.key) throw new Error('create: the answer did not carry the new key')
      createdId = created.key.id
      // "Appear in the list": the confirming list the window asks for next shows it.
      const confirmed = unwrap(await handlers['keys:list']({ accountId }), 'keys:list')
      if (!confirmed.keys.some((k) => k.id === createdId)) throw new Error('create: the confirming list does not show the new key')
      unwrap(await handlers['token:confirm-saved']({ pendingId: created.pendingId }), 'token:confirm-saved')
    })
    const remove = await counted(sandbox, async () => {
      const deleted = unwrap(await handlers['keys:delete']({ accountId, id: createdId }), 'keys:delete')
      if (deleted.alreadyGone || deleted.signedOut) throw new Error('delete: unexpected outcome')
      const cached = unwrap(await handlers['app:get-initial-state'](undefined), 'app:get-initial-state').cachedKeys
      if (cached?.keys.some((k) => k.id === createdId)) throw new Error('delete: the cached list still has the key')
    })
    // Sign-in from scratch, then the list the window asks for right after.
    const fresh = await prepareFreshServices()
    let signIn: string[]
    try {
      const account = newAccount(sandbox, 3)
      signIn = await counted(sandbox, async () => {
        // The list comes with the sign-in (fetched alongside the verification).
        const added = unwrap(await fresh.services.handlers['accounts:add']({ baseUrl: sandbox.baseUrl, apiKey: account.token }), 'accounts:add')
        if (!added.list) throw new Error('sign-in: no list came with it')
      })
    } finally {
      await fresh.close()
    }
    return {
      startup: { action: 'start-up with a stored credential (verify alongside the list)', requests: startup },
      refresh: { action: 'list refresh', requests: refresh },
      create: { action: 'create (the new key in the list)', requests: create },
      delete: { action: 'delete', requests: remove },
      signIn: { action: 'sign-in (the list alongside)', requests: signIn }
    }
  } finally {
    await services.shutdown()
    await prepared.cleanup()
  }
}

/** Services on an empty user-data folder and keychain: a first start. */
async function prepareFreshServices() {
  const dir = await mkdtemp(join(tmpdir(), 'autocalls-bench-userdata-'))
  const services = await openServices(dir, new MemorySecretStore())
  return {
    services,
    async close() {
      await services.shutdown()
      await rm(dir, { recursive: true, force: true })
    }
  }
}

export interface ConnectionCount {
  calls: number
  connections: number
}

/**
 * 100 consecutive API calls against a sandbox of their own, so no earlier connection to it is in
 * Node's pool: a sign-in (`GET /user/me` and the list) then 98 `keys:list`, each awaited before the next and
 * with no pause in between (the tightest loop the app could make). The figure is every TCP
 * connection the sandbox accepted from its start.
 */
export async function benchConnections(calls = 100): Promise<ConnectionCount> {
  const sandbox = await startSandbox({ seedDemo: false })
  const fresh = await prepareFreshServices()
  try {
    const account = newAccount(sandbox, 10)
    const added = unwrap(await fresh.services.handlers['accounts:add']({ baseUrl: sandbox.baseUrl, apiKey: account.token }), 'accounts:add')
    for (let i = 2; i < calls; i++) unwrap(await fresh.services.handlers['keys:list']({ accountId: added.account.id }), 'keys:list')
    const made = sandbox.requests.length
    if (made !== calls) throw new Error(`connections: expected ${calls} requests, the sandbox saw ${made}`)
    return { calls, connections: sandbox.connectionCount }
  } finally {
    await fresh.close()
    await sandbox.close()
  }
}
