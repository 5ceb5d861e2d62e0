/**
 * STAND-IN for `src/shared/key-hygiene.ts` (issue 10, written on another branch). `keys list
 * --state` classifies keys only through this module, so swapping it is one import: replace the
 * body with `export { keyState, KEY_STATES, type KeyState } from '../shared/key-hygiene'` (or a
 * one-line adapter over its `classifyKey(key, nowMs, settings).state`). Same rules as issue 10:
 * in use = last used less than 90 days ago; stale = 90 days or more; never used = created 7 days
 * ago or more and never used; new = younger and never used; unknown = a date that cannot be read.
 */
import type { ApiKey } from '../shared/domain'

export type KeyState = 'in-use' | 'stale' | 'never-used' | 'new' | 'unknown'

/** The states `--state` accepts ("unknown" is shown, not filtered on). */
export const KEY_STATES: readonly KeyState[] = ['in-use', 'stale', 'never-used', 'new', 'unknown']

export interface HygieneSettings {
  staleAfterDays: number
  newForDays: number
}

export const DEFAULT_HYGIENE_SETTINGS: Readonly<HygieneSettings> = { staleAfterDays: 90, newForDays: 7 }

const DAY_MS = 86_400_000

export function keyState(key: Pick<ApiKey, 'createdAt' | 'lastUsedAt' | 'lastUsedUnreadable'>, nowMs: number, settings: Readonly<HygieneSettings> = DEFAULT_HYGIENE_SETTINGS): KeyState {
  if (key.lastUsedUnreadable) return 'unknown'
  if (key.lastUsedAt !== null) {
    const used = Date.parse(key.lastUsedAt)
    if (Number.isNaN(used)) return 'unknown'
    // A last use ahead of this clock counts as just now.
    return Math.max(0, nowMs - used) >= settings.staleAfterDays * DAY_MS ? 'stale' : 'in-use'
  }
  const created = Date.parse(key.createdAt)
  if (Number.isNaN(created)) return 'unknown'
  return Math.max(0, nowMs - created) >= settings.newForDays * DAY_MS ? 'never-used' : 'new'
}
