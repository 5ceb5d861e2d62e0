/**
 * The server's rule for key names (Laravel `required|string|max:255` after its TrimStrings
 * middleware), checked before sending so a person sees the problem without a round trip.
 */
export const KEY_NAME_MAX_LENGTH = 255

export type KeyNameCheck = { ok: true; name: string } | { ok: false; message: string }

/** Laravel's mb_strlen counts code points, not UTF-16 units: an emoji is one character. */
export const codePointLength = (text: string): number => {
  let count = 0
  for (const _ of text) count++
  return count
}

/** Laravel's TrimStrings middleware: whitespace plus NEL, U+180E, zero-width space and BOM. */
const LARAVEL_TRIM = /^[\s\u0085\u180e\u200b\ufeff]+|[\s\u0085\u180e\u200b\ufeff]+$/gu
/** PHP's trim() set, which Laravel's `required` rule applies on top (it also strips NUL). */
const PHP_TRIM = /^[ \t\n\r\0\x0B]+|[ \t\n\r\0\x0B]+$/g

export function checkKeyName(raw: unknown): KeyNameCheck {
  if (typeof raw !== 'string') return { ok: false, message: 'The name must be text.' }
  const name = raw.replace(LARAVEL_TRIM, '')
  if (name.replace(PHP_TRIM, '') === '') return { ok: false, message: 'Enter a name for the key.' }
  const length = codePointLength(name)
  if (length > KEY_NAME_MAX_LENGTH) {
    return {
      ok: false,
      message: `The name is ${length} characters long; the most allowed is ${KEY_NAME_MAX_LENGTH}.`
    }
  }
  return { ok: true, name }
}
