// The per-user rate limit: windows (on a fake clock and on a short real one), the headers on
// every kind of answer, throttling off, no-header servers, and changing the limit at runtime.
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_THROTTLE, UNTHROTTLED_LIMIT, startSandbox, type SandboxOptions, type SandboxServer } from '../../src/sandbox/index';
import { call, createKey, type CallResult } from './support';

const open: SandboxServer[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

/** A sandbox on a clock the test moves by hand; starts at a time that is not a whole second. */
async function onFakeClock(options: SandboxOptions = {}): Promise<{ sandbox: SandboxServer; advance: (ms: number) => void; now: () => number }> {
  let now = Date.parse('2026-03-01T10:00:00.250Z');
  const sandbox = await startSandbox({ ...options, clock: () => now });
  open.push(sandbox);
  return { sandbox, advance: (ms) => void (now += ms), now: () => now };
}

async function start(options: SandboxOptions = {}): Promise<SandboxServer> {
  const sandbox = await startSandbox(options);
  open.push(sandbox);
  return sandbox;
}

const me = (sandbox: SandboxServer, token?: string | null) => call(sandbox, 'GET', '/user/me', { token });

function rate(result: CallResult): Record<string, string | null> {
  const names = ['x-ratelimit-limit', 'x-ratelimit-remaining', 'retry-after', 'x-ratelimit-reset'];
  return Object.fromEntries(names.map((name) => [name, result.headers.get(name)]));
}

const NO_RATE_HEADERS = { 'x-ratelimit-limit': null, 'x-ratelimit-remaining': null, 'retry-after': null, 'x-ratelimit-reset': null };

describe('the window', () => {
  it('allows `limit` requests, then answers 429 Too Many Attempts with all four headers', async () => {
    const { sandbox, now } = await onFakeClock({ throttle: { limit: 3, windowMs: 2000 } });
    const results = [await me(sandbox), await me(sandbox), await me(sandbox)];
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(results.map(rate)).toEqual(
      ['2', '1', '0'].map((remaining) => ({ 'x-ratelimit-limit': '3', 'x-ratelimit-remaining': remaining, 'retry-after': null, 'x-ratelimit-reset': null })),
    );
    const limited = await call(sandbox, 'POST', '/user/api-keys', { json: { name: 'Too many' } });
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ message: 'Too Many Attempts.' });
    // The window began at the first hit (xx:00.250) and ends 2 s later, at xx:02.250.
    expect(rate(limited)).toEqual({
      'x-ratelimit-limit': '3',
      'x-ratelimit-remaining': '0',
      'retry-after': '2',
      'x-ratelimit-reset': String(Math.ceil((now() + 2000) / 1000)),
    });
    expect(sandbox.listKeysOf(sandbox.demo.token).map((k) => k.name)).not.toContain('Too many');
  });

  it('is a fixed window that starts at the first request, not at start-up or on a clock boundary', async () => {
    const { sandbox, advance } = await onFakeClock({ throttle: { limit: 2, windowMs: 2000 } });
    advance(10_000); // idle time before the first request does not matter
    expect((await me(sandbox)).status).toBe(200); // window [10.250 s, 12.250 s)
    advance(1000);
    expect((await me(sandbox)).status).toBe(200);
    advance(400); // 11.650 s: 0.6 s left
    const limited = await me(sandbox);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    advance(599); // 12.249 s: still inside
    expect((await me(sandbox)).status).toBe(429);
    advance(1); // 12.250 s: a new window starts with this request
    const fresh = await me(sandbox);
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get('x-ratelimit-remaining')).toBe('1');
  });

  it('does not count rejected requests, so the next window is whole', async () => {
    const { sandbox, advance } = await onFakeClock({ throttle: { limit: 2, windowMs: 1000 } });
    await me(sandbox);
    await me(sandbox);
    for (let i = 0; i < 5; i++) expect((await me(sandbox)).status).toBe(429);
    advance(1000);
    expect((await me(sandbox)).headers.get('x-ratelimit-remaining')).toBe('1');
    expect((await me(sandbox)).status).toBe(200);
  });

  it('counts per user across all of that user’s tokens, and other users apart', async () => {
    const { sandbox } = await onFakeClock({ throttle: { limit: 4 } });
    const second = await createKey(sandbox, 'Second token'); // request 1
    await me(sandbox, second); // 2
    const list = await call(sandbox, 'GET', '/user/api-keys', { token: second }); // 3
    expect(list.headers.get('x-ratelimit-remaining')).toBe('1');
    await me(sandbox); // 4
    expect((await me(sandbox, second)).status).toBe(429);
    const other = sandbox.createAccount({ name: 'Fay', email: 'fay@example.com', totalBalance: 1 }).token;
    const otherMe = await me(sandbox, other);
    expect(otherMe.status).toBe(200);
    expect(otherMe.headers.get('x-ratelimit-remaining')).toBe('3');
  });

  it('does not count requests that fail authentication', async () => {
    const { sandbox } = await onFakeClock({ throttle: { limit: 2 } });
    for (let i = 0; i < 5; i++) expect((await me(sandbox, null)).status).toBe(401);
    expect((await me(sandbox)).headers.get('x-ratelimit-remaining')).toBe('1');
  });

  it('still sets last_used_at on a request that then gets 429 (auth runs before the throttle)', async () => {
    const { sandbox, advance, now } = await onFakeClock({ throttle: { limit: 1, windowMs: 60_000 } });
    const { token, key } = sandbox.seedKey(sandbox.demo.token, { name: 'Used only when throttled', createdAt: now() - 86_400_000 });
    expect(key.last_used_at).toBeNull();
    expect((await me(sandbox)).status).toBe(200);
    advance(5_000);
    expect((await me(sandbox, token)).status).toBe(429);
    const seen = sandbox.listKeysOf(sandbox.demo.token).find((k) => k.id === key.id);
    expect(seen?.last_used_at).toBe('2026-03-01T10:00:05.000000Z'); // the fake clock's now, in whole seconds
  });

  it('uses a short real window too (default clock)', async () => {
    // A second is long enough for three loopback requests on a loaded machine.
    const sandbox = await start({ throttle: { limit: 2, windowMs: 1000 } });
    expect((await me(sandbox)).status).toBe(200);
    const first = sandbox.requests[0]?.at ?? Number.NaN; // when the window began, on the server's clock
    expect((await me(sandbox)).status).toBe(200);
    const limited = await me(sandbox);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1'); // whole seconds, rounded up
    await new Promise((resolve) => setTimeout(resolve, first + 1100 - Date.now()));
    expect((await me(sandbox)).status).toBe(200);
  });

  it('keeps { perMinute } working, and `true` means Laravel’s 60 a minute', async () => {
    const { sandbox } = await onFakeClock({ throttle: { perMinute: 5 } });
    expect(sandbox.throttle).toEqual({ enforced: true, limit: 5, windowMs: 60_000 });
    for (let i = 0; i < 5; i++) await me(sandbox);
    const limited = await me(sandbox);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('60');

    const { sandbox: laravelDefault } = await onFakeClock({ throttle: true });
    expect(laravelDefault.throttle).toEqual({ enforced: true, limit: 60, windowMs: 60_000 });
    expect(DEFAULT_THROTTLE).toEqual({ limit: 60, windowMs: 60_000 });
    const statuses: number[] = [];
    for (let i = 0; i < 61; i++) statuses.push((await me(laravelDefault)).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(60);
    expect(statuses.at(-1)).toBe(429);
  });

  it.each([
    [{ perMinute: 0 }, 'throttle.perMinute'],
    [{ limit: 0 }, 'throttle.limit'],
    [{ limit: 2.5 }, 'throttle.limit'],
    [{ limit: 10, windowMs: 0 }, 'throttle.windowMs'],
    [{ limit: 10, windowMs: Number.NaN }, 'throttle.windowMs'],
  ])('rejects the nonsensical setting %o', async (throttle, field) => {
    await expect(startSandbox({ throttle })).rejects.toThrow(new RegExp(field.replace('.', '\\.')));
    await expect(startSandbox({ throttle })).rejects.toThrow(RangeError);
  });
});

