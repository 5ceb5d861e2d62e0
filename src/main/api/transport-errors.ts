/**
 * Transport failures (no HTTP answer came back) as the ApiError the person sees, for both network
 * stacks the client runs on:
 * - Node's fetch (undici): the error, or one of its `cause`s, has a `code` (ECONNREFUSED,
 *   UND_ERR_SOCKET, UNABLE_TO_VERIFY_LEAF_SIGNATURE, …);
 * - Electron's net.fetch (Chromium): a plain Error whose message is Chromium's error name, e.g.
 *   "net::ERR_CONNECTION_REFUSED" (Electron's ClientRequest builds it from the URL loader's
 *   net::ErrorToString), with no code and no cause; the same Error errors the body stream when the
 *   failure comes after the headers.
 *
 * `mayHaveReachedServer` is false only where the request certainly was not sent: the connection
 * was never made (refused, name not found, offline, unreachable), the TLS handshake failed, or the
 * proxy would not carry it. A create that failed that way made no key; anything else may have.
 */
import { ApiError } from './api-error'

export interface TransportContext {
  /** The API's host[:port], as the messages name it. */
  host: string
  /** The client's per-attempt timeout, for the timeout message. */
  timeoutMs: number
}

/**
 * The Node stack's wrapper for a failure at the proxy server a request was sent through (see
 * node-fetch.ts), so the message can name the proxy. `proxy` is host:port only, never the
 * credentials a proxy URL may carry.
 */
export class ProxyFailure extends Error {
  override readonly name = 'ProxyFailure'
  constructor(
    readonly proxy: string,
    cause: unknown
  ) {
    super(`The request failed at the proxy server ${proxy}.`, { cause })
  }
}

/** What a transport failure means for the person, independent of the stack that reported it. */
export type TransportOutcome =
  /** The connection was never made: the request was not sent. */
  | { type: 'unreachable'; what: string }
  /** The connection broke or the answer was garbled: the request may have been acted on. */
  | { type: 'lost'; unrecognised?: true }
  /** The network stack's own timer (not ours) gave up waiting. */
  | { type: 'stack-timeout' }
  /** The server's certificate was refused: the handshake stopped before the request was sent. */
  | { type: 'tls-untrusted' }
  /** The TLS connection could not be set up, or broke (`reachedServer` when it may be mid-stream). */
  | { type: 'tls-failed'; reachedServer: boolean }
  /** The proxy would not carry the request: it never reached the server. */
  | { type: 'proxy'; what: string }
  /** The server answered with a redirect, which `redirect: 'error'` refuses. */
  | { type: 'redirect' }

const notFound = { type: 'unreachable', what: 'the host name could not be found' } as const
const lost = { type: 'lost' } as const
const untrusted = { type: 'tls-untrusted' } as const
const handshake = { type: 'tls-failed', reachedServer: false } as const
const midStreamTls = { type: 'tls-failed', reachedServer: true } as const
const redirect = { type: 'redirect' } as const
const proxyUnreachable = { type: 'proxy', what: 'the proxy server could not be reached' } as const
const proxyRefusedTunnel = { type: 'proxy', what: 'the proxy server would not open a connection to it' } as const
const proxySignIn = { type: 'proxy', what: 'the proxy server asks for a sign-in, which this app cannot give' } as const
const proxyConfiguration = { type: 'proxy', what: 'the proxy configuration (PAC script) could not be used' } as const

/**
 * Chromium's network errors (net/base/net_error_list.h, names without "net::") that a request from
 * the main process can end with. Codes not listed fall back by prefix (ERR_CERT_*, ERR_SSL_*,
 * ERR_PROXY_*), then to "lost", which never wrongly claims the server was not reached.
 */
