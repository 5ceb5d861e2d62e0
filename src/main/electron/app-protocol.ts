/**
 * The app:// scheme that serves the built renderer (out/renderer) instead of file://.
 * `resolveAppRequest` is the whole security decision and is pure; the handler only reads files.
 */
import type { CustomScheme } from 'electron'
import { readFile as fsReadFile } from 'node:fs/promises'
import nodePath from 'node:path'
import { APP_HOST, APP_SCHEME } from './app-identity'
import { SECURITY_HEADERS } from './csp'

/**
 * Registered before `ready`. `standard` gives the scheme an origin (relative URLs, storage),
 * `secure` makes it a secure context (crypto.randomUUID), `codeCache` speeds start-up.
 * Deliberately not granted: bypassCSP, corsEnabled (would make app:// readable cross-origin),
 * supportFetchAPI (the renderer fetches nothing; CSP connect-src is 'none' anyway),
 * allowServiceWorkers, stream, allowExtensions.
 */
export const PRIVILEGED_SCHEMES: CustomScheme[] = [
  {
    scheme: APP_SCHEME,
    privileges: { standard: true, secure: true, codeCache: true }
  }
]

export type AppRequestResolution =
  | { ok: true; path: string }
  | { ok: false; status: 400 | 403 | 404; reason: string }

type PathApi = Pick<typeof nodePath, 'resolve' | 'relative' | 'isAbsolute' | 'sep'>

/**
 * Maps `app://app/<path>` to a file inside `rendererDir`. Refuses other schemes and hosts,
 * credentials or ports, backslashes, encoded separators or NUL, `.`/`..` segments (raw or
 * percent-encoded), colons (Windows drive letters and alternate data streams), and anything
 * that would still resolve outside `rendererDir`.
 */
export function resolveAppRequest(rawUrl: string, rendererDir: string, pathApi: PathApi = nodePath): AppRequestResolution {
  let url: URL
  try {
    url = new URL(rawUrl)
  } catch {
    return { ok: false, status: 400, reason: 'malformed URL' }
  }
  if (url.protocol !== `${APP_SCHEME}:`) return { ok: false, status: 400, reason: `not an ${APP_SCHEME}: URL` }
  if (url.hostname !== APP_HOST || url.port !== '' || url.username !== '' || url.password !== '') {
    return { ok: false, status: 403, reason: 'unknown host' }
  }
  const rawPath = url.pathname
  if (rawPath.includes('\\')) return { ok: false, status: 400, reason: 'backslash in path' }

  const segments = rawPath.split('/').slice(1)
  const decoded: string[] = []
  for (const [index, segment] of segments.entries()) {
    let value: string
    try {
      value = decodeURIComponent(segment)
    } catch {
      return { ok: false, status: 400, reason: 'bad percent-encoding' }
    }
    if (/[/\\\0]/.test(value)) return { ok: false, status: 400, reason: 'encoded separator or NUL in path' }
    if (value === '..' || value === '.') return { ok: false, status: 403, reason: 'dot segment in path' }
    if (value.includes(':')) return { ok: false, status: 400, reason: 'colon in path' }
    // Only the last segment may be empty ("/" or "dir/"), which means its index.html.
    if (value === '' && index !== segments.length - 1) return { ok: false, status: 400, reason: 'empty path segment' }
    decoded.push(value)
  }
  if (decoded.length === 0 || decoded[decoded.length - 1] === '') decoded[Math.max(decoded.length - 1, 0)] = 'index.html'

  const root = pathApi.resolve(rendererDir)
  const file = pathApi.resolve(root, ...decoded)
  const inside = pathApi.relative(root, file)
  if (inside === '' || inside === '..' || inside.startsWith(`..${pathApi.sep}`) || pathApi.isAbsolute(inside)) {
    return { ok: false, status: 403, reason: 'path escapes the renderer folder' }
  }
  return { ok: true, path: file }
}

const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm'
}

/** Unknown types are served as octet-stream; with `nosniff` they can never run as script or style. */
export function mimeTypeFor(file: string): string {
  return MIME_TYPES[nodePath.extname(file).toLowerCase()] ?? 'application/octet-stream'
}

export interface AppProtocolHandlerOptions {
  /** The built renderer folder (out/renderer). */
  rendererDir: string
  readFile?: (path: string) => Promise<Uint8Array>
  /** Told about every refused request (never with file contents). */
  onRefused?: (url: string, status: number, reason: string) => void
}

/** The function passed to `protocol.handle('app', …)`. */
export function createAppProtocolHandler(options: AppProtocolHandlerOptions): (request: Request) => Promise<Response> {
  const readFile = options.readFile ?? ((path: string) => fsReadFile(path))
  const refuse = (url: string, status: number, reason: string): Response => {
    options.onRefused?.(url, status, reason)
    return textResponse(status, reason)
  }
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(request.url, 405, 'method not allowed')
    const resolved = resolveAppRequest(request.url, options.rendererDir)
    if (!resolved.ok) return refuse(request.url, resolved.status, resolved.reason)
    let body: Uint8Array
    try {
      body = await readFile(resolved.path)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException | undefined)?.code
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return refuse(request.url, 404, 'not found')
      return refuse(request.url, 500, 'could not read the file')
    }
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
      status: 200,
      headers: { ...SECURITY_HEADERS, 'Content-Type': mimeTypeFor(resolved.path), 'Cache-Control': 'no-cache' }
    })
  }
}

function textResponse(status: number, message: string): Response {
  return new Response(`${status} ${message}\n`, {
    status,
    headers: { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }
  })
}
