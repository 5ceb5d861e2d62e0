// Fault injection: every fault type, rule matching, and the request log.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxServer } from '../../src/sandbox/index';
import { call } from './support';

let sandbox: SandboxServer;
beforeEach(async () => {
  sandbox = await startSandbox();
});
afterEach(async () => {
  await sandbox.close();
});

const names = (): string[] => sandbox.listKeysOf(sandbox.demo.token).map((k) => k.name);
const post = (name: string) => call(sandbox, 'POST', '/user/api-keys', { json: { name } });

describe('fault types', () => {
  it('latency delays, then handles normally', async () => {
    sandbox.faults.add({ path: '/user/me', fault: { type: 'latency', ms: 150 } });
    const started = performance.now();
    const result = await call(sandbox, 'GET', '/user/me');
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ name: 'Demo User' });
    const fast = performance.now();
    await call(sandbox, 'GET', '/user/me');
    expect(performance.now() - fast).toBeLessThan(140);
  });

  it('latency on a POST still reads the body that arrived during the delay', async () => {
    sandbox.faults.add({ method: 'POST', fault: { type: 'latency', ms: 50 } });
    const result = await post('Slow but sure');
    expect(result.status).toBe(201);
    expect(names()).toContain('Slow but sure');
  });

  it('status answers with the given status, body, content type and headers, without processing', async () => {
    const html = '<html><body><h1>502 Bad Gateway</h1></body></html>';
    sandbox.faults.add({ method: 'POST', fault: { type: 'status', status: 502, body: html, headers: { 'X-Proxy': 'nginx' } } });
    const result = await post('Never created');
    expect(result.status).toBe(502);
    expect(result.text).toBe(html);
    expect(result.headers.get('content-type')).toContain('text/html');
    expect(result.headers.get('x-proxy')).toBe('nginx');
    expect(names()).not.toContain('Never created');
  });

  it('status without a body sends a JSON server error', async () => {
    sandbox.faults.add({ fault: { type: 'status', status: 500 } });
    const result = await call(sandbox, 'GET', '/user/me');
    expect(result.status).toBe(500);
    expect(result.headers.get('content-type')).toBe('application/json');
    expect(result.body).toEqual({ message: 'Server Error' });
  });

  it('rate-limit answers Laravel’s 429 with Retry-After', async () => {
    sandbox.faults.add({ fault: { type: 'rate-limit', retryAfterSeconds: 7 } });
    const result = await post('Throttled');
    expect(result.status).toBe(429);
    expect(result.body).toEqual({ message: 'Too Many Attempts.' });
    expect(result.headers.get('retry-after')).toBe('7');
    expect(result.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(names()).not.toContain('Throttled');
  });

  it('malformed sends the given body with status 200 by default', async () => {
    sandbox.faults.add({ fault: { type: 'malformed', body: '{"api_keys": ' } });
    sandbox.faults.add({ fault: { type: 'malformed', body: '{"unexpected":true}', status: 201 } });
    const broken = await fetch(`${sandbox.baseUrl}/user/api-keys`, { headers: { Accept: 'application/json', Authorization: `Bearer ${sandbox.demo.token}` } });
    expect(broken.status).toBe(200);
    expect(broken.headers.get('content-type')).toBe('application/json');
    await expect(broken.json()).rejects.toThrow(SyntaxError);
    const wrongShape = await post('Shape');
    expect(wrongShape.status).toBe(201);
    expect(wrongShape.body).toEqual({ unexpected: true });
    expect(names()).not.toContain('Shape');
  });

  it('drop destroys the socket without processing the request', async () => {
    sandbox.faults.add({ method: 'POST', fault: { type: 'drop' } });
    await expect(post('Dropped')).rejects.toThrow(TypeError);
    expect(names()).not.toContain('Dropped');
    expect(sandbox.requests.at(-1)).toMatchObject({ method: 'POST', path: '/user/api-keys', status: null, fault: 'drop' });
    expect((await post('After drop')).status).toBe(201);
  });

  it('drop-after-commit creates the key but never answers', async () => {
    sandbox.faults.add({ method: 'POST', fault: { type: 'drop-after-commit' } });
    await expect(post('Committed')).rejects.toThrow(TypeError);
    expect(names()).toContain('Committed');
    expect(sandbox.requests.at(-1)).toMatchObject({ status: null, fault: 'drop-after-commit' });
  });

  it('drop-after-commit on DELETE deletes the key', async () => {
    const created = await post('Delete me');
    const id = (created.body as { api_key: { token: string } }).api_key.token.split('|')[0];
    sandbox.faults.add({ method: 'DELETE', fault: { type: 'drop-after-commit' } });
    await expect(call(sandbox, 'DELETE', `/user/api-keys/${id}`)).rejects.toThrow(TypeError);
    expect(names()).not.toContain('Delete me');
  });

  it('drop-mid-response sends headers and part of the body, and the key exists', async () => {
    sandbox.faults.add({ method: 'POST', fault: { type: 'drop-mid-response' } });
    const response = await fetch(`${sandbox.baseUrl}/user/api-keys`, {
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': 'application/json', Authorization: `Bearer ${sandbox.demo.token}` },
      body: JSON.stringify({ name: 'Half' }),
    });
    expect(response.status).toBe(201);
    await expect(response.text()).rejects.toThrow();
    expect(names()).toContain('Half');
    expect(sandbox.requests.at(-1)).toMatchObject({ status: null, fault: 'drop-mid-response' });
  });

  it('hang never answers; the client times out and close() still returns promptly', async () => {
    sandbox.faults.add({ path: '/user/me', fault: { type: 'hang' } });
    const started = performance.now();
    const error = await call(sandbox, 'GET', '/user/me', { signal: AbortSignal.timeout(200) }).catch((e: unknown) => e);
    expect((error as Error).name).toBe('TimeoutError');
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    expect(sandbox.requests.at(-1)).toMatchObject({ path: '/user/me', status: null, fault: 'hang' });
  });

  it('close() destroys a socket that is still hanging', async () => {
    sandbox.faults.add({ fault: { type: 'hang' } });
    const pending = call(sandbox, 'GET', '/user/me').catch((e: unknown) => e);
    await waitFor(() => sandbox.requests.length === 1);
    const started = performance.now();
    await sandbox.close();
    expect(performance.now() - started).toBeLessThan(500);
    expect(await pending).toBeInstanceOf(TypeError); // the client sees the connection end
  });

  it('unauthenticated answers 401 even for a valid token, without processing', async () => {
    sandbox.faults.add({ method: 'POST', fault: { type: 'unauthenticated' } });
    const result = await post('Nope');
    expect(result.status).toBe(401);
    expect(result.body).toEqual({ message: 'Unauthenticated.' });
    expect(names()).not.toContain('Nope');
    expect((await call(sandbox, 'GET', '/user/me')).status).toBe(200);
  });
});

