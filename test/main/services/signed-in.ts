/** Signs a fresh sandbox person in through the IPC handler, as the window does (helpers for the hygiene and rotation tests). */
import { randomUUID } from 'node:crypto'
import type { SandboxServer } from '../../../src/sandbox/index'
import type { EventChannel, EventPayload } from '../../../src/shared/ipc-contract'
import type { TestApp } from '../../support/app-fixture'

export interface SignedIn {
  accountId: string
  /** The sign-in key's token: the app's own credential. */
  token: string
  appKeyId: number
}

export async function signIn(app: TestApp, server: SandboxServer, name = 'Ada'): Promise<SignedIn> {
  const email = `${name.toLowerCase()}-${randomUUID()}@example.com`
  const { token } = server.createAccount({ name, email, totalBalance: 1 })
  const result = await app.services.handlers['accounts:add']({ baseUrl: server.baseUrl, apiKey: token })
  if (!result.ok) throw new Error(result.error.message)
  const appKeyId = app.services.sessions.appKeyId(result.value.account.id)
  if (appKeyId === null) throw new Error('the sign-in key has no id')
  return { accountId: result.value.account.id, token, appKeyId }
}

/** Unwraps a handler's Result, failing the test with the app's message. */
export function value<T>(result: { ok: true; value: T } | { ok: false; error: { kind: string; message: string } }): T {
  if (!result.ok) throw new Error(`${result.error.kind}: ${result.error.message}`)
  return result.value
}

export function eventsOf<C extends EventChannel>(app: TestApp, channel: C): EventPayload<C>[] {
  return app.events.filter((event) => event.channel === channel).map((event) => event.payload as EventPayload<C>)
}
