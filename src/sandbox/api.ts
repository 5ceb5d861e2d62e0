// The Autocalls routes: Laravel routing, Sanctum authentication, throttling and the four
// controller actions. Pure and synchronous: request in, Reply out; the HTTP plumbing is server.ts.
import type { IncomingHttpHeaders } from 'node:http';
import {
  MESSAGES,
  expectsJson as wantsJson,
  htmlReply,
  httpError,
  jsonReply,
  laravelTimestamp,
  redirectReply,
  validationReply,
  webPage,
  type Reply,
} from './laravel-responses';
import type { LaravelDialect } from './laravel-versions';
import type { Store, TokenRecord } from './store';
import { rateHeaders, type RateLimiter } from './throttle';
import type { SanctumVersion } from './tokens';
import { readInput, validateName } from './validation';

export interface ApiRequest {
  method: string;
  /** The raw request target: path and query, still percent-encoded. */
  target: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** `total_balance` as a JSON number, or as the string a MySQL decimal(…, 2) column gives PHP ("42.50"). */
export type BalanceFormat = 'number' | 'decimal-string';

/**
 * List items: the four documented fields, or the whole PersonalAccessToken model as a controller
 * returning `$user->tokens` would send it (token hidden; expires_at only from Sanctum 3 on).
 */
export type ListFields = 'documented' | 'model';

export interface ApiContext {
  store: Store;
  limiter: RateLimiter;
  /** Answer 401/422 with browser redirects when the client did not send a JSON Accept header. */
  strictAccept: boolean;
  dialect: LaravelDialect;
  sanctum: SanctumVersion;
  /** Whether answers carry X-RateLimit-* headers at all (a 429 keeps Retry-After either way). */
  rateLimitHeaders: boolean;
  balanceAs: BalanceFormat;
  listFields: ListFields;
}

/** One key as the list endpoint shows it. */
export interface ApiKeyView {
  id: number;
  name: string;
  last_used_at: string | null;
  created_at: string;
}

type Action = 'me' | 'list' | 'create' | 'delete' | 'home' | 'login';

/** Laravel's route table; GET routes answer HEAD too. Patterns match Request::path() (no leading slash). */
const ROUTES: ReadonlyArray<{ pattern: RegExp; actions: Readonly<Record<string, Action>> }> = [
  { pattern: /^api\/user\/me$/, actions: { GET: 'me', HEAD: 'me' } },
  { pattern: /^api\/user\/api-keys$/, actions: { GET: 'list', HEAD: 'list', POST: 'create' } },
  { pattern: /^api\/user\/api-keys\/([^/]+)$/, actions: { DELETE: 'delete' } },
  // Where a browser-style redirect lands (see strictAccept): a web page, not JSON.
  { pattern: /^\/$/, actions: { GET: 'home', HEAD: 'home' } },
  { pattern: /^login$/, actions: { GET: 'login', HEAD: 'login' } },
];

/** Router::$verbs, the order Laravel lists alternatives in a 405 message. */
const VERBS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

export function toKeyView(record: TokenRecord): ApiKeyView {
  return {
    id: record.id,
    name: record.name,
    last_used_at: record.lastUsedAt === null ? null : laravelTimestamp(record.lastUsedAt),
    created_at: laravelTimestamp(record.createdAt),
  };
}

/** The model's attributes in column order, as Eloquent serialises a personal_access_tokens row. */
function toModelView(record: TokenRecord, sanctum: SanctumVersion): Record<string, unknown> {
  const view = toKeyView(record);
  return {
    id: view.id,
    tokenable_type: 'App\\Models\\User',
    tokenable_id: record.accountId,
    name: view.name,
    abilities: ['*'],
    last_used_at: view.last_used_at,
    ...(sanctum === 2 ? {} : { expires_at: null }),
    created_at: view.created_at,
    // Touching last_used_at saves the row, which moves updated_at too.
    updated_at: laravelTimestamp(Math.max(record.createdAt, record.lastUsedAt ?? 0)),
  };
}

function balance(ctx: ApiContext, amount: number): number | string {
  return ctx.balanceAs === 'decimal-string' ? amount.toFixed(2) : amount;
}

export function handleApi(ctx: ApiContext, req: ApiRequest): Reply {
  const method = req.method.toUpperCase();
  const queryStart = req.target.indexOf('?');
  const rawPath = queryStart === -1 ? req.target : req.target.slice(0, queryStart);
  const query = queryStart === -1 ? '' : req.target.slice(queryStart + 1);
  const path = laravelPath(rawPath);
  const json = !ctx.strictAccept || wantsJson(header(req.headers, 'accept'), header(req.headers, 'x-requested-with'));

  // Routing fails before any route middleware runs: these answers carry no rate-limit headers.
  const matched = ROUTES.map((route) => ({ route, match: route.pattern.exec(decodePath(path)) })).find((m) => m.match);
  if (!matched?.match) return httpError(404, ctx.dialect.routeNotFound(path), json);
  const action = matched.route.actions[method];
  if (!action) {
    const supported = VERBS.filter((verb) => verb !== method && matched.route.actions[verb]);
    if (method === 'OPTIONS') return { status: 200, headers: { Allow: supported.join(',') }, body: '' };
    // MethodNotAllowedHttpException's Allow header, on the JSON and the HTML answer alike.
    return httpError(405, ctx.dialect.methodNotAllowed(method, path, supported), json, { Allow: supported.join(', ') });
  }
  if (action === 'home' || action === 'login') return htmlReply(200, webPage(action === 'home' ? 'Autocalls' : 'Log in'));

  // auth:sanctum runs before throttle:api (middleware priority), so failures are neither counted
  // nor given rate-limit headers, while a request that is then throttled has already touched its key.
  const token = ctx.store.findLiveToken(bearerToken(req.headers) ?? '');
  const account = token ? ctx.store.account(token.accountId) : undefined;
  if (!token || !account) return unauthenticatedReply(json, origin(req.headers));
  ctx.store.touch(token);

  const rate = ctx.limiter.hit(`user:${account.id}`);
  const headers = rateHeaders(rate, ctx.rateLimitHeaders);
  if (!rate.allowed) return httpError(429, MESSAGES.tooManyAttempts, json, headers);

  switch (action) {
    case 'me':
      return jsonReply(200, { name: account.name, email: account.email, total_balance: balance(ctx, account.totalBalance) }, headers);
    case 'list': {
      const tokens = ctx.store.listTokens(account.id);
      const items = ctx.listFields === 'model' ? tokens.map((record) => toModelView(record, ctx.sanctum)) : tokens.map(toKeyView);
      return jsonReply(200, { api_keys: items }, headers);
    }
    case 'create': {
      const input = readInput(header(req.headers, 'content-type'), req.body, query, ctx.dialect.trim);
      const result = validateName(input, ctx.dialect);
      if (!result.ok) {
        if (!json) return redirectReply(header(req.headers, 'referer') ?? `${origin(req.headers)}/`, headers);
        return validationReply(ctx.dialect.validationMessage(result.messages), { name: result.messages }, headers);
      }
      const { record, plainText } = ctx.store.issueToken(account.id, result.name);
      return jsonReply(
        201,
        { message: MESSAGES.keyCreated, api_key: { name: record.name, token: plainText, created_at: laravelTimestamp(record.createdAt) } },
        headers,
      );
    }
    case 'delete': {
      const id = matched.match[1] ?? '';
      // The controller scopes the lookup to the caller's tokens, so another user's key is "not found" too.
      const deleted = /^\d+$/.test(id) && ctx.store.revokeToken(account.id, Number(id));
      return deleted ? jsonReply(200, { message: MESSAGES.keyDeleted }, headers) : jsonReply(404, { message: MESSAGES.keyNotFound }, headers);
    }
  }
}

/** The Authenticate middleware's answer: JSON 401 for API clients, a redirect to the login page otherwise. */
export function unauthenticatedReply(json: boolean, siteOrigin: string): Reply {
  return json ? jsonReply(401, { message: MESSAGES.unauthenticated }) : redirectReply(`${siteOrigin}/login`);
}

/** Request::bearerToken(): text after the last "Bearer " (any case), up to a comma. */
export function bearerToken(headers: IncomingHttpHeaders): string | null {
  const value = header(headers, 'authorization') ?? '';
  const position = value.toLowerCase().lastIndexOf('bearer ');
  if (position === -1) return null;
  const token = value.slice(position + 7);
  const comma = token.indexOf(',');
  return comma === -1 ? token : token.slice(0, comma);
}

export function requestExpectsJson(headers: IncomingHttpHeaders): boolean {
  return wantsJson(header(headers, 'accept'), header(headers, 'x-requested-with'));
}

export function origin(headers: IncomingHttpHeaders): string {
  return `http://${header(headers, 'host') ?? '127.0.0.1'}`;
}

/** Request::path(): no leading or trailing slash, "/" for the root. */
function laravelPath(rawPath: string): string {
  const trimmed = rawPath.replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? '/' : trimmed;
}

/** rawurldecode, which never fails; malformed escapes stay as they are. */
function decodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path.replace(/%[0-9a-f]{2}/gi, (escape) => {
      try {
        return decodeURIComponent(escape);
      } catch {
        return escape;
      }
    });
  }
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}
