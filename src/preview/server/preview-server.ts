/**
 * The browser preview: serves the built renderer on 127.0.0.1 and wires it to the real
 * main-process handlers (real services, real keychain, real HTTP) running in this Node process.
 * Only Electron's IPC transport is replaced: the page gets a stand-in preload (see
 * ../browser/preview-bridge.ts) that posts each call to `__preview/invoke/<channel>` and reads
 * events from `__preview/events` (Server-Sent Events).
 *
 * Every route lives under `/p/<secret>/`, where the secret is 32 random bytes made per run;
 * requests without it, with a foreign Host header (DNS rebinding) or from another origin are
 * refused. A development and test tool: nothing here is part of the packaged app.
 */
import { mimeTypeFor } from '../../main/electron/app-protocol'
import { CSP_DIRECTIVES } from '../../main/electron/csp'
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { readFile, stat } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { dirname, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createAppServices, type AppServices, type AppServicesOptions } from '../../main/app-services'
import type { EventSink } from '../../main/ipc/event-sink'
import type { SecretStore } from '../../main/vault/secret-store'
import {
  EVENT_CHANNELS,
  INVOKE_CHANNELS,
  type EventChannel,
  type EventPayload,
  type InvokeChannel
} from '../../shared/ipc-contract'
import { buildBridgeScript } from './bridge-bundle'
import { RecordingClipboard, RecordingShell } from './stand-ins'

export { RecordingClipboard, RecordingShell } from './stand-ins'

/** The only interface the preview listens on. */
export const PREVIEW_HOST = '127.0.0.1'
/** Largest invoke body accepted (the handlers' payloads are tiny). */
export const MAX_INVOKE_BODY_BYTES = 1024 * 1024
/**
 * The app window's policy (src/main/electron/csp.ts), with one difference: the preview's stand-in
 * for the preload talks to this server over HTTP and Server-Sent Events, so `connect-src` is
 * 'self' where the app has 'none' (its IPC needs no network at all).
 */
export const PREVIEW_CSP = Object.entries({ ...CSP_DIRECTIVES, 'connect-src': ["'self'"] })
  .map(([directive, sources]) => `${directive} ${sources.join(' ')}`)
  .join('; ')

/** Route names below `/p/<secret>/`; the browser bridge uses the same relative paths. */
export const PREVIEW_ROUTES = {
  invoke: '__preview/invoke/',
  events: '__preview/events',
  bridge: '__preview/bridge.js'
} as const

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
export const DEFAULT_RENDERER_DIR = resolve(REPO_ROOT, 'out/renderer')

export interface PreviewServerOptions {
  /** Folder for the app's non-secret state (Electron's userData). */
  userDataDir: string
  /** The built renderer (default out/renderer, from `electron-vite build`). */
  rendererDir?: string
  /** Default 0: an ephemeral port. The host is always 127.0.0.1. */
  port?: number
  /** Default: the OS keychain (service name from AUTOCALLS_KEYS_KEYCHAIN_SERVICE, else the app's). */
  vault?: SecretStore
  /** Client settings for every session (timeouts, retry policy, fetch). */
  client?: AppServicesOptions['client']
  /** What "Try the sandbox" starts; default the app's in-process sandbox. */
  startSandbox?: AppServicesOptions['startSandbox']
  pendingTokenTtlMs?: number
  /**
   * Keep every message exchanged with the window (`invokeLog`, `requestLog`) and every clipboard
   * write, for tests. Default true; the CLI turns it off so no token lingers in the server's memory.
   */
  recordTraffic?: boolean
}

/** One message the server sent to the window: an invoke's answer or an event. */
export interface WindowMessage {
  /** Order across both kinds, from 1. */
  seq: number
  /** Epoch ms. */
  at: number
  kind: 'invoke-result' | 'event'
  channel: InvokeChannel | EventChannel
  /** The exact JSON text that went over the wire. */
  json: string
}

