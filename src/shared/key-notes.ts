/**
 * A person's note on a key (purpose, owner, where it is used) and an optional "review by" date,
 * kept on this computer in the app's non-secret state, per account and key id. One rule set for
 * the window, main (which validates again before storing) and the command line's `keys note`.
 */
import { isCalendarDate, parseInstant } from './dates'

/**
 * Counted in code points, as key names are (Laravel's mb_strlen): an emoji or a CJK character is
 * one, whatever its UTF-16 length. Not in grapheme clusters: their boundaries follow the Unicode
 * version of each Node and Chromium release, so a note accepted by one could be refused by
 * another; code points are the same everywhere and bound the stored size (at most 4 bytes each).
 * The window must count the same way (a textarea's `maxLength` counts UTF-16 units: don't use it).
 */
export const KEY_NOTE_MAX_LENGTH = 1000

/** What a person edits. An empty note with no review date means "no note": remove it. */
export interface KeyNoteInput {
  note: string
  /** A calendar date `YYYY-MM-DD` in the person's time zone, or null for none. */
  reviewBy: string | null
}

/** What the state file holds per account and key id. */
export interface StoredKeyNote extends KeyNoteInput {
  /** ISO timestamp (UTC) of the last change. */
  updatedAt: string
}

export type KeyNoteFieldErrors = Partial<Record<keyof KeyNoteInput, string[]>>

export type KeyNoteCheck = { ok: true; value: KeyNoteInput } | { ok: false; fieldErrors: KeyNoteFieldErrors }

/** C0 controls other than tab and line feed (carriage returns are turned into line feeds first), DEL, C1 controls. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/gu
const LONE_SURROGATE = /\p{Surrogate}/u
/** A Sanctum token (`<id>|` and its secret): it belongs in the keychain, never in a note. */
const TOKEN_SHAPE = /\d+\|[A-Za-z0-9]{40}/

const codePointLength = (text: string): number => {
  let count = 0
  for (const _ of text) count++
  return count
}

const codePointName = (char: string): string => `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`

function checkNoteText(raw: unknown): { note: string } | { error: string } {
  if (raw === undefined || raw === null) return { note: '' }
  if (typeof raw !== 'string') return { error: 'The note must be text.' }
  const note = raw.replace(/\r\n?/g, '\n').trim()
  if (LONE_SURROGATE.test(note)) return { error: 'The note contains broken text (an unpaired surrogate); paste it again.' }
  const controls = note.match(CONTROL)
  if (controls) {
    const first = controls[0]
    const position = codePointLength(note.slice(0, note.indexOf(first))) + 1
    return {
      error:
        controls.length === 1
          ? `The note contains a control character (${codePointName(first)}, at character ${position}); only text, new lines and tabs can be kept.`
          : `The note contains ${controls.length} control characters (the first, ${codePointName(first)}, at character ${position}); only text, new lines and tabs can be kept.`
    }
  }
  const length = codePointLength(note)
  if (length > KEY_NOTE_MAX_LENGTH) {
    return { error: `The note is ${length.toLocaleString('en-US')} characters long; the most allowed is ${KEY_NOTE_MAX_LENGTH.toLocaleString('en-US')}.` }
  }
  if (TOKEN_SHAPE.test(note)) {
    return { error: 'The note seems to contain an API key’s token. Notes are not kept in the keychain: remove the token.' }
  }
  return { note }
}

function checkReviewBy(raw: unknown): { reviewBy: string | null } | { error: string } {
  if (raw === undefined || raw === null) return { reviewBy: null }
  if (typeof raw !== 'string') return { error: 'The review date must be a date such as 2027-03-31.' }
  const text = raw.trim()
  if (text === '') return { reviewBy: null }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return { error: 'Enter the review date as year-month-day, for example 2027-03-31.' }
  if (!isCalendarDate(text)) return { error: `${text} is not a day on the calendar.` }
  return { reviewBy: text }
}

/**
 * Checks a note as the window, the IPC payload or the command line gives it: `{ note, reviewBy }`,
 * either of which may be missing or null. Returns the clean value (trimmed, line ends as `\n`) or
 * a message per field; nothing is changed on failure.
 */
export function checkKeyNote(raw: unknown): KeyNoteCheck {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, fieldErrors: { note: ['The note must be an object with a note and a review date.'] } }
  }
  const input = raw as Record<string, unknown>
  const note = checkNoteText(input['note'])
  const reviewBy = checkReviewBy(input['reviewBy'])
  const fieldErrors: KeyNoteFieldErrors = {}
  if ('error' in note) fieldErrors.note = [note.error]
  if ('error' in reviewBy) fieldErrors.reviewBy = [reviewBy.error]
  if ('error' in note || 'error' in reviewBy) return { ok: false, fieldErrors }
  return { ok: true, value: { note: note.note, reviewBy: reviewBy.reviewBy } }
}

/** A checked note with neither text nor date: the key's note should be removed, not stored. */
export const isEmptyKeyNote = (value: KeyNoteInput): boolean => value.note === '' && value.reviewBy === null

export const storedKeyNote = (value: KeyNoteInput, now: Date = new Date()): StoredKeyNote => ({
  note: value.note,
  reviewBy: value.reviewBy,
  updatedAt: now.toISOString()
})

/** A stored note read back from the state file, or null when it does not hold up (then it is dropped). */
export function readStoredKeyNote(raw: unknown): StoredKeyNote | null {
  if (typeof raw !== 'object' || raw === null) return null
  const { updatedAt } = raw as Record<string, unknown>
  if (typeof updatedAt !== 'string' || parseInstant(updatedAt) === null) return null
  const checked = checkKeyNote(raw)
  if (!checked.ok || isEmptyKeyNote(checked.value)) return null
  return { ...checked.value, updatedAt }
}

// The row's excerpt lives in its own module, so the window's start loads it without the checks above.
export { NOTE_EXCERPT_LENGTH, noteExcerpt } from './key-note-excerpt'
