/**
 * The fetch of the Node stack: the browser preview, the tests and the command line (the desktop
 * app hands in Electron's net.fetch instead, see electron/net-fetch.ts).
 *
 * Without a proxy variable it is Node's own fetch, exactly as before: its keep-alive pool, and its
 * default CA store, which includes NODE_EXTRA_CA_CERTS (Node reads that file once, at start).
 * With HTTPS_PROXY or HTTP_PROXY (or their lower-case forms) set, requests go through undici's
 * EnvHttpProxyAgent, which also honours NO_PROXY (loopback hosts always go direct). undici is
 * loaded on the first request only, so
 * start-up does not pay for it; its TLS connections use the same default CA store, so
 * NODE_EXTRA_CA_CERTS is trusted through the proxy too.
 */
import { isIP } from 'node:net'
import { causeChain, ProxyFailure } from './transport-errors'

export interface ProxySettings {
  /** For http: URLs, and https: ones when httpsProxy is not set. */
  httpProxy: URL | undefined
  httpsProxy: URL | undefined
  noProxy: string
  /** A variable whose value is not a URL: every request fails, naming it. */
  invalid: string | undefined
}

/** The proxy variables as undici reads them: the lower-case form first, as curl does. */
export function proxySettings(env: NodeJS.ProcessEnv = process.env): ProxySettings | null {
  let invalid: string | undefined
  const read = (name: string): URL | undefined => {
    const lower = name.toLowerCase()
    const value = env[lower] ?? env[name]
    if (!value) return undefined
    try {
      return new URL(value)
    } catch {
      invalid ??= env[lower] !== undefined ? lower : name
      return undefined
    }
  }
  const httpProxy = read('HTTP_PROXY')
  const httpsProxy = read('HTTPS_PROXY')
  if (!httpProxy && !httpsProxy && invalid === undefined) return null
  const noProxy = (env['no_proxy'] ?? env['NO_PROXY'] ?? '').trim()
  // Loopback (the sandbox, a local server) is on this computer: a proxy elsewhere cannot reach it.
  // ("*" alone means "no proxy at all" to undici, so it is kept as it is.)
  return { httpProxy, httpsProxy, noProxy: noProxy === '*' ? '*' : [noProxy, ...LOOPBACK_HOSTS].filter(Boolean).join(','), invalid }
}

/** As undici's NO_PROXY matching compares them: IPv6 in brackets, no port (any port). */
const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]']

/** Node's fetch, through the proxy the environment names (if any). */
export function createNodeFetch(env: NodeJS.ProcessEnv = process.env): typeof fetch {
  const settings = proxySettings(env)
  if (settings === null) return globalThis.fetch
  let proxied: Promise<typeof fetch> | undefined
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : input)
    if (settings.invalid !== undefined) {
      throw new ProxyFailure(`set in ${settings.invalid}`, Object.assign(new TypeError('Invalid proxy URL'), { code: 'ERR_INVALID_URL' }))
    }
    proxied ??= loadProxiedFetch(settings)
    const send = await proxied
    try {
      return await send(input, init)
    } catch (error) {
      const proxy = url.protocol === 'https:' ? (settings.httpsProxy ?? settings.httpProxy) : settings.httpProxy
      throw proxy && failedAtProxy(error, proxy) ? new ProxyFailure(proxy.host, error) : error
    }
  }
}

async function loadProxiedFetch(settings: ProxySettings): Promise<typeof fetch> {
  const { EnvHttpProxyAgent, fetch: undiciFetch } = await import('undici')
  // Given explicitly ('' for "none"), so undici does not fall back to process.env on its own.
  const dispatcher = new EnvHttpProxyAgent({
    httpProxy: settings.httpProxy?.href ?? '',
    httpsProxy: settings.httpsProxy?.href ?? '',
    noProxy: settings.noProxy
  })
  // undici's own fetch with its own dispatcher: mixing undici's Agent with the copy of undici
  // inside Node's global fetch is not supported across versions.
  return ((input, init) => undiciFetch(input as never, { ...(init as object), dispatcher }))
}

/**
 * Whether a request failed at the proxy rather than at the API: undici's answer to a refused
 * tunnel, or a failure to connect whose address is the proxy's (through a tunnel, the client
 * never connects to the API's host itself).
 */
export function failedAtProxy(error: unknown, proxy: URL): boolean {
  const chain = causeChain(error)
  if (chain.some((link) => /^Proxy response \(\d{3}\) !== 200 when HTTP Tunneling$|^Proxy Authentication Required/.test(link.message))) return true
  if (chain.some((link) => link.code === 'UND_ERR_PRX_TLS')) return true
  const proxyHost = proxy.hostname.replace(/^\[|\]$/g, '')
  const proxyPort = Number(proxy.port || (proxy.protocol === 'https:' ? 443 : 80))
  let current: unknown = error
  for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth++) {
    const { hostname, address, port, message } = current as { hostname?: unknown; address?: unknown; port?: unknown; message?: unknown }
    // getaddrinfo errors name the host they looked up.
    if (typeof hostname === 'string' && hostname === proxyHost) return true
    // connect errors name the address and port; a proxy given by name is matched on the port.
    if (typeof port === 'number' && port === proxyPort && (address === proxyHost || isIP(proxyHost) === 0)) return true
    // undici's ConnectTimeoutError: "Connect Timeout Error (attempted address[es]: host:port, …, timeout: …)".
    const attempted = typeof message === 'string' ? /attempted address(?:es)?: (.*?),? timeout/.exec(message)?.[1] : undefined
    if (attempted?.split(', ').some((entry) => isSameEndpoint(entry, proxyHost, proxyPort))) return true
    current = (current as { cause?: unknown }).cause
  }
  return false
}

function isSameEndpoint(entry: string, proxyHost: string, proxyPort: number): boolean {
  const match = /^\[?(.*?)\]?:(\d+)$/.exec(entry.trim())
  return match !== null && Number(match[2]) === proxyPort && (match[1] === proxyHost || isIP(proxyHost) === 0)
}
