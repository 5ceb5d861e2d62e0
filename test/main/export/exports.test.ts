import { describe, expect, it } from 'vitest'
import { UTF8_BOM } from '../../../src/main/export/csv'
import {
  ACTIVITY_CSV_HEADER,
  exportActivity,
  exportFileName,
  exportKeys,
  KEY_CSV_HEADER,
  type ExportableKey,
  type KeyExportDocument
} from '../../../src/main/export/exports'
import type { ActivityEntry } from '../../../src/shared/activity'
import { MS_PER_DAY } from '../../../src/shared/dates'
import { DEFAULT_HYGIENE_SETTINGS } from '../../../src/shared/key-hygiene'
import { parseRfc4180 } from './rfc4180'

const NOW = new Date('2027-03-15T12:00:00.000Z')
const ago = (days: number) => new Date(NOW.getTime() - days * MS_PER_DAY).toISOString()
const account = { id: 'ada@example.com on https://app.autocalls.ai/api', label: 'ada@example.com on app.autocalls.ai' }
const TOKEN = `9|${'Tk3nS3cr3t'.repeat(4)}`

const keys: ExportableKey[] = [
  { id: 1, name: 'This app', createdAt: ago(400), lastUsedAt: ago(0), isAppKey: true },
  { id: 2, name: '=HYPERLINK("http://evil","click")', createdAt: ago(300), lastUsedAt: ago(120) },
  { id: 3, name: 'CI, "nightly"\nrunner', createdAt: ago(30), lastUsedAt: null },
  { id: 4, name: 'שלום 👩‍👩‍👧', createdAt: ago(1), lastUsedAt: null },
  { id: 5, name: 'odd', createdAt: ago(50), lastUsedAt: null, lastUsedUnreadable: true }
]
const notes = new Map([
  [2, { note: '-owner: data team\nused by: reports', reviewBy: '2027-03-01' }],
  [3, { note: 'plain', reviewBy: null }]
])

const csvBody = (text: string) => {
  expect(text.startsWith(UTF8_BOM)).toBe(true)
  return parseRfc4180(text.slice(UTF8_BOM.length))
}

describe('exportKeys', () => {
  it('CSV: the columns, the state in words, notes, and formulas neutralised', () => {
    const file = exportKeys({ account, keys, notes, now: NOW }, 'csv')
    expect(file).toMatchObject({ format: 'csv', mimeType: 'text/csv;charset=utf-8', suggestedName: 'autocalls-keys-ada-example.com-on-app.autocalls.ai-2027-03-15.csv' })
    const rows = csvBody(file.text)
    expect(rows[0]).toEqual([...KEY_CSV_HEADER])
    expect(rows.slice(1)).toEqual([
      ['1', 'This app', ago(400), ago(0), 'In use', '', '', 'yes'],
      ['2', `'=HYPERLINK("http://evil","click")`, ago(300), ago(120), 'Stale', "'-owner: data team\nused by: reports", '2027-03-01', 'no'],
      ['3', 'CI, "nightly"\nrunner', ago(30), 'never', 'Never used', 'plain', '', 'no'],
      ['4', 'שלום 👩‍👩‍👧', ago(1), 'never', 'New', '', '', 'no'],
      ['5', 'odd', ago(50), 'unreadable', 'Unknown', '', '', 'no']
    ])
  })

  it('CSV without the byte order mark, for scripts', () => {
    expect(exportKeys({ account, keys, now: NOW }, 'csv', { bom: false }).text.startsWith('ID,Name,')).toBe(true)
  })

  it('JSON: the documented shape, raw values (no spreadsheet escaping)', () => {
    const file = exportKeys({ account, keys, notes, now: NOW, settings: { ...DEFAULT_HYGIENE_SETTINGS, rotateAfterDays: 365 } }, 'json')
    expect(file).toMatchObject({ format: 'json', mimeType: 'application/json' })
    expect(file.suggestedName.endsWith('.json')).toBe(true)
    const doc = JSON.parse(file.text) as KeyExportDocument
    expect(doc).toMatchObject({
      format: 'autocalls-keys/keys',
      version: 1,
      exportedAt: NOW.toISOString(),
      account,
      settings: { staleAfterDays: 90, newForDays: 7, rotateAfterDays: 365 }
    })
    expect(doc.keys[1]).toEqual({
      id: 2,
      name: '=HYPERLINK("http://evil","click")',
      createdAt: ago(300),
      lastUsedAt: ago(120),
      lastUsedUnreadable: false,
      state: 'stale',
      rotationDue: false,
      isAppKey: false,
      note: '-owner: data team\nused by: reports',
      reviewBy: '2027-03-01'
    })
    expect(doc.keys.map((k) => [k.id, k.state, k.rotationDue, k.isAppKey])).toEqual([
      [1, 'in-use', true, true],
      [2, 'stale', false, false],
      [3, 'never-used', false, false],
      [4, 'new', false, false],
      [5, 'unknown', false, false]
    ])
    expect(doc.keys[4]).toMatchObject({ lastUsedAt: null, lastUsedUnreadable: true })
  })

  it('never writes a token, whatever the objects passed in carry', () => {
    const withToken = keys.map((k) => ({ ...k, token: TOKEN, plainTextToken: TOKEN }))
    for (const format of ['csv', 'json'] as const) {
      const text = exportKeys({ account, keys: withToken, now: NOW }, format).text
      expect(text).not.toContain(TOKEN.split('|')[1])
      expect(text).not.toContain('token')
    }
  })
})

