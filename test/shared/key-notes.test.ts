import { describe, expect, it } from 'vitest'
import { checkKeyNote, isEmptyKeyNote, KEY_NOTE_MAX_LENGTH, noteExcerpt, readStoredKeyNote, storedKeyNote } from '../../src/shared/key-notes'

const noteErrors = (raw: unknown) => {
  const result = checkKeyNote(raw)
  if (result.ok) throw new Error(`expected a refusal, got ${JSON.stringify(result.value)}`)
  return result.fieldErrors
}

describe('checkKeyNote: the note', () => {
  it('trims, turns CRLF and CR into LF, keeps tabs and inner new lines', () => {
    expect(checkKeyNote({ note: '  \r\n Billing service\r\nOwner: Ada\rTabs:\there \n\n', reviewBy: null })).toEqual({
      ok: true,
      value: { note: 'Billing service\nOwner: Ada\nTabs:\there', reviewBy: null }
    })
  })

  it('takes a missing or null note as empty', () => {
    expect(checkKeyNote({ reviewBy: '2027-01-31' })).toEqual({ ok: true, value: { note: '', reviewBy: '2027-01-31' } })
    expect(checkKeyNote({ note: null, reviewBy: null })).toEqual({ ok: true, value: { note: '', reviewBy: null } })
  })

  it('counts code points: 1,000 emoji fit, 1,001 characters do not', () => {
    const emoji = '😀'.repeat(KEY_NOTE_MAX_LENGTH) // 2,000 UTF-16 units
    expect(checkKeyNote({ note: emoji })).toEqual({ ok: true, value: { note: emoji, reviewBy: null } })
    expect(noteErrors({ note: 'a'.repeat(1001) }).note).toEqual(['The note is 1,001 characters long; the most allowed is 1,000.'])
    // Spaces trimmed away do not count.
    expect(checkKeyNote({ note: `   ${'a'.repeat(1000)}   ` }).ok).toBe(true)
  })

  it('refuses control characters other than new lines and tabs, naming the first', () => {
    expect(noteErrors({ note: 'bell\u0007 here' }).note).toEqual([
      'The note contains a control character (U+0007, at character 5); only text, new lines and tabs can be kept.'
    ])
    expect(noteErrors({ note: '😀\u0000x\u001b[31m' }).note?.[0]).toBe(
      'The note contains 2 control characters (the first, U+0000, at character 2); only text, new lines and tabs can be kept.'
    )
    expect(noteErrors({ note: 'del\u007f' }).note?.[0]).toContain('U+007F')
    expect(noteErrors({ note: 'c1\u0085' }).note?.[0]).toContain('U+0085')
    expect(noteErrors({ note: 'vt\u000bff' }).note?.[0]).toContain('U+000B')
  })

  it('keeps right-to-left text, bidi marks, combining marks and emoji sequences', () => {
    const text = 'שלום \u200fمرحبا e\u0301 👩‍👩‍👧 🇩🇪'
    expect(checkKeyNote({ note: text })).toEqual({ ok: true, value: { note: text, reviewBy: null } })
  })

  it('refuses broken text and a pasted token', () => {
    expect(noteErrors({ note: 'half \ud83d pair' }).note?.[0]).toContain('unpaired surrogate')
    expect(noteErrors({ note: `used by CI: 12|${'a1B2'.repeat(10)}` }).note?.[0]).toBe(
      'The note seems to contain an API key’s token. Notes are not kept in the keychain: remove the token.'
    )
    // A commit hash or a 40-character word without the `<id>|` is fine.
    expect(checkKeyNote({ note: `deployed at ${'0123456789abcdef0123456789abcdef01234567'}` }).ok).toBe(true)
  })

  it('refuses what is not text', () => {
    expect(noteErrors({ note: 42 }).note).toEqual(['The note must be text.'])
    expect(noteErrors('a note').note?.[0]).toContain('must be an object')
    expect(noteErrors(null).note?.[0]).toContain('must be an object')
    expect(noteErrors([]).note?.[0]).toContain('must be an object')
  })
})

