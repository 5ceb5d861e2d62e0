// Small fetch wrapper for the sandbox tests: real HTTP, JSON Accept header like the app sends.
import type { SandboxServer } from '../../src/sandbox/index';

export interface CallOptions {
  /** Bearer token; defaults to the demo token, null sends no Authorization header. */
  token?: string | null;
  /** Sent as JSON with Content-Type: application/json. */
  json?: unknown;
  /** Sent as is; set the Content-Type yourself through headers. */
  rawBody?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  redirect?: 'follow' | 'manual' | 'error';
}

export interface CallResult {
  status: number;
  headers: Headers;
  text: string;
  body: unknown;
}

export async function call(sandbox: SandboxServer, method: string, path: string, options: CallOptions = {}): Promise<CallResult> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const token = options.token === undefined ? sandbox.demo.token : options.token;
  if (token !== null) headers['Authorization'] = `Bearer ${token}`;
  let body: string | undefined = options.rawBody;
  if (options.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.json);
  }
  const response = await fetch(sandbox.baseUrl + path, {
    method,
    headers: { ...headers, ...options.headers },
    body,
    signal: options.signal,
    redirect: options.redirect ?? 'follow',
  });
  const text = await response.text();
  let parsed: unknown = undefined;
  try {
    parsed = JSON.parse(text);
  } catch {
    // non-JSON bodies are checked through `text`
  }
  return { status: response.status, headers: response.headers, text, body: parsed };
}

/** Sanctum 2 to 3.2: `<id>|` + 40 letters and digits. */
export const SANCTUM_2_TOKEN = /^\d+\|[A-Za-z0-9]{40}$/;
/** Sanctum 3.3+ and 4: the 40 characters are followed by their crc32b (8 lowercase hex digits). */
export const SANCTUM_4_TOKEN = /^\d+\|[A-Za-z0-9]{40}[0-9a-f]{8}$/;
/** The format of a default sandbox (Laravel 10, Sanctum 4). */
export const TOKEN_FORMAT = SANCTUM_4_TOKEN;
export const LARAVEL_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/**
 * CRC-32 (ISO-HDLC, what PHP's hash('crc32b') computes) written out bit by bit, so the tests do
 * not check the sandbox's checksum with the same zlib call that made it.
 */
export function referenceCrc32b(text: string): string {
  let crc = 0xffffffff;
  for (const byte of Buffer.from(text, 'utf8')) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return ((crc ^ 0xffffffff) >>> 0).toString(16).padStart(8, '0');
}

/** Creates a key through the API and returns its token. */
export async function createKey(sandbox: SandboxServer, name: string, token?: string): Promise<string> {
  const result = await call(sandbox, 'POST', '/user/api-keys', { json: { name }, token });
  if (result.status !== 201) throw new Error(`create failed: ${result.status} ${result.text}`);
  return (result.body as { api_key: { token: string } }).api_key.token;
}
