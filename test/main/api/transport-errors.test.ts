/**
 * The one translation of transport failures, for both stacks. Node's shapes are taken from real
 * failures where they can be made here (refused, TLS to a plain-HTTP port, a redirect) and from
 * undici's shapes otherwise; Chromium's are the shapes Electron's net.fetch produces: a plain
 * Error whose message is "net::ERR_…" (ClientRequest: `new Error(netErrorString)`, where the URL
 * loader emits net::ErrorToString(code)), the signal's reason on abort, and ClientRequest's own
 * Error on a refused redirect.
 */
import { createServer } from 'node:http'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ApiError } from '../../../src/main/api/api-error'
import { CHROMIUM_NET_ERRORS, chromiumOutcome, ProxyFailure, transportError, type TransportOutcome } from '../../../src/main/api/transport-errors'
import { refusedBaseUrl } from '../../../src/sandbox/index'

const HOST = 'api.autocalls.ai'
const context = { host: HOST, timeoutMs: 15_000 }
const map = (error: unknown, timeoutMs = 15_000) => transportError(error, { host: HOST, timeoutMs })
const facts = (error: ApiError) => ({ kind: error.kind, message: error.message, mayHaveReachedServer: error.mayHaveReachedServer })

/** undici's shape: fetch rejects with TypeError('fetch failed') whose cause is the system error. */
const undiciFailure = (cause: Record<string, unknown> & { message: string }) =>
  new TypeError('fetch failed', { cause: Object.assign(new Error(cause.message), cause) })
/** Electron's shape (net.fetch rejection, or the error of the body stream). */
const chromiumFailure = (code: string) => new Error(`net::${code}`)

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection')
    },
    (error: unknown) => error
  )
}

const REFUSED = `Could not reach ${HOST}: the connection was refused. Check your internet connection and the API base URL.`
const NOT_FOUND = `Could not reach ${HOST}: the host name could not be found. Check your internet connection and the API base URL.`
const UNREACHABLE = `Could not reach ${HOST}: the network is unreachable. Check your internet connection and the API base URL.`
const LOST = `The connection to ${HOST} was lost before the answer arrived. Check your internet connection.`
const untrusted = (code: string) => `Could not connect securely to ${HOST}: its TLS certificate is not trusted (${code}).`
const viaProxy = (what: string, code: string) =>
  `Could not reach ${HOST} through the proxy server: ${what} (net::${code}). Check this computer's proxy settings, or ask your network administrator.`

describe("Node's stack: today's cases, word for word", () => {
  it('a refused connection (a real one)', async () => {
    const error = await rejectionOf(fetch(`${await refusedBaseUrl()}/user/me`))
    expect(facts(map(error))).toEqual({ kind: 'network', message: REFUSED, mayHaveReachedServer: false })
  })

  it.each([
    ['ENOTFOUND', NOT_FOUND],
    ['EAI_AGAIN', NOT_FOUND],
    ['ENETUNREACH', UNREACHABLE],
    ['EHOSTUNREACH', UNREACHABLE]
  ])('%s', (code, message) => {
    const error = undiciFailure({ message: `getaddrinfo ${code} ${HOST}`, code, syscall: 'getaddrinfo', hostname: HOST })
    expect(facts(map(error))).toEqual({ kind: 'network', message, mayHaveReachedServer: false })
  })

  it.each([
    [15_000, `${HOST} did not answer within 15 seconds.`],
    [1_000, `${HOST} did not answer within 1 second.`],
    [200, `${HOST} did not answer within 200 ms.`]
  ])('our own timeout of %i ms', (timeoutMs, message) => {
    const reason = new DOMException('The operation was aborted due to timeout', 'TimeoutError')
    expect(facts(map(reason, timeoutMs))).toEqual({ kind: 'timeout', message, mayHaveReachedServer: true })
    // Node's stream adapter turns an abort into an AbortError: the same timeout.
    expect(map(Object.assign(new Error('The operation was aborted'), { name: 'AbortError' }), timeoutMs).message).toBe(message)
  })

  it.each([
    ['a socket closed by the other side', undiciFailure({ message: 'other side closed', code: 'UND_ERR_SOCKET' })],
    ['a reset', undiciFailure({ message: 'read ECONNRESET', code: 'ECONNRESET', syscall: 'read' })],
    ['a body cut short', new TypeError('terminated', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) })],
    ['a timeout on an open socket', undiciFailure({ message: 'read ETIMEDOUT', code: 'ETIMEDOUT', syscall: 'read' })],
    ['something without a code', new TypeError('fetch failed')],
    ['not an Error at all', 'boom']
  ])('%s → lost, may have reached the server', (_label, error) => {
    expect(facts(map(error))).toEqual({ kind: 'network', message: LOST, mayHaveReachedServer: true })
  })

  it('passes an ApiError through untouched', () => {
    const own = new ApiError({ kind: 'bad_response', message: 'Not JSON.', mayHaveReachedServer: true })
    expect(map(own)).toBe(own)
  })
})

