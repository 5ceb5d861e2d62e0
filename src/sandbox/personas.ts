// Who the sandbox's demo account is, and keys of every age a key list can show. A second
// sandbox started with another persona looks like another account on another host.

export interface SeedKeySpec {
  name: string;
  /** Epoch ms or a Date; default now (the sandbox's clock). Stored in whole seconds, like MySQL. */
  createdAt?: number | Date;
  /** Epoch ms or a Date; null or left out: never used. Not checked against createdAt or now. */
  lastUsedAt?: number | Date | null;
}

export interface DemoPersona {
  name: string;
  email: string;
  /** USD; sent as a number or a decimal string, see SandboxOptions.balanceAs. */
  totalBalance: number;
  /** The account's other keys, oldest first, given the sandbox clock's now; each gets a real token. */
  keys: readonly SeedKeySpec[] | ((now: number) => readonly SeedKeySpec[]);
  /** Name of the key created last, whose token is `demo.token`. */
  signInKeyName: string;
}

const DAY_MS = 86_400_000;

/** The default demo account: an individual with a used key and an unused one. */
export const DEFAULT_DEMO_PERSONA: DemoPersona = {
  name: 'Demo User',
  email: 'demo@example.com',
  totalBalance: 125.5,
  keys: (now) => [
    { name: 'Production API Key', createdAt: now - 30 * DAY_MS, lastUsedAt: now - 2 * 3_600_000 },
    { name: 'Development API Key', createdAt: now - 7 * DAY_MS },
  ],
  signInKeyName: 'Sign-in key',
};

/** The four states the key-hygiene rules tell apart (used within 90 days, created within 7 days). */
export type KeyHygieneState = 'in-use' | 'stale' | 'never-used' | 'new';

/**
 * One key per hygiene state, each well clear of the 90-day and 7-day thresholds so a test does
 * not depend on the exact millisecond it runs: in use (used 2 days ago), stale (last used 120
 * days ago), never used (created 30 days ago), new (created 2 days ago).
 */
export function keysInEveryHygieneState(now: number): Array<SeedKeySpec & { state: KeyHygieneState }> {
  return [
    { state: 'stale', name: 'Old website widget', createdAt: now - 400 * DAY_MS, lastUsedAt: now - 120 * DAY_MS },
    { state: 'in-use', name: 'Booking line', createdAt: now - 200 * DAY_MS, lastUsedAt: now - 2 * DAY_MS },
    { state: 'never-used', name: 'Spare for the CRM', createdAt: now - 30 * DAY_MS, lastUsedAt: null },
    { state: 'new', name: 'Reminder calls', createdAt: now - 2 * DAY_MS, lastUsedAt: null },
  ];
}

/** A client account an agency manages: another person, balance and set of keys than the default. */
export const CLIENT_DEMO_PERSONA: DemoPersona = {
  name: 'Harbor Dental (client)',
  email: 'frontdesk@harbor-dental.example',
  totalBalance: 18.4,
  keys: keysInEveryHygieneState,
  signInKeyName: 'Agency access',
};
