/**
 * The Node stack's fetch in-process, with the environment passed explicitly: which variables it
 * reads, that without them it is Node's own fetch, and how it tells a failure at the proxy from a
 * failure at the API. (The end-to-end proof, with variables read at process start, is
 * node-stack-network.test.ts.)
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { AutocallsClient } from '../../../src/main/api/autocalls-client'
import { createNodeFetch, failedAtProxy, proxySettings } from '../../../src/main/api/node-fetch'
import { ProxyFailure, transportError } from '../../../src/main/api/transport-errors'
import { startSandbox, type SandboxServer } from '../../../src/sandbox/index'
import { startForwardProxy, type ForwardProxy } from './support/forward-proxy'

describe('proxySettings', () => {
  it('is null without HTTPS_PROXY or HTTP_PROXY (NO_PROXY alone changes nothing)', () => {
    expect(proxySettings({})).toBeNull()
    expect(proxySettings({ NO_PROXY: 'example.com', HTTPS_PROXY: '' })).toBeNull()
  })

  it('reads the lower-case form first, as undici and curl do, and NO_PROXY in either case', () => {
    const settings = proxySettings({ https_proxy: 'http://lower:3128', HTTPS_PROXY: 'http://upper:3128', no_proxy: 'a.example', NO_PROXY: 'b.example' })
    expect(settings?.httpsProxy?.host).toBe('lower:3128')
    expect(settings?.httpProxy).toBeUndefined()
    expect(settings?.noProxy).toBe('a.example,localhost,127.0.0.1,[::1]')
    expect(proxySettings({ HTTP_PROXY: 'http://corp:8080', NO_PROXY: 'b.example' })).toMatchObject({ httpProxy: new URL('http://corp:8080') })
  })

  it('never sends loopback through a proxy, and keeps NO_PROXY=* as "no proxy at all"', () => {
    expect(proxySettings({ HTTPS_PROXY: 'http://corp:8080' })?.noProxy).toBe('localhost,127.0.0.1,[::1]')
    expect(proxySettings({ HTTPS_PROXY: 'http://corp:8080', NO_PROXY: ' * ' })?.noProxy).toBe('*')
  })

  it('remembers a variable that is not a URL', () => {
    expect(proxySettings({ HTTPS_PROXY: 'not a url' })?.invalid).toBe('HTTPS_PROXY')
  })
})

describe('createNodeFetch', () => {
  it("without a proxy variable is Node's own fetch: the same pool and figures as before", () => {
    expect(createNodeFetch({})).toBe(globalThis.fetch)
    expect(createNodeFetch({ NO_PROXY: '*' })).toBe(globalThis.fetch)
  })

  it('with a proxy variable that is not a URL, fails every request naming the variable, without sending it', async () => {
    const client = new AutocallsClient({ baseUrl: 'https://api.autocalls.ai/api', credential: 'x', fetch: createNodeFetch({ HTTPS_PROXY: 'not a url' }), sleep: async () => {} })
    const error = await client.createKey('k').catch((e: unknown) => e)
    expect(error).toMatchObject({
      kind: 'network',
      message:
        'Could not reach api.autocalls.ai through the proxy server set in HTTPS_PROXY: it is not a valid URL. Check the HTTPS_PROXY, HTTP_PROXY and NO_PROXY environment variables.',
      mayHaveReachedServer: false
    })
  })

  describe('through a real proxy from HTTP_PROXY (plain http, a name only the proxy resolves)', () => {
    const INTERNAL = 'internal-api.autocalls-sandbox.test'
    let sandbox: SandboxServer
    let proxy: ForwardProxy
    const internalBaseUrl = () => `http://${INTERNAL}:${new URL(sandbox.baseUrl).port}/api`
    beforeAll(async () => {
      sandbox = await startSandbox({ seedDemo: false })
      proxy = await startForwardProxy({ hosts: { [INTERNAL]: '127.0.0.1' } })
    })
    beforeEach(() => {
      proxy.log.length = 0
      sandbox.resetRequests()
      sandbox.resetConnections()
    })
    afterAll(async () => {
      await proxy.close()
      await sandbox.close()
    })

    it('sends the calls through the proxy and keeps its connections (the budget of the benchmark: ≤ 2 for many calls)', async () => {
      const { token } = sandbox.createAccount({ name: 'Via Proxy', email: 'via@example.com', totalBalance: 1 })
      const client = new AutocallsClient({ baseUrl: internalBaseUrl(), credential: token, fetch: createNodeFetch({ HTTP_PROXY: proxy.url }) })
      await client.getMe()
      for (let i = 0; i < 30; i++) await client.listKeys()
      expect(sandbox.requests).toHaveLength(31)
      // undici tunnels plain http too; like Node's fetch, it may alternate two pooled sockets.
      expect(proxy.log.length).toBeGreaterThanOrEqual(1)
      expect(proxy.log.length).toBeLessThanOrEqual(2)
      for (const line of proxy.log) expect(line).toBe(`CONNECT ${INTERNAL}:${new URL(sandbox.baseUrl).port}`)
      expect(sandbox.connectionCount).toBe(proxy.log.length)
    })

    it('NO_PROXY (and NO_PROXY=*) send a listed host directly, where its name does not resolve', async () => {
      const { token } = sandbox.createAccount({ name: 'Direct', email: 'direct@example.com', totalBalance: 1 })
      for (const noProxy of ['.autocalls-sandbox.test', '*']) {
        const client = new AutocallsClient({ baseUrl: internalBaseUrl(), credential: token, fetch: createNodeFetch({ HTTP_PROXY: proxy.url, NO_PROXY: noProxy }), retry: { maxAttempts: 1 } })
        await expect(client.getMe()).rejects.toMatchObject({ message: expect.stringContaining('the host name could not be found') })
      }
      expect(proxy.log).toEqual([])
    })

    it('loopback goes direct even with no NO_PROXY: the sandbox on 127.0.0.1 works under a company proxy', async () => {
      const { token } = sandbox.createAccount({ name: 'Local', email: 'local@example.com', totalBalance: 1 })
      const client = new AutocallsClient({ baseUrl: sandbox.baseUrl, credential: token, fetch: createNodeFetch({ HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url }) })
      await expect(client.getMe()).resolves.toMatchObject({ name: 'Local' })
      expect(proxy.log).toEqual([])
      expect(sandbox.requests).toHaveLength(1)
    })
  })
})

describe('failedAtProxy: a failure at the proxy, not at the API', () => {
  const proxy = new URL('http://10.1.2.3:3128')
  const byName = new URL('http://proxy.corp.example:3128')
  const system = (fields: Record<string, unknown>) => new TypeError('fetch failed', { cause: Object.assign(new Error(String(fields['code'])), fields) })

  it('recognises undici’s refused tunnel and its proxy TLS error', () => {
    expect(failedAtProxy(new TypeError('fetch failed', { cause: new Error('Proxy response (502) !== 200 when HTTP Tunneling') }), proxy)).toBe(true)
    expect(failedAtProxy(system({ code: 'UND_ERR_PRX_TLS' }), proxy)).toBe(true)
  })

  it('matches a failed connection by the proxy’s address, name and port', () => {
    expect(failedAtProxy(system({ code: 'ECONNREFUSED', address: '10.1.2.3', port: 3128 }), proxy)).toBe(true)
    expect(failedAtProxy(system({ code: 'ECONNREFUSED', address: '10.9.9.9', port: 3128 }), byName)).toBe(true)
    expect(failedAtProxy(system({ code: 'ENOTFOUND', hostname: 'proxy.corp.example' }), byName)).toBe(true)
    expect(failedAtProxy(system({ code: 'UND_ERR_CONNECT_TIMEOUT', message: 'Connect Timeout Error (attempted address: 10.1.2.3:3128, timeout: 10000ms)' }), proxy)).toBe(true)
    expect(failedAtProxy(system({ code: 'UND_ERR_CONNECT_TIMEOUT', message: 'Connect Timeout Error (attempted addresses: 10.9.9.9:3128, [fd00::1]:3128, timeout: 10000ms)' }), byName)).toBe(true)
  })

  it('leaves failures at the API alone (a host in NO_PROXY, or an error on the tunnel)', () => {
    expect(failedAtProxy(system({ code: 'ECONNREFUSED', address: '10.1.2.3', port: 443 }), proxy)).toBe(false)
    expect(failedAtProxy(system({ code: 'ENOTFOUND', hostname: 'api.autocalls.ai' }), byName)).toBe(false)
    expect(failedAtProxy(system({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }), proxy)).toBe(false)
    expect(failedAtProxy(system({ code: 'UND_ERR_SOCKET' }), proxy)).toBe(false)
  })

  it('the wrapper names the proxy by host and port only, never its credentials', () => {
    const withCredentials = new URL('http://alice:s3cret@proxy.corp.example:3128')
    const error = transportError(new ProxyFailure(withCredentials.host, system({ code: 'ECONNREFUSED', port: 3128 })), { host: 'api.autocalls.ai', timeoutMs: 15_000 })
    expect(error.message).toContain('proxy.corp.example:3128')
    expect(error.message).not.toMatch(/alice|s3cret/)
  })
})