describe("Node's stack: certificates, TLS, connect timeouts, redirects", () => {
  it.each([
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'CERT_HAS_EXPIRED',
    'CERT_NOT_YET_VALID',
    'ERR_TLS_CERT_ALTNAME_INVALID',
    'HOSTNAME_MISMATCH'
  ])('%s → the TLS message naming the host; the request was not sent', (code) => {
    expect(facts(map(undiciFailure({ message: code.toLowerCase(), code })))).toEqual({
      kind: 'network',
      message: untrusted(code),
      mayHaveReachedServer: false
    })
  })

  it('TLS spoken to a plain-HTTP port (a real one) → the TLS set-up failed, not "certificate not trusted"', async () => {
    const server = createServer((_req, res) => res.end('plain'))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const { port } = server.address() as { port: number }
      const error = map(await rejectionOf(fetch(`https://127.0.0.1:${port}/`)))
      expect(facts(error)).toEqual({
        kind: 'network',
        message: expect.stringMatching(new RegExp(`^Could not connect securely to ${HOST}: the secure connection \\(TLS\\) failed \\(ERR_SSL_[A-Z_]+\\)\\.$`)),
        mayHaveReachedServer: false
      })
    } finally {
      server.close()
    }
  })

  it.each([
    ['undici connect timeout', undiciFailure({ message: 'Connect Timeout Error (attempted address: api.autocalls.ai:443, timeout: 10000ms)', code: 'UND_ERR_CONNECT_TIMEOUT' })],
    ['connect() ETIMEDOUT', undiciFailure({ message: 'connect ETIMEDOUT 10.0.0.1:443', code: 'ETIMEDOUT', syscall: 'connect' })]
  ])('%s → never connected, so not sent', (_label, error) => {
    expect(facts(map(error))).toEqual({
      kind: 'network',
      message: `Could not reach ${HOST}: the connection attempt timed out. Check your internet connection and the API base URL.`,
      mayHaveReachedServer: false
    })
  })

  it.each(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'])('undici’s own %s → timeout', (code) => {
    expect(facts(map(undiciFailure({ message: 'timeout', code })))).toEqual({
      kind: 'timeout',
      message: `${HOST} did not answer in time (${code}).`,
      mayHaveReachedServer: true
    })
  })

  it("a redirect under redirect: 'error' (a real one) → bad_response, not a lost connection to retry", async () => {
    const server = createServer((_req, res) => {
      res.writeHead(302, { location: '/login' })
      res.end()
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const { port } = server.address() as { port: number }
      const error = map(await rejectionOf(fetch(`http://127.0.0.1:${port}/api/user/me`, { redirect: 'error' })))
      expect(facts(error)).toEqual({
        kind: 'bad_response',
        message: `${HOST} answered with a redirect, which the Autocalls API does not send. If you use a custom API base URL, check that it points at the Autocalls API.`,
        mayHaveReachedServer: true
      })
    } finally {
      server.close()
    }
  })
})

