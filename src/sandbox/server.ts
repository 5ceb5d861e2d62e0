// HTTP plumbing: listens, reads bodies, applies faults, logs requests, tracks sockets.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import {
  handleApi,
  origin,
  requestExpectsJson,
  toKeyView,
  unauthenticatedReply,
  type ApiContext,
  type ApiKeyView,
  type BalanceFormat,
  type ListFields,
} from './api';
import { FaultInjector, type Fault, type FaultType } from './faults';
import { MESSAGES, httpError, jsonReply, type Reply } from './laravel-responses';
import { laravelDialect, type LaravelVersion } from './laravel-versions';
import { DEFAULT_DEMO_PERSONA, type DemoPersona, type SeedKeySpec } from './personas';
import { Store, type TokenRecord } from './store';
import { RateLimiter, rateHeaders, type ThrottleConfig, type ThrottleSetting } from './throttle';
import type { SanctumVersion } from './tokens';

export interface SandboxOptions {
  /** Default 0: an ephemeral port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Create the demo account with a few keys. Default true. */
  seedDemo?: boolean;
  /** Who the demo account is; fields left out come from DEFAULT_DEMO_PERSONA. */
  demo?: Partial<DemoPersona>;
  /**
   * Laravel's per-user rate limit. Default false: never 429, and authenticated answers advertise
   * X-RateLimit-Limit: UNTHROTTLED_LIMIT. true: Laravel's default of 60 a minute.
   * `{ limit, windowMs }` (window default 60,000 ms) or `{ perMinute }`. See setThrottle().
   */
  throttle?: boolean | ThrottleSetting;
  /** Default true. false: no X-RateLimit-* header on any answer (a 429 still has Retry-After). */
  rateLimitHeaders?: boolean;
  /** Error wording, trimming and routing messages of Laravel 8 or 10+. Default 10. */
  laravel?: LaravelVersion;
  /** Token format: 2 (40 characters) or 4 (40 + crc32b checksum). Default 2 with laravel 8, else 4. */
  sanctum?: SanctumVersion;
  /** Sanctum 4's `sanctum.token_prefix`, put before the 40 characters. Default ''. */
  tokenPrefix?: string;
  /** `total_balance` of GET /user/me: a number (default) or a decimal string like "125.50". */
  balanceAs?: BalanceFormat;
  /** Fields of each list item: the documented four (default) or the whole token model. */
  listFields?: ListFields;
  /** Epoch ms "now" for timestamps, the rate limit windows and the request log. Default Date.now. */
  clock?: () => number;
  /**
   * Default true, like Laravel: a request without a JSON Accept header gets a 302 to /login
   * instead of a JSON 401, a 302 back instead of a JSON 422, and HTML error pages.
   */
  strictAccept?: boolean;
}

/** A key seeded with a token of its own, so a test can use it (any authenticated request does). */
export interface SeededKey {
  readonly key: ApiKeyView;
  readonly token: string;
}

export interface RequestRecord {
  readonly method: string;
  /** Path after "/api" without the query (the full path if it does not start with /api). */
  readonly path: string;
  /** Raw request target, query included. */
  readonly url: string;
  /** Status of the complete response; null while pending or when no complete response was sent. */
  status: number | null;
  /** Epoch ms when the request arrived. */
  readonly at: number;
  /** The fault applied to this request, if any. */
  readonly fault: FaultType | null;
}

