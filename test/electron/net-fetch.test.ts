/**
 * The adapter that hands Electron's net.fetch to the client, driven through the real client with
 * a stand-in net.fetch: one that forwards to the sandbox (as Chromium would send it), and ones that
 * fail the way Electron's net.fetch fails (lib/browser/api/net-fetch.ts and ClientRequest in
 * lib/common/api/net-client-request.ts): a plain Error "net::ERR_…" as the rejection or as the
 * body stream's error, the signal's reason when aborted before the answer, and ClientRequest's
 * Error on a redirect under redirect: 'error'.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ApiError } from '../../src/main/api/api-error'
import { AutocallsClient, type AutocallsClientOptions } from '../../src/main/api/autocalls-client'
import { createNetFetch, withBodyBoundTo, type NetFetch } from '../../src/main/electron/net-fetch'
import { startSandbox, type SandboxServer } from '../../src/sandbox/index'
import { urlOf } from '../support/url-of'

type NetInit = Parameters<NetFetch>[1]

let sandbox: SandboxServer
let token: string
beforeAll(async () => {
  sandbox = await startSandbox({ seedDemo: false })
})
afterAll(async () => {
  await sandbox.close()
})
beforeEach(() => {
  sandbox.faults.clear()
  sandbox.resetRequests()
  token = sandbox.createAccount({ name: 'Net Fetch', email: `net-${Math.random()}@example.com`, totalBalance: 3 }).token
})

/** A net.fetch that sends for real (through Node's fetch) and records what it was asked. */
function forwardingNetFetch() {
  const calls: Array<{ url: string; init: NetInit }> = []
  const netFetch = (async (input, init) => {
    calls.push({ url: urlOf(input), init })
    const { bypassCustomProtocolHandlers: _ignored, ...rest } = init ?? {}
    return fetch(urlOf(input), rest)
  }) as NetFetch
  return { calls, netFetch }
}

function clientWith(netFetch: NetFetch, overrides: Partial<AutocallsClientOptions> = {}) {
  return new AutocallsClient({ baseUrl: sandbox.baseUrl, credential: token, fetch: createNetFetch(netFetch), sleep: async () => {}, ...overrides })
}

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the call to fail')
    },
    (e: unknown) => e
  )
  expect(error).toBeInstanceOf(ApiError)
  return error as ApiError
}

const HOST = () => new URL(sandbox.baseUrl).host

describe('createNetFetch hands the client’s requests to net.fetch', () => {
  it('with the client’s rules (Accept, bearer, redirect: error, a signal) and ours (no cookies, no HTTP cache, no app:// handlers)', async () => {
    const { calls, netFetch } = forwardingNetFetch()
    await clientWith(netFetch).getMe()
    expect(calls).toHaveLength(1)
    const { url, init } = calls[0]!
    expect(url).toBe(`${sandbox.baseUrl}/user/me`)
    expect(init).toMatchObject({ method: 'GET', redirect: 'error', credentials: 'omit', cache: 'no-store', bypassCustomProtocolHandlers: true })
    expect(init?.signal).toBeInstanceOf(AbortSignal)
    const headers = new Headers(init?.headers)
    expect(headers.get('accept')).toBe('application/json')
    expect(headers.get('authorization')).toBe(`Bearer ${token}`)
  })

  it('every call works through it: list, create (JSON body), delete, and the server’s 422 and 429 with their bodies and headers', async () => {
    const { calls, netFetch } = forwardingNetFetch()
    const client = clientWith(netFetch)
    const created = await client.createKey('through net.fetch')
    expect((await client.listKeys()).map((key) => key.name)).toContain('through net.fetch')
    await expect(client.deleteKey(created.idHint!)).resolves.toEqual({ alreadyGone: false })
    expect(calls.map((call) => call.init?.method)).toEqual(['POST', 'GET', 'DELETE'])

    const invalid = await failure(client.createKey('   '))
    expect(invalid.fieldErrors).toEqual({ name: ['The name field is required.'] })
    sandbox.faults.add({ path: '/user/api-keys', times: 1, fault: { type: 'rate-limit', retryAfterSeconds: 120 } })
    expect((await failure(client.listKeys())).retryAfterSeconds).toBe(120)
  })
})

