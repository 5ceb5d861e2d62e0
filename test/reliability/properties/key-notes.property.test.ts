/**
 * Notes over generated text (any code point, grapheme clusters, CR/LF mixes, control characters):
 * a note that passes is clean (trimmed, `\n` line ends, no control character but new line and
 * tab, at most 1,000 code points) and passes again unchanged; a refusal names the field; and the
 * row's excerpt is the first line's start, cut between grapheme clusters, at most 60 of them
 * plus an ellipsis.
 */
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { checkKeyNote, KEY_NOTE_MAX_LENGTH, noteExcerpt, NOTE_EXCERPT_LENGTH } from '../../../src/shared/key-notes'
import { writeFuzzCounts, type FuzzCount } from '../support/results'

const counts: FuzzCount[] = []
afterAll(() => writeFuzzCounts('key-notes', counts))

function check<T>(property: string, arbitrary: fc.Arbitrary<T>, predicate: (value: T) => void, numRuns: number): void {
  const details = fc.check(
    fc.property(arbitrary, (value) => {
      predicate(value)
    }),
    { numRuns }
  )
  counts.push({ file: 'key-notes', property, numRuns: details.numRuns, passed: !details.failed })
  if (details.failed) throw new Error(fc.defaultReportMessage(details) ?? `${property} failed`)
  expect(details.numRuns).toBe(numRuns)
}

const piece = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 5 }),
  fc.constantFrom('\n', '\r\n', '\r', '\t', ' ', '  ', '👩‍👩‍👧', '🇩🇪', 'e\u0301', 'שלום', '\u0007', '\u0085')
)
const noteText = fc.oneof(
  fc.array(piece, { maxLength: 12 }).map((parts) => parts.join('')),
  fc.string({ unit: 'grapheme', minLength: 990, maxLength: 1010 })
)
const codePoints = (text: string) => [...text].length
const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' })
const graphemes = (text: string) => [...segmenter.segment(text)].map((s) => s.segment)

describe('key notes (property)', () => {
  it('a note that passes is clean and passes again unchanged', () => {
    check(
      'clean and idempotent',
      noteText,
      (raw) => {
        const result = checkKeyNote({ note: raw, reviewBy: null })
        if (!result.ok) {
          expect(Object.keys(result.fieldErrors)).toEqual(['note'])
          expect(result.fieldErrors.note![0]!.length).toBeGreaterThan(10)
          return
        }
        const { note } = result.value
        expect(note).toBe(note.trim())
        expect(note).not.toMatch(/\r/)
        expect(note).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/)
        expect(codePoints(note)).toBeLessThanOrEqual(KEY_NOTE_MAX_LENGTH)
        expect(checkKeyNote({ note, reviewBy: null })).toEqual(result)
      },
      2000
    )
  })

  it('the excerpt is the first line’s start, cut between grapheme clusters', () => {
    check(
      'grapheme-safe excerpt',
      noteText,
      (note) => {
        const excerpt = noteExcerpt(note)
        const firstLine = note.trim().split('\n')[0]!.trimEnd()
        const lineClusters = graphemes(firstLine)
        // The ellipsis is added exactly when something was left out: more clusters or more lines.
        const leftOut = lineClusters.length > NOTE_EXCERPT_LENGTH || note.trim().includes('\n')
        expect(excerpt.endsWith('…') || !leftOut).toBe(true)
        const body = leftOut ? excerpt.slice(0, -1) : excerpt
        expect(firstLine.startsWith(body)).toBe(true)
        const bodyClusters = graphemes(body)
        expect(bodyClusters.length).toBeLessThanOrEqual(NOTE_EXCERPT_LENGTH)
        // Cut between clusters: the excerpt's clusters are the line's first clusters.
        expect(lineClusters.slice(0, bodyClusters.length)).toEqual(bodyClusters)
        if (!leftOut) expect(excerpt).toBe(firstLine)
      },
      2000
    )
  })
})