describe('rule matching', () => {
  it('applies a rule `times` times, then lets requests through', async () => {
    const handle = sandbox.faults.add({ path: '/user/me', times: 2, fault: { type: 'status', status: 503 } });
    expect(handle.remaining).toBe(2);
    expect((await call(sandbox, 'GET', '/user/me')).status).toBe(503);
    expect(handle.remaining).toBe(1);
    expect((await call(sandbox, 'GET', '/user/me')).status).toBe(503);
    expect((await call(sandbox, 'GET', '/user/me')).status).toBe(200);
    expect(sandbox.faults.size).toBe(0);
  });

  it('matches method and exact path, and RegExp paths', async () => {
    sandbox.faults.add({ method: 'delete', path: /^\/user\/api-keys\/\d+$/g, times: Infinity, fault: { type: 'status', status: 500 } });
    expect((await call(sandbox, 'GET', '/user/api-keys')).status).toBe(200);
    expect((await call(sandbox, 'DELETE', '/user/api-keys/1')).status).toBe(500);
    expect((await call(sandbox, 'DELETE', '/user/api-keys/2')).status).toBe(500); // /g lastIndex does not leak
    expect((await call(sandbox, 'DELETE', '/user/api-keys/abc')).status).toBe(404);
    sandbox.faults.add({ path: '/user/api-keys', fault: { type: 'status', status: 418 } });
    expect((await call(sandbox, 'DELETE', '/user/api-keys/1')).status).toBe(500);
    expect((await call(sandbox, 'GET', '/user/api-keys')).status).toBe(418);
  });

  it('uses the first matching rule in insertion order', async () => {
    sandbox.faults.add({ fault: { type: 'status', status: 500 } });
    sandbox.faults.add({ path: '/user/me', fault: { type: 'status', status: 503 } });
    expect((await call(sandbox, 'GET', '/user/me')).status).toBe(500);
    expect((await call(sandbox, 'GET', '/user/me')).status).toBe(503);
    expect((await call(sandbox, 'GET', '/user/me')).status).toBe(200);
  });

  it('removes a rule through its handle, and all rules through clear()', async () => {
    const handle = sandbox.faults.add({ times: Infinity, fault: { type: 'status', status: 500 } });
    expect((await call(sandbox, 'GET', '/user/me')).status).toBe(500);
    handle.remove();
    expect((await call(sandbox, 'GET', '/user/me')).status).toBe(200);
    sandbox.faults.add({ times: Infinity, fault: { type: 'status', status: 500 } });
    sandbox.faults.add({ times: 3, fault: { type: 'drop' } });
    sandbox.faults.clear();
    expect(sandbox.faults.size).toBe(0);
    expect((await call(sandbox, 'GET', '/user/me')).status).toBe(200);
  });

  it('rejects rules that cannot work', () => {
    expect(() => sandbox.faults.add({ times: 0, fault: { type: 'drop' } })).toThrow(RangeError);
    expect(() => sandbox.faults.add({ fault: { type: 'status', status: 42 } })).toThrow(RangeError);
    expect(() => sandbox.faults.add({ fault: { type: 'latency', ms: -1 } })).toThrow(RangeError);
  });
});

