/**
 * The Node network stack on a company network, for real: the client runs in a child process
 * (HTTPS_PROXY, NO_PROXY and NODE_EXTRA_CA_CERTS are read at start) against the sandbox behind
 * HTTPS with a throwaway CA, and behind a real forward proxy (the `proxy` package).
 *
 * The sandbox's HTTPS name, api.autocalls-sandbox.test, resolves nowhere (.test is reserved):
 * only the proxy's own name table maps it to the sandbox, so through that name the sandbox is
 * reachable only through the proxy, as an internal API behind a company proxy is.
 */
import { execFile } from 'node:child_process'
import { resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { refusedBaseUrl, startSandbox, type SandboxServer } from '../../../src/sandbox/index'
import { startForwardProxy, type ForwardProxy } from './support/forward-proxy'
import { makeThrowawayCa, type ThrowawayCa } from './support/throwaway-ca'
import { startTlsFront, type TlsFront } from './support/tls-front'

const ROOT = resolve(__dirname, '../../..')
const PROBE = 'test/main/api/fixtures/node-stack-probe.ts'
const PROXIED_HOST = 'api.autocalls-sandbox.test'
const run = promisify(execFile)

let sandbox: SandboxServer
let ca: ThrowawayCa
let front: TlsFront
let proxy: ForwardProxy
let token: string

beforeAll(async () => {
  sandbox = await startSandbox({ seedDemo: false })
  ca = makeThrowawayCa({ dns: [PROXIED_HOST], ip: ['127.0.0.1'] })
  front = await startTlsFront({ key: ca.key, cert: ca.cert, targetPort: Number(new URL(sandbox.baseUrl).port) })
  proxy = await startForwardProxy({ hosts: { [PROXIED_HOST]: '127.0.0.1' } })
})

afterAll(async () => {
  await proxy?.close()
  await front?.close()
  await sandbox?.close()
  ca?.cleanup()
})

beforeEach(() => {
  sandbox.resetRequests()
  sandbox.resetConnections()
  proxy.log.length = 0
  token = sandbox.createAccount({ name: 'Proxy Person', email: `proxy-${Math.random()}@example.com`, totalBalance: 5 }).token
})

interface ProbeResult {
  ok: boolean
  error?: { kind: string; message: string; mayHaveReachedServer?: boolean }
}

/** Runs the probe with exactly these network variables (none inherited from the test run). */
async function probe(args: string[], env: Record<string, string>): Promise<ProbeResult> {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(https?_proxy|no_proxy|all_proxy|node_extra_ca_certs)$/i.test(name))
  )
  const { stdout } = await run(process.execPath, ['--import', 'tsx', PROBE, ...args], {
    cwd: ROOT,
    env: { ...base, AUTOCALLS_KEYS_QUIET: '1', AUTOCALLS_PROBE_KEY: token, ...env },
    timeout: 30_000
  })
  return JSON.parse(stdout.trim().split('\n').pop() ?? '') as ProbeResult
}

const httpsDirect = () => `https://127.0.0.1:${front.port}/api`
const httpsProxied = () => `https://${PROXIED_HOST}:${front.port}/api`
/** The API requests the sandbox saw, sorted (a sign-in sends GET /user/me and the list side by side). */
const apiRequests = () => sandbox.requests.filter((r) => r.path.startsWith('/user')).map((r) => `${r.method} ${r.path}`).sort()
const signInAndLists = (lists: number) => [...Array<string>(lists + 1).fill('GET /user/api-keys'), 'GET /user/me']

describe('HTTPS with a company CA (NODE_EXTRA_CA_CERTS)', () => {
  it('is accepted when NODE_EXTRA_CA_CERTS names the CA', async () => {
    const result = await probe(['sign-in', httpsDirect(), '2'], { NODE_EXTRA_CA_CERTS: ca.caFile })
    expect(result).toEqual({ ok: true })
    expect(apiRequests()).toEqual(signInAndLists(2))
  })

  it('is refused without it, with the TLS message naming the host, and nothing reaches the API', async () => {
    const result = await probe(['sign-in', httpsDirect(), '0'], {})
    expect(result.error).toEqual({
      kind: 'network',
      message: `Could not connect securely to 127.0.0.1:${front.port}: its TLS certificate is not trusted (UNABLE_TO_VERIFY_LEAF_SIGNATURE).`
    })
    expect(apiRequests()).toEqual([])
  })

  it('is refused for a host name the certificate does not name, even with the CA trusted', async () => {
    const result = await probe(['create', `https://localhost:${front.port}/api`], { NODE_EXTRA_CA_CERTS: ca.caFile })
    expect(result.error).toEqual({
      kind: 'network',
      message: `Could not connect securely to localhost:${front.port}: its TLS certificate is not trusted (ERR_TLS_CERT_ALTNAME_INVALID).`,
      mayHaveReachedServer: false
    })
    expect(apiRequests()).toEqual([])
  })
})

