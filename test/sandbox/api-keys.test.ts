// Contract behaviour of the sandbox: authentication, list, create (validation), delete, as
// Laravel 8 (+ Sanctum 2) and Laravel 10 (+ Sanctum 4) answer it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxServer } from '../../src/sandbox/index';
import { LARAVEL_TIMESTAMP, SANCTUM_2_TOKEN, SANCTUM_4_TOKEN, call, createKey } from './support';

/** What each version says, as observed on real servers (see shared/autocalls-api.md). */
const VERSIONS = [
  {
    laravel: 8,
    token: SANCTUM_2_TOKEN,
    required: 'The name field is required.',
    string: 'The name must be a string.',
    max: 'The name must not be greater than 255 characters.',
    summary: (_messages: string[]) => 'The given data was invalid.',
  },
  {
    laravel: 10,
    token: SANCTUM_4_TOKEN,
    required: 'The name field is required.',
    string: 'The name field must be a string.',
    max: 'The name field must not be greater than 255 characters.',
    summary: (messages: string[]) => (messages.length === 1 ? messages[0] : `${messages[0]} (and ${messages.length - 1} more error)`),
  },
] as const;

describe.each(VERSIONS)('Laravel $laravel', (version) => {
  let sandbox: SandboxServer;
  beforeEach(async () => {
    sandbox = await startSandbox({ laravel: version.laravel });
  });
  afterEach(async () => {
    await sandbox.close();
  });

  interface KeyEntry {
    id: number;
    name: string;
    last_used_at: string | null;
    created_at: string;
  }
  const listOf = async (token?: string): Promise<KeyEntry[]> => {
    const result = await call(sandbox, 'GET', '/user/api-keys', { token });
    expect(result.status).toBe(200);
    return (result.body as { api_keys: KeyEntry[] }).api_keys;
  };

  describe('authentication', () => {
    it('accepts the demo token and returns the user', async () => {
      const result = await call(sandbox, 'GET', '/user/me');
      expect(result.status).toBe(200);
      expect(result.headers.get('content-type')).toBe('application/json');
      expect(result.body).toEqual({ name: 'Demo User', email: 'demo@example.com', total_balance: 125.5 });
      expect(sandbox.demo).toMatchObject({ name: 'Demo User', email: 'demo@example.com' });
      expect(sandbox.demo.token).toMatch(version.token);
    });

    it('answers 401 Unauthenticated for a missing, wrong or malformed token', async () => {
      const [id] = sandbox.demo.token.split('|');
      const wrong = [null, `${id}|${'a'.repeat(40)}`, `999|${sandbox.demo.token.split('|')[1]}`, 'garbage', `${id}|`, ''];
      for (const token of wrong) {
        const result = await call(sandbox, 'GET', '/user/me', { token });
        expect(result.status, String(token)).toBe(401);
        expect(result.body).toEqual({ message: 'Unauthenticated.' });
      }
    });

    it('accepts the scheme in any case, as Laravel does', async () => {
      const result = await call(sandbox, 'GET', '/user/me', { token: null, headers: { Authorization: `bearer ${sandbox.demo.token}` } });
      expect(result.status).toBe(200);
    });

    it('rejects a revoked token', async () => {
      const token = await createKey(sandbox, 'Short-lived');
      expect((await call(sandbox, 'GET', '/user/me', { token })).status).toBe(200);
      const id = token.split('|')[0];
      expect((await call(sandbox, 'DELETE', `/user/api-keys/${id}`)).status).toBe(200);
      const after = await call(sandbox, 'GET', '/user/me', { token });
      expect(after.status).toBe(401);
      expect(after.body).toEqual({ message: 'Unauthenticated.' });
    });

    it('sets last_used_at of the key that authenticated, and only that one', async () => {
      const signIn = sandbox.createAccount({ name: 'Ann', email: 'ann@example.com', totalBalance: 3 }).token;
      const other = await createKey(sandbox, 'Other', signIn);
      const otherId = Number(other.split('|')[0]);
      expect(sandbox.listKeysOf(signIn).find((k) => k.id === otherId)?.last_used_at).toBeNull();

      const before = Date.now();
      expect((await call(sandbox, 'GET', '/user/me', { token: other })).status).toBe(200);
      const used = sandbox.listKeysOf(signIn).find((k) => k.id === otherId)?.last_used_at;
      expect(used).toMatch(LARAVEL_TIMESTAMP);
      const usedMs = Date.parse(used ?? '');
      expect(usedMs).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
      expect(usedMs).toBeLessThanOrEqual(Date.now());
    });

    it('does not touch last_used_at when authentication fails', async () => {
      const signIn = sandbox.createAccount({ name: 'Bo', email: 'bo@example.com', totalBalance: 0 }).token;
      const id = signIn.split('|')[0];
      await call(sandbox, 'GET', '/user/me', { token: `${id}|${'b'.repeat(40)}` });
      expect(sandbox.listKeysOf(signIn)[0]?.last_used_at).toBeNull();
    });
  });

  describe('GET /user/api-keys', () => {
    it('lists the caller’s keys in id order with exactly id, name, last_used_at, created_at', async () => {
      await createKey(sandbox, 'Zeta');
      await createKey(sandbox, 'Alpha');
      const keys = await listOf();
      expect(keys.map((k) => k.name)).toEqual(['Production API Key', 'Development API Key', 'Sign-in key', 'Zeta', 'Alpha']);
      const ids = keys.map((k) => k.id);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      for (const key of keys) {
        expect(Object.keys(key).sort()).toEqual(['created_at', 'id', 'last_used_at', 'name']);
        expect(key.created_at).toMatch(LARAVEL_TIMESTAMP);
        if (key.last_used_at !== null) expect(key.last_used_at).toMatch(LARAVEL_TIMESTAMP);
      }
      // The key used for this request already shows as used; a fresh key does not.
      expect(keys.find((k) => k.name === 'Sign-in key')?.last_used_at).not.toBeNull();
      expect(keys.find((k) => k.name === 'Development API Key')?.last_used_at).toBeNull();
    });

    it('never returns a token or its secret', async () => {
      const token = await createKey(sandbox, 'Secret holder');
      const result = await call(sandbox, 'GET', '/user/api-keys');
      expect(result.text).not.toContain(token.split('|')[1]);
      expect(result.text).not.toContain(sandbox.demo.token.split('|')[1]);
      expect(result.text).not.toContain('token');
    });

    it('shows only the caller’s keys and an empty list after all are gone', async () => {
      const signIn = sandbox.createAccount({ name: 'Cy', email: 'cy@example.com', totalBalance: 1 }).token;
      const keys = await listOf(signIn);
      expect(keys.map((k) => k.name)).toEqual(['Sign-in key']);
      const spare = await createKey(sandbox, 'Spare', signIn);
      await call(sandbox, 'DELETE', `/user/api-keys/${keys[0]?.id}`, { token: spare });
      await call(sandbox, 'DELETE', `/user/api-keys/${spare.split('|')[0]}`, { token: spare });
      expect(sandbox.listKeysOf(signIn)).toEqual([]);
    });

    it('uses one id sequence across accounts', async () => {
      const other = sandbox.createAccount({ name: 'Di', email: 'di@example.com', totalBalance: 1 }).token;
      const a = Number((await createKey(sandbox, 'A')).split('|')[0]);
      const b = Number((await createKey(sandbox, 'B', other)).split('|')[0]);
      const c = Number((await createKey(sandbox, 'C')).split('|')[0]);
      expect([b - a, c - b]).toEqual([1, 1]);
    });
  });

  describe('POST /user/api-keys', () => {
    it('answers 201 with message and api_key {name, token, created_at}, token id matching the list id', async () => {
      const result = await call(sandbox, 'POST', '/user/api-keys', { json: { name: 'Production' } });
      expect(result.status).toBe(201);
      const body = result.body as { message: string; api_key: { name: string; token: string; created_at: string } };
      expect(Object.keys(body).sort()).toEqual(['api_key', 'message']);
      expect(body.message).toBe('API key created successfully.');
      expect(Object.keys(body.api_key).sort()).toEqual(['created_at', 'name', 'token']);
      expect(body.api_key.name).toBe('Production');
      expect(body.api_key.token).toMatch(version.token);
      expect(body.api_key.created_at).toMatch(LARAVEL_TIMESTAMP);

      const entry = (await listOf()).at(-1);
      expect(entry?.name).toBe('Production');
      expect(entry?.id).toBe(Number(body.api_key.token.split('|')[0]));
      expect(entry?.created_at).toBe(body.api_key.created_at);
      expect((await call(sandbox, 'GET', '/user/me', { token: body.api_key.token })).status).toBe(200);
    });

    it('gives every key a different secret', async () => {
      const tokens = await Promise.all(Array.from({ length: 20 }, (_, i) => createKey(sandbox, `k${i}`)));
      expect(new Set(tokens.map((t) => t.split('|')[1])).size).toBe(20);
      for (const token of tokens) expect(token).toMatch(version.token);
    });

    it('trims the name like this version’s TrimStrings', async () => {
      const unicode = version.laravel === 10; // Laravel 8 uses PHP's trim(): ASCII white space only
      for (const [sent, stored] of [
        ['  x ', 'x'],
        ['\t\nTabbed\r\n', 'Tabbed'],
        ['\u00a0\u200bNBSP and ZWSP\ufeff', unicode ? 'NBSP and ZWSP' : '\u00a0\u200bNBSP and ZWSP\ufeff'],
        ['\u3000ideographic\u2003em\u3000', unicode ? 'ideographic\u2003em' : '\u3000ideographic\u2003em\u3000'],
        ['inner  spaces kept', 'inner  spaces kept'],
      ]) {
        const result = await call(sandbox, 'POST', '/user/api-keys', { json: { name: sent } });
        expect(result.status).toBe(201);
        expect((result.body as { api_key: { name: string } }).api_key.name).toBe(stored);
        expect((await listOf()).at(-1)?.name).toBe(stored);
      }
    });

    const { required: REQUIRED, string: STRING, max: MAX } = version;

    it.each([
      ['no name', { json: {} }, REQUIRED],
      ['null', { json: { name: null } }, REQUIRED],
      ['empty string', { json: { name: '' } }, REQUIRED],
      ['blank string', { json: { name: '   ' } }, REQUIRED],
      ['empty array', { json: { name: [] } }, REQUIRED],
      ['a JSON array body', { json: ['name'] }, REQUIRED],
      ['invalid JSON', { rawBody: '{"name": "x"', headers: { 'Content-Type': 'application/json' } }, REQUIRED],
      ['no body', { headers: { 'Content-Type': 'application/json' } }, REQUIRED],
      ['JSON sent as text/plain (Laravel ignores it)', { rawBody: '{"name":"x"}', headers: { 'Content-Type': 'text/plain' } }, REQUIRED],
      ['a number', { json: { name: 123 } }, STRING],
      ['a boolean', { json: { name: true } }, STRING],
      ['an array', { json: { name: ['a'] } }, STRING],
      ['an object', { json: { name: { a: 'b' } } }, STRING],
      ['256 characters', { json: { name: 'a'.repeat(256) } }, MAX],
    ])('answers 422 for %s', async (_label, options, message) => {
      const before = sandbox.listKeysOf(sandbox.demo.token).length;
      const result = await call(sandbox, 'POST', '/user/api-keys', options);
      expect(result.status).toBe(422);
      expect(result.body).toEqual({ message: version.summary([message]), errors: { name: [message] } });
      expect(sandbox.listKeysOf(sandbox.demo.token)).toHaveLength(before);
    });

    it('words the top-level message of a 422 as this version does', async () => {
      const result = await call(sandbox, 'POST', '/user/api-keys', { json: { name: 'a'.repeat(256) } });
      expect((result.body as { message: string }).message).toBe(
        version.laravel === 8 ? 'The given data was invalid.' : 'The name field must not be greater than 255 characters.',
      );
    });

    it('reports both failures of a long array (Laravel 10 adds "(and 1 more error)")', async () => {
      const result = await call(sandbox, 'POST', '/user/api-keys', { json: { name: Array(300).fill('x') } });
      expect(result.status).toBe(422);
      expect(result.body).toEqual({
        message: version.laravel === 8 ? 'The given data was invalid.' : `${STRING} (and 1 more error)`,
        errors: { name: [STRING, MAX] },
      });
    });

    it('lets a name of non-breaking spaces through only where trim() keeps them (Laravel 8)', async () => {
      const result = await call(sandbox, 'POST', '/user/api-keys', { json: { name: '\u00a0\u00a0' } });
      if (version.laravel === 8) {
        expect(result.status).toBe(201);
        expect((result.body as { api_key: { name: string } }).api_key.name).toBe('\u00a0\u00a0');
      } else {
        expect(result.status).toBe(422);
        expect(result.body).toEqual({ message: REQUIRED, errors: { name: [REQUIRED] } });
      }
    });

    it('counts length in code points: 255 emoji pass, 256 fail', async () => {
      const ok = '😀'.repeat(255); // 510 UTF-16 units
      const created = await call(sandbox, 'POST', '/user/api-keys', { json: { name: ok } });
      expect(created.status).toBe(201);
      expect((await listOf()).at(-1)?.name).toBe(ok);
      const tooLong = await call(sandbox, 'POST', '/user/api-keys', { json: { name: '😀'.repeat(256) } });
      expect(tooLong.status).toBe(422);
      expect(tooLong.body).toEqual({ message: version.summary([MAX]), errors: { name: [MAX] } });
      expect((await call(sandbox, 'POST', '/user/api-keys', { json: { name: 'a'.repeat(255) } })).status).toBe(201);
    });

    it('measures the length after trimming', async () => {
      const result = await call(sandbox, 'POST', '/user/api-keys', { json: { name: ` ${'a'.repeat(255)}  ` } });
      expect(result.status).toBe(201);
      // A non-breaking space survives Laravel 8's trim() and counts as the 256th character there.
      const nbsp = await call(sandbox, 'POST', '/user/api-keys', { json: { name: `\u00a0${'a'.repeat(255)}` } });
      expect(nbsp.status).toBe(version.laravel === 8 ? 422 : 201);
    });

    it('accepts a form-encoded body and a query parameter, as Laravel’s input merging does', async () => {
      const form = await call(sandbox, 'POST', '/user/api-keys', {
        rawBody: 'name=From+form',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      });
      expect(form.status).toBe(201);
      expect((form.body as { api_key: { name: string } }).api_key.name).toBe('From form');
      const query = await call(sandbox, 'POST', '/user/api-keys?name=From%20query', { json: {} });
      expect((query.body as { api_key: { name: string } }).api_key.name).toBe('From query');
    });

    it('escapes JSON like PHP (slashes and non-ASCII) without changing the value', async () => {
      const result = await call(sandbox, 'POST', '/user/api-keys', { json: { name: 'prod/é' } });
      expect(result.text).toContain('"name":"prod\\/\\u00e9"');
      expect((result.body as { api_key: { name: string } }).api_key.name).toBe('prod/é');
    });
  });

  describe('DELETE /user/api-keys/{id}', () => {
    it('deletes the caller’s key once, then answers 404', async () => {
      const id = (await createKey(sandbox, 'Doomed')).split('|')[0];
      const first = await call(sandbox, 'DELETE', `/user/api-keys/${id}`);
      expect(first.status).toBe(200);
      expect(first.body).toEqual({ message: 'API key deleted successfully.' });
      expect(sandbox.listKeysOf(sandbox.demo.token).map((k) => k.id)).not.toContain(Number(id));
      const second = await call(sandbox, 'DELETE', `/user/api-keys/${id}`);
      expect(second.status).toBe(404);
      expect(second.body).toEqual({ message: 'API key not found.' });
    });

    it.each(['999999', 'abc', '1.5', '-1', '%20'])('answers 404 API key not found for id %s', async (id) => {
      const before = sandbox.listKeysOf(sandbox.demo.token);
      const result = await call(sandbox, 'DELETE', `/user/api-keys/${id}`);
      expect(result.status).toBe(404);
      expect(result.body).toEqual({ message: 'API key not found.' });
      expect(sandbox.listKeysOf(sandbox.demo.token).map((k) => k.id)).toEqual(before.map((k) => k.id));
    });

    it('answers 404 for another user’s key and leaves it alone', async () => {
      const other = sandbox.createAccount({ name: 'Eve', email: 'eve@example.com', totalBalance: 9 }).token;
      const id = other.split('|')[0];
      const result = await call(sandbox, 'DELETE', `/user/api-keys/${id}`);
      expect(result.status).toBe(404);
      expect(result.body).toEqual({ message: 'API key not found.' });
      expect((await call(sandbox, 'GET', '/user/me', { token: other })).status).toBe(200);
    });

    it('can delete the key that authenticates the request; that key then gets 401', async () => {
      const id = sandbox.demo.token.split('|')[0];
      const result = await call(sandbox, 'DELETE', `/user/api-keys/${id}`);
      expect(result.status).toBe(200);
      expect((await call(sandbox, 'GET', '/user/api-keys')).status).toBe(401);
      // Server-side truth still resolves the (now revoked) token's owner.
      expect(sandbox.listKeysOf(sandbox.demo.token).map((k) => k.name)).toEqual(['Production API Key', 'Development API Key']);
    });
  });
});
