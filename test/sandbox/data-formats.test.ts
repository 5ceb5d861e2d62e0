// How values look on the wire: second-precision dates, total_balance as a number or a decimal
// string, and list items with the token model's extra fields.
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxOptions, type SandboxServer } from '../../src/sandbox/index';
import { LARAVEL_TIMESTAMP, call, createKey } from './support';

const open: SandboxServer[] = [];
async function start(options?: SandboxOptions): Promise<SandboxServer> {
  const sandbox = await startSandbox(options);
  open.push(sandbox);
  return sandbox;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

interface Listed {
  api_keys: Array<Record<string, unknown> & { id: number; created_at: string; last_used_at: string | null }>;
}

describe('dates', () => {
  it('have second precision, like a MySQL timestamp column, in Carbon’s six-digit form', async () => {
    let now = Date.parse('2026-12-02T03:58:13.987Z');
    const sandbox = await start({ clock: () => now });
    now += 1234; // 03:58:15.221
    const created = await call(sandbox, 'POST', '/user/api-keys', { json: { name: 'Timed' } });
    expect((created.body as { api_key: { created_at: string } }).api_key.created_at).toBe('2026-12-02T03:58:15.000000Z');
    sandbox.seedKeys(sandbox.demo.token, 50);
    const listed = (await call(sandbox, 'GET', '/user/api-keys')).body as Listed;
    const dates = listed.api_keys.flatMap((k) => [k.created_at, k.last_used_at]).filter((d): d is string => d !== null);
    expect(dates.length).toBeGreaterThan(50);
    for (const date of dates) {
      expect(date).toMatch(LARAVEL_TIMESTAMP);
      expect(date.endsWith('.000000Z')).toBe(true);
    }
    // The key that authenticated the list request was used "now", cut to the second.
    expect(listed.api_keys.find((k) => k.id === Number(sandbox.demo.token.split('|')[0]))?.last_used_at).toBe('2026-12-02T03:58:15.000000Z');
    expect(sandbox.requests.at(-1)?.at).toBe(now); // the request log runs on the same clock
  });
});

describe('total_balance', () => {
  it('is a JSON number by default', async () => {
    const sandbox = await start();
    const result = await call(sandbox, 'GET', '/user/me');
    expect(result.text).toContain('"total_balance":125.5');
    expect(result.body).toMatchObject({ total_balance: 125.5 });
  });

  it('is a two-decimal string with balanceAs: "decimal-string", as a MySQL decimal column gives it', async () => {
    const sandbox = await start({ balanceAs: 'decimal-string' });
    expect((await call(sandbox, 'GET', '/user/me')).text).toContain('"total_balance":"125.50"');
    for (const [amount, text] of [
      [42, '42.00'],
      [0, '0.00'],
      [18.4, '18.40'],
      [1234.5, '1234.50'],
    ] as const) {
      const { token } = sandbox.createAccount({ name: 'B', email: `b${amount}@example.com`, totalBalance: amount });
      expect((await call(sandbox, 'GET', '/user/me', { token })).body).toMatchObject({ total_balance: text });
    }
  });
});

describe('list item fields', () => {
  it('are the documented four by default', async () => {
    const sandbox = await start();
    const listed = (await call(sandbox, 'GET', '/user/api-keys')).body as Listed;
    for (const key of listed.api_keys) expect(Object.keys(key)).toEqual(['id', 'name', 'last_used_at', 'created_at']);
  });

  it.each([
    [4, ['id', 'tokenable_type', 'tokenable_id', 'name', 'abilities', 'last_used_at', 'expires_at', 'created_at', 'updated_at']],
    [2, ['id', 'tokenable_type', 'tokenable_id', 'name', 'abilities', 'last_used_at', 'created_at', 'updated_at']],
  ] as const)('are the whole token model with listFields: "model" (Sanctum %i)', async (sanctum, fields) => {
    let now = Date.parse('2026-05-01T12:00:00Z');
    const sandbox = await start({ listFields: 'model', sanctum, clock: () => now });
    const token = await createKey(sandbox, 'Model');
    now += 60_000;
    await call(sandbox, 'GET', '/user/me', { token });
    const result = await call(sandbox, 'GET', '/user/api-keys');
    expect(result.text).toContain('"tokenable_type":"App\\\\Models\\\\User"');
    const keys = (result.body as Listed).api_keys;
    for (const key of keys) expect(Object.keys(key)).toEqual(fields);
    const model = keys.find((k) => k.name === 'Model');
    expect(model).toMatchObject({ tokenable_id: 1, abilities: ['*'], created_at: '2026-05-01T12:00:00.000000Z', last_used_at: '2026-05-01T12:01:00.000000Z' });
    expect(model?.['updated_at']).toBe('2026-05-01T12:01:00.000000Z');
    if (sanctum === 4) expect(model?.['expires_at']).toBeNull();
    expect(result.text).not.toContain(token.split('|')[1]);
  });
});
