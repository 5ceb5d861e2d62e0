/**
 * The polite live region that says how fresh the list is: "Loading keys…", "Refreshing…",
 * "Showing keys from 3 days ago" (cached or after a failed refresh) or "Updated just now".
 */
import { formatRelativeTime } from '../lib/time-format'
import type { KeyListState } from '../store/app-store'
import { EMPTY_LIST } from '../store/lists-slice'
import { useApp } from '../store/store-context'

/** The status sentence for a list state (pure, for tests). */
export function describeListStatus(list: KeyListState, now: number = Date.now()): string {
  if (list.refreshing) return list.items ? 'Refreshing…' : 'Loading keys…'
  if (!list.items || !list.fetchedAt) return ''
  const when = formatRelativeTime(list.fetchedAt, now)
  // Never present old rows as fresh: cached, or kept after a failed refresh.
  if (list.fromCache || list.error) return `Showing keys from ${when}`
  return `Updated ${when}`
}

/** The status line next to the toolbar buttons. Always mounted so screen readers hear changes. */
export function ListStatus({ accountId }: { accountId: string }) {
  const list = useApp((state) => state.lists[accountId] ?? EMPTY_LIST)
  return (
    <p role="status" className="list-status">
      {describeListStatus(list)}
    </p>
  )
}
