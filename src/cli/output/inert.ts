/**
 * Text from the server (key names, emails) made inert for a terminal: a name cannot move the
 * cursor, change colours or reorder the line with bidirectional controls.
 */

// C0 and C1 controls, DEL, and the bidirectional embedding, override and isolate characters.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g
const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' }

/** The text with every control character shown as an escape (`\n`, `\u202e`). */
export const inert = (text: string): string =>
  text.replace(UNSAFE, (char) => NAMED[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)

// The same, but new lines and tabs are kept: a person's own multi-line text (a key's note).
const UNSAFE_IN_TEXT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g

/** Like `inert`, keeping line feeds and tabs as they are. */
export const inertText = (text: string): string => text.replace(UNSAFE_IN_TEXT, (char) => inert(char))
