// Sanctum 2 and Sanctum 4 token formats, the optional prefix, bare secrets, and which
// Laravel/Sanctum pair a sandbox runs by default.
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxOptions, type SandboxServer } from '../../src/sandbox/index';
import { crc32b } from '../../src/sandbox/tokens';
import { SANCTUM_2_TOKEN, SANCTUM_4_TOKEN, call, createKey, referenceCrc32b } from './support';

const open: SandboxServer[] = [];
async function start(options?: SandboxOptions): Promise<SandboxServer> {
  const sandbox = await startSandbox(options);
  open.push(sandbox);
  return sandbox;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

describe('crc32b', () => {
  it('matches PHP’s hash("crc32b") on known values, zero-padded to 8 digits', () => {
    expect(crc32b('The quick brown fox jumps over the lazy dog')).toBe('414fa339');
    expect(crc32b('123456789')).toBe('cbf43926');
    expect(crc32b('')).toBe('00000000');
    // Random texts against the bit-by-bit reference, including ones whose CRC starts with 0.
    let padded = 0;
    for (let i = 0; i < 2000; i++) {
      const text = Math.random().toString(36).slice(2) + i;
      expect(crc32b(text)).toBe(referenceCrc32b(text));
      if (crc32b(text).startsWith('0')) padded++;
    }
    expect(padded).toBeGreaterThan(0);
  });
});

describe('token formats', () => {
  it('Sanctum 4 (default with Laravel 10): <id>| + 40 letters and digits + crc32b of those 40', async () => {
    const sandbox = await start();
    expect([sandbox.laravel, sandbox.sanctum]).toEqual([10, 4]);
    const tokens = [sandbox.demo.token, ...(await Promise.all(Array.from({ length: 20 }, (_, i) => createKey(sandbox, `k${i}`))))];
    for (const token of tokens) {
      expect(token).toMatch(SANCTUM_4_TOKEN);
      const secret = token.split('|')[1] ?? '';
      expect(secret.slice(40)).toBe(referenceCrc32b(secret.slice(0, 40)));
    }
  });

  it('Sanctum 2 (default with Laravel 8): <id>| + 40 letters and digits, no checksum', async () => {
    const sandbox = await start({ laravel: 8 });
    expect([sandbox.laravel, sandbox.sanctum]).toEqual([8, 2]);
    expect(sandbox.demo.token).toMatch(SANCTUM_2_TOKEN);
    expect(await createKey(sandbox, 'Two')).toMatch(SANCTUM_2_TOKEN);
  });

  it('takes the Sanctum version on its own, with either Laravel version', async () => {
    expect((await start({ laravel: 8, sanctum: 4 })).demo.token).toMatch(SANCTUM_4_TOKEN);
    expect((await start({ laravel: 10, sanctum: 2 })).demo.token).toMatch(SANCTUM_2_TOKEN);
  });

  it('puts sanctum.token_prefix before the 40 characters; the checksum covers only those 40', async () => {
    const sandbox = await start({ tokenPrefix: 'acx_' });
    const token = await createKey(sandbox, 'Prefixed');
    expect(token).toMatch(/^\d+\|acx_[A-Za-z0-9]{40}[0-9a-f]{8}$/);
    const secret = token.split('|')[1] ?? '';
    expect(secret.slice(44)).toBe(referenceCrc32b(secret.slice(4, 44)));
    expect((await call(sandbox, 'GET', '/user/me', { token })).status).toBe(200);
    expect((await call(sandbox, 'GET', '/user/me', { token: secret })).status).toBe(200); // bare, prefix included
    expect((await call(sandbox, 'GET', '/user/me', { token: `${token.split('|')[0]}|${secret.slice(4)}` })).status).toBe(401);
  });

  it.each([
    [{ laravel: 8 }, SANCTUM_2_TOKEN],
    [{ laravel: 10 }, SANCTUM_4_TOKEN],
  ] as const)('accepts the secret alone, without "<id>|" (%o)', async (options, format) => {
    const sandbox = await start(options);
    const token = await createKey(sandbox, 'Bare');
    expect(token).toMatch(format);
    const secret = token.split('|')[1] ?? '';
    const result = await call(sandbox, 'GET', '/user/me', { token: secret });
    expect(result.status).toBe(200);
    const id = Number(token.split('|')[0]);
    expect(sandbox.listKeysOf(token).find((k) => k.id === id)?.last_used_at).not.toBeNull();
    // A wrong checksum is a wrong secret: Sanctum only compares hashes.
    if (format === SANCTUM_4_TOKEN) {
      const flipped = secret.slice(0, -1) + (secret.endsWith('0') ? '1' : '0');
      expect((await call(sandbox, 'GET', '/user/me', { token: `${id}|${flipped}` })).status).toBe(401);
    }
  });

  it('numbers tokens from 1 on every server', async () => {
    const a = await start();
    const b = await start({ laravel: 8 });
    expect(a.demo.token.split('|')[0]).toBe('3'); // after the two seeded demo keys
    expect(b.demo.token.split('|')[0]).toBe('3');
    expect(a.listKeysOf(a.demo.token).map((k) => k.id)).toEqual([1, 2, 3]);
    const empty = await start({ seedDemo: false });
    expect(empty.createAccount({ name: 'First', email: 'first@example.com', totalBalance: 0 }).token.startsWith('1|')).toBe(true);
  });
});

describe('options', () => {
  it.each([
    [{ laravel: 9 as never }, /laravel must be 8 or 10/],
    [{ sanctum: 3 as never }, /sanctum must be 2 or 4/],
    [{ sanctum: 2, tokenPrefix: 'acx_' } as const, /tokenPrefix needs sanctum 4/],
    [{ tokenPrefix: 'has space' }, /tokenPrefix must be visible ASCII/],
    [{ balanceAs: 'float' as never }, /balanceAs/],
    [{ listFields: 'all' as never }, /listFields/],
  ] satisfies Array<[SandboxOptions, RegExp]>)('refuses %o', async (options, message) => {
    await expect(startSandbox(options)).rejects.toThrow(message);
  });
});
