// Server-level behaviour: connections, bulk seeding, routing errors, limits, shutdown.
import { afterEach, describe, expect, it } from 'vitest';
import { refusedBaseUrl, startSandbox, type SandboxOptions, type SandboxServer } from '../../src/sandbox/index';
import { LARAVEL_TIMESTAMP, TOKEN_FORMAT, call } from './support';

const open: SandboxServer[] = [];
async function start(options?: SandboxOptions): Promise<SandboxServer> {
  const sandbox = await startSandbox(options);
  open.push(sandbox);
  return sandbox;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

describe('listening and shutdown', () => {
  it('listens on 127.0.0.1 with an ephemeral port under /api', async () => {
    const a = await start();
    const b = await start();
    expect(a.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api$/);
    expect(a.baseUrl).not.toBe(b.baseUrl);
  });

  it('can start without the demo account', async () => {
    const sandbox = await start({ seedDemo: false });
    expect(sandbox.demo).toEqual({ token: '', email: '', name: '' });
    const { token } = sandbox.createAccount({ name: 'Solo', email: 'solo@example.com', totalBalance: 42 });
    expect(token).toMatch(TOKEN_FORMAT);
    expect(token.startsWith('1|')).toBe(true);
    expect((await call(sandbox, 'GET', '/user/me', { token })).body).toEqual({ name: 'Solo', email: 'solo@example.com', total_balance: 42 });
    expect(sandbox.listKeysOf(token).map((k) => k.name)).toEqual(['Sign-in key']);
  });

  it('refuses a second account with the same email', async () => {
    const sandbox = await start();
    expect(() => sandbox.createAccount({ name: 'Dup', email: 'DEMO@example.com', totalBalance: 0 })).toThrow();
  });

  it('closes promptly although fetch keeps the connection alive, and stops answering', async () => {
    const sandbox = await startSandbox();
    expect((await call(sandbox, 'GET', '/user/me')).status).toBe(200);
    const started = performance.now();
    await sandbox.close();
    expect(performance.now() - started).toBeLessThan(500);
    await expect(call(sandbox, 'GET', '/user/me')).rejects.toThrow(TypeError);
  });

  it('refusedBaseUrl points where nothing listens', async () => {
    const url = await refusedBaseUrl();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api$/);
    const error = (await fetch(`${url}/user/me`).catch((e: unknown) => e)) as Error & { cause?: { code?: string } };
    expect(error).toBeInstanceOf(TypeError);
    expect(error.cause?.code).toBe('ECONNREFUSED');
  });
});

