/** ANSI styles, applied only when the stream wants colour (a terminal without NO_COLOR). */
// Function-valued fields, not methods: a style is handed around on its own (`renderTable(…, style.bold)`).
export interface Style {
  readonly bold: (text: string) => string
  readonly dim: (text: string) => string
  readonly warn: (text: string) => string
  readonly error: (text: string) => string
  readonly ok: (text: string) => string
}

const wrap = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`

const COLOURED: Style = { bold: wrap(1, 22), dim: wrap(2, 22), warn: wrap(33, 39), error: wrap(31, 39), ok: wrap(32, 39) }
const identity = (text: string) => text
const PLAIN: Style = { bold: identity, dim: identity, warn: identity, error: identity, ok: identity }

export const styleFor = (stream: { color: boolean }): Style => (stream.color ? COLOURED : PLAIN)