export interface SandboxServer {
  /** e.g. http://127.0.0.1:54321/api */
  readonly baseUrl: string;
  /** The seeded demo account; empty strings when seedDemo is false. */
  readonly demo: { readonly token: string; readonly email: string; readonly name: string };
  /** Creates a user with one key named "Sign-in key" and returns that key's token. */
  createAccount(input: { name: string; email: string; totalBalance: number }): { token: string };
  /** Adds `count` keys (names "<prefix> 1".."<prefix> N", created one minute apart) to the token's account. */
  seedKeys(token: string, count: number, namePrefix?: string): void;
  /**
   * Adds one key with the given dates to the token's account and returns its own token. To "use"
   * a key later, send any authenticated request with its token (GET /user/me): that sets its
   * last_used_at to now, as Sanctum does.
   */
  seedKey(token: string, spec: SeedKeySpec): SeededKey;
  /** The account's live keys as the list endpoint would show them, without touching last_used_at. */
  listKeysOf(token: string): ApiKeyView[];
  readonly requests: ReadonlyArray<Readonly<RequestRecord>>;
  resetRequests(): void;
  /** TCP connections accepted since start or resetConnections(). */
  readonly connectionCount: number;
  resetConnections(): void;
  readonly faults: FaultInjector;
  readonly laravel: LaravelVersion;
  readonly sanctum: SanctumVersion;
  /** The rate limit in force now. */
  readonly throttle: ThrottleConfig;
  /**
   * Changes the rate limit while the server runs, from the next request on (false turns it off,
   * true is 60 a minute). Counts already made stay; a running window keeps its end.
   */
  setThrottle(setting: boolean | ThrottleSetting): void;
  /** Forgets every user's rate-limit window, so the next request starts a fresh one. */
  resetRateLimits(): void;
  /** Stops listening and destroys every open socket, hung ones included. */
  close(): Promise<void>;
}

export const MAX_BODY_BYTES = 1024 * 1024;

type Delivery = 'normal' | 'drop-after-commit' | 'drop-mid-response';

class Sandbox implements SandboxServer {
  readonly faults = new FaultInjector();
  readonly demo: { token: string; email: string; name: string } = { token: '', email: '', name: '' };
  readonly laravel: LaravelVersion;
  readonly sanctum: SanctumVersion;
  baseUrl = '';
  private readonly clock: () => number;
  private readonly store: Store;
  private readonly ctx: ApiContext;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private log: RequestRecord[] = [];
  private connections = 0;
  private closing: Promise<void> | null = null;