describe("Chromium's errors (Electron's net.fetch)", () => {
  // The codes the issue names, with the exact message the person sees.
  it.each([
    ['ERR_CONNECTION_REFUSED', 'network', REFUSED, false],
    ['ERR_NAME_NOT_RESOLVED', 'network', NOT_FOUND, false],
    ['ERR_NAME_RESOLUTION_FAILED', 'network', NOT_FOUND, false],
    [
      'ERR_INTERNET_DISCONNECTED',
      'network',
      `Could not reach ${HOST}: this computer is not connected to the internet. Check your internet connection and the API base URL.`,
      false
    ],
    ['ERR_ADDRESS_UNREACHABLE', 'network', UNREACHABLE, false],
    ['ERR_CONNECTION_RESET', 'network', LOST, true],
    ['ERR_CONNECTION_CLOSED', 'network', LOST, true],
    ['ERR_NETWORK_CHANGED', 'network', LOST, true],
    ['ERR_EMPTY_RESPONSE', 'network', LOST, true],
    ['ERR_TIMED_OUT', 'timeout', `${HOST} did not answer in time (net::ERR_TIMED_OUT).`, true],
    [
      'ERR_CONNECTION_TIMED_OUT',
      'network',
      `Could not reach ${HOST}: the connection attempt timed out. Check your internet connection and the API base URL.`,
      false
    ],
    ['ERR_CERT_AUTHORITY_INVALID', 'network', untrusted('net::ERR_CERT_AUTHORITY_INVALID'), false],
    ['ERR_CERT_COMMON_NAME_INVALID', 'network', untrusted('net::ERR_CERT_COMMON_NAME_INVALID'), false],
    ['ERR_CERT_DATE_INVALID', 'network', untrusted('net::ERR_CERT_DATE_INVALID'), false],
    ['ERR_PROXY_CONNECTION_FAILED', 'network', viaProxy('the proxy server could not be reached', 'ERR_PROXY_CONNECTION_FAILED'), false],
    ['ERR_TUNNEL_CONNECTION_FAILED', 'network', viaProxy('the proxy server would not open a connection to it', 'ERR_TUNNEL_CONNECTION_FAILED'), false],
    [
      'ERR_PROXY_AUTH_REQUESTED',
      'network',
      viaProxy('the proxy server asks for a sign-in, which this app cannot give', 'ERR_PROXY_AUTH_REQUESTED'),
      false
    ],
    [
      'ERR_TOO_MANY_REDIRECTS',
      'bad_response',
      `${HOST} answered with a redirect, which the Autocalls API does not send. If you use a custom API base URL, check that it points at the Autocalls API.`,
      true
    ]
  ] as const)('net::%s → %s', (code, kind, message, mayHaveReachedServer) => {
    expect(facts(map(chromiumFailure(code)))).toEqual({ kind, message, mayHaveReachedServer })
  })

  // Every entry of the table, checked against what its category promises.
  const expectations: Record<TransportOutcome['type'], (code: string, error: ApiError) => void> = {
    unreachable: (_code, error) => {
      expect(error.kind).toBe('network')
      expect(error.mayHaveReachedServer).toBe(false)
      expect(error.message).toMatch(new RegExp(`^Could not reach ${HOST}: [^.]+\\. Check your internet connection and the API base URL\\.$`))
    },
    lost: (_code, error) => expect(facts(error)).toEqual({ kind: 'network', message: LOST, mayHaveReachedServer: true }),
    'stack-timeout': (code, error) => expect(facts(error)).toEqual({ kind: 'timeout', message: `${HOST} did not answer in time (net::${code}).`, mayHaveReachedServer: true }),
    'tls-untrusted': (code, error) => expect(facts(error)).toEqual({ kind: 'network', message: untrusted(`net::${code}`), mayHaveReachedServer: false }),
    'tls-failed': (code, error) => {
      expect(error.kind).toBe('network')
      expect(error.message).toBe(`Could not connect securely to ${HOST}: the secure connection (TLS) failed (net::${code}).`)
      // Only alerts and renegotiation on an open connection may come after the request was sent.
      expect(error.mayHaveReachedServer).toBe(/BAD_RECORD_MAC|DECRYPT_ERROR|DECOMPRESSION_FAILURE|RENEGOTIATION|CERT_CHANGED/.test(code))
    },
    proxy: (code, error) => {
      expect(error.kind).toBe('network')
      expect(error.mayHaveReachedServer).toBe(false)
      expect(error.message).toMatch(
        new RegExp(`^Could not reach ${HOST} through the proxy server: .*proxy.* \\(net::${code}\\)\\. Check this computer's proxy settings, or ask your network administrator\\.$`)
      )
    },
    redirect: (_code, error) => {
      expect(error.kind).toBe('bad_response')
      expect(error.mayHaveReachedServer).toBe(true)
    }
  }

  it.each(Object.entries(CHROMIUM_NET_ERRORS))('net::%s keeps the promise of its category', (code, outcome) => {
    expect(code).toMatch(/^ERR_[A-Z0-9_]+$/)
    expectations[outcome.type](code, map(chromiumFailure(code)))
  })

  it('sorts the table as the issue asks: every certificate, TLS-set-up and proxy failure is known not to have reached the server', () => {
    const never = Object.entries(CHROMIUM_NET_ERRORS).filter(([code]) => /^ERR_(CERT|PROXY|TUNNEL|SOCKS|PAC|MANDATORY_PROXY)/.test(code))
    expect(never.length).toBeGreaterThan(20)
    for (const [code] of never) expect(map(chromiumFailure(code)).mayHaveReachedServer, code).toBe(false)
  })

  it('codes not in the table fall back by family, and an unknown one is named in the lost-connection message', () => {
    expect(chromiumOutcome('ERR_CERT_SOMETHING_NEW')).toEqual({ type: 'tls-untrusted' })
    expect(chromiumOutcome('ERR_SSL_SOMETHING_NEW')).toEqual({ type: 'tls-failed', reachedServer: true })
    expect(chromiumOutcome('ERR_PROXY_SOMETHING_NEW').type).toBe('proxy')
    expect(facts(map(chromiumFailure('ERR_QUIC_GOAWAY_REQUEST_CAN_BE_RETRIED')))).toEqual({
      kind: 'network',
      message: `The connection to ${HOST} was lost before the answer arrived (net::ERR_QUIC_GOAWAY_REQUEST_CAN_BE_RETRIED). Check your internet connection.`,
      mayHaveReachedServer: true
    })
  })

  it('reads the code wherever Electron puts it: the rejection, the body stream’s error, or a cause', async () => {
    // The body: ClientRequest destroys the IncomingMessage with the same Error, and Node's
    // Readable.toWeb passes that error on to the reader.
    const body = new ReadableStream({
      pull(controller) {
        controller.error(chromiumFailure('ERR_CONNECTION_RESET'))
      }
    })
    const bodyError = await rejectionOf(new Response(body).text())
    expect(facts(map(bodyError))).toEqual({ kind: 'network', message: LOST, mayHaveReachedServer: true })
    expect(map(new Error('wrapped', { cause: chromiumFailure('ERR_NAME_NOT_RESOLVED') })).message).toBe(NOT_FOUND)
  })

  it("ClientRequest's refusal of a redirect under redirect: 'error' → bad_response", () => {
    expect(map(new Error("Attempted to redirect, but redirect policy was 'error'")).kind).toBe('bad_response')
  })

  it("an abort before the answer rejects with the signal's reason (a TimeoutError) → timeout", () => {
    expect(map(new DOMException('The operation was aborted due to timeout', 'TimeoutError')).kind).toBe('timeout')
  })
})

