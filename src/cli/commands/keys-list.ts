/**
 * `autocalls-keys keys list`: a fresh list from the server (the cached one is never passed off
 * as current), filtered by state and name, newest first. States come from the app's own
 * classifier (shared/key-hygiene) with the thresholds set in the app (the shared state file's
 * preferences), so the command line and the window always agree on a key.
 */
import type { KeyListItem } from '../../shared/domain'
import { classifyKey, DEFAULT_HYGIENE_SETTINGS, type HygieneSettings, type KeyState } from '../../shared/key-hygiene'
import type { CommandRun } from '../command-spec'
import { jsonDocument } from '../output/json'
import { inert, renderTable, truncate } from '../output/table'
import { ago, localDay } from '../output/time'

export type KeyClassifier = (key: KeyListItem, nowMs: number) => KeyState

export interface KeySelection {
  state?: KeyState | undefined
  filter?: string | undefined
  nowMs: number
  /** The app's thresholds (default: the app's defaults). */
  settings?: Readonly<HygieneSettings>
  /** Tests may pass their own; default: the app's `classifyKey` with `settings`. */
  classify?: KeyClassifier
}

export interface SelectedKey {
  key: KeyListItem
  state: KeyState
}

const newestFirst = (a: KeyListItem, b: KeyListItem) => (a.createdAt === b.createdAt ? b.id - a.id : a.createdAt < b.createdAt ? 1 : -1)

/** The keys to show: classified once, then filtered (state, then name as the window does: trimmed, any case). */
export function selectKeys(keys: readonly KeyListItem[], selection: KeySelection): SelectedKey[] {
  const settings = selection.settings ?? DEFAULT_HYGIENE_SETTINGS
  const classify = selection.classify ?? ((key, nowMs) => classifyKey(key, nowMs, settings).state)
  const needle = (selection.filter ?? '').trim().toLowerCase()
  const out: SelectedKey[] = []
  for (const key of [...keys].sort(newestFirst)) {
    if (needle !== '' && !key.name.toLowerCase().includes(needle)) continue
    const state = classify(key, selection.nowMs)
    if (selection.state !== undefined && state !== selection.state) continue
    out.push({ key, state })
  }
  return out
}

const STATE_WORDS: Readonly<Record<KeyState, string>> = { 'in-use': 'in use', stale: 'stale', 'never-used': 'never used', new: 'new', unknown: 'unknown' }
/** On a terminal, long names are cut so rows stay on one line (--json has them whole). */
const NAME_COLUMNS_ON_TERMINAL = 60

export const run: CommandRun = async (ctx, { options }) => {
  const chosen = await ctx.chosenAccount()
  const { keys, state } = await ctx.services()
  const list = await keys.list(chosen.view.id)
  const nowMs = ctx.now()
  const selected = selectKeys(list.keys, {
    state: options['state'] as KeyState | undefined,
    filter: options['filter'] as string | undefined,
    nowMs,
    settings: state.state.preferences
  })
  if (ctx.json) {
    await ctx.io.stdout.write(
      jsonDocument({
        account: chosen.json,
        fetchedAt: list.fetchedAt,
        total: list.keys.length,
        keys: selected.map(({ key, state }) => ({ id: key.id, name: key.name, state, createdAt: key.createdAt, lastUsedAt: key.lastUsedAt, ownKey: key.isAppKey }))
      })
    )
    return
  }
  const shown = selected.length === list.keys.length ? `${list.keys.length} keys` : `${selected.length} of ${list.keys.length} keys`
  if (selected.length === 0) {
    await ctx.say(`No keys to show (${shown} in ${chosen.label}).`)
    return
  }
  const onTerminal = ctx.io.stdout.isTTY
  const rows = selected.map(({ key, state }) => {
    const name = inert(key.name)
    return [
      key.isAppKey ? '*' : ' ',
      String(key.id),
      onTerminal ? truncate(name, NAME_COLUMNS_ON_TERMINAL) : name,
      STATE_WORDS[state],
      localDay(key.createdAt),
      ago(key.lastUsedAt, nowMs, key.lastUsedUnreadable === true)
    ]
  })
  await ctx.io.stdout.write(
    renderTable([{ header: ' ' }, { header: 'ID', align: 'right' }, { header: 'NAME' }, { header: 'STATE' }, { header: 'CREATED' }, { header: 'LAST USED' }], rows, ctx.out.bold)
  )
  const ownShown = selected.some(({ key }) => key.isAppKey)
  await ctx.say(ctx.err.dim(`${shown} in ${chosen.label}${ownShown ? '; * the key this account is signed in with' : ''}`))
}