describe('a forward proxy from HTTPS_PROXY / https_proxy (undici EnvHttpProxyAgent)', () => {
  it('without the proxy, the API host name does not resolve: the sandbox is reachable only through the proxy', async () => {
    const result = await probe(['sign-in', httpsProxied(), '0'], { NODE_EXTRA_CA_CERTS: ca.caFile })
    expect(result.error).toEqual({
      kind: 'network',
      message: `Could not reach ${PROXIED_HOST}:${front.port}: the host name could not be found. Check your internet connection and the API base URL.`
    })
    expect(proxy.log).toEqual([])
  })

  it.each(['HTTPS_PROXY', 'https_proxy'])('%s: signs in and lists through reused CONNECT tunnels', async (variable) => {
    const result = await probe(['sign-in', httpsProxied(), '20'], { [variable]: proxy.url, NODE_EXTRA_CA_CERTS: ca.caFile })
    expect(result).toEqual({ ok: true })
    expect(apiRequests()).toEqual(signInAndLists(20))
    // 22 requests, at most two tunnels (the benchmark's budget for Node's pool; the sign-in's two
    // requests go side by side): keep-alive holds through the proxy.
    expect(proxy.log.length).toBeGreaterThanOrEqual(1)
    expect(proxy.log.length).toBeLessThanOrEqual(2)
    for (const line of proxy.log) expect(line).toBe(`CONNECT ${PROXIED_HOST}:${front.port}`)
    expect(sandbox.connectionCount).toBe(proxy.log.length)
  })

  it('checks the API certificate through the tunnel too: without the CA, the TLS message names the API host', async () => {
    const result = await probe(['create', httpsProxied()], { HTTPS_PROXY: proxy.url })
    expect(result.error).toEqual({
      kind: 'network',
      message: `Could not connect securely to ${PROXIED_HOST}:${front.port}: its TLS certificate is not trusted (UNABLE_TO_VERIFY_LEAF_SIGNATURE).`,
      mayHaveReachedServer: false
    })
    expect(proxy.log).toEqual([`CONNECT ${PROXIED_HOST}:${front.port}`])
    expect(apiRequests()).toEqual([])
  })

  it('honours NO_PROXY: a listed host is asked for directly', async () => {
    const result = await probe(['sign-in', httpsProxied(), '0'], { HTTPS_PROXY: proxy.url, NO_PROXY: 'localhost,.autocalls-sandbox.test', NODE_EXTRA_CA_CERTS: ca.caFile })
    expect(result.error?.message).toBe(
      `Could not reach ${PROXIED_HOST}:${front.port}: the host name could not be found. Check your internet connection and the API base URL.`
    )
    expect(proxy.log).toEqual([])
  })

  it('a proxy that refuses (407) is named as the cause; the POST never reached the API', async () => {
    const refusing = await startForwardProxy({ refuseAll: true })
    try {
      const result = await probe(['create', httpsProxied()], { HTTPS_PROXY: refusing.url, NODE_EXTRA_CA_CERTS: ca.caFile })
      expect(result.error).toEqual({
        kind: 'network',
        message:
          `Could not reach ${PROXIED_HOST}:${front.port} through the proxy server 127.0.0.1:${refusing.port}: it asks for a sign-in (HTTP 407), which this app cannot give. ` +
          'Check the HTTPS_PROXY, HTTP_PROXY and NO_PROXY environment variables.',
        mayHaveReachedServer: false
      })
      expect(refusing.log).toEqual([`CONNECT ${PROXIED_HOST}:${front.port}`])
      expect(apiRequests()).toEqual([])
    } finally {
      await refusing.close()
    }
  })

  it('a proxy that cannot reach the API (its own lookup fails) is named as the cause', async () => {
    const result = await probe(['create', `https://elsewhere.autocalls-sandbox.test:${front.port}/api`], { HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: ca.caFile })
    expect(result.error).toEqual({
      kind: 'network',
      message:
        `Could not reach elsewhere.autocalls-sandbox.test:${front.port} through the proxy server 127.0.0.1:${proxy.port}: it would not open a connection to the server (HTTP 404). ` +
        'Check the HTTPS_PROXY, HTTP_PROXY and NO_PROXY environment variables.',
      mayHaveReachedServer: false
    })
    expect(proxy.log).toEqual([`CONNECT elsewhere.autocalls-sandbox.test:${front.port}`])
  })

  it('a proxy that is not running is named as the cause', async () => {
    const down = new URL(await refusedBaseUrl())
    const result = await probe(['create', httpsProxied()], { HTTPS_PROXY: `http://${down.host}`, NODE_EXTRA_CA_CERTS: ca.caFile })
    expect(result.error).toEqual({
      kind: 'network',
      message:
        `Could not reach ${PROXIED_HOST}:${front.port} through the proxy server ${down.host}: the connection to it was refused. ` +
        'Check the HTTPS_PROXY, HTTP_PROXY and NO_PROXY environment variables.',
      mayHaveReachedServer: false
    })
  })
})