describe('connections', () => {
  it('reuses one keep-alive connection for sequential requests', async () => {
    const sandbox = await start();
    for (let i = 0; i < 20; i++) {
      expect((await call(sandbox, 'GET', '/user/me')).status).toBe(200);
      // undici hands the socket back to its pool just after the body resolves; without this
      // yield the next fetch opens a second socket and the two alternate (still keep-alive).
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(sandbox.connectionCount).toBe(1);
    const last = await fetch(`${sandbox.baseUrl}/user/me`, { headers: { Accept: 'application/json', Authorization: `Bearer ${sandbox.demo.token}` } });
    expect(last.headers.get('connection')).not.toBe('close');
    await last.text();
    sandbox.resetConnections();
    expect(sandbox.connectionCount).toBe(0);
  });

  it('keeps back-to-back fetches on at most two sockets', async () => {
    const sandbox = await start();
    for (let i = 0; i < 20; i++) await call(sandbox, 'GET', '/user/me');
    expect(sandbox.connectionCount).toBeLessThanOrEqual(2);
  });

  it('counts parallel requests as parallel connections', async () => {
    const sandbox = await start();
    sandbox.faults.add({ times: 5, fault: { type: 'latency', ms: 50 } });
    await Promise.all(Array.from({ length: 5 }, () => call(sandbox, 'GET', '/user/me')));
    expect(sandbox.connectionCount).toBe(5);
  });
});

describe('bulk seeding', () => {
  it('seeds 10,000 keys in under a second and lists them all', async () => {
    const sandbox = await start();
    const started = performance.now();
    sandbox.seedKeys(sandbox.demo.token, 10_000);
    expect(performance.now() - started).toBeLessThan(1000);

    const listed = await call(sandbox, 'GET', '/user/api-keys');
    expect(listed.status).toBe(200);
    const keys = (listed.body as { api_keys: { id: number; name: string; created_at: string; last_used_at: string | null }[] }).api_keys;
    expect(keys).toHaveLength(10_003);
    expect(keys.every((k, i) => i === 0 || k.id > (keys[i - 1]?.id ?? Infinity))).toBe(true);
    const seeded = keys.slice(3);
    expect(seeded[0]?.name).toBe('Seeded key 1');
    expect(seeded.at(-1)?.name).toBe('Seeded key 10000');
    expect(new Set(seeded.map((k) => k.created_at)).size).toBe(10_000);
    expect(seeded.every((k) => LARAVEL_TIMESTAMP.test(k.created_at))).toBe(true);
    expect(seeded.some((k) => k.last_used_at === null)).toBe(true);
    expect(seeded.some((k) => k.last_used_at !== null)).toBe(true);
    expect(sandbox.listKeysOf(sandbox.demo.token)).toHaveLength(10_003);

    const id = seeded[5_000]?.id;
    expect((await call(sandbox, 'DELETE', `/user/api-keys/${id}`)).status).toBe(200);
    expect(sandbox.listKeysOf(sandbox.demo.token)).toHaveLength(10_002);
  });

  it('uses the name prefix and the owner of any of the account’s tokens', async () => {
    const sandbox = await start();
    const spare = (await call(sandbox, 'POST', '/user/api-keys', { json: { name: 'Spare' } })).body as { api_key: { token: string } };
    sandbox.seedKeys(spare.api_key.token, 2, 'Batch');
    expect(sandbox.listKeysOf(sandbox.demo.token).slice(-2).map((k) => k.name)).toEqual(['Batch 1', 'Batch 2']);
    expect(() => sandbox.seedKeys('1|nope', 1)).toThrow();
  });
});

const ONE_MIB = 1024 * 1024;

describe('routing and request limits', () => {
  it('answers an unknown route with Laravel 8’s empty 404 message, before authentication', async () => {
    const sandbox = await start({ laravel: 8 });
    for (const token of [undefined, null, 'garbage']) {
      const result = await call(sandbox, 'GET', '/user/keys', { token });
      expect(result.status).toBe(404);
      expect(result.text).toBe('{"message":""}');
    }
    expect((await call(sandbox, 'DELETE', '/user/api-keys/1/extra', { token: null })).body).toEqual({ message: '' });
  });

  it('answers an unknown route with Laravel 10’s "could not be found" message, before authentication', async () => {
    // Laravel 9.52+ names the path (AbstractRouteCollection::handleMatchedRoute); 8 does not.
    const sandbox = await start();
    for (const token of [undefined, null]) {
      const result = await call(sandbox, 'GET', '/user/keys', { token });
      expect(result.status).toBe(404);
      expect(result.body).toEqual({ message: 'The route api/user/keys could not be found.' });
    }
  });

  it.each([
    [10, 'The PUT method is not supported for route api/user/api-keys. Supported methods: GET, HEAD, POST.'],
    [8, 'The PUT method is not supported for this route. Supported methods: GET, HEAD, POST.'],
  ] as const)('answers a wrong method with 405, an Allow header and Laravel %i’s message', async (laravel, message) => {
    const sandbox = await start({ laravel });
    const put = await call(sandbox, 'PUT', '/user/api-keys', { json: { name: 'x' } });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, HEAD, POST');
    expect(put.body).toEqual({ message });
    const get = await call(sandbox, 'GET', '/user/api-keys/3');
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('DELETE');
    const post = await call(sandbox, 'POST', '/user/me', { token: null });
    expect(post.status).toBe(405); // routing comes before authentication
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    const html = await call(sandbox, 'PATCH', '/user/me', { headers: { Accept: 'text/html' } });
    expect(html.status).toBe(405);
    expect(html.headers.get('allow')).toBe('GET, HEAD');
    expect(html.headers.get('content-type')).toContain('text/html');
  });

  it('answers OPTIONS with 200 and the methods, comma-separated without spaces', async () => {
    const sandbox = await start();
    const result = await call(sandbox, 'OPTIONS', '/user/api-keys', { token: null });
    expect(result.status).toBe(200);
    expect(result.headers.get('allow')).toBe('GET,HEAD,POST');
    expect(result.text).toBe('');
  });

  it.each([8, 10] as const)('accepts a trailing slash on every route (Laravel %i)', async (laravel) => {
    const sandbox = await start({ laravel });
    expect((await call(sandbox, 'GET', '/user/me/')).status).toBe(200);
    const listed = await call(sandbox, 'GET', '/user/api-keys/');
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual(await call(sandbox, 'GET', '/user/api-keys').then((r) => r.body));
    const created = await call(sandbox, 'POST', '/user/api-keys/', { json: { name: 'Slashed' } });
    expect(created.status).toBe(201);
    const id = (created.body as { api_key: { token: string } }).api_key.token.split('|')[0];
    expect((await call(sandbox, 'DELETE', `/user/api-keys/${id}/`)).status).toBe(200);
    expect(sandbox.listKeysOf(sandbox.demo.token).map((k) => k.name)).not.toContain('Slashed');
  });

  it('answers HEAD like GET without a body', async () => {
    const sandbox = await start();
    const head = await call(sandbox, 'HEAD', '/user/api-keys');
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
  });

  it('answers bodies over 1 MiB with 413 JSON and keeps serving', async () => {
    const sandbox = await start();
    const big = await call(sandbox, 'POST', '/user/api-keys', { json: { name: 'x'.repeat(ONE_MIB) } });
    expect(big.status).toBe(413);
    expect(big.headers.get('content-type')).toBe('application/json');
    expect(big.body).toEqual({ message: 'The POST data is too large.' });
    const justUnder = await call(sandbox, 'POST', '/user/api-keys', { json: { name: 'x'.repeat(ONE_MIB - 20) } });
    expect(justUnder.status).toBe(422); // read and validated, not rejected for size
    expect((await call(sandbox, 'GET', '/user/me')).status).toBe(200);
  });
});

describe('clients that do not ask for JSON (strictAccept, default on)', () => {
  const noAccept = { headers: { Accept: '*/*' }, redirect: 'manual' as const };

  it('redirects an unauthenticated request to /login, like Laravel’s Authenticate middleware', async () => {
    const sandbox = await start();
    const result = await call(sandbox, 'GET', '/user/me', { ...noAccept, token: null });
    expect(result.status).toBe(302);
    expect(result.headers.get('location')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/login$/);
    const followed = await call(sandbox, 'GET', '/user/me', { token: null, headers: { Accept: '*/*' } });
    expect(followed.status).toBe(200);
    expect(followed.headers.get('content-type')).toContain('text/html');
  });

  it('redirects a validation failure back instead of answering 422', async () => {
    const sandbox = await start();
    const result = await call(sandbox, 'POST', '/user/api-keys', { ...noAccept, json: {} });
    expect(result.status).toBe(302);
  });

  it('still answers successful requests with JSON', async () => {
    const sandbox = await start();
    expect((await call(sandbox, 'GET', '/user/me', noAccept)).status).toBe(200);
  });

  it('answers JSON anyway when strictAccept is false', async () => {
    const sandbox = await start({ strictAccept: false });
    const result = await call(sandbox, 'GET', '/user/me', { ...noAccept, token: null });
    expect(result.status).toBe(401);
    expect(result.body).toEqual({ message: 'Unauthenticated.' });
  });
});
