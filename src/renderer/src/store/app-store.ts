/**
 * The window's store, made of slices: accounts (which exist, which is shown, adding and removing
 * them), key lists (one per account, with create and delete), and the UI (sort, filter, which
 * dialog is open). Coordination state lives in `runs` (see runs.ts).
 *
 * Secrets never enter it: the API key typed at sign-in only passes through `addAccount`, and a
 * new key's token only passes through the value `createKey` returns to the dialog that shows it.
 */
import { createStore, type StoreApi } from 'zustand/vanilla'
import type { AutocallsApi } from '../../../shared/bridge-api'
import type { AccountId, InitialStateView, KeyListView } from '../../../shared/domain'
import type { Result } from '../../../shared/errors'
import { createAccountsSlice, stateFromInitial, type AccountsSlice } from './accounts-slice'
import { createListsSlice, type ListsSlice } from './lists-slice'
import { createRotationsSlice, type RotationsSlice } from './rotations-slice'
import { StoreRuns } from './runs'
import { createUiSlice, type UiSlice } from './ui-slice'

export type { KeyListState } from './lists-slice'
export type { OpenDialog } from './ui-slice'

export type AppStore = AccountsSlice & ListsSlice & RotationsSlice & UiSlice & { readonly runs: StoreRuns }

/** What each slice gets: the bridge, plus the store's get/set. */
export interface SliceContext {
  api: AutocallsApi
  set: StoreApi<AppStore>['setState']
  get: StoreApi<AppStore>['getState']
}

/**
 * The initial state as asked for before the first render (see main.tsx): the request, and its
 * answer when it arrived in time, so the first paint can already show the keys.
 */
export interface EarlyInitialState {
  request: Promise<Result<InitialStateView>>
  answer?: Result<InitialStateView> | undefined
  /** The shown account's fresh list, asked for with the answer (see `askShownList`). */
  list?: EarlyList | null | undefined
}

/** A list asked for before the store existed; the store's first fetch of that account takes it. */
export interface EarlyList {
  accountId: AccountId
  result: Promise<Result<KeyListView>>
}

/**
 * Asks for the shown account's fresh list the moment the initial state names it, rather than
 * after React's first commit: the list's round trip then overlaps the first render (about 100 ms
 * sooner on this machine). Nothing for an account that needs signing in: its list is not asked for.
 */
export function askShownList(api: AutocallsApi, initial: InitialStateView): EarlyList | null {
  const accountId = initial.shownAccountId
  const account = accountId ? initial.accounts.find((candidate) => candidate.id === accountId) : undefined
  if (!accountId || !account || account.status === 'needs-sign-in') return null
  return { accountId, result: call(() => api.keys.list({ accountId })) }
}

/** Creates the store around the bridge; one per window (and one per test). */
export function createAppStore(api: AutocallsApi, early?: EarlyInitialState): StoreApi<AppStore> {
  const runs = new StoreRuns()
  runs.earlyInitialState = early?.request ?? null
  runs.earlyList = early?.list ?? null
  const store: StoreApi<AppStore> = createStore<AppStore>()((set, get) => {
    const context: SliceContext = { api, set, get }
    return { runs, ...createAccountsSlice(context), ...createListsSlice(context), ...createRotationsSlice(context), ...createUiSlice(context) }
  })
  // Painted with the early answer from the start: no "Starting…" frame when it came in time.
  if (early?.answer?.ok) {
    store.setState(stateFromInitial(early.answer.value))
  }
  return store
}

/**
 * Store methods whose code loads on first use: `deferredActions(load)('name')` is a function that loads the
 * actions (once) and calls their `name` with the same arguments.
 */
export function deferredActions<A extends object>(load: () => Promise<A>) {
  return <K extends keyof A>(key: K): A[K] =>
    ((...args: unknown[]) => load().then((actions) => (actions[key] as (...a: unknown[]) => unknown)(...args))) as A[K]
}

/** The bridge returns Results and should never throw; if it does (a broken preload), say so. */
export async function call<T>(work: () => Promise<Result<T>>): Promise<Result<T>> {
  try {
    return await work()
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error)
    return { ok: false, error: { kind: 'internal', message: `The window could not reach the app (${detail}). Try again.` } }
  }
}
