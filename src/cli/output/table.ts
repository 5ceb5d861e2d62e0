/**
 * Aligned tables for people. Widths are display columns (string-width: wide CJK characters and
 * emoji count two). Callers pass server text through `inert` (re-exported here) first.
 */
import stringWidth from 'string-width'
export { inert } from './inert'

export const displayWidth = (text: string): number => stringWidth(text)

/** Cuts to at most `max` display columns, ending in "…" when cut. */
export function truncate(text: string, max: number): string {
  if (displayWidth(text) <= max) return text
  let out = ''
  for (const { segment } of new Intl.Segmenter().segment(text)) {
    if (displayWidth(out + segment) > max - 1) break
    out += segment
  }
  return `${out}…`
}

export interface Column {
  header: string
  align?: 'left' | 'right'
}

/**
 * Rows under a header, columns two spaces apart; the last column is not padded. `styleHeader`
 * applies after the widths are measured (escape codes take no columns).
 */
export function renderTable(columns: readonly Column[], rows: readonly (readonly string[])[], styleHeader: (text: string) => string = (text) => text): string {
  const widths = columns.map((column, index) => Math.max(displayWidth(column.header), ...rows.map((row) => displayWidth(row[index] ?? ''))))
  const line = (cells: readonly string[], style: (text: string) => string = (text) => text) =>
    cells
      .map((cell, index) => {
        const last = index === columns.length - 1
        const gap = ' '.repeat(Math.max(0, widths[index]! - displayWidth(cell)))
        if (columns[index]?.align === 'right') return style(gap + cell)
        return style(cell) + (last ? '' : gap)
      })
      .join('  ')
      .trimEnd()
  return [line(columns.map((column) => column.header), styleHeader), ...rows.map((row) => line(row))].join('\n') + '\n'
}