export const CHROMIUM_NET_ERRORS: Readonly<Record<string, TransportOutcome>> = {
  // Never connected.
  ERR_CONNECTION_REFUSED: { type: 'unreachable', what: 'the connection was refused' },
  ERR_NAME_NOT_RESOLVED: notFound,
  ERR_NAME_RESOLUTION_FAILED: notFound,
  ERR_DNS_TIMED_OUT: notFound,
  ERR_DNS_SERVER_FAILED: notFound,
  ERR_DNS_MALFORMED_RESPONSE: notFound,
  ERR_DNS_SERVER_REQUIRES_TCP: notFound,
  ERR_DNS_SEARCH_EMPTY: notFound,
  ERR_HOST_RESOLVER_QUEUE_TOO_LARGE: notFound,
  ERR_ICANN_NAME_COLLISION: notFound,
  ERR_INTERNET_DISCONNECTED: { type: 'unreachable', what: 'this computer is not connected to the internet' },
  ERR_ADDRESS_UNREACHABLE: { type: 'unreachable', what: 'the network is unreachable' },
  ERR_ADDRESS_INVALID: { type: 'unreachable', what: 'its address is not valid' },
  ERR_CONNECTION_TIMED_OUT: { type: 'unreachable', what: 'the connection attempt timed out' },
  ERR_CONNECTION_FAILED: { type: 'unreachable', what: 'the connection attempt failed' },
  ERR_NETWORK_ACCESS_DENIED: { type: 'unreachable', what: 'access to the network was denied (a firewall may be blocking it)' },
  ERR_BLOCKED_BY_ADMINISTRATOR: { type: 'unreachable', what: 'a policy set by the administrator of this computer blocks it' },
  ERR_BLOCKED_BY_CLIENT: { type: 'unreachable', what: 'the request was blocked on this computer' },
  ERR_UNSAFE_PORT: { type: 'unreachable', what: 'its port is one the network stack refuses to use' },
  // Connected, then broken or garbled: the request may have been acted on.
  ERR_CONNECTION_RESET: lost,
  ERR_CONNECTION_CLOSED: lost,
  ERR_CONNECTION_ABORTED: lost,
  ERR_EMPTY_RESPONSE: lost,
  ERR_NETWORK_CHANGED: lost,
  ERR_NETWORK_IO_SUSPENDED: lost,
  ERR_SOCKET_NOT_CONNECTED: lost,
  ERR_CONTENT_LENGTH_MISMATCH: lost,
  ERR_INCOMPLETE_CHUNKED_ENCODING: lost,
  ERR_INVALID_CHUNKED_ENCODING: lost,
  ERR_RESPONSE_HEADERS_TRUNCATED: lost,
  ERR_INVALID_RESPONSE: lost,
  ERR_INVALID_HTTP_RESPONSE: lost,
  ERR_CONTENT_DECODING_FAILED: lost,
  ERR_HTTP2_PROTOCOL_ERROR: lost,
  ERR_HTTP2_PING_FAILED: lost,
  ERR_HTTP2_SERVER_REFUSED_STREAM: lost,
  ERR_HTTP2_STREAM_CLOSED: lost,
  ERR_HTTP2_FLOW_CONTROL_ERROR: lost,
  ERR_HTTP2_FRAME_SIZE_ERROR: lost,
  ERR_HTTP2_COMPRESSION_ERROR: lost,
  ERR_QUIC_PROTOCOL_ERROR: lost,
  ERR_FAILED: lost,
  ERR_ABORTED: lost,
  ERR_TIMED_OUT: { type: 'stack-timeout' },
  // Certificate refused: the handshake stops before any HTTP byte is sent.
  ERR_CERT_COMMON_NAME_INVALID: untrusted,
  ERR_CERT_DATE_INVALID: untrusted,
  ERR_CERT_AUTHORITY_INVALID: untrusted,
  ERR_CERT_CONTAINS_ERRORS: untrusted,
  ERR_CERT_NO_REVOCATION_MECHANISM: untrusted,
  ERR_CERT_UNABLE_TO_CHECK_REVOCATION: untrusted,
  ERR_CERT_REVOKED: untrusted,
  ERR_CERT_INVALID: untrusted,
  ERR_CERT_WEAK_SIGNATURE_ALGORITHM: untrusted,
  ERR_CERT_NON_UNIQUE_NAME: untrusted,
  ERR_CERT_WEAK_KEY: untrusted,
  ERR_CERT_NAME_CONSTRAINT_VIOLATION: untrusted,
  ERR_CERT_VALIDITY_TOO_LONG: untrusted,
  ERR_CERT_SYMANTEC_LEGACY: untrusted,
  ERR_CERT_KNOWN_INTERCEPTION_BLOCKED: untrusted,
  ERR_CERTIFICATE_TRANSPARENCY_REQUIRED: untrusted,
  ERR_SSL_PINNED_KEY_NOT_IN_CERT_CHAIN: untrusted,
  ERR_SSL_SERVER_CERT_BAD_FORMAT: untrusted,
  ERR_SSL_KEY_USAGE_INCOMPATIBLE: untrusted,
  ERR_ECH_FALLBACK_CERTIFICATE_INVALID: untrusted,
  ERR_QUIC_CERT_ROOT_NOT_KNOWN: untrusted,
  ERR_INSECURE_RESPONSE: untrusted,
  // TLS could not be set up (before the request) …
  ERR_SSL_PROTOCOL_ERROR: handshake,
  ERR_SSL_VERSION_OR_CIPHER_MISMATCH: handshake,
  ERR_NO_SSL_VERSIONS_ENABLED: handshake,
  ERR_SSL_OBSOLETE_CIPHER: handshake,
  ERR_TLS13_DOWNGRADE_DETECTED: handshake,
  ERR_SSL_UNRECOGNIZED_NAME_ALERT: handshake,
  ERR_SSL_BAD_PEER_PUBLIC_KEY: handshake,
  ERR_SSL_HANDSHAKE_NOT_COMPLETED: handshake,
  ERR_SSL_CLIENT_AUTH_CERT_NEEDED: handshake,
  ERR_BAD_SSL_CLIENT_AUTH_CERT: handshake,
  ERR_SSL_CLIENT_AUTH_SIGNATURE_FAILED: handshake,
  ERR_SSL_CLIENT_AUTH_CERT_NO_PRIVATE_KEY: handshake,
  ERR_SSL_CLIENT_AUTH_PRIVATE_KEY_ACCESS_DENIED: handshake,
  ERR_SSL_CLIENT_AUTH_NO_COMMON_ALGORITHMS: handshake,
  ERR_SSL_CLIENT_AUTH_CERT_BAD_FORMAT: handshake,
  ERR_CLIENT_AUTH_CERT_TYPE_UNSUPPORTED: handshake,
  ERR_ECH_NOT_NEGOTIATED: handshake,
  ERR_ALPN_NEGOTIATION_FAILED: handshake,
  // … or broke on an established connection (alerts, renegotiation).
  ERR_SSL_BAD_RECORD_MAC_ALERT: midStreamTls,
  ERR_SSL_DECRYPT_ERROR_ALERT: midStreamTls,
  ERR_SSL_DECOMPRESSION_FAILURE_ALERT: midStreamTls,
  ERR_SSL_RENEGOTIATION_REQUESTED: midStreamTls,
  ERR_SSL_NO_RENEGOTIATION: midStreamTls,
  ERR_SSL_SERVER_CERT_CHANGED: midStreamTls,
  // The proxy (system settings, PAC) would not carry the request.
  ERR_PROXY_CONNECTION_FAILED: proxyUnreachable,
  ERR_SOCKS_CONNECTION_FAILED: proxyUnreachable,
  ERR_TUNNEL_CONNECTION_FAILED: proxyRefusedTunnel,
  ERR_SOCKS_CONNECTION_HOST_UNREACHABLE: proxyRefusedTunnel,
  ERR_HTTPS_PROXY_TUNNEL_RESPONSE_REDIRECT: { type: 'proxy', what: 'the proxy server answered with a redirect, perhaps to a sign-in page' },
  ERR_PROXY_AUTH_REQUESTED: proxySignIn,
  ERR_PROXY_AUTH_UNSUPPORTED: proxySignIn,
  ERR_PROXY_AUTH_REQUESTED_WITH_NO_CONNECTION: proxySignIn,
  ERR_PROXY_CERTIFICATE_INVALID: { type: 'proxy', what: "the proxy server's TLS certificate is not trusted" },
  ERR_MANDATORY_PROXY_CONFIGURATION_FAILED: proxyConfiguration,
  ERR_PAC_SCRIPT_FAILED: proxyConfiguration,
  ERR_PAC_SCRIPT_TERMINATED: proxyConfiguration,
  ERR_NO_SUPPORTED_PROXIES: { type: 'proxy', what: 'none of the configured proxy servers can be used' },
  // Redirects (a wrong base URL, a captive portal).
  ERR_TOO_MANY_REDIRECTS: redirect,
  ERR_UNSAFE_REDIRECT: redirect,
  ERR_INVALID_REDIRECT: redirect
}

