// What differs between the Laravel versions the sandbox imitates, read from the framework's
// source at v8.83 and v10.48 (and the en/validation.php of each version's application skeleton).

/** 8: Laravel 8.x. 10: Laravel 10 and later (most of it arrived in 9.x, which is not modelled apart). */
export type LaravelVersion = 8 | 10;

export interface LaravelDialect {
  readonly version: LaravelVersion;
  /** The TrimStrings middleware, applied to every string of the input. */
  readonly trim: (value: string) => string;
  /** en/validation.php lines the name rule can produce, with :attribute and :max placeholders. */
  readonly lang: { readonly required: string; readonly string: string; readonly maxString: string };
  /** ValidationException's message: the 422 body's top-level `message`. */
  readonly validationMessage: (messages: readonly string[]) => string;
  /** AbstractRouteCollection::handleMatchedRoute's NotFoundHttpException message. */
  readonly routeNotFound: (path: string) => string;
  /** Its MethodNotAllowedHttpException message. */
  readonly methodNotAllowed: (method: string, path: string, supported: readonly string[]) => string;
}

/** PHP trim()'s default set: space, \t, \n, \r, \0 and \v. Non-breaking and other Unicode spaces stay. */
export const PHP_TRIM = /^[ \t\n\r\0\x0B]+|[ \t\n\r\0\x0B]+$/g;
/** Laravel 10's TrimStrings pattern `[\s\x{FEFF}\x{200B}]` with /u: PCRE's \s is Unicode-aware there. */
const UNICODE_TRIM = /^[\s\u0085\u180e\u200b\ufeff]+|[\s\u0085\u180e\u200b\ufeff]+$/gu;

const LARAVEL_8: LaravelDialect = {
  version: 8,
  trim: (value) => value.replace(PHP_TRIM, ''),
  lang: {
    required: 'The :attribute field is required.',
    string: 'The :attribute must be a string.',
    maxString: 'The :attribute must not be greater than :max characters.',
  },
  validationMessage: () => 'The given data was invalid.',
  // Laravel 8 throws a bare NotFoundHttpException, so the JSON message is empty.
  routeNotFound: () => '',
  methodNotAllowed: (method, _path, supported) => `The ${method} method is not supported for this route. Supported methods: ${supported.join(', ')}.`,
};

const LARAVEL_10: LaravelDialect = {
  version: 10,
  trim: (value) => value.replace(UNICODE_TRIM, ''),
  lang: {
    required: 'The :attribute field is required.',
    string: 'The :attribute field must be a string.',
    maxString: 'The :attribute field must not be greater than :max characters.',
  },
  // ValidationException::summarize: the first message plus "(and N more error[s])".
  validationMessage: (messages) => {
    const [first = 'The given data was invalid.', ...rest] = messages;
    return rest.length === 0 ? first : `${first} (and ${rest.length} more ${rest.length === 1 ? 'error' : 'errors'})`;
  },
  routeNotFound: (path) => `The route ${path} could not be found.`,
  methodNotAllowed: (method, path, supported) => `The ${method} method is not supported for route ${path}. Supported methods: ${supported.join(', ')}.`,
};

export function laravelDialect(version: LaravelVersion): LaravelDialect {
  if (version === 8) return LARAVEL_8;
  if (version === 10) return LARAVEL_10;
  throw new RangeError(`laravel must be 8 or 10, got ${String(version)}`);
}