describe('request log', () => {
  it('records every request with method, path after /api, status and time, faulted ones included', async () => {
    const started = Date.now();
    sandbox.faults.add({ path: '/user/api-keys', method: 'GET', fault: { type: 'status', status: 502 } });
    await call(sandbox, 'GET', '/user/me');
    await call(sandbox, 'GET', '/user/api-keys?page=2');
    await post('Logged');
    await call(sandbox, 'DELETE', '/user/api-keys/424242');
    await call(sandbox, 'GET', '/user/me', { token: null });
    expect(sandbox.requests.map(({ method, path, status, fault }) => ({ method, path, status, fault }))).toEqual([
      { method: 'GET', path: '/user/me', status: 200, fault: null },
      { method: 'GET', path: '/user/api-keys', status: 502, fault: 'status' },
      { method: 'POST', path: '/user/api-keys', status: 201, fault: null },
      { method: 'DELETE', path: '/user/api-keys/424242', status: 404, fault: null },
      { method: 'GET', path: '/user/me', status: 401, fault: null },
    ]);
    expect(sandbox.requests[1]?.url).toBe('/api/user/api-keys?page=2');
    for (const entry of sandbox.requests) {
      expect(entry.at).toBeGreaterThanOrEqual(started);
      expect(entry.at).toBeLessThanOrEqual(Date.now());
    }
    sandbox.resetRequests();
    expect(sandbox.requests).toEqual([]);
    await call(sandbox, 'GET', '/user/me');
    expect(sandbox.requests).toHaveLength(1);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
