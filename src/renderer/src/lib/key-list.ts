/**
 * Sorting and filtering of the key list as pure functions, memoised on their inputs so that
 * typing in the filter over 10,000 keys only re-filters (in list order) and never re-sorts.
 */
import type { KeyListItem } from '../../../shared/domain'
import { parseTimestamp } from './time-format'

export type SortColumn = 'name' | 'createdAt' | 'lastUsedAt'
export type SortDirection = 'asc' | 'desc'

export interface SortOrder {
  column: SortColumn
  direction: SortDirection
}

/** Newest first, as the spec asks. */
export const DEFAULT_SORT: SortOrder = { column: 'createdAt', direction: 'desc' }

/** The direction a column starts with when chosen: names A→Z, dates newest first. */
export const initialDirection = (column: SortColumn): SortDirection => (column === 'name' ? 'asc' : 'desc')

/** Clicking the active column flips it; clicking another column selects it with its initial direction. */
export function nextSort(current: SortOrder, column: SortColumn): SortOrder {
  if (current.column === column) return { column, direction: current.direction === 'asc' ? 'desc' : 'asc' }
  return { column, direction: initialDirection(column) }
}

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true })

/** Returns a new array sorted by `order`; ties are broken by id so the order is stable. */
export function sortKeys(keys: readonly KeyListItem[], order: SortOrder): KeyListItem[] {
  const sign = order.direction === 'asc' ? 1 : -1
  if (order.column === 'name') {
    return [...keys].sort((a, b) => sign * (collator.compare(a.name, b.name) || a.id - b.id))
  }
  // Parse each timestamp once (decorate–sort–undecorate) instead of twice per comparison.
  // Never-used keys count as the oldest: last when newest first, first when oldest first.
  const decorated = keys.map((key) => ({
    key,
    time: parseTimestamp(order.column === 'createdAt' ? key.createdAt : key.lastUsedAt) ?? Number.NEGATIVE_INFINITY
  }))
  decorated.sort((a, b) => sign * (compareNumbers(a.time, b.time) || a.key.id - b.key.id))
  return decorated.map((entry) => entry.key)
}

const compareNumbers = (a: number, b: number): number => (a === b ? 0 : a < b ? -1 : 1)

/** The filter as it is matched: trimmed and lower-cased. */
export const normaliseFilter = (filter: string): string => filter.trim().toLowerCase()

/** Keys whose name contains the filter, case-insensitively, in the order given. */
export function filterKeys(keys: readonly KeyListItem[], filter: string): readonly KeyListItem[] {
  const needle = normaliseFilter(filter)
  if (needle === '') return keys
  return keys.filter((key) => key.name.toLowerCase().includes(needle))
}

/** Remembers the last call only: enough for one list on screen, and nothing to evict. */
export function memoizeLast<A extends unknown[], R>(compute: (...args: A) => R): (...args: A) => R {
  let lastArgs: A | null = null
  let lastResult: R
  return (...args: A) => {
    if (lastArgs && lastArgs.length === args.length && lastArgs.every((value, index) => Object.is(value, args[index]))) {
      return lastResult
    }
    lastResult = compute(...args)
    lastArgs = args
    return lastResult
  }
}

/**
 * Creates a memoised (keys, sort, filter) → visible rows function. Each list's sorted order is
 * cached with the list itself (a WeakMap on its array), so switching between accounts never
 * sorts again; filtering is cached on (sorted, filter), so each keystroke costs one pass.
 */
export function createVisibleKeysSelector(): (keys: readonly KeyListItem[], order: SortOrder, filter: string) => readonly KeyListItem[] {
  const sortedByList = new WeakMap<readonly KeyListItem[], { column: SortColumn; direction: SortDirection; sorted: KeyListItem[] }>()
  const sorted = (keys: readonly KeyListItem[], column: SortColumn, direction: SortDirection): KeyListItem[] => {
    const known = sortedByList.get(keys)
    if (known && known.column === column && known.direction === direction) return known.sorted
    const result = sortKeys(keys, { column, direction })
    sortedByList.set(keys, { column, direction, sorted: result })
    return result
  }
  const filtered = memoizeLast((keys: readonly KeyListItem[], needle: string) => filterKeys(keys, needle))
  return (keys, order, filter) => filtered(sorted(keys, order.column, order.direction), normaliseFilter(filter))
}
