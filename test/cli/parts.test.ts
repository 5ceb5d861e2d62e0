/**
 * The command line's pure parts: choosing the account, naming accounts, selecting keys through a
 * app's classifier and thresholds, reading key ids, exit codes, and inert tables.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { chooseAccount, matchAccounts, selectorOf, type ChoosableAccount } from '../../src/cli/account-choice'
import { CliError } from '../../src/cli/cli-error'
import { parseIds } from '../../src/cli/commands/keys-delete'
import { selectKeys } from '../../src/cli/commands/keys-list'
import { EXIT, exitCodeOf } from '../../src/cli/exit-codes'
import { classifyKey } from '../../src/shared/key-hygiene'
import { displayWidth, inert, renderTable, truncate } from '../../src/cli/output/table'
import type { AppErrorKind } from '../../src/shared/errors'
import type { KeyListItem } from '../../src/shared/domain'

const account = (email: string, baseUrl: string): ChoosableAccount => ({ id: `${email} on ${baseUrl}`, baseUrl, profile: { email } })
const ada = account('ada@example.com', 'https://app.autocalls.ai/api')
const adaAgency = account('ada@example.com', 'https://calls.agency.example/api')
const bob = account('Bob@Example.com', 'https://app.autocalls.ai/api')
const all = [ada, adaAgency, bob]

const usage = (fn: () => unknown): CliError => {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(CliError)
    return error as CliError
  }
  throw new Error('expected a usage error')
}

describe('choosing the account', () => {
  it('names an account by email (any case), email@host, or its id', () => {
    expect(matchAccounts(all, 'bob@example.com')).toEqual([bob])
    expect(matchAccounts(all, 'ada@example.com')).toEqual([ada, adaAgency])
    expect(matchAccounts(all, 'ada@example.com@calls.agency.example')).toEqual([adaAgency])
    expect(matchAccounts(all, 'ADA@example.com@APP.autocalls.ai')).toEqual([ada])
    expect(matchAccounts(all, adaAgency.id)).toEqual([adaAgency])
    expect(matchAccounts(all, 'carol@example.com')).toEqual([])
    expect(matchAccounts(all, 'ada@example.com@elsewhere.example')).toEqual([])
  })

  it('shows each account by the shortest name that picks it alone', () => {
    expect(all.map((a) => selectorOf(a, all))).toEqual(['ada@example.com@app.autocalls.ai', 'ada@example.com@calls.agency.example', 'Bob@Example.com'])
    const samePath = [account('x@example.com', 'https://h.example/api'), account('x@example.com', 'https://h.example/v2/api')]
    expect(samePath.map((a) => selectorOf(a, samePath))).toEqual(samePath.map((a) => a.id))
  })

  it('every selector picks exactly its own account (property)', () => {
    const emails = fc.constantFrom('a@x.example', 'b@x.example', 'A@x.example', 'c@y.example')
    const hosts = fc.constantFrom('https://one.example/api', 'https://two.example/api', 'https://one.example/v2', 'http://127.0.0.1:4000/api')
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(emails, hosts), { minLength: 1, maxLength: 6, selector: ([e, h]) => `${e} on ${h}` }), (pairs) => {
        const accounts = pairs.map(([e, h]) => account(e, h))
        for (const a of accounts) expect(matchAccounts(accounts, selectorOf(a, accounts))).toEqual([a])
      })
    )
  })

  it('--account, then AUTOCALLS_ACCOUNT, then the default, then the only account', () => {
    expect(chooseAccount(all, { flag: 'Bob@example.com', env: ada.id, defaultAccountId: adaAgency.id })).toEqual({ account: bob, selectedBy: 'flag' })
    expect(chooseAccount(all, { env: ada.id, defaultAccountId: adaAgency.id })).toEqual({ account: ada, selectedBy: 'env' })
    expect(chooseAccount(all, { env: '', defaultAccountId: adaAgency.id })).toEqual({ account: adaAgency, selectedBy: 'default' })
    expect(chooseAccount([bob], { defaultAccountId: 'gone on https://x.example' })).toEqual({ account: bob, selectedBy: 'only' })
  })

  it('an unknown or ambiguous name is a usage error listing the accounts; no accounts is "not signed in"', () => {
    const unknown = usage(() => chooseAccount(all, { flag: 'carol@example.com', defaultAccountId: null }))
    expect(unknown.exitCode).toBe(EXIT.usage)
    expect(unknown.message).toContain('--account')
    expect(unknown.details).toEqual({ accounts: ['ada@example.com@app.autocalls.ai', 'ada@example.com@calls.agency.example', 'Bob@Example.com'] })
    const ambiguous = usage(() => chooseAccount(all, { env: 'ada@example.com', defaultAccountId: null }))
    expect(ambiguous.message).toMatch(/AUTOCALLS_ACCOUNT.*names 2 accounts/)
    expect(ambiguous.details?.['candidates']).toEqual(['ada@example.com@app.autocalls.ai', 'ada@example.com@calls.agency.example'])
    expect(usage(() => chooseAccount(all, { defaultAccountId: null })).message).toMatch(/No default account/)
    expect(usage(() => chooseAccount([], { defaultAccountId: null })).exitCode).toBe(EXIT.notSignedIn)
  })
})

describe('selecting keys', () => {
  const now = Date.parse('2026-06-01T12:00:00Z')
  const day = 86_400_000
  const key = (id: number, name: string, createdAgoDays: number, usedAgoDays: number | null, extra: Partial<KeyListItem> = {}): KeyListItem => ({
    id,
    name,
    createdAt: new Date(now - createdAgoDays * day).toISOString(),
    lastUsedAt: usedAgoDays === null ? null : new Date(now - usedAgoDays * day).toISOString(),
    isAppKey: false,
    ...extra
  })
  const keys = [key(1, 'Old widget', 400, 120), key(2, 'Booking line', 200, 2), key(3, 'Spare CRM', 30, null), key(4, 'Reminder', 2, null), key(5, 'odd', 10, null, { lastUsedUnreadable: true })]

  it('uses the app’s classifier: by default stale at 90 days, never used from 7 days, else new', () => {
    const states = (list: KeyListItem[], settings?: Parameters<typeof selectKeys>[1]['settings']) =>
      selectKeys(list, { nowMs: now, ...(settings ? { settings } : {}) }).sort((a, b) => a.key.id - b.key.id).map((s) => s.state)
    expect(states(keys)).toEqual(['stale', 'in-use', 'never-used', 'new', 'unknown'])
    expect(states([key(6, 'edge', 100, 90), key(7, 'edge', 100, 89.99), key(8, 'edge', 7, null)])).toEqual(['stale', 'in-use', 'never-used'])
    // Every key gets exactly the state the app's classifier gives it.
    for (const { key: k, state } of selectKeys(keys, { nowMs: now })) expect(state).toBe(classifyKey(k, now).state)
  })

  it('follows the thresholds set in the app (the state file’s preferences)', () => {
    const settings = { staleAfterDays: 3, newForDays: 60, rotateAfterDays: null }
    expect(selectKeys(keys, { nowMs: now, settings }).sort((a, b) => a.key.id - b.key.id).map((s) => s.state)).toEqual(['stale', 'in-use', 'new', 'new', 'unknown'])
    expect(selectKeys(keys, { nowMs: now, settings, state: 'stale' }).map((s) => s.key.id)).toEqual([1])
    expect(selectKeys(keys, { nowMs: now, settings: { ...settings, staleAfterDays: 1 }, state: 'stale' }).map((s) => s.key.id)).toEqual([2, 1])
  })

  it('filters by state and by name (trimmed, any case), newest first', () => {
    expect(selectKeys(keys, { nowMs: now }).map((s) => s.key.id)).toEqual([4, 5, 3, 2, 1])
    expect(selectKeys(keys, { nowMs: now, state: 'stale' }).map((s) => s.key.id)).toEqual([1])
    expect(selectKeys(keys, { nowMs: now, filter: '  WIDGET ' }).map((s) => s.key.id)).toEqual([1])
    expect(selectKeys(keys, { nowMs: now, filter: 'i', state: 'in-use' }).map((s) => s.key.id)).toEqual([2])
  })

  it('takes a classifier from the caller when given one', () => {
    const everythingStale = () => 'stale' as const
    expect(selectKeys(keys, { nowMs: now, state: 'stale', classify: everythingStale })).toHaveLength(5)
    expect(selectKeys(keys, { nowMs: now, state: 'new', classify: everythingStale })).toEqual([])
  })
})

describe('key ids', () => {
  it('whole positive numbers, each once, in the order given', () => {
    expect(parseIds(['12', ' 3 ', '12', '7'])).toEqual([12, 3, 7])
  })

  it.each(['abc', '-1', '0', '1.5', '1e3', '', '9999999999999999'])('refuses %j', (raw) => {
    expect(usage(() => parseIds(['1', raw])).exitCode).toBe(EXIT.usage)
  })
})

describe('exit codes', () => {
  it('map every error kind to the documented code', () => {
    const expected: Record<AppErrorKind, number> = {
      invalid_request: 1,
      validation: 1,
      not_allowed: 1,
      unauthenticated: 2,
      not_signed_in: 2,
      not_found: 3,
      network: 4,
      timeout: 4,
      server: 4,
      rate_limited: 4,
      bad_response: 4,
      keychain_unavailable: 5,
      create_outcome_unknown: 6,
      token_gone: 70,
      internal: 70,
      cancelled: 130
    }
    for (const [kind, code] of Object.entries(expected)) expect([kind, exitCodeOf(kind as AppErrorKind)]).toEqual([kind, code])
  })
})

describe('tables', () => {
  it('no control or bidirectional character of a name survives (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (name) => {
        expect(inert(name)).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/)
      })
    )
    expect(inert('a\nb\u001b[31mc\u202ed')).toBe('a\\nb\\u001b[31mc\\u202ed')
  })

  it('aligns by display columns (wide characters and emoji count two)', () => {
    const table = renderTable([{ header: 'ID', align: 'right' }, { header: 'NAME' }, { header: 'STATE' }], [
      ['1', '日本語のキー', 'new'],
      ['22', '🔑 key', 'stale'],
      ['333', 'plain', 'in use']
    ])
    const lines = table.trimEnd().split('\n')
    const stateColumn = lines.map((line) => displayWidth(line.slice(0, line.lastIndexOf('  ') + 2)))
    expect(new Set(stateColumn).size).toBe(1)
    expect(lines[0]).toBe(' ID  NAME          STATE')
  })

  it('cuts long names to the given columns with an ellipsis', () => {
    expect(truncate('abcdef', 4)).toBe('abc…')
    expect(displayWidth(truncate('日本語のキー', 5))).toBeLessThanOrEqual(5)
    expect(truncate('short', 10)).toBe('short')
  })
})