const entry = (extra: Partial<ActivityEntry>): ActivityEntry => ({
  type: 'entry',
  v: 1,
  id: 'e1',
  at: '2027-03-15T11:00:00.000Z',
  accountId: account.id,
  accountLabel: account.label,
  action: 'bulk-delete',
  keyId: 2,
  keyName: '@evil',
  relatedKeyId: null,
  outcome: 'failed',
  errorKind: 'network',
  detail: 'Could not reach app.autocalls.ai',
  source: 'app',
  ...extra
})

describe('exportActivity', () => {
  const entries = [entry({}), entry({ id: 'e2', action: 'rotation-started', keyId: 7, relatedKeyId: 8, keyName: 'Prod', outcome: 'ok', errorKind: null, detail: null, source: 'cli' })]

  it('CSV: one row per entry, actions in words, formulas neutralised', () => {
    const file = exportActivity({ account, entries, now: NOW }, 'csv')
    expect(file.suggestedName).toBe('autocalls-activity-ada-example.com-on-app.autocalls.ai-2027-03-15.csv')
    const rows = csvBody(file.text)
    expect(rows[0]).toEqual([...ACTIVITY_CSV_HEADER])
    expect(rows.slice(1)).toEqual([
      ['2027-03-15T11:00:00.000Z', account.label, 'Key deleted (bulk)', '2', "'@evil", '', 'failed', 'network', 'Could not reach app.autocalls.ai', 'app'],
      ['2027-03-15T11:00:00.000Z', account.label, 'Rotation started', '7', 'Prod', '8', 'ok', '', '', 'cli']
    ])
  })

  it('JSON: the documented shape, with where the log was cut and how many lines were damaged', () => {
    const cut = { type: 'cut' as const, v: 1 as const, at: '2027-03-01T00:00:00.000Z', moved: 1000, movedTotal: 3000, archive: 'activity-archive.jsonl', cutBefore: '2027-02-01T00:00:00.000Z' }
    const doc = JSON.parse(exportActivity({ account: null, entries, cut, damagedLines: 2, now: NOW }, 'json').text)
    expect(doc).toMatchObject({ format: 'autocalls-keys/activity', version: 1, exportedAt: NOW.toISOString(), account: null, cut, damagedLines: 2, unrecognisedLines: 0 })
    expect(doc.entries).toHaveLength(2)
    expect(doc.entries[1]).toEqual({
      id: 'e2',
      at: '2027-03-15T11:00:00.000Z',
      accountId: account.id,
      accountLabel: account.label,
      action: 'rotation-started',
      keyId: 7,
      keyName: 'Prod',
      relatedKeyId: 8,
      outcome: 'ok',
      errorKind: null,
      detail: null,
      source: 'cli'
    })
    expect(exportActivity({ account: null, entries, now: NOW }, 'json').suggestedName).toBe('autocalls-activity-all-accounts-2027-03-15.json')
  })
})

describe('exportFileName', () => {
  it('keeps only characters every file system accepts', () => {
    expect(exportFileName('keys', 'ädä/\\:*?"<>|@exämple.com on host:8443', NOW, 'csv')).toBe('autocalls-keys-ada-example.com-on-host-8443-2027-03-15.csv')
    expect(exportFileName('activity', '../../etc/passwd', NOW, 'csv')).toBe('autocalls-activity-etc-passwd-2027-03-15.csv')
    expect(exportFileName('keys', '////', NOW, 'json')).toBe('autocalls-keys-2027-03-15.json')
  })
})

describe('budget: CSV export of 10,000 keys', () => {
  it('takes well under 200 ms', () => {
    const many: ExportableKey[] = Array.from({ length: 10_000 }, (_, i) => ({
      id: i + 1,
      name: i % 7 === 0 ? `=cmd${i}, "quoted"` : `Key number ${i} 👩‍👩‍👧`,
      createdAt: ago(i % 500),
      lastUsedAt: i % 3 === 0 ? null : ago(i % 200),
      isAppKey: i === 0
    }))
    const manyNotes = new Map(many.filter((_, i) => i % 4 === 0).map((k) => [k.id, { note: `Owner: team ${k.id}\nWhere: service-${k.id}`, reviewBy: '2027-06-30' }]))
    const times: number[] = []
    let text = ''
    for (let run = 0; run < 10; run++) {
      const start = performance.now()
      text = exportKeys({ account, keys: many, notes: manyNotes, now: NOW }, 'csv').text
      times.push(performance.now() - start)
    }
    times.sort((a, b) => a - b)
    const median = times[Math.floor(times.length / 2)]!
    console.log(`CSV export of 10,000 keys: median ${median.toFixed(1)} ms, max ${times.at(-1)!.toFixed(1)} ms, ${(Buffer.byteLength(text) / 1e6).toFixed(2)} MB`)
    expect(parseRfc4180(text.slice(1))).toHaveLength(10_001)
    expect(median).toBeLessThanOrEqual(200)
  })
})