  constructor(options: SandboxOptions) {
    const dialect = laravelDialect(options.laravel ?? 10);
    this.laravel = dialect.version;
    this.sanctum = options.sanctum ?? (dialect.version === 8 ? 2 : 4);
    if (this.sanctum !== 2 && this.sanctum !== 4) throw new RangeError(`sanctum must be 2 or 4, got ${String(this.sanctum)}`);
    const prefix = options.tokenPrefix ?? '';
    // The prefix travels in an Authorization header: visible ASCII only.
    if (!/^[\x21-\x7e]*$/.test(prefix)) throw new RangeError('tokenPrefix must be visible ASCII characters');
    if (prefix !== '' && this.sanctum === 2) throw new RangeError('tokenPrefix needs sanctum 4: Sanctum 2 has no token prefix');
    this.clock = options.clock ?? Date.now;
    this.store = new Store(this.clock, { sanctum: this.sanctum, prefix });
    this.ctx = {
      store: this.store,
      limiter: new RateLimiter(options.throttle, this.clock),
      strictAccept: options.strictAccept ?? true,
      dialect,
      sanctum: this.sanctum,
      rateLimitHeaders: options.rateLimitHeaders ?? true,
      balanceAs: options.balanceAs ?? 'number',
      listFields: options.listFields ?? 'documented',
    };
    if (!['number', 'decimal-string'].includes(this.ctx.balanceAs)) throw new RangeError(`balanceAs must be 'number' or 'decimal-string'`);
    if (!['documented', 'model'].includes(this.ctx.listFields)) throw new RangeError(`listFields must be 'documented' or 'model'`);
    this.server = createServer((req, res) => this.onRequest(req, res));
    this.server.on('connection', (socket: Socket) => {
      this.connections++;
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    if (options.seedDemo ?? true) this.seedDemo({ ...DEFAULT_DEMO_PERSONA, ...options.demo });
  }

  async listen(port: number, host: string): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const address = this.server.address() as AddressInfo;
    const hostPart = address.address.includes(':') ? `[${address.address}]` : address.address;
    this.baseUrl = `http://${hostPart}:${address.port}/api`;
  }

  get requests(): ReadonlyArray<Readonly<RequestRecord>> {
    return this.log.slice();
  }

  resetRequests(): void {
    this.log = [];
  }

  get connectionCount(): number {
    return this.connections;
  }

  resetConnections(): void {
    this.connections = 0;
  }

  createAccount(input: { name: string; email: string; totalBalance: number }): { token: string } {
    const account = this.store.createAccount(input);
    return { token: this.store.issueToken(account.id, 'Sign-in key').plainText };
  }

  seedKeys(token: string, count: number, namePrefix = 'Seeded key'): void {
    this.store.seedTokens(this.ownerId(token), count, namePrefix);
  }

  seedKey(token: string, spec: SeedKeySpec): SeededKey {
    const seeded = this.issue(this.ownerId(token), spec);
    return { key: toKeyView(seeded.record), token: seeded.plainText };
  }

  get throttle(): ThrottleConfig {
    return this.ctx.limiter.config;
  }

  setThrottle(setting: boolean | ThrottleSetting): void {
    this.ctx.limiter.configure(setting);
  }

  resetRateLimits(): void {
    this.ctx.limiter.reset();
  }

  listKeysOf(token: string): ApiKeyView[] {
    return this.store.listTokens(this.ownerId(token)).map(toKeyView);
  }

  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      for (const timer of this.timers) clearTimeout(timer);
      this.timers.clear();
      this.faults.clear();
      this.server.close(() => resolve());
      // Keep-alive and hung sockets would otherwise hold close() open for seconds or forever.
      for (const socket of this.sockets) socket.destroy();
      this.server.closeAllConnections();
    });
    return this.closing;
  }

  private ownerId(token: string): number {
    const owner = this.store.ownerOf(token);
    if (!owner) throw new Error('No account owns that token');
    return owner.id;
  }

  private seedDemo(persona: DemoPersona): void {
    const now = this.clock();
    const account = this.store.createAccount({ name: persona.name, email: persona.email, totalBalance: persona.totalBalance });
    const keys = typeof persona.keys === 'function' ? persona.keys(now) : persona.keys;
    for (const spec of keys) this.issue(account.id, spec);
    const signIn = this.store.issueToken(account.id, persona.signInKeyName, now);
    Object.assign(this.demo, { token: signIn.plainText, email: account.email, name: account.name });
  }

  private issue(accountId: number, spec: SeedKeySpec): { record: TokenRecord; plainText: string } {
    const ms = (at: number | Date, field: string): number => {
      const value = at instanceof Date ? at.getTime() : at;
      if (!Number.isFinite(value)) throw new RangeError(`${field} must be a valid date or epoch ms`);
      return value;
    };
    if (typeof spec.name !== 'string' || spec.name === '') throw new RangeError('A seeded key needs a name');
    const createdAt = spec.createdAt === undefined ? this.clock() : ms(spec.createdAt, 'createdAt');
    const lastUsedAt = spec.lastUsedAt === undefined || spec.lastUsedAt === null ? null : ms(spec.lastUsedAt, 'lastUsedAt');
    return this.store.issueToken(accountId, spec.name, createdAt, lastUsedAt);
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '/';
    const method = req.method ?? 'GET';
    const pathname = url.split('?')[0] ?? '/';
    const path = pathname === '/api' || pathname.startsWith('/api/') ? pathname.slice(4) || '/' : pathname;
    const fault = this.closing ? null : this.faults.take(method, path);
    const record: RequestRecord = { method, path, url, status: null, at: this.clock(), fault: fault?.type ?? null };
    this.log.push(record);

    if (!fault) return this.process(req, res, record, 'normal');
    switch (fault.type) {
      case 'latency':
        return this.later(fault.ms, () => this.process(req, res, record, 'normal'));
      case 'drop-after-commit':
      case 'drop-mid-response':
        return this.process(req, res, record, fault.type);
      case 'drop':
        req.socket.destroy();
        return;
      case 'hang':
        req.resume(); // read and discard the body, never answer
        return;
      default:
        req.resume();
        return this.send(res, record, this.faultReply(fault, req), 'normal');
    }
  }

  private faultReply(fault: Exclude<Fault, { type: 'latency' | 'drop' | 'drop-after-commit' | 'drop-mid-response' | 'hang' }>, req: IncomingMessage): Reply {
    switch (fault.type) {
      case 'status': {
        const body = fault.body ?? JSON.stringify({ message: httpMessage(fault.status) });
        const contentType = fault.contentType ?? (body.trimStart().startsWith('<') ? 'text/html; charset=UTF-8' : 'application/json');
        return { status: fault.status, headers: { 'Content-Type': contentType, ...fault.headers }, body };
      }
      case 'malformed':
        return { status: fault.status ?? 200, headers: { 'Content-Type': fault.contentType ?? 'application/json' }, body: fault.body };
      case 'rate-limit': {
        const state = {
          allowed: false,
          limit: this.ctx.limiter.limit,
          remaining: 0,
          retryAfter: fault.retryAfterSeconds,
          resetAt: Math.ceil(this.clock() / 1000) + fault.retryAfterSeconds,
        };
        return jsonReply(429, { message: MESSAGES.tooManyAttempts }, rateHeaders(state, this.ctx.rateLimitHeaders));
      }
      case 'unauthenticated':
        return unauthenticatedReply(!this.ctx.strictAccept || requestExpectsJson(req.headers), origin(req.headers));
    }
  }

  private process(req: IncomingMessage, res: ServerResponse, record: RequestRecord, delivery: Delivery): void {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) return this.tooLarge(req, res, record);
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        tooLarge = true;
        chunks.length = 0;
        this.tooLarge(req, res, record);
      } else chunks.push(chunk);
    });
    req.on('end', () => {
      if (tooLarge || res.destroyed) return;
      const reply = handleApi(this.ctx, { method: req.method ?? 'GET', target: record.url, headers: req.headers, body: Buffer.concat(chunks) });
      this.send(res, record, reply, delivery);
    });
  }

  /** ValidatePostSize runs before routing, so any route gets it, and no rate-limit headers. */
  private tooLarge(req: IncomingMessage, res: ServerResponse, record: RequestRecord): void {
    req.resume(); // keep draining so the connection stays usable
    const json = !this.ctx.strictAccept || requestExpectsJson(req.headers);
    this.send(res, record, httpError(413, MESSAGES.postTooLarge, json), 'normal');
  }

  private send(res: ServerResponse, record: RequestRecord, reply: Reply, delivery: Delivery): void {
    if (res.destroyed || res.headersSent) return;
    const body = Buffer.from(reply.body, 'utf8');
    const headers = { ...reply.headers, 'Content-Length': String(body.length) };
    if (delivery === 'drop-after-commit') {
      res.socket?.destroy();
      return;
    }
    res.writeHead(reply.status, headers);
    if (delivery === 'drop-mid-response') {
      const half = body.subarray(0, Math.floor(body.length / 2));
      // Content-Length promises the whole body, so the client sees a truncated response.
      res.write(half, () => res.socket?.destroy());
      if (half.length === 0) res.socket?.destroy();
      return;
    }
    // Recorded before writing, so a client that has the response always sees it logged.
    record.status = reply.status;
    res.end(body);
  }

  private later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    this.timers.add(timer);
  }
}

function httpMessage(status: number): string {
  return status >= 500 ? 'Server Error' : 'Error';
}

export async function startSandbox(options: SandboxOptions = {}): Promise<SandboxServer> {
  const sandbox = new Sandbox(options);
  await sandbox.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  return sandbox;
}

/** A base URL where nothing listens, for "connection refused" tests. */
export async function refusedBaseUrl(): Promise<string> {
  const probe = createNetServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `http://127.0.0.1:${port}/api`;
}
