// Laravel's ThrottleRequests with a fixed one-minute window per key (the user id).

export interface RateState {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets; meaningful when not allowed. */
  retryAfter: number;
  /** Epoch seconds when the window resets (X-RateLimit-Reset). */
  resetAt: number;
}

/**
 * Limit advertised when throttling is off: large enough that a client pacing itself on
 * X-RateLimit-Remaining never waits during a test or benchmark.
 */
export const UNTHROTTLED_LIMIT = 1_000_000;

const WINDOW_MS = 60_000;

export class RateLimiter {
  private readonly windows = new Map<string, { hits: number; resetAt: number }>();
  readonly limit: number;
  private readonly enforced: boolean;

  constructor(
    perMinute: number | null,
    private readonly now: () => number = Date.now,
  ) {
    if (perMinute !== null && (!Number.isInteger(perMinute) || perMinute < 1)) {
      throw new RangeError(`throttle.perMinute must be a positive integer, got ${perMinute}`);
    }
    this.enforced = perMinute !== null;
    this.limit = perMinute ?? UNTHROTTLED_LIMIT;
  }

  /** Counts one request unless the window is already full; rejected requests do not count. */
  hit(key: string): RateState {
    const now = this.now();
    let window = this.windows.get(key);
    if (!window || now >= window.resetAt) {
      window = { hits: 0, resetAt: now + WINDOW_MS };
      this.windows.set(key, window);
    }
    const state = (allowed: boolean): RateState => ({
      allowed,
      limit: this.limit,
      remaining: Math.max(0, this.limit - window.hits),
      retryAfter: Math.max(1, Math.ceil((window.resetAt - now) / 1000)),
      resetAt: Math.ceil(window.resetAt / 1000),
    });
    if (this.enforced && window.hits >= this.limit) return state(false);
    window.hits++;
    return state(true);
  }

  /** Headers for answers given before the throttle middleware runs (routing, authentication). */
  untouched(): RateState {
    return { allowed: true, limit: this.limit, remaining: this.limit, retryAfter: 0, resetAt: 0 };
  }
}

export function rateHeaders(state: RateState): Record<string, string> {
  const headers: Record<string, string> = {
    'X-RateLimit-Limit': String(state.limit),
    'X-RateLimit-Remaining': String(state.remaining),
  };
  if (!state.allowed) {
    headers['Retry-After'] = String(state.retryAfter);
    headers['X-RateLimit-Reset'] = String(state.resetAt);
  }
  return headers;
}
