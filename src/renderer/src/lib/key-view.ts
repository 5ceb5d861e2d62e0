/**
 * What the key table shows of a list: sorted, filtered by name, then by a quick filter, with the
 * quick-filter bar's counts. The hygiene index is built once per list (and clock minute, notes
 * and settings); changing the quick filter, the name filter or the sort then costs one lookup
 * per key, which keeps a change instant at 10,000 keys.
 */
import type { KeyListItem } from '../../../shared/domain'
import {
  indexKeyHygiene,
  quickFilterOptions,
  type HygieneIndex,
  type HygieneSettings,
  type QuickFilter,
  type QuickFilterOption
} from '../../../shared/key-hygiene'
import type { StoredKeyNote } from '../../../shared/key-notes'
import type { RotationRecord } from '../../../shared/rotation'
import { createVisibleKeysSelector, memoizeLast, type SortOrder } from './key-list'

const notesMaps = new WeakMap<Record<string, StoredKeyNote>, ReadonlyMap<number, StoredKeyNote>>()

/** The list's notes by numeric key id (what the index reads), converted once per notes object. */
export function notesById(notes: Record<string, StoredKeyNote>): ReadonlyMap<number, StoredKeyNote> {
  let map = notesMaps.get(notes)
  if (!map) {
    map = new Map(Object.entries(notes).map(([id, note]) => [Number(id), note]))
    notesMaps.set(notes, map)
  }
  return map
}

/** The words a row shows for an open rotation, and the rotation it opens (known by the replacement). */
export interface RotationLink {
  text: string
  newKeyId: number
}

const linkMaps = new WeakMap<readonly RotationRecord[], ReadonlyMap<number, RotationLink>>()

/** "being replaced by #N" on the old key and "replaces #M" on the new one, for open rotations only. */
export function rotationLinks(rotations: readonly RotationRecord[]): ReadonlyMap<number, RotationLink> {
  let map = linkMaps.get(rotations)
  if (!map) {
    const links = new Map<number, RotationLink>()
    for (const rotation of rotations) {
      if (rotation.finishedAt !== null) continue
      links.set(rotation.oldKey.id, { text: `being replaced by #${rotation.newKey.id}`, newKeyId: rotation.newKey.id })
      links.set(rotation.newKey.id, { text: `replaces #${rotation.oldKey.id}`, newKeyId: rotation.newKey.id })
    }
    map = links
    linkMaps.set(rotations, map)
  }
  return map
}

/** How many of `keys` (already indexed) each quick filter shows. */
export function countQuickFilters(index: HygieneIndex, keys: readonly KeyListItem[]): Record<QuickFilter, number> {
  const counts: Record<QuickFilter, number> = {
    all: keys.length,
    'in-use': 0,
    stale: 0,
    'never-used': 0,
    new: 0,
    unknown: 0,
    'review-due': 0,
    'this-app': 0,
    'rotation-due': 0
  }
  for (const key of keys) {
    const state = index.stateOf(key)
    if (state !== undefined) counts[state]++
    if (index.isReviewDue(key)) counts['review-due']++
    if (index.isRotationDue(key)) counts['rotation-due']++
    if (index.matches(key, 'this-app')) counts['this-app']++
  }
  return counts
}

export interface KeyViewInput {
  keys: readonly KeyListItem[]
  order: SortOrder
  /** The name filter as typed. */
  filter: string
  quickFilter: QuickFilter
  notes: Record<string, StoredKeyNote>
  nowMs: number
  /** The person's local date, `YYYY-MM-DD` (review dates are days in their time zone). */
  today: string
  settings: Readonly<HygieneSettings>
}

export interface KeyView {
  /** The rows to show, in order. */
  visible: readonly KeyListItem[]
  /** The quick-filter bar: which filters are offered, each counted among the keys the name filter leaves. */
  options: QuickFilterOption[]
  /** The quick filter in effect: All when the chosen one is not offered (a setting turned off). */
  quickFilter: QuickFilter
}

interface IndexEntry {
  notes: Record<string, StoredKeyNote>
  nowMs: number
  today: string
  settings: Readonly<HygieneSettings>
  index: HygieneIndex
}

/**
 * A memoised `KeyViewInput → KeyView`. The index is cached with each list's array (like its sorted
 * order), so switching accounts back and forth neither sorts nor classifies again.
 */
export function createKeyViewSelector(): (input: KeyViewInput) => KeyView {
  const byName = createVisibleKeysSelector()
  const indexes = new WeakMap<readonly KeyListItem[], IndexEntry>()
  const indexOf = ({ keys, notes, nowMs, today, settings }: KeyViewInput): HygieneIndex => {
    const known = indexes.get(keys)
    if (known && known.notes === notes && known.nowMs === nowMs && known.today === today && known.settings === settings) return known.index
    const index = indexKeyHygiene(keys, { nowMs, today, settings, notes: notesById(notes) })
    indexes.set(keys, { notes, nowMs, today, settings, index })
    return index
  }
  // The name filter keeps every key (or is empty): the index's own counts apply, no extra pass.
  const counts = memoizeLast((index: HygieneIndex, total: number, named: readonly KeyListItem[]) =>
    named.length === total ? index.counts : countQuickFilters(index, named)
  )
  const options = memoizeLast((index: HygieneIndex, shownCounts: Readonly<Record<QuickFilter, number>>, settings: Readonly<HygieneSettings>) =>
    // Which filters are offered follows the whole list, so a button does not vanish while typing.
    quickFilterOptions(index, settings).map((option) => ({ ...option, count: shownCounts[option.filter] }))
  )
  const select = memoizeLast((index: HygieneIndex, named: readonly KeyListItem[], quick: QuickFilter) =>
    quick === 'all' ? named : index.select(named, quick)
  )
  return (input) => {
    const index = indexOf(input)
    const named = byName(input.keys, input.order, input.filter)
    const offered = options(index, counts(index, input.keys.length, named), input.settings)
    const quickFilter = offered.some((option) => option.filter === input.quickFilter) ? input.quickFilter : 'all'
    return { visible: select(index, named, quickFilter), options: offered, quickFilter }
  }
}
