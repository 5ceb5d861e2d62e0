import { describe, expect, it } from 'vitest'
import { csvField, neutraliseFormula, toCsv, UTF8_BOM } from '../../../src/main/export/csv'
import { parseRfc4180 } from './rfc4180'

describe('toCsv: RFC 4180', () => {
  it('ends every record with CRLF and leaves plain fields unquoted', () => {
    expect(toCsv([['id', 'name'], [1, 'Prod']])).toBe('id,name\r\n1,Prod\r\n')
    expect(toCsv([])).toBe('')
  })

  it('quotes fields holding a quote, a comma, CR or LF, and doubles quotes inside', () => {
    expect(csvField('say "hi"')).toBe('"say ""hi"""')
    expect(csvField('a,b')).toBe('"a,b"')
    expect(csvField('line\nbreak')).toBe('"line\nbreak"')
    expect(csvField('cr\rhere')).toBe('"cr\rhere"')
    expect(csvField('"')).toBe('""""')
    expect(csvField(' spaced ')).toBe(' spaced ')
  })

  it('writes empty, boolean and number cells', () => {
    expect(toCsv([[null, undefined, '', true, false, 0, 12.5, Number.NaN, Number.POSITIVE_INFINITY]])).toBe(',,,true,false,0,12.5,,\r\n')
  })

  it('parses back to the same cells, whatever the names hold', () => {
    const cells = [
      ['Prod "main", EU', 'שלום עולם', 'مرحبا', '\u202eevil.exe', '👩‍👩‍👧 family', 'e\u0301', ''],
      ['multi\r\nline\nname\r', 'tab\there', ',', '""', '\u0000nul', 'x'.repeat(1000), '🇩🇪']
    ]
    expect(parseRfc4180(toCsv(cells))).toEqual(cells)
  })
})

describe('toCsv: spreadsheet formulas are neutralised', () => {
  it.each(['=1+1', '+1', '-1', '@SUM(A1)', '\tTAB', '\rCR', '=HYPERLINK("http://evil","x")', '＝1+1', '＋1', '－1', '＠x'])('prefixes %j with a quote', (text) => {
    expect(neutraliseFormula(text)).toBe(`'${text}`)
    expect(parseRfc4180(toCsv([[text]]))).toEqual([[`'${text}`]])
  })

  it('leaves other text alone, including those characters further in', () => {
    for (const text of ['a=1', 'key-1', "'quoted", ' =1', 'Prod', 'mail@example.com', '']) expect(neutraliseFormula(text)).toBe(text)
  })

  it('writes numbers as numbers, negative ones too (digits cannot form a formula)', () => {
    expect(toCsv([[-5, 3]])).toBe('-5,3\r\n')
  })

  it('quotes a neutralised cell that also needs quoting', () => {
    expect(csvField('=cmd|"/c calc"!A1,')).toBe(`"'=cmd|""/c calc""!A1,"`)
  })
})

describe('toCsv: byte order mark', () => {
  it('adds a UTF-8 BOM only when asked', () => {
    expect(toCsv([['a']], { bom: true })).toBe(`${UTF8_BOM}a\r\n`)
    expect(Buffer.from(toCsv([['a']], { bom: true }), 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]))
    expect(toCsv([['a']]).startsWith(UTF8_BOM)).toBe(false)
  })
})

describe('the test parser itself', () => {
  it('refuses what RFC 4180 does not allow', () => {
    expect(() => parseRfc4180('a\nb\r\n')).toThrow(/bare LF/)
    expect(() => parseRfc4180('a"b\r\n')).toThrow(/quote inside/)
    expect(() => parseRfc4180('"a"b\r\n')).toThrow(/after a closing quote/)
    expect(() => parseRfc4180('"abc\r\n')).toThrow(/unterminated/)
    expect(() => parseRfc4180('a\rb')).toThrow(/CR without LF/)
    expect(parseRfc4180('a,"b\r\nc"\r\n,\r\nlast')).toEqual([['a', 'b\r\nc'], ['', ''], ['last']])
  })
})