describe('checkKeyNote: the review date', () => {
  it('accepts a calendar date, and empty or null as none', () => {
    expect(checkKeyNote({ note: 'x', reviewBy: '2028-02-29' })).toEqual({ ok: true, value: { note: 'x', reviewBy: '2028-02-29' } })
    expect(checkKeyNote({ note: 'x', reviewBy: ' 2027-12-31 ' })).toEqual({ ok: true, value: { note: 'x', reviewBy: '2027-12-31' } })
    expect(checkKeyNote({ note: 'x', reviewBy: '' })).toEqual({ ok: true, value: { note: 'x', reviewBy: null } })
    expect(checkKeyNote({ note: 'x' })).toEqual({ ok: true, value: { note: 'x', reviewBy: null } })
  })

  it('says what is wrong with a bad date', () => {
    expect(noteErrors({ note: 'x', reviewBy: '2027-02-29' }).reviewBy).toEqual(['2027-02-29 is not a day on the calendar.'])
    expect(noteErrors({ note: 'x', reviewBy: '31/12/2027' }).reviewBy).toEqual(['Enter the review date as year-month-day, for example 2027-03-31.'])
    expect(noteErrors({ note: 'x', reviewBy: '2027-12-31T00:00:00Z' }).reviewBy?.[0]).toContain('year-month-day')
    expect(noteErrors({ note: 'x', reviewBy: 20271231 }).reviewBy).toEqual(['The review date must be a date such as 2027-03-31.'])
  })

  it('reports both fields at once', () => {
    const errors = noteErrors({ note: '\u0001', reviewBy: '2027-13-01' })
    expect(Object.keys(errors).sort()).toEqual(['note', 'reviewBy'])
  })
})

describe('stored notes', () => {
  it('an empty note with no date means "remove"', () => {
    expect(isEmptyKeyNote({ note: '', reviewBy: null })).toBe(true)
    expect(isEmptyKeyNote({ note: '', reviewBy: '2027-01-01' })).toBe(false)
    expect(isEmptyKeyNote({ note: 'x', reviewBy: null })).toBe(false)
  })

  it('stamps the change and reads back only what holds up', () => {
    const stored = storedKeyNote({ note: 'Prod billing', reviewBy: '2027-06-30' }, new Date(Date.UTC(2027, 0, 2, 3, 4, 5)))
    expect(stored).toEqual({ note: 'Prod billing', reviewBy: '2027-06-30', updatedAt: '2027-01-02T03:04:05.000Z' })
    expect(readStoredKeyNote(JSON.parse(JSON.stringify(stored)))).toEqual(stored)
    expect(readStoredKeyNote({ ...stored, updatedAt: 'yesterday' })).toBeNull()
    expect(readStoredKeyNote({ ...stored, note: 'x'.repeat(2000) })).toBeNull()
    expect(readStoredKeyNote({ note: '', reviewBy: null, updatedAt: stored.updatedAt })).toBeNull()
    expect(readStoredKeyNote('Prod billing')).toBeNull()
  })
})

describe('noteExcerpt', () => {
  it('shows a short first line as it is', () => {
    expect(noteExcerpt('Billing service')).toBe('Billing service')
    expect(noteExcerpt('')).toBe('')
  })

  it('marks more lines with an ellipsis', () => {
    expect(noteExcerpt('Billing service\nOwner: Ada')).toBe('Billing service…')
  })

  it('cuts a long line at about 60 characters, at a space when one is near', () => {
    const text = 'Used by the nightly export job on the reporting server in Frankfurt, owned by the data team'
    const excerpt = noteExcerpt(text)
    expect(excerpt).toBe('Used by the nightly export job on the reporting server in…')
    expect([...excerpt].length).toBeLessThanOrEqual(61)
  })

  it('cuts a line without spaces at exactly 60 characters', () => {
    expect(noteExcerpt('x'.repeat(100))).toBe(`${'x'.repeat(60)}…`)
  })

  it('never splits a grapheme cluster (emoji sequences, flags, accents)', () => {
    const family = '👩‍👩‍👧'
    const excerpt = noteExcerpt(family.repeat(70))
    expect(excerpt).toBe(`${family.repeat(60)}…`)
    expect(noteExcerpt('🇩🇪'.repeat(61))).toBe(`${'🇩🇪'.repeat(60)}…`)
    expect(noteExcerpt('e\u0301'.repeat(61))).toBe(`${'e\u0301'.repeat(60)}…`)
  })
})
