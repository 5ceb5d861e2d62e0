// Laravel's request input pipeline (body parsing, query merge, TrimStrings,
// ConvertEmptyStringsToNull) and the `name => required|string|max:255` rule of POST /user/api-keys.
import { PHP_TRIM, type LaravelDialect } from './laravel-versions';

export type Input = Record<string, unknown>;

const LONE_SURROGATE = /\p{Surrogate}/u;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Request::all(): the body (JSON only when Content-Type contains "/json" or "+json", case
 * sensitive like Laravel; form-encoded otherwise) with query parameters filling in missing
 * keys, then the two global middlewares that rewrite strings.
 */
export function readInput(contentType: string | undefined, body: Buffer, query: string, trim: (value: string) => string): Input {
  const type = contentType ?? '';
  let source: Input = {};
  if (type.includes('/json') || type.includes('+json')) source = parseJsonBody(body);
  else if (type.toLowerCase().startsWith('application/x-www-form-urlencoded')) source = parseForm(decodeUtf8(body) ?? '');
  const merged: Input = { ...parseForm(query), ...source };
  return cleanStrings(merged, trim) as Input;
}

/** (array) json_decode($body, true): anything that is not a JSON object yields no fields. */
function parseJsonBody(body: Buffer): Input {
  const text = decodeUtf8(body);
  if (text === null) return {}; // PHP rejects invalid UTF-8 (JSON_ERROR_UTF8)
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return {};
  }
  // PHP also rejects "\ud800"-style unpaired surrogates (JSON_ERROR_UTF16), which JS accepts.
  if (hasLoneSurrogate(parsed)) return {};
  return isPlainObject(parsed) ? parsed : {};
}

function decodeUtf8(body: Buffer): string | null {
  try {
    return utf8.decode(body);
  } catch {
    return null;
  }
}

/** PHP's form parsing, as far as one field needs it: `name=x` is a string, `name[]=x` an array. */
function parseForm(text: string): Input {
  const input: Input = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const bracket = key.indexOf('[');
    if (bracket <= 0) {
      input[key] = value;
      continue;
    }
    const base = key.slice(0, bracket);
    const existing = input[base];
    const list = Array.isArray(existing) ? existing : [];
    list.push(value);
    input[base] = list;
  }
  return input;
}

function cleanStrings(value: unknown, trim: (value: string) => string): unknown {
  if (typeof value === 'string') {
    const trimmed = trim(value);
    return trimmed === '' ? null : trimmed;
  }
  if (Array.isArray(value)) return value.map((item) => cleanStrings(item, trim));
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cleanStrings(v, trim)]));
  return value;
}

function hasLoneSurrogate(value: unknown): boolean {
  if (typeof value === 'string') return LONE_SURROGATE.test(value);
  if (Array.isArray(value)) return value.some(hasLoneSurrogate);
  if (isPlainObject(value)) return Object.entries(value).some(([k, v]) => LONE_SURROGATE.test(k) || hasLoneSurrogate(v));
  return false;
}

function isPlainObject(value: unknown): value is Input {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** mb_strlen: Unicode code points, so an emoji counts once although it is two UTF-16 units. */
export function codePointLength(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

export const NAME_MAX = 255;

/** The messages the name rule produces in this Laravel version, placeholders filled in. */
export function nameMessages(dialect: LaravelDialect): { required: string; string: string; max: string } {
  const fill = (line: string) => line.replace(':attribute', 'name').replace(':max', String(NAME_MAX));
  return { required: fill(dialect.lang.required), string: fill(dialect.lang.string), max: fill(dialect.lang.maxString) };
}

/**
 * Runs the rules in order like Laravel's validator: a failed `required` (implicit rule) stops
 * the attribute, a failed `string` does not, so `max` can add a second message.
 */
export function validateName(input: Input, dialect: LaravelDialect): { ok: true; name: string } | { ok: false; messages: string[] } {
  const text = nameMessages(dialect);
  const value = Object.hasOwn(input, 'name') ? input['name'] : null;
  if (!isPresent(value)) return { ok: false, messages: [text.required] };
  const messages: string[] = [];
  if (typeof value !== 'string') messages.push(text.string);
  if (laravelSize(value) > NAME_MAX) messages.push(text.max);
  if (messages.length > 0 || typeof value !== 'string') return { ok: false, messages };
  return { ok: true, name: value };
}

/** validateRequired: not null, not a blank string, not an empty array. */
function isPresent(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value === 'string') return value.replace(PHP_TRIM, '') !== '';
  if (Array.isArray(value)) return value.length > 0;
  if (isPlainObject(value)) return Object.keys(value).length > 0;
  return true;
}

/** Validator::getSize without a numeric rule: count for arrays, mb_strlen of the string form otherwise. */
function laravelSize(value: unknown): number {
  if (Array.isArray(value)) return value.length;
  if (isPlainObject(value)) return Object.keys(value).length;
  if (typeof value === 'string') return codePointLength(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  return codePointLength(String(value)); // numbers: never near 255 characters
}