/** One invoke the window sent (its request payload, as JSON text). */
export interface WindowRequest {
  seq: number
  at: number
  channel: InvokeChannel
  json: string
}

export interface PreviewServer {
  /** The page to open: `http://127.0.0.1:<port>/p/<secret>/`. */
  readonly url: string
  /** `http://127.0.0.1:<port>` */
  readonly origin: string
  readonly port: number
  /** The per-run secret (base64url of 32 random bytes) that every route needs in its path. */
  readonly secret: string
  readonly clipboard: RecordingClipboard
  /** Records the links the app asked to open. */
  readonly shell: RecordingShell
  readonly services: AppServices
  /** Every payload sent TO the window (invoke answers and events), oldest first. */
  readonly invokeLog: ReadonlyArray<Readonly<WindowMessage>>
  /** Every invoke request sent FROM the window, oldest first. */
  readonly requestLog: ReadonlyArray<Readonly<WindowRequest>>
  /** Open event streams (one per loaded page). */
  readonly eventClientCount: number
  /** Pushes an event to every open page, as main does (e.g. a native menu's command). */
  emit<E extends EventChannel>(channel: E, payload: EventPayload<E>): void
  /** Stops listening, ends the event streams and shuts the services down (clipboard, sandbox). */
  close(): Promise<void>
}

