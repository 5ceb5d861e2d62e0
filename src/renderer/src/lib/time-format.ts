/**
 * Dates and times as people read them: relative phrases ("3 days ago", "just now") with the
 * exact moment kept for `title` tooltips and `<time dateTime>`. Formatters are built once
 * because constructing Intl objects per row would dominate render time for long lists.
 */

// The UI text is English, so relative phrases are too; absolute dates follow the system locale.
const relativeFormat = new Intl.RelativeTimeFormat('en', { numeric: 'auto' })
const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' })
const exactFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'long', timeStyle: 'long' })

const SECOND = 1000
const UNITS: ReadonlyArray<readonly [Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 24 * 3600 * SECOND],
  ['month', 30 * 24 * 3600 * SECOND],
  ['week', 7 * 24 * 3600 * SECOND],
  ['day', 24 * 3600 * SECOND],
  ['hour', 3600 * SECOND],
  ['minute', 60 * SECOND]
]

/** Below this, a moment is "just now" (also absorbs small clock differences with the server). */
const JUST_NOW_MS = 45 * SECOND

/** Milliseconds since the epoch, or null for a missing or unparsable timestamp. */
export const parseTimestamp = (iso: string | null | undefined): number | null => {
  if (!iso) return null
  const ms = Date.parse(iso)
  return Number.isNaN(ms) ? null : ms
}

/** "just now", "5 minutes ago", "yesterday", "3 days ago", "in 2 hours" (relative to `now`). */
export function formatRelativeTime(iso: string, now: number = Date.now()): string {
  const then = parseTimestamp(iso)
  if (then === null) return 'at an unknown time'
  const diff = then - now
  const size = Math.abs(diff)
  if (size < JUST_NOW_MS) return 'just now'
  for (const [unit, unitMs] of UNITS) {
    if (size >= unitMs) return relativeFormat.format(Math.trunc(diff / unitMs), unit)
  }
  // 45–59 seconds: round up to a minute rather than show seconds.
  return relativeFormat.format(diff < 0 ? -1 : 1, 'minute')
}

/** A calendar date in the person's locale, e.g. "3 Mar 2025". */
export function formatDate(iso: string): string {
  const ms = parseTimestamp(iso)
  return ms === null ? 'Unknown date' : dateFormat.format(ms)
}

/** The exact moment, for tooltips, e.g. "March 3, 2025 at 2:03:12 PM GMT+1". */
export function formatExactTime(iso: string): string {
  const ms = parseTimestamp(iso)
  return ms === null ? iso : exactFormat.format(ms)
}