describe('the Node stack’s failures at a named proxy (ProxyFailure)', () => {
  const PROXY = 'proxy.corp.example:3128'
  const message = (what: string) =>
    `Could not reach ${HOST} through the proxy server ${PROXY}: ${what}. Check the HTTPS_PROXY, HTTP_PROXY and NO_PROXY environment variables.`
  it.each([
    ['a 407 on CONNECT', new TypeError('fetch failed', { cause: new Error('Proxy response (407) !== 200 when HTTP Tunneling') }), 'it asks for a sign-in (HTTP 407), which this app cannot give'],
    ['a 403 on CONNECT', new TypeError('fetch failed', { cause: new Error('Proxy response (403) !== 200 when HTTP Tunneling') }), 'it would not open a connection to the server (HTTP 403)'],
    ['a refused connection', undiciFailure({ message: 'connect ECONNREFUSED', code: 'ECONNREFUSED', syscall: 'connect', port: 3128 }), 'the connection to it was refused'],
    ['an unknown name', undiciFailure({ message: 'getaddrinfo ENOTFOUND', code: 'ENOTFOUND', hostname: 'proxy.corp.example' }), 'its host name could not be found'],
    ['a connect timeout', undiciFailure({ message: 'Connect Timeout Error', code: 'UND_ERR_CONNECT_TIMEOUT' }), 'it did not answer'],
    ['an untrusted HTTPS proxy', undiciFailure({ message: 'proxy tls', code: 'UND_ERR_PRX_TLS' }), 'the secure connection to it failed (UND_ERR_PRX_TLS)'],
    ['anything else', new TypeError('fetch failed'), 'the connection to it failed']
  ])('%s', (_label, cause, what) => {
    expect(facts(map(new ProxyFailure(PROXY, cause)))).toEqual({ kind: 'network', message: message(what), mayHaveReachedServer: false })
  })
})

describe('any thrown value', () => {
  it('becomes an ApiError of a transport kind that names the host, and never throws', () => {
    const value = fc.oneof(
      fc.anything(),
      fc.record({ name: fc.string(), message: fc.string(), code: fc.oneof(fc.string(), fc.integer()), cause: fc.anything() }, { requiredKeys: [] }),
      fc.constantFrom(...Object.keys(CHROMIUM_NET_ERRORS)).map(chromiumFailure),
      // Codes that are names on every object's prototype (this once returned no error at all).
      fc.constantFrom('valueOf', 'constructor', 'toString', '__proto__', 'hasOwnProperty').chain((code) =>
        fc.constantFrom({ code }, new Error(`net::${code}`), undiciFailure({ message: code, code }))
      )
    )
    fc.assert(
      fc.property(value, (thrown) => {
        const error = transportError(thrown, context)
        expect(error).toBeInstanceOf(ApiError)
        expect(['network', 'timeout', 'bad_response']).toContain(error.kind)
        expect(error.message).toContain(HOST)
      })
    )
  })
})
