// In-memory accounts and Sanctum-style personal access tokens.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { generateTokenString, hashSecret, type SanctumVersion } from './tokens';

export interface Account {
  readonly id: number;
  readonly name: string;
  readonly email: string;
  readonly totalBalance: number;
}

export interface TokenRecord {
  readonly id: number;
  readonly accountId: number;
  readonly name: string;
  /** SHA-256 of the secret part, as Sanctum stores it; the plain token is never kept. */
  readonly secretHash: Buffer;
  /** Epoch ms, whole seconds (a MySQL timestamp column has no fraction). */
  readonly createdAt: number;
  lastUsedAt: number | null;
  revoked: boolean;
}

export const wholeSeconds = (ms: number): number => Math.floor(ms / 1000) * 1000;

export class Store {
  private nextAccountId = 1;
  /** One auto-increment across all accounts, never reused, like a table's primary key. */
  private nextTokenId = 1;
  private readonly accounts = new Map<number, Account>();
  private readonly emails = new Set<string>();
  /** Every token ever issued, revoked ones included, so test helpers can still find the owner. */
  private readonly tokens = new Map<number, TokenRecord>();
  /** Live tokens per account; Map insertion order is id order because ids only grow. */
  private readonly liveByAccount = new Map<number, Map<number, TokenRecord>>();
  /** Sanctum also accepts a bare secret without the "<id>|" prefix and finds it by hash. */
  private readonly liveByHash = new Map<string, TokenRecord>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly tokenFormat: { readonly sanctum: SanctumVersion; readonly prefix: string } = { sanctum: 4, prefix: '' },
  ) {}

  createAccount(input: { name: string; email: string; totalBalance: number }): Account {
    const email = input.email.toLowerCase();
    if (this.emails.has(email)) throw new Error(`An account with email ${input.email} already exists`);
    const account: Account = { id: this.nextAccountId++, name: input.name, email: input.email, totalBalance: input.totalBalance };
    this.accounts.set(account.id, account);
    this.emails.add(email);
    this.liveByAccount.set(account.id, new Map());
    return account;
  }

  account(id: number): Account | undefined {
    return this.accounts.get(id);
  }

  /** Creates a token and returns the only copy of its plain text. */
  issueToken(accountId: number, name: string, createdAt = this.now(), lastUsedAt: number | null = null): { record: TokenRecord; plainText: string } {
    const secret = generateTokenString(this.tokenFormat.sanctum, this.tokenFormat.prefix);
    const record = this.insert(accountId, name, hashSecret(secret), createdAt, lastUsedAt);
    return { record, plainText: `${record.id}|${secret}` };
  }

  /**
   * Adds many tokens whose secrets nobody knows (the hash is random bytes), which is all a
   * 10,000-key list needs and keeps seeding to a few milliseconds.
   */
  seedTokens(accountId: number, count: number, namePrefix: string): void {
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer, got ${count}`);
    const hashes = randomBytes(32 * count);
    const now = wholeSeconds(this.now());
    const step = 60_000; // one key a minute, ending now: 10,000 keys span about a week
    for (let i = 0; i < count; i++) {
      const createdAt = now - (count - i) * step;
      // About a third were used since, at varying times, so sorting by last use has something to do.
      const lastUsedAt = i % 3 === 0 ? Math.min(now, createdAt + ((i * 7919) % 86_400) * 1000) : null;
      this.insert(accountId, `${namePrefix} ${i + 1}`, hashes.subarray(32 * i, 32 * i + 32), createdAt, lastUsedAt);
    }
  }

  /** Sanctum's PersonalAccessToken::findToken: id lookup plus constant-time hash comparison. */
  findLiveToken(plainText: string): TokenRecord | null {
    const pipe = plainText.indexOf('|');
    if (pipe === -1) return this.liveByHash.get(hashSecret(plainText).toString('hex')) ?? null;
    const idPart = plainText.slice(0, pipe);
    const secret = plainText.slice(pipe + 1);
    if (!/^\d+$/.test(idPart) || secret === '') return null;
    const record = this.tokens.get(Number(idPart));
    if (!record || record.revoked) return null;
    return timingSafeEqual(record.secretHash, hashSecret(secret)) ? record : null;
  }

  /** Owner of a token by its plain text, even after it was revoked (for test helpers only). */
  ownerOf(plainText: string): Account | null {
    const pipe = plainText.indexOf('|');
    const record = pipe === -1 ? this.findLiveToken(plainText) : this.tokens.get(Number(plainText.slice(0, pipe)));
    if (!record || !timingSafeEqual(record.secretHash, hashSecret(plainText.slice(pipe + 1)))) return null;
    return this.accounts.get(record.accountId) ?? null;
  }

  touch(record: TokenRecord): void {
    record.lastUsedAt = wholeSeconds(this.now());
  }

  listTokens(accountId: number): TokenRecord[] {
    return [...(this.liveByAccount.get(accountId)?.values() ?? [])];
  }

  /** Deletes one of the account's own live tokens; false when it has no such token. */
  revokeToken(accountId: number, tokenId: number): boolean {
    const live = this.liveByAccount.get(accountId);
    const record = live?.get(tokenId);
    if (!live || !record) return false;
    live.delete(tokenId);
    this.liveByHash.delete(record.secretHash.toString('hex'));
    record.revoked = true;
    return true;
  }

  private insert(accountId: number, name: string, secretHash: Buffer, createdAt: number, lastUsedAt: number | null): TokenRecord {
    const live = this.liveByAccount.get(accountId);
    if (!live) throw new Error(`No account ${accountId}`);
    const record: TokenRecord = {
      id: this.nextTokenId++,
      accountId,
      name,
      secretHash,
      createdAt: wholeSeconds(createdAt),
      lastUsedAt: lastUsedAt === null ? null : wholeSeconds(lastUsedAt),
      revoked: false,
    };
    this.tokens.set(record.id, record);
    live.set(record.id, record);
    this.liveByHash.set(secretHash.toString('hex'), record);
    return record;
  }
}