/** Node's system and undici error codes. Certificate and TLS codes are matched by pattern below. */
const NODE_ERROR_CODES: Readonly<Record<string, TransportOutcome>> = {
  ECONNREFUSED: { type: 'unreachable', what: 'the connection was refused' },
  ENOTFOUND: notFound,
  EAI_AGAIN: notFound,
  EAI_FAIL: notFound,
  EAI_NONAME: notFound,
  ENETUNREACH: { type: 'unreachable', what: 'the network is unreachable' },
  EHOSTUNREACH: { type: 'unreachable', what: 'the network is unreachable' },
  ENETDOWN: { type: 'unreachable', what: 'the network is unreachable' },
  EHOSTDOWN: { type: 'unreachable', what: 'the network is unreachable' },
  EADDRNOTAVAIL: { type: 'unreachable', what: 'the connection attempt failed' },
  UND_ERR_CONNECT_TIMEOUT: { type: 'unreachable', what: 'the connection attempt timed out' },
  UND_ERR_HEADERS_TIMEOUT: { type: 'stack-timeout' },
  UND_ERR_BODY_TIMEOUT: { type: 'stack-timeout' },
  // Cipher and record errors after the handshake: the request may have gone out.
  ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC: midStreamTls,
  ERR_SSL_SSLV3_ALERT_BAD_RECORD_MAC: midStreamTls
}

