// Laravel's ThrottleRequests over its cache RateLimiter: per key (the user id), a fixed window
// that starts at the key's first hit and lasts the decay time; rejected requests are not counted.

export interface RateState {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Whole seconds until the window resets (Retry-After); meaningful when not allowed. */
  retryAfter: number;
  /** Epoch seconds when the window resets (X-RateLimit-Reset). */
  resetAt: number;
}

/** How the limit is set: `{ limit, windowMs }` (window default one minute) or the older `{ perMinute }`. */
export type ThrottleSetting = { limit: number; windowMs?: number } | { perMinute: number };

export interface ThrottleConfig {
  /** false: never answers 429, and advertises UNTHROTTLED_LIMIT. */
  readonly enforced: boolean;
  readonly limit: number;
  readonly windowMs: number;
}

/**
 * Limit advertised when throttling is off: large enough that a client pacing itself on
 * X-RateLimit-Remaining never waits during a test or benchmark.
 */
export const UNTHROTTLED_LIMIT = 1_000_000;

/** Laravel's default `throttle:api`: 60 a minute per user. */
export const DEFAULT_THROTTLE = { limit: 60, windowMs: 60_000 } as const;

export function throttleConfig(setting: boolean | ThrottleSetting | undefined): ThrottleConfig {
  if (setting === undefined || setting === false) return { enforced: false, limit: UNTHROTTLED_LIMIT, windowMs: DEFAULT_THROTTLE.windowMs };
  if (setting === true) return { enforced: true, ...DEFAULT_THROTTLE };
  const [field, limit] = 'perMinute' in setting ? ['perMinute', setting.perMinute] : ['limit', setting.limit];
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`throttle.${field} must be a positive integer, got ${limit}`);
  const windowMs = 'windowMs' in setting ? (setting.windowMs ?? DEFAULT_THROTTLE.windowMs) : DEFAULT_THROTTLE.windowMs;
  if (!Number.isInteger(windowMs) || windowMs < 1) throw new RangeError(`throttle.windowMs must be a positive integer, got ${windowMs}`);
  return { enforced: true, limit, windowMs };
}

export class RateLimiter {
  private readonly windows = new Map<string, { hits: number; resetAt: number }>();
  private current: ThrottleConfig;

  constructor(
    setting: boolean | ThrottleSetting | undefined,
    private readonly now: () => number = Date.now,
  ) {
    this.current = throttleConfig(setting);
  }

  get config(): ThrottleConfig {
    return this.current;
  }

  get limit(): number {
    return this.current.limit;
  }

  /**
   * Changes the limit from the next request on, as a redeploy with another `throttle:` would:
   * counts already made stay, and a window already running keeps its end (Laravel's timer entry
   * is in the cache); a new window length applies to windows that start afterwards.
   */
  configure(setting: boolean | ThrottleSetting): void {
    this.current = throttleConfig(setting);
  }

  /** Forgets every window, as clearing the cache would. */
  reset(): void {
    this.windows.clear();
  }

  /** Counts one request unless the window is already full; rejected requests do not count. */
  hit(key: string): RateState {
    const now = this.now();
    const { enforced, limit, windowMs } = this.current;
    let window = this.windows.get(key);
    if (!window || now >= window.resetAt) {
      // Laravel truncates the window's start to whole seconds; the sandbox keeps milliseconds so
      // short test windows are exact.
      window = { hits: 0, resetAt: now + windowMs };
      this.windows.set(key, window);
    }
    const state = (allowed: boolean): RateState => ({
      allowed,
      limit,
      remaining: Math.max(0, limit - window.hits),
      retryAfter: Math.max(1, Math.ceil((window.resetAt - now) / 1000)),
      resetAt: Math.ceil(window.resetAt / 1000),
    });
    if (enforced && window.hits >= limit) return state(false);
    window.hits++;
    return state(true);
  }
}

/**
 * ThrottleRequests' headers: X-RateLimit-Limit and -Remaining on every answer that passed the
 * middleware, plus Retry-After and X-RateLimit-Reset on a 429. `limitHeaders: false` leaves out
 * the X-RateLimit-* ones (a server or proxy that sends none); Retry-After stays.
 */
export function rateHeaders(state: RateState, limitHeaders = true): Record<string, string> {
  const headers: Record<string, string> = {};
  if (limitHeaders) {
    headers['X-RateLimit-Limit'] = String(state.limit);
    headers['X-RateLimit-Remaining'] = String(state.remaining);
  }
  if (!state.allowed) {
    headers['Retry-After'] = String(state.retryAfter);
    if (limitHeaders) headers['X-RateLimit-Reset'] = String(state.resetAt);
  }
  return headers;
}
