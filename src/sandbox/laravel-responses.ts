// What a Laravel + Sanctum server puts on the wire: JSON encoding, timestamps, error bodies,
// and the browser-style answers it gives when the client did not ask for JSON. What differs
// between versions is in laravel-versions.ts.

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export const MESSAGES = {
  unauthenticated: 'Unauthenticated.',
  keyNotFound: 'API key not found.',
  keyCreated: 'API key created successfully.',
  keyDeleted: 'API key deleted successfully.',
  tooManyAttempts: 'Too Many Attempts.',
  postTooLarge: 'The POST data is too large.',
} as const;

const STATUS_TITLES: Record<number, string> = {
  401: 'Unauthorized',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Content Too Large',
  429: 'Too Many Requests',
  500: 'Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export const statusTitle = (status: number): string => STATUS_TITLES[status] ?? 'Error';

/**
 * PHP json_encode with Laravel's default flags (none): "/" becomes "\/" and every non-ASCII
 * UTF-16 unit becomes a lowercase \uXXXX escape. Parsers do not care; hand-rolled ones might.
 */
export function encodeJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/\//g, '\\/');
}

/** Carbon's JSON form, e.g. 2025-01-08T15:30:00.000000Z (six fraction digits). */
export function laravelTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

const BASE_HEADERS = { 'Cache-Control': 'no-cache, private' } as const;

export function jsonReply(status: number, data: unknown, headers: Record<string, string> = {}): Reply {
  return { status, headers: { ...BASE_HEADERS, 'Content-Type': 'application/json', ...headers }, body: encodeJson(data) };
}

export function htmlReply(status: number, body: string, headers: Record<string, string> = {}): Reply {
  return { status, headers: { ...BASE_HEADERS, 'Content-Type': 'text/html; charset=UTF-8', ...headers }, body };
}

/** Laravel's minimal error view, served for HTTP errors when the client did not ask for JSON. */
export function errorPage(status: number): string {
  const title = statusTitle(status);
  return `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>${title}</title>\n</head>\n<body>\n<div>${status} | ${title}</div>\n</body>\n</html>\n`;
}

/** An HTTP error the framework renders: JSON `{message}` for API clients, an HTML page otherwise. */
export function httpError(status: number, message: string, expectsJson: boolean, headers: Record<string, string> = {}): Reply {
  return expectsJson ? jsonReply(status, { message }, headers) : htmlReply(status, errorPage(status), headers);
}

/** Symfony's RedirectResponse, which is what Laravel sends browsers on 401 and 422. */
export function redirectReply(location: string, headers: Record<string, string> = {}): Reply {
  const escaped = location.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  const body =
    `<!DOCTYPE html>\n<html>\n    <head>\n        <meta charset="UTF-8" />\n` +
    `        <meta http-equiv="refresh" content="0;url='${escaped}'" />\n\n` +
    `        <title>Redirecting to ${escaped}</title>\n    </head>\n` +
    `    <body>\n        Redirecting to <a href="${escaped}">${escaped}</a>.\n    </body>\n</html>`;
  return htmlReply(302, body, { ...headers, Location: location });
}

/** The web pages a redirected client lands on: a 200 HTML page, which is not the JSON it expected. */
export function webPage(title: string): string {
  return `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>${title}</title>\n</head>\n<body>\n<h1>${title}</h1>\n</body>\n</html>\n`;
}

/** The Handler's invalidJson(): the exception's message and every field's messages. */
export function validationReply(message: string, errors: Record<string, string[]>, headers: Record<string, string> = {}): Reply {
  return jsonReply(422, { message, errors }, headers);
}

/**
 * Request::expectsJson(): the most preferred Accept type mentions json, or an XHR that
 * accepts anything. Node's fetch sends "Accept: *\/*" by default, which is NOT enough.
 */
export function expectsJson(accept: string | undefined, requestedWith: string | undefined): boolean {
  const acceptable = (accept ?? '')
    .split(',')
    .map((part, index) => {
      const [type = '', ...params] = part.split(';').map((p) => p.trim());
      const q = params.find((p) => /^q=/i.test(p));
      return { type: type.toLowerCase(), q: q ? Number(q.slice(2)) || 0 : 1, index };
    })
    .filter((item) => item.type !== '')
    .sort((a, b) => b.q - a.q || a.index - b.index);
  const first = acceptable[0]?.type;
  if (first !== undefined && (first.includes('/json') || first.includes('+json'))) return true;
  const anyType = first === undefined || first === '*/*' || first === '*';
  return requestedWith === 'XMLHttpRequest' && anyType;
}
