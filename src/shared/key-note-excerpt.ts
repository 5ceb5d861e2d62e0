/** A key note's excerpt for its row (pure; shared by the renderer and the command line). */

export const NOTE_EXCERPT_LENGTH = 60

let graphemes: Intl.Segmenter | undefined

/**
 * The note's first line, cut to about `max` user-perceived characters (grapheme clusters, so an
 * emoji, a flag or a letter with its accents is never split), at a space when one is near the
 * end, with `…` when anything was left out (more text or more lines).
 */
export function noteExcerpt(note: string, max: number = NOTE_EXCERPT_LENGTH): string {
  const text = note.trim()
  const lineEnd = text.indexOf('\n')
  const firstLine = (lineEnd === -1 ? text : text.slice(0, lineEnd)).trimEnd()
  const moreLines = lineEnd !== -1
  graphemes ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' })
  const kept: string[] = []
  let cut = false
  for (const { segment } of graphemes.segment(firstLine)) {
    if (kept.length === max) {
      cut = true
      break
    }
    kept.push(segment)
  }
  if (cut) {
    // Prefer to end at a word: the last space in the final quarter of the excerpt.
    for (let i = kept.length - 1; i >= Math.floor(max * 0.75); i--) {
      if (/^\s+$/u.test(kept[i]!)) {
        kept.length = i
        break
      }
    }
  }
  const excerpt = kept.join('').trimEnd()
  return cut || moreLines ? `${excerpt}…` : excerpt
}