export async function startPreviewServer(options: PreviewServerOptions): Promise<PreviewServer> {
  const rendererDir = resolve(options.rendererDir ?? DEFAULT_RENDERER_DIR)
  await assertRendererBuilt(rendererDir)
  const bridgeScript = await buildBridgeScript()
  const record = options.recordTraffic ?? true

  const secret = randomBytes(32).toString('base64url')
  const secretDigest = digest(secret)
  const clipboard = new RecordingClipboard({ keepHistory: record })
  const shell = new RecordingShell()
  const invokeLog: WindowMessage[] = []
  const requestLog: WindowRequest[] = []
  const eventClients = new Set<ServerResponse>()
  let seq = 0

  const sendEvent = (channel: EventChannel, payload: unknown): void => {
    const json = JSON.stringify(payload ?? null)
    if (record) invokeLog.push({ seq: ++seq, at: Date.now(), kind: 'event', channel, json })
    for (const client of eventClients) client.write(`event: ${channel}\ndata: ${json}\n\n`)
  }
  const events: EventSink = { emit: (channel, payload) => sendEvent(channel, payload) }

  const services = await createAppServices({
    userDataDir: options.userDataDir,
    clipboard,
    events,
    openExternal: shell.openExternal,
    ...(options.vault ? { vault: options.vault } : {}),
    ...(options.client ? { client: options.client } : {}),
    ...(options.startSandbox ? { startSandbox: options.startSandbox } : {}),
    ...(options.pendingTokenTtlMs === undefined ? {} : { pendingTokenTtlMs: options.pendingTokenTtlMs })
  })

  let port = 0
  const sockets = new Set<Socket>()
  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) refuse(res, 500, 'Internal error')
      else res.destroy()
    })
  })
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    setCommonHeaders(res)
    // DNS-rebinding guard: a page on evil.example resolving to 127.0.0.1 still sends its own Host.
    if (req.headers.host !== `${PREVIEW_HOST}:${port}`) return refuse(res, 403, 'Forbidden')
    const rawUrl = req.url ?? ''
    if (!rawUrl.startsWith('/')) return refuse(res, 403, 'Forbidden')
    const pathname = rawUrl.split(/[?#]/, 1)[0] ?? ''
    const match = /^\/p\/([^/]+)(\/.*)?$/.exec(pathname)
    if (!match || !timingSafeEqual(digest(match[1] ?? ''), secretDigest)) return refuse(res, 403, 'Forbidden')
    if (!sameOriginRequest(req)) return refuse(res, 403, 'Forbidden')
    const rest = match[2]
    if (rest === undefined) {
      res.writeHead(308, { Location: `/p/${secret}/` })
      res.end()
      return
    }
    const route = rest.slice(1)
    if (route.startsWith(PREVIEW_ROUTES.invoke)) return handleInvoke(req, res, route.slice(PREVIEW_ROUTES.invoke.length))
    if (route === PREVIEW_ROUTES.events) return handleEvents(req, res)
    if (route === PREVIEW_ROUTES.bridge) {
      if (!isRead(req)) return refuse(res, 405, 'Method not allowed', { Allow: 'GET, HEAD' })
      return send(req, res, 200, 'text/javascript; charset=utf-8', bridgeScript)
    }
    if (route.startsWith('__preview/')) return refuse(res, 404, 'Not found')
    return handleStatic(req, res, route)
  }

  /** An origin-less request is not a cross-origin browser request; any other origin is refused. */
  function sameOriginRequest(req: IncomingMessage): boolean {
    const origin = req.headers.origin
    if (origin !== undefined && origin !== `http://${PREVIEW_HOST}:${port}`) return false
    const site = req.headers['sec-fetch-site']
    return site === undefined || site === 'same-origin' || site === 'none'
  }

  async function handleInvoke(req: IncomingMessage, res: ServerResponse, rawChannel: string): Promise<void> {
    let channel: string
    try {
      channel = decodeURIComponent(rawChannel)
    } catch {
      return refuse(res, 404, 'Unknown channel')
    }
    if (!(INVOKE_CHANNELS as string[]).includes(channel)) return refuse(res, 404, 'Unknown channel')
    if (req.method !== 'POST') return refuse(res, 405, 'Method not allowed', { Allow: 'POST' })
    const type = req.headers['content-type'] ?? ''
    if (!/^application\/json\s*(;|$)/i.test(type)) return refuse(res, 415, 'Send application/json')
    const body = await readBody(req, MAX_INVOKE_BODY_BYTES)
    if (body === TOO_LARGE) return refuse(res, 413, 'Payload too large', { Connection: 'close' })
    let envelope: unknown
    try {
      envelope = JSON.parse(body)
    } catch {
      return refuse(res, 400, 'Invalid JSON')
    }
    if (envelope === null || typeof envelope !== 'object' || Array.isArray(envelope)) return refuse(res, 400, 'Expected {"request": …}')
    const request = (envelope as { request?: unknown }).request
    const typed = channel as InvokeChannel
    if (record) requestLog.push({ seq: ++seq, at: Date.now(), channel: typed, json: JSON.stringify(request ?? null) })
    const result = await services.handlers[typed](request)
    const json = JSON.stringify(result)
    if (record) invokeLog.push({ seq: ++seq, at: Date.now(), kind: 'invoke-result', channel: typed, json })
    send(req, res, 200, 'application/json; charset=utf-8', json)
  }

  function handleEvents(req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== 'GET') return refuse(res, 405, 'Method not allowed', { Allow: 'GET' })
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive' })
    res.write(`retry: 1000\n: ${EVENT_CHANNELS.join(' ')}\n\n`)
    eventClients.add(res)
    const heartbeat = setInterval(() => res.write(': ping\n\n'), 15_000)
    heartbeat.unref()
    const drop = () => {
      clearInterval(heartbeat)
      eventClients.delete(res)
    }
    req.once('close', drop)
    res.once('close', drop)
  }

  async function handleStatic(req: IncomingMessage, res: ServerResponse, route: string): Promise<void> {
    if (!isRead(req)) return refuse(res, 405, 'Method not allowed', { Allow: 'GET, HEAD' })
    let relative: string
    try {
      relative = decodeURIComponent(route)
    } catch {
      return refuse(res, 400, 'Bad path')
    }
    if (relative === '' || relative === 'index.html') {
      const html = await readFile(resolve(rendererDir, 'index.html'), 'utf8')
      return send(req, res, 200, 'text/html; charset=utf-8', injectBridge(html))
    }
    if (relative.includes('\0')) return refuse(res, 400, 'Bad path')
    const file = resolve(rendererDir, relative)
    if (!file.startsWith(rendererDir + sep)) return refuse(res, 404, 'Not found')
    let content: Buffer
    try {
      if (!(await stat(file)).isFile()) return refuse(res, 404, 'Not found')
      content = await readFile(file)
    } catch {
      return refuse(res, 404, 'Not found')
    }
    send(req, res, 200, contentTypeOf(file), content)
  }

  try {
    await new Promise<void>((resolveListen, reject) => {
      server.once('error', reject)
      server.listen(options.port ?? 0, PREVIEW_HOST, () => {
        server.off('error', reject)
        resolveListen()
      })
    })
  } catch (error) {
    await services.shutdown()
    throw error
  }
  port = (server.address() as AddressInfo).port
  const origin = `http://${PREVIEW_HOST}:${port}`

  let closing: Promise<void> | undefined
  return {
    url: `${origin}/p/${secret}/`,
    origin,
    port,
    secret,
    clipboard,
    shell,
    services,
    invokeLog,
    requestLog,
    get eventClientCount() {
      return eventClients.size
    },
    emit: (channel, payload) => sendEvent(channel, payload),
    close() {
      closing ??= (async () => {
        for (const client of eventClients) client.end()
        eventClients.clear()
        const closed = new Promise<void>((done) => server.close(() => done()))
        server.closeAllConnections()
        for (const socket of sockets) socket.destroy()
        await closed
        await services.shutdown()
      })()
      return closing
    }
  }
}

