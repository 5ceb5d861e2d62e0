/**
 * CSV escaping (issue 10) over generated cells: any Unicode text (every code point, grapheme
 * clusters, right-to-left text, emoji), quotes, commas, CR, LF, tabs and formula starters, plus
 * numbers, booleans and empty cells. What is written parses back with a strict RFC 4180 reader
 * written for the tests to exactly the cells given (text starting like a formula with the `'`
 * prefix in front, and nothing else changed); no text cell a spreadsheet reads starts with a
 * formula character; the byte order mark changes nothing else. The key list export round-trips
 * generated names and notes the same way, in CSV and JSON, and never carries a token.
 */
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { toCsv, UTF8_BOM, type CsvCell } from '../../../src/main/export/csv'
import { exportKeys, type KeyExportDocument } from '../../../src/main/export/exports'
import { parseRfc4180 } from '../../main/export/rfc4180'
import { writeFuzzCounts, type FuzzCount } from '../support/results'

const counts: FuzzCount[] = []
afterAll(() => writeFuzzCounts('csv-export', counts))

function check<T>(property: string, arbitrary: fc.Arbitrary<T>, predicate: (value: T) => void, numRuns: number): void {
  const details = fc.check(
    fc.property(arbitrary, (value) => {
      predicate(value)
    }),
    { numRuns }
  )
  counts.push({ file: 'csv-export', property, numRuns: details.numRuns, passed: !details.failed })
  if (details.failed) throw new Error(fc.defaultReportMessage(details) ?? `${property} failed`)
  expect(details.numRuns).toBe(numRuns)
}

// The oracle, from OWASP's list rather than from the module: these starts make a formula; plus
// the full-width forms of the four signs, which the module documents treating the same.
const FORMULA_STARTS = ['=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠']
const startsLikeFormula = (text: string) => FORMULA_STARTS.some((start) => text.startsWith(start))

const special = fc.constantFrom('"', ',', '\r', '\n', '\r\n', '=', '+', '-', '@', '\t', ' ', "'", '""', '＝', '\u202e', '\u200f', '\ufeff', '\u0000')
/** Text built from pieces of every kind, so specials land at the start, the end and in between. */
const text = fc
  .array(
    fc.oneof(
      special,
      fc.string({ unit: 'binary', maxLength: 6 }),
      fc.string({ unit: 'grapheme', maxLength: 4 }),
      fc.constantFrom('שלום', 'مرحبا', '👩‍👩‍👧', '🇩🇪', 'e\u0301', 'Prod key', '=HYPERLINK("http://x","y")', '-2+3+cmd|\' /C calc\'!A0')
    ),
    { maxLength: 6 }
  )
  .map((parts) => parts.join(''))

const cell: fc.Arbitrary<CsvCell> = fc.oneof(
  { weight: 6, arbitrary: text },
  { weight: 1, arbitrary: fc.integer({ min: -1e9, max: 1e9 }) },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 1, arbitrary: fc.constantFrom(null, undefined, true, false, Number.NaN) }
)

/** What a reader gets back for a cell: text with the prefix when it starts like a formula, numbers as JavaScript writes them. */
function expectedCell(value: CsvCell): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'boolean') return String(value)
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : ''
  return startsLikeFormula(value) ? `'${value}` : value
}

const rows = fc.array(fc.array(cell, { minLength: 1, maxLength: 8 }), { maxLength: 12 })

describe('CSV escaping (property)', () => {
  it('parses back to the same cells', () => {
    check(
      'RFC 4180 round trip',
      rows,
      (table) => {
        expect(parseRfc4180(toCsv(table))).toEqual(table.map((row) => row.map(expectedCell)))
      },
      3000
    )
  })

  it('no text cell starts with a formula character once written', () => {
    check(
      'no formula starts',
      rows,
      (table) => {
        const parsed = parseRfc4180(toCsv(table))
        table.forEach((row, r) =>
          row.forEach((value, c) => {
            if (typeof value === 'string') expect(startsLikeFormula(parsed[r]![c]!)).toBe(false)
          })
        )
      },
      3000
    )
  })

  it('removing the prefix gives the original text back', () => {
    check(
      'prefix is the only change',
      fc.array(text, { minLength: 1, maxLength: 8 }),
      (texts) => {
        const [parsed] = parseRfc4180(toCsv([texts]))
        expect(parsed!.map((value, i) => (startsLikeFormula(texts[i]!) ? value.slice(1) : value))).toEqual(texts)
      },
      2000
    )
  })

  it('the byte order mark is the only difference', () => {
    check(
      'BOM prefix only',
      rows,
      (table) => {
        const withBom = toCsv(table, { bom: true })
        expect(withBom).toBe(UTF8_BOM + toCsv(table))
      },
      500
    )
  })
})

describe('the key list export (property)', () => {
  const TOKEN_SECRET = 'S3cr3tT0k3nS3cr3tT0k3nS3cr3tT0k3nS3cr3tT'
  const key = fc.record({
    name: text,
    note: text,
    createdDaysAgo: fc.integer({ min: 0, max: 3000 }),
    usedDaysAgo: fc.option(fc.integer({ min: 0, max: 3000 }), { nil: null }),
    isAppKey: fc.boolean()
  })

  it('names and notes round-trip in CSV and JSON, and no token is written', () => {
    check(
      'key export round trip, no token',
      fc.array(key, { minLength: 1, maxLength: 30 }),
      (generated) => {
        const now = new Date('2027-03-15T12:00:00.000Z')
        const ago = (days: number) => new Date(now.getTime() - days * 86_400_000).toISOString()
        const keys = generated.map((k, i) => ({
          id: i + 1,
          name: k.name,
          createdAt: ago(k.createdDaysAgo),
          lastUsedAt: k.usedDaysAgo === null ? null : ago(k.usedDaysAgo),
          isAppKey: k.isAppKey,
          token: `${i + 1}|${TOKEN_SECRET}`
        }))
        const notes = new Map(generated.map((k, i) => [i + 1, { note: k.note, reviewBy: null }]))
        const input = { account: { id: 'a on h', label: 'a on h' }, keys, notes, now }

        const csv = exportKeys(input, 'csv').text
        expect(csv).not.toContain(TOKEN_SECRET)
        const parsed = parseRfc4180(csv.slice(UTF8_BOM.length)).slice(1)
        expect(parsed.map((row) => [row[1], row[5]])).toEqual(generated.map((k) => [expectedCell(k.name), expectedCell(k.note)]))

        const json = exportKeys(input, 'json').text
        expect(json).not.toContain(TOKEN_SECRET)
        const doc = JSON.parse(json) as KeyExportDocument
        expect(doc.keys.map((k) => [k.name, k.note])).toEqual(generated.map((k) => [k.name, k.note]))
      },
      500
    )
  })
})
