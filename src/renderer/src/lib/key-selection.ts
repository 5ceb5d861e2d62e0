/**
 * Row selection as pure functions over immutable values: which key ids are ticked, and the
 * anchor a Shift+click or Shift+Space extends from. The store keeps one per account.
 */

export interface KeySelection {
  readonly ids: ReadonlySet<number>
  /** The row the last plain toggle was on: a range extends from here. */
  readonly anchor: number | null
}

export const NO_SELECTION: KeySelection = Object.freeze({ ids: new Set<number>(), anchor: null })

/** Ticks or unticks one key, and makes it the anchor. */
export function toggleKey(selection: KeySelection, id: number): KeySelection {
  const ids = new Set(selection.ids)
  if (ids.has(id)) ids.delete(id)
  else ids.add(id)
  return { ids, anchor: id }
}

/**
 * Ticks every row from the anchor to `toId`, in the order shown (the rows between them are the
 * ones the person sees between them), keeping the rows ticked before. Without an anchor on
 * screen the range starts at `fromId` (Shift+Arrow: the row focus left) and that becomes the
 * anchor; without either, `toId` alone is ticked and becomes it.
 */
export function extendTo(selection: KeySelection, shown: readonly { id: number }[], toId: number, fromId?: number): KeySelection {
  const to = shown.findIndex((key) => key.id === toId)
  if (to === -1) return selection
  const indexOf = (id: number | null | undefined) => (id === null || id === undefined ? -1 : shown.findIndex((key) => key.id === id))
  let anchor = selection.anchor
  let from = indexOf(anchor)
  if (from === -1) {
    from = indexOf(fromId)
    anchor = from === -1 ? toId : fromId!
    if (from === -1) from = to
  }
  const ids = new Set(selection.ids)
  for (let i = Math.min(from, to); i <= Math.max(from, to); i++) ids.add(shown[i]!.id)
  return { ids, anchor }
}

/** Ticks (or unticks) these keys, leaving the others as they are. */
export function setKeys(selection: KeySelection, ids: readonly number[], selected: boolean): KeySelection {
  const next = new Set(selection.ids)
  for (const id of ids) {
    if (selected) next.add(id)
    else next.delete(id)
  }
  return { ids: next, anchor: selection.anchor }
}

/** Exactly these keys (Ctrl/⌘+A: what the current filter shows). */
export const onlyKeys = (ids: readonly number[]): KeySelection => ({ ids: new Set(ids), anchor: null })

/** The ticked keys that are still in the list, in the list's order: a key gone from it drops out. */
export function selectedIn<K extends { id: number }>(keys: readonly K[] | null, selection: KeySelection): K[] {
  if (!keys || selection.ids.size === 0) return []
  return keys.filter((key) => selection.ids.has(key.id))
}
