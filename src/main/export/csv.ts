/**
 * CSV as RFC 4180 writes it, made safe to open in a spreadsheet.
 *
 * - Records end with CRLF (the last one too); a field is quoted when it holds `"`, `,`, CR or
 *   LF, and a `"` inside is doubled. Everything else is written as it is (right-to-left text,
 *   emoji, control characters), so a parser gets back exactly the cells that were written.
 * - Formula neutralisation (CSV injection): a text cell that begins with `=`, `+`, `-`, `@`, tab
 *   or carriage return would be run as a formula by Excel, LibreOffice or Google Sheets; it gets
 *   a single quote `'` in front, as OWASP recommends ("CSV Injection"), which spreadsheets read as
 *   "this cell is text". The full-width forms of the four signs (＝ ＋ － ＠) are treated the same,
 *   as a precaution that costs nothing. Numbers are written as numbers: the digits of a finite
 *   number cannot form a formula.
 */

export type CsvCell = string | number | boolean | null | undefined

/** Makes Excel read the file as UTF-8 (without it, Excel on Windows reads the system's ANSI code page). */
export const UTF8_BOM = '\ufeff'

const FORMULA_START = /^[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/
const NEEDS_QUOTES = /[",\r\n]/

/** `'` before a text that a spreadsheet would read as a formula; other text unchanged. */
export const neutraliseFormula = (text: string): string => (FORMULA_START.test(text) ? `'${text}` : text)

/** Whether a text cell would be neutralised (for readers that want the original back). */
export const startsLikeFormula = (text: string): boolean => FORMULA_START.test(text)

/** One field as written in the file. */
export function csvField(value: CsvCell): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : ''
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  const text = neutraliseFormula(value)
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

export interface CsvOptions {
  /** Start with a UTF-8 byte order mark (default false). */
  bom?: boolean
}

/** Rows (the header row first, if any) as one CSV text. */
export function toCsv(rows: Iterable<readonly CsvCell[]>, options: CsvOptions = {}): string {
  const records: string[] = []
  for (const row of rows) records.push(row.map(csvField).join(','))
  const body = records.length === 0 ? '' : `${records.join('\r\n')}\r\n`
  return options.bom ? UTF8_BOM + body : body
}
