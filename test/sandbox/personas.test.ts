// Demo personas (a second, different account on a second sandbox) and seeding keys of every
// hygiene state with known tokens.
import { afterEach, describe, expect, it } from 'vitest';
import {
  CLIENT_DEMO_PERSONA,
  DEFAULT_DEMO_PERSONA,
  keysInEveryHygieneState,
  startSandbox,
  type SandboxOptions,
  type SandboxServer,
} from '../../src/sandbox/index';
import { call } from './support';

const open: SandboxServer[] = [];
async function start(options?: SandboxOptions): Promise<SandboxServer> {
  const sandbox = await startSandbox(options);
  open.push(sandbox);
  return sandbox;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

const DAY = 86_400_000;
const NOW = Date.parse('2026-06-15T09:30:00Z');
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', '.000000Z');

describe('demo personas', () => {
  it('the default demo account is unchanged: Demo User with two keys and a sign-in key', async () => {
    const sandbox = await start({ clock: () => NOW });
    expect((await call(sandbox, 'GET', '/user/me')).body).toEqual({ name: 'Demo User', email: 'demo@example.com', total_balance: 125.5 });
    expect(sandbox.listKeysOf(sandbox.demo.token)).toEqual([
      { id: 1, name: 'Production API Key', last_used_at: iso(NOW - 2 * 3_600_000), created_at: iso(NOW - 30 * DAY) },
      { id: 2, name: 'Development API Key', last_used_at: null, created_at: iso(NOW - 7 * DAY) },
      { id: 3, name: 'Sign-in key', last_used_at: iso(NOW), created_at: iso(NOW) }, // used by GET /user/me above
    ]);
    expect(DEFAULT_DEMO_PERSONA.name).toBe('Demo User');
  });

  it('a second sandbox with the client persona is another account on another host', async () => {
    const agency = await start();
    const client = await start({ demo: CLIENT_DEMO_PERSONA, clock: () => NOW });
    expect(client.baseUrl).not.toBe(agency.baseUrl);
    expect(client.demo).toMatchObject({ name: 'Harbor Dental (client)', email: 'frontdesk@harbor-dental.example' });
    const me = await call(client, 'GET', '/user/me');
    expect(me.body).toEqual({ name: 'Harbor Dental (client)', email: 'frontdesk@harbor-dental.example', total_balance: 18.4 });
    expect(me.body).not.toEqual((await call(agency, 'GET', '/user/me')).body);
    const names = client.listKeysOf(client.demo.token).map((k) => k.name);
    expect(names).toEqual([...keysInEveryHygieneState(NOW).map((k) => k.name), 'Agency access']);
    expect(names.some((name) => agency.listKeysOf(agency.demo.token).some((k) => k.name === name))).toBe(false);
    // Each server knows only its own credentials, although both number their tokens from 1.
    expect(client.demo.token.split('|')[0]).toBe('5');
    expect((await call(agency, 'GET', '/user/me', { token: client.demo.token })).status).toBe(401);
    expect((await call(client, 'GET', '/user/me', { token: agency.demo.token })).status).toBe(401);
  });

  it('takes a partial persona; what is left out comes from the default', async () => {
    const sandbox = await start({ demo: { name: 'Agency Owner', totalBalance: 0, keys: [{ name: 'Only key', createdAt: NOW - DAY }] } });
    expect((await call(sandbox, 'GET', '/user/me')).body).toEqual({ name: 'Agency Owner', email: 'demo@example.com', total_balance: 0 });
    expect(sandbox.listKeysOf(sandbox.demo.token).map((k) => k.name)).toEqual(['Only key', 'Sign-in key']);
    expect(sandbox.demo.name).toBe('Agency Owner');
  });

  it('seedDemo: false still wins over a persona', async () => {
    const sandbox = await start({ seedDemo: false, demo: CLIENT_DEMO_PERSONA });
    expect(sandbox.demo).toEqual({ token: '', email: '', name: '' });
  });
});

describe('keys of every hygiene state', () => {
  it('keysInEveryHygieneState gives one key per state, well clear of the 90-day and 7-day lines', () => {
    const keys = keysInEveryHygieneState(NOW);
    expect(keys.map((k) => k.state).sort()).toEqual(['in-use', 'never-used', 'new', 'stale']);
    const byState = Object.fromEntries(keys.map((k) => [k.state, k]));
    const age = (at: unknown) => (NOW - Number(at)) / DAY;
    expect(age(byState['in-use']?.lastUsedAt)).toBeLessThan(90 - 30);
    expect(age(byState['stale']?.lastUsedAt)).toBeGreaterThan(90 + 7);
    expect(byState['never-used']?.lastUsedAt).toBeNull();
    expect(age(byState['never-used']?.createdAt)).toBeGreaterThan(7 + 7);
    expect(byState['new']?.lastUsedAt).toBeNull();
    expect(age(byState['new']?.createdAt)).toBeLessThan(7 - 3);
    for (const key of keys) expect(Number(key.createdAt)).toBeLessThanOrEqual(Number(key.lastUsedAt ?? key.createdAt));
  });

  it('seedKey stores the given dates in whole seconds and returns the key and a working token', async () => {
    let now = NOW;
    const sandbox = await start({ clock: () => now });
    const stale = sandbox.seedKey(sandbox.demo.token, { name: 'Stale', createdAt: new Date(NOW - 400 * DAY + 999), lastUsedAt: NOW - 120 * DAY + 1 });
    expect(stale.key).toEqual({ id: 4, name: 'Stale', created_at: iso(NOW - 400 * DAY), last_used_at: iso(NOW - 120 * DAY) });
    expect(sandbox.listKeysOf(sandbox.demo.token).at(-1)).toEqual(stale.key);
    expect(stale.token.startsWith('4|')).toBe(true);

    // "Using" a key is any authenticated request with its token: it becomes in use as of now.
    now += 5_000;
    expect((await call(sandbox, 'GET', '/user/me', { token: stale.token })).status).toBe(200);
    expect(sandbox.listKeysOf(sandbox.demo.token).at(-1)?.last_used_at).toBe(iso(NOW + 5_000));

    const fresh = sandbox.seedKey(sandbox.demo.token, { name: 'Just made' });
    expect(fresh.key).toMatchObject({ created_at: iso(now), last_used_at: null });
    // Clock edge cases are the client's to handle, so a future last use is kept as given.
    const future = sandbox.seedKey(sandbox.demo.token, { name: 'From the future', createdAt: NOW, lastUsedAt: NOW + 3 * DAY });
    expect(future.key.last_used_at).toBe(iso(NOW + 3 * DAY));
  });

  it('seeds the four states into any account, and refuses what cannot be stored', async () => {
    const sandbox = await start({ clock: () => NOW });
    const { token } = sandbox.createAccount({ name: 'Hygiene', email: 'hygiene@example.com', totalBalance: 1 });
    for (const spec of keysInEveryHygieneState(NOW)) sandbox.seedKey(token, spec);
    const listed = (await call(sandbox, 'GET', '/user/api-keys', { token })).body as { api_keys: Array<{ name: string; last_used_at: string | null }> };
    expect(listed.api_keys.map((k) => k.name)).toEqual(['Sign-in key', ...keysInEveryHygieneState(NOW).map((k) => k.name)]);
    expect(listed.api_keys.filter((k) => k.last_used_at === null).map((k) => k.name)).toEqual(['Spare for the CRM', 'Reminder calls']);

    expect(() => sandbox.seedKey(token, { name: '' })).toThrow(RangeError);
    expect(() => sandbox.seedKey(token, { name: 'Bad date', createdAt: new Date('nope') })).toThrow(/createdAt/);
    expect(() => sandbox.seedKey(token, { name: 'Bad use', lastUsedAt: Number.NaN })).toThrow(/lastUsedAt/);
    expect(() => sandbox.seedKey('1|unknown', { name: 'Nobody' })).toThrow();
  });
});