describe('the timeout covers the body, whatever net.fetch does after the headers', () => {
  /** Answers at once, then sends half a body and stalls, ignoring the signal (the worst case). */
  const stallingNetFetch = (async () =>
    new Response(
      new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"name":'))
        }
      }),
      { status: 200, headers: { 'content-type': 'application/json' } }
    )) as NetFetch

  it('a stalled body ends as a timeout within the attempt’s budget', async () => {
    const started = Date.now()
    const error = await failure(clientWith(stallingNetFetch, { timeoutMs: 300, retry: { maxAttempts: 1 } }).getMe())
    expect(error.kind).toBe('timeout')
    expect(error.message).toBe(`${HOST()} did not answer within 300 ms.`)
    expect(Date.now() - started).toBeLessThan(2_000)
  })

  it('without the adapter, the same body would hang the call (so the adapter is what enforces it)', async () => {
    const bare = new AutocallsClient({ baseUrl: sandbox.baseUrl, credential: token, fetch: stallingNetFetch as typeof fetch, timeoutMs: 100, retry: { maxAttempts: 1 } })
    const outcome = await Promise.race([bare.getMe().then(() => 'settled', () => 'settled'), new Promise((resolve) => setTimeout(() => resolve('still waiting'), 600))])
    expect(outcome).toBe('still waiting')
  })

  it('the bound body keeps status, headers and content; a response without a body is passed as it is', async () => {
    const signal = new AbortController().signal
    const bound = withBodyBoundTo(new Response('{"ok":true}', { status: 201, statusText: 'Created', headers: { 'x-test': '1' } }), signal)
    expect([bound.status, bound.statusText, bound.headers.get('x-test')]).toEqual([201, 'Created', '1'])
    await expect(bound.text()).resolves.toBe('{"ok":true}')
    const empty = new Response(null, { status: 204 })
    expect(withBodyBoundTo(empty, signal)).toBe(empty)
  })
})

describe('Electron’s failures, as the person sees them', () => {
  const rejecting = (error: Error) => (async () => Promise.reject(error)) as NetFetch
  /** Headers arrive, then the body stream errors, as ClientRequest destroys its IncomingMessage. */
  const failingMidBody = (code: string) =>
    (async () =>
      new Response(
        new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('{"api_keys":['))
            setTimeout(() => controller.error(new Error(`net::${code}`)), 10)
          }
        }),
        { status: 200 }
      )) as NetFetch

  it('net::ERR_CONNECTION_REFUSED: the message of today, and a create known not to have reached the server', async () => {
    const error = await failure(clientWith(rejecting(new Error('net::ERR_CONNECTION_REFUSED'))).createKey('x'))
    expect([error.kind, error.mayHaveReachedServer]).toEqual(['network', false])
    expect(error.message).toBe(`Could not reach ${HOST()}: the connection was refused. Check your internet connection and the API base URL.`)
  })

  it('net::ERR_CONNECTION_RESET while the body is read: lost, may have reached the server, retried for a GET', async () => {
    let calls = 0
    const failing = failingMidBody('ERR_CONNECTION_RESET')
    const error = await failure(clientWith((async (...args: Parameters<NetFetch>) => (calls++, failing(...args)))).listKeys())
    expect([error.kind, error.mayHaveReachedServer, calls]).toEqual(['network', true, 3])
    expect(error.message).toBe(`The connection to ${HOST()} was lost before the answer arrived. Check your internet connection.`)
  })

  it('net::ERR_TUNNEL_CONNECTION_FAILED names the proxy as the cause', async () => {
    const error = await failure(clientWith(rejecting(new Error('net::ERR_TUNNEL_CONNECTION_FAILED'))).createKey('x'))
    expect(error.mayHaveReachedServer).toBe(false)
    expect(error.message).toBe(
      `Could not reach ${HOST()} through the proxy server: the proxy server would not open a connection to it (net::ERR_TUNNEL_CONNECTION_FAILED). Check this computer's proxy settings, or ask your network administrator.`
    )
  })

  it("a redirect refused by ClientRequest → bad_response, not retried", async () => {
    let calls = 0
    const error = await failure(
      clientWith((async () => (calls++, Promise.reject(new Error("Attempted to redirect, but redirect policy was 'error'"))))).getMe()
    )
    expect([error.kind, calls]).toEqual(['bad_response', 1])
  })

  it("an answer that never comes: net.fetch rejects with the signal's reason → timeout", async () => {
    const waitsForAbort = ((_input, init) =>
      new Promise<Response>((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason), { once: true })
      })) as NetFetch
    const error = await failure(clientWith(waitsForAbort, { timeoutMs: 150, retry: { maxAttempts: 1 } }).getMe())
    expect(error.kind).toBe('timeout')
  })
})