/** Puts the bridge before the app's first script, so `window.autocalls` exists when it runs. */
export function injectBridge(html: string): string {
  const tag = `<script src="./${PREVIEW_ROUTES.bridge}"></script>\n    `
  const firstScript = html.search(/<script\b/i)
  if (firstScript >= 0) return html.slice(0, firstScript) + tag + html.slice(firstScript)
  const headEnd = html.search(/<\/head>/i)
  if (headEnd >= 0) return html.slice(0, headEnd) + tag + html.slice(headEnd)
  return tag + html
}

async function assertRendererBuilt(rendererDir: string): Promise<void> {
  try {
    if ((await stat(resolve(rendererDir, 'index.html'))).isFile()) return
  } catch {
    // reported below
  }
  throw new Error(`No renderer build found in ${rendererDir}: run \`npx electron-vite build\` first.`)
}

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest()

const isRead = (req: IncomingMessage): boolean => req.method === 'GET' || req.method === 'HEAD'

function setCommonHeaders(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', PREVIEW_CSP)
  res.setHeader('X-Content-Type-Options', 'nosniff')
  // The secret is in every URL: never let it leave in a Referer header.
  res.setHeader('Referrer-Policy', 'no-referrer')
  res.setHeader('Cache-Control', 'no-store')
  res.setHeader('X-Frame-Options', 'DENY')
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin')
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin')
}

function refuse(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers })
  res.end(`${message}\n`)
}

function send(req: IncomingMessage, res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': String(bytes.length) })
  res.end(req.method === 'HEAD' ? undefined : bytes)
}

const TOO_LARGE = Symbol('too large')

/** The body as text, or TOO_LARGE (a symbol, so no body text can be mistaken for it). */
function readBody(req: IncomingMessage, limit: number): Promise<string | typeof TOO_LARGE> {
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > limit) {
    req.resume()
    return Promise.resolve(TOO_LARGE)
  }
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let done = false
    req.on('data', (chunk: Buffer) => {
      if (done) return
      size += chunk.length
      if (size > limit) {
        done = true
        chunks.length = 0
        req.resume()
        resolveBody(TOO_LARGE)
        return
      }
      chunks.push(chunk)
    })
    req.once('end', () => {
      if (!done) resolveBody(Buffer.concat(chunks).toString('utf8'))
    })
    req.once('error', (error) => {
      if (!done) reject(error)
    })
  })
}

// The same types the app's own app:// handler sends.
const contentTypeOf = mimeTypeFor