/** The certificate codes of OpenSSL and Node that contain no "CERT". */
const NODE_CERT_CODES = new Set(['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'HOSTNAME_MISMATCH', 'INVALID_CA', 'INVALID_PURPOSE', 'PATH_LENGTH_EXCEEDED'])

const REDIRECT_MESSAGES = [
  // Electron's ClientRequest under redirect: 'error'.
  /^Attempted to redirect, but redirect policy was 'error'$/,
  // undici's fetch under redirect: 'error' (the cause of its "fetch failed").
  /^unexpected redirect$/
]

/** The one translation the client uses for anything its fetch (or reading the body) threw. */
export function transportError(error: unknown, context: TransportContext): ApiError {
  if (error instanceof ApiError) return error
  const { host } = context
  const name = (error as { name?: unknown } | null)?.name
  // Our own per-attempt signal: fetch rejects with its reason, a TimeoutError (or an AbortError
  // where a stream adapter turns the abort into one).
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new ApiError({ kind: 'timeout', message: `${host} did not answer within ${duration(context.timeoutMs)}.`, mayHaveReachedServer: true })
  }
  const chain = causeChain(error)
  if (error instanceof ProxyFailure) return viaNamedProxy(host, error.proxy, chain.slice(1))
  const chromiumCode = chain.map((link) => /\bnet::(ERR_[A-Z0-9_]+)\b/.exec(link.message)?.[1]).find((code) => code !== undefined)
  if (chromiumCode !== undefined) return fromOutcome(chromiumOutcome(chromiumCode), host, `net::${chromiumCode}`)
  if (chain.some((link) => REDIRECT_MESSAGES.some((pattern) => pattern.test(link.message)))) return fromOutcome(redirect, host)
  const code = chain.find((link) => link.code !== undefined)?.code
  if (code !== undefined) {
    const outcome = nodeOutcome(code, chain)
    if (outcome) return fromOutcome(outcome, host, code)
  }
  return fromOutcome(lost, host)
}

/** The outcome of a Chromium error name ("ERR_…", without "net::"). */
export function chromiumOutcome(code: string): TransportOutcome {
  // Own keys only: an error's code is outside data ("constructor" is no outcome).
  const listed = Object.hasOwn(CHROMIUM_NET_ERRORS, code) ? CHROMIUM_NET_ERRORS[code] : undefined
  if (listed) return listed
  if (code.startsWith('ERR_CERT_')) return untrusted
  if (code.startsWith('ERR_SSL_')) return midStreamTls
  if (code.startsWith('ERR_PROXY_') || code.startsWith('ERR_PAC_')) return proxyUnreachable
  return { type: 'lost', unrecognised: true }
}

function nodeOutcome(code: string, chain: ChainLink[]): TransportOutcome | undefined {
  const listed = Object.hasOwn(NODE_ERROR_CODES, code) ? NODE_ERROR_CODES[code] : undefined
  if (listed) return listed
  // A connect() that timed out never sent anything; a timeout on an open socket may have.
  if (code === 'ETIMEDOUT' && chain.some((link) => link.syscall === 'connect')) return { type: 'unreachable', what: 'the connection attempt timed out' }
  if (/CERT/.test(code) || NODE_CERT_CODES.has(code)) return untrusted
  if (/SSL|TLS/.test(code)) return handshake
  return undefined
}

function fromOutcome(outcome: TransportOutcome, host: string, code?: string): ApiError {
  switch (outcome.type) {
    case 'unreachable':
      return new ApiError({
        kind: 'network',
        message: `Could not reach ${host}: ${outcome.what}. Check your internet connection and the API base URL.`,
        mayHaveReachedServer: false
      })
    case 'stack-timeout':
      return new ApiError({ kind: 'timeout', message: `${host} did not answer in time${code ? ` (${code})` : ''}.`, mayHaveReachedServer: true })
    case 'tls-untrusted':
      return new ApiError({
        kind: 'network',
        message: `Could not connect securely to ${host}: its TLS certificate is not trusted (${code ?? 'certificate error'}).`,
        mayHaveReachedServer: false
      })
    case 'tls-failed':
      return new ApiError({
        kind: 'network',
        message: `Could not connect securely to ${host}: the secure connection (TLS) failed (${code ?? 'TLS error'}).`,
        mayHaveReachedServer: outcome.reachedServer
      })
    case 'proxy':
      return new ApiError({
        kind: 'network',
        message: `Could not reach ${host} through the proxy server: ${outcome.what}${code ? ` (${code})` : ''}.`,
        advice: "Check this computer's proxy settings, or ask your network administrator.",
        mayHaveReachedServer: false
      })
    case 'redirect':
      return new ApiError({
        kind: 'bad_response',
        message: `${host} answered with a redirect, which the Autocalls API does not send.`,
        advice: 'If you use a custom API base URL, check that it points at the Autocalls API.',
        mayHaveReachedServer: true
      })
    case 'lost':
      return new ApiError({
        kind: 'network',
        // An unrecognised Chromium error is named, so a support request can say which it was.
        message: `The connection to ${host} was lost before the answer arrived${outcome.unrecognised && code ? ` (${code})` : ''}.`,
        advice: 'Check your internet connection.',
        mayHaveReachedServer: true
      })
  }
}

/** A failure at a proxy the Node stack knows by name (from HTTPS_PROXY / HTTP_PROXY). */
function viaNamedProxy(host: string, proxy: string, chain: ChainLink[]): ApiError {
  const has = (test: (link: ChainLink) => boolean) => chain.some(test)
  const tunnelStatus = chain.map((link) => /^Proxy response \((\d{3})\) !== 200/.exec(link.message)?.[1]).find((status) => status !== undefined)
  const code = chain.find((link) => link.code !== undefined)?.code
  let what: string
  if (tunnelStatus === '407' || has((link) => /^Proxy Authentication Required/.test(link.message))) {
    what = 'it asks for a sign-in (HTTP 407), which this app cannot give'
  } else if (tunnelStatus !== undefined) {
    what = `it would not open a connection to the server (HTTP ${tunnelStatus})`
  } else if (code === 'ERR_INVALID_URL') {
    what = 'it is not a valid URL'
  } else if (code === 'ECONNREFUSED') {
    what = 'the connection to it was refused'
  } else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_FAIL' || code === 'EAI_NONAME') {
    what = 'its host name could not be found'
  } else if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT') {
    what = 'it did not answer'
  } else if (code !== undefined && /CERT|SSL|TLS|PRX_TLS/.test(code)) {
    what = `the secure connection to it failed (${code})`
  } else {
    what = 'the connection to it failed'
  }
  return new ApiError({
    kind: 'network',
    message: `Could not reach ${host} through the proxy server ${proxy}: ${what}.`,
    advice: 'Check the HTTPS_PROXY, HTTP_PROXY and NO_PROXY environment variables.',
    mayHaveReachedServer: false
  })
}

export interface ChainLink {
  message: string
  code: string | undefined
  syscall: string | undefined
}

/** The error and its causes, outermost first (undici nests the system error as `cause`). */
export function causeChain(error: unknown): ChainLink[] {
  const links: ChainLink[] = []
  let current: unknown = error
  for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth++) {
    const { message, code, syscall, cause } = current as { message?: unknown; code?: unknown; syscall?: unknown; cause?: unknown }
    links.push({
      message: typeof message === 'string' ? message : '',
      code: typeof code === 'string' ? code : undefined,
      syscall: typeof syscall === 'string' ? syscall : undefined
    })
    current = cause
  }
  return links
}

const duration = (ms: number): string => (ms < 1000 ? `${ms} ms` : seconds(Math.round(ms / 1000)))
const seconds = (count: number): string => `${count} second${count === 1 ? '' : 's'}`