describe('rate-limit headers on each kind of answer', () => {
  /** Every kind of answer the API gives; `limited` says whether it passed the throttle. */
  async function everyAnswer(sandbox: SandboxServer): Promise<Array<{ label: string; result: CallResult; limited: boolean }>> {
    const json = { 'Content-Type': 'application/json' };
    const answers: Array<{ label: string; result: CallResult; limited: boolean }> = [];
    const add = async (label: string, limited: boolean, result: Promise<CallResult>) => answers.push({ label, limited, result: await result });
    await add('200 me', true, me(sandbox));
    await add('HEAD list', true, call(sandbox, 'HEAD', '/user/api-keys'));
    await add('200 list', true, call(sandbox, 'GET', '/user/api-keys'));
    await add('201 create', true, call(sandbox, 'POST', '/user/api-keys', { json: { name: 'Counted' } }));
    await add('422 create', true, call(sandbox, 'POST', '/user/api-keys', { json: {} }));
    await add('302 create without JSON Accept', true, call(sandbox, 'POST', '/user/api-keys', { headers: { Accept: 'text/html' }, redirect: 'manual' }));
    await add('404 API key not found', true, call(sandbox, 'DELETE', '/user/api-keys/999999'));
    await add('200 delete', true, call(sandbox, 'DELETE', `/user/api-keys/${sandbox.listKeysOf(sandbox.demo.token)[0]?.id}`));
    await add('401 no token', false, me(sandbox, null));
    await add('401 wrong token', false, me(sandbox, '1|wrong'));
    await add('302 to /login without JSON Accept', false, call(sandbox, 'GET', '/user/me', { token: null, headers: { Accept: '*/*' }, redirect: 'manual' }));
    await add('404 unknown route', false, call(sandbox, 'GET', '/user/keys'));
    await add('405 wrong method', false, call(sandbox, 'PUT', '/user/me'));
    await add('200 OPTIONS', false, call(sandbox, 'OPTIONS', '/user/me'));
    await add('413 too large', false, call(sandbox, 'POST', '/user/api-keys', { rawBody: 'x'.repeat(1024 * 1024 + 1), headers: json }));
    await add('200 login page', false, call(sandbox, 'GET', '/../login', { token: null, headers: { Accept: 'text/html' } }));
    return answers;
  }

  it('throttled: Limit and Remaining on every answer that passed the throttle, none on the others', async () => {
    const { sandbox } = await onFakeClock({ throttle: { limit: 100, windowMs: 60_000 } });
    const answers = await everyAnswer(sandbox);
    let remaining = 100;
    for (const { label, result, limited } of answers) {
      if (limited) {
        remaining--;
        expect(rate(result), label).toEqual({ 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': String(remaining), 'retry-after': null, 'x-ratelimit-reset': null });
      } else {
        expect(rate(result), label).toEqual(NO_RATE_HEADERS);
      }
    }
    expect(answers.filter((a) => a.limited)).toHaveLength(8);
  });

  it('throttling off (the default): the same answers carry a huge limit that a pacing client never runs out of', async () => {
    const sandbox = await start();
    expect(sandbox.throttle).toEqual({ enforced: false, limit: UNTHROTTLED_LIMIT, windowMs: 60_000 });
    for (const { label, result, limited } of await everyAnswer(sandbox)) {
      if (limited) {
        expect(result.headers.get('x-ratelimit-limit'), label).toBe(String(UNTHROTTLED_LIMIT));
        expect(Number(result.headers.get('x-ratelimit-remaining')), label).toBeGreaterThan(UNTHROTTLED_LIMIT - 100);
      } else {
        expect(rate(result), label).toEqual(NO_RATE_HEADERS);
      }
    }
    for (let i = 0; i < 200; i++) expect((await me(sandbox)).status).toBe(200);
  });

  it('rateLimitHeaders: false sends no X-RateLimit-* header at all; a 429 keeps Retry-After', async () => {
    const { sandbox } = await onFakeClock({ throttle: { limit: 100 }, rateLimitHeaders: false });
    for (const { label, result } of await everyAnswer(sandbox)) expect(rate(result), label).toEqual(NO_RATE_HEADERS);
    sandbox.setThrottle({ limit: 1 });
    const limited = await me(sandbox);
    expect(limited.status).toBe(429);
    expect(rate(limited)).toEqual({ ...NO_RATE_HEADERS, 'retry-after': '60' });
    sandbox.faults.add({ fault: { type: 'rate-limit', retryAfterSeconds: 3 } });
    expect(rate(await me(sandbox))).toEqual({ ...NO_RATE_HEADERS, 'retry-after': '3' });

    const unthrottled = await start({ rateLimitHeaders: false });
    expect(rate(await me(unthrottled))).toEqual(NO_RATE_HEADERS);
  });

  it('the rate-limit fault advertises the limit in force', async () => {
    const { sandbox, now } = await onFakeClock({ throttle: { limit: 20, windowMs: 2000 } });
    sandbox.faults.add({ fault: { type: 'rate-limit', retryAfterSeconds: 4 } });
    const result = await me(sandbox);
    expect(result.status).toBe(429);
    expect(rate(result)).toEqual({ 'x-ratelimit-limit': '20', 'x-ratelimit-remaining': '0', 'retry-after': '4', 'x-ratelimit-reset': String(Math.ceil(now() / 1000) + 4) });
  });

  it('an unauthenticated fault answers like a real 401: no rate-limit headers', async () => {
    const sandbox = await start({ throttle: { limit: 5 } });
    sandbox.faults.add({ fault: { type: 'unauthenticated' } });
    const result = await me(sandbox);
    expect(result.status).toBe(401);
    expect(rate(result)).toEqual(NO_RATE_HEADERS);
  });
});

describe('changing the limit while the server runs', () => {
  it('a lower limit applies from the next request: the headers change and the count so far stays', async () => {
    const { sandbox } = await onFakeClock({ throttle: { limit: 20, windowMs: 2000 } });
    for (let i = 0; i < 5; i++) await me(sandbox);
    sandbox.setThrottle({ limit: 8, windowMs: 2000 });
    expect(sandbox.throttle).toEqual({ enforced: true, limit: 8, windowMs: 2000 });
    const next = await me(sandbox);
    expect(rate(next)).toMatchObject({ 'x-ratelimit-limit': '8', 'x-ratelimit-remaining': '2' });
    await me(sandbox);
    await me(sandbox);
    expect((await me(sandbox)).status).toBe(429);
    // Below what was already used: every further request in this window is refused.
    sandbox.setThrottle({ limit: 3, windowMs: 2000 });
    const over = await me(sandbox);
    expect(over.status).toBe(429);
    expect(rate(over)).toMatchObject({ 'x-ratelimit-limit': '3', 'x-ratelimit-remaining': '0' });
  });

  it('a raised limit lets the same window go on', async () => {
    const { sandbox } = await onFakeClock({ throttle: { limit: 2, windowMs: 2000 } });
    await me(sandbox);
    await me(sandbox);
    expect((await me(sandbox)).status).toBe(429);
    sandbox.setThrottle({ limit: 4, windowMs: 2000 });
    expect((await me(sandbox)).headers.get('x-ratelimit-remaining')).toBe('1');
  });

  it('a new window length applies to the next window; the running one keeps its end', async () => {
    const { sandbox, advance } = await onFakeClock({ throttle: { limit: 1, windowMs: 2000 } });
    await me(sandbox);
    sandbox.setThrottle({ limit: 1, windowMs: 10_000 });
    advance(1000);
    expect((await me(sandbox)).headers.get('retry-after')).toBe('1');
    advance(1000); // the old 2 s window is over; the new one lasts 10 s
    expect((await me(sandbox)).status).toBe(200);
    advance(9000);
    const limited = await me(sandbox);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
  });

  it('turns throttling off and on, and resetRateLimits() starts every window afresh', async () => {
    const { sandbox } = await onFakeClock({ throttle: { limit: 1 } });
    await me(sandbox);
    expect((await me(sandbox)).status).toBe(429);
    sandbox.setThrottle(false);
    const off = await me(sandbox);
    expect(off.status).toBe(200);
    expect(off.headers.get('x-ratelimit-limit')).toBe(String(UNTHROTTLED_LIMIT));
    sandbox.setThrottle({ limit: 2 });
    expect((await me(sandbox)).status).toBe(429); // two requests already counted in this window
    sandbox.resetRateLimits();
    expect((await me(sandbox)).headers.get('x-ratelimit-remaining')).toBe('1');
    expect(() => sandbox.setThrottle({ limit: -1 })).toThrow(RangeError);
    expect(sandbox.throttle.limit).toBe(2); // a refused setting changes nothing
  });
});
