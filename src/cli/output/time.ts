/** Dates for people: a creation day in local time, a last use as "3 days ago". */

const pad = (n: number) => String(n).padStart(2, '0')

/** YYYY-MM-DD in this computer's time zone; "—" when the date cannot be read. */
export function localDay(iso: string): string {
  const ms = Date.parse(iso)
  if (Number.isNaN(ms)) return '—'
  const date = new Date(ms)
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`
}

/** "just now", "5 min ago", "3 h ago", "12 days ago", then the day; "never" for null. */
export function ago(iso: string | null, nowMs: number, unreadable = false): string {
  if (unreadable) return '—'
  if (iso === null) return 'never'
  const ms = Date.parse(iso)
  if (Number.isNaN(ms)) return '—'
  const seconds = Math.max(0, (nowMs - ms) / 1000) // a clock ahead of ours means "just now"
  if (seconds < 60) return 'just now'
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`
  const days = Math.floor(seconds / 86_400)
  if (days < 60) return days === 1 ? '1 day ago' : `${days} days ago`
  return localDay(iso)
}
