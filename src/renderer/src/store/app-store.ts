/**
 * The window's one store: what is on screen (session, key list, sort, filter, which dialog is
 * open, busy flags) and the actions that change it by calling `window.autocalls`.
 *
 * Secrets never enter it: the API key typed at sign-in only passes through `signIn`, and a new
 * key's token only passes through the value `createKey` returns to the dialog that shows it.
 */
import { createStore, type StoreApi } from 'zustand/vanilla'
import type { AutocallsApi } from '../../../shared/bridge-api'
import {
  DEFAULT_PREFERENCES,
  type CopyResultView,
  type CreatedKeyView,
  type InitialStateView,
  type KeyListItem,
  type KeyListView,
  type MenuCommand,
  type PendingTokenView,
  type Preferences,
  type SessionView
} from '../../../shared/domain'
import type { AppError, Result } from '../../../shared/errors'
import { DEFAULT_SORT, nextSort, type SortColumn, type SortOrder } from '../lib/key-list'
import { MESSAGES } from '../lib/messages'

/** The key list as shown: the rows plus where they came from and whether a fetch is running. */
export interface KeyListState {
  /** Null until a list (cached or fetched) is known. */
  items: KeyListItem[] | null
  /** ISO time of the fetch that produced `items`. */
  fetchedAt: string | null
  /** The rows come from the on-disk cache of an earlier run, not from this run. */
  fromCache: boolean
  /** A fetch is in flight ("Loading keys…" without rows, "Refreshing…" with rows). */
  refreshing: boolean
  /** The last fetch failed; rows (if any) are older than the person may think. */
  error: AppError | null
}

/** The modal dialogs the store opens. The copy-once dialog is not here: it holds a token. */
export type OpenDialog = { kind: 'new-key' } | { kind: 'delete'; key: KeyListItem } | null

export interface AppState {
  /** `starting` until the initial state arrives; `failed` when even that could not be read. */
  phase: 'starting' | 'ready' | 'failed'
  startError: AppError | null
  session: SessionView
  preferences: Preferences
  list: KeyListState
  sort: SortOrder
  filter: string
  /** Which sign-in path is waiting on main, if any. */
  signInBusy: 'sign-in' | 'sandbox' | null
  signInError: AppError | null
  signOutBusy: boolean
  signOutError: AppError | null
  dialog: OpenDialog
}

export interface AppActions {
  /**
   * Reads the initial state (disk only), paints it, then re-verifies the session and refreshes
   * the list in the background. Resolves with the tokens still waiting to be confirmed, for the
   * copy-once dialog (they are handed over, not kept). A second call while started is a no-op.
   */
  start(): Promise<PendingTokenView[]>
  /** Signs in with a key the person typed; the key is not kept. Resolves true on success. */
  signIn(baseUrl: string, apiKey: string): Promise<boolean>
  startSandbox(): Promise<boolean>
  clearSignInError(): void
  signOut(): Promise<boolean>
  /** Main ended the session (key revoked or deleted). Idempotent: a second notice changes nothing. */
  sessionEnded(reason: string): void
  /** Fetches the list (re-verifying the session first if needed). Concurrent calls share one fetch. */
  refresh(): Promise<void>
  /**
   * Creates one key for `requestId`. On success the list is updated; the result (with the token)
   * goes back to the caller only. An unknown outcome triggers a list refresh, never a retry.
   */
  createKey(name: string, requestId: string): Promise<Result<CreatedKeyView>>
  /** Deletes a key; resolves null on success (a key already gone counts as success) or the error. */
  deleteKey(key: KeyListItem): Promise<AppError | null>
  copyToken(pendingId: string): Promise<Result<CopyResultView>>
  confirmTokenSaved(pendingId: string): Promise<Result<null>>
  /** Changes how long a copied token may stay on the clipboard; resolves null or the error. */
  setClipboardClearSeconds(seconds: number): Promise<AppError | null>
  setFilter(filter: string): void
  /** Sorts by `column`, flipping the direction when it is already the sort column. */
  sortBy(column: SortColumn): void
  openNewKeyDialog(): void
  openDeleteDialog(key: KeyListItem): void
  closeDialog(): void
  /**
   * Subscribes to main's events; returns the unsubscribe function. `onTokensWaiting` receives
   * tokens created for another window (or before a reload) that this window should show; it is
   * also asked once right away, for a create that finished while this window was starting.
   */
  connectEvents(onMenuCommand: (command: MenuCommand) => void, onTokensWaiting: (tokens: PendingTokenView[]) => void): () => void
}

export type AppStore = AppState & AppActions

const EMPTY_LIST: KeyListState = { items: null, fetchedAt: null, fromCache: false, refreshing: false, error: null }

/** The state before anything is known, also what tests start from. */
export const initialAppState: AppState = {
  phase: 'starting',
  startError: null,
  session: { state: 'signed-out' },
  preferences: DEFAULT_PREFERENCES,
  list: EMPTY_LIST,
  sort: DEFAULT_SORT,
  filter: '',
  signInBusy: null,
  signInError: null,
  signOutBusy: false,
  signOutError: null,
  dialog: null
}

/** The bridge returns Results and should never throw; if it does (a broken preload), say so. */
async function call<T>(work: () => Promise<Result<T>>): Promise<Result<T>> {
  try {
    return await work()
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error)
    return { ok: false, error: { kind: 'internal', message: `The window could not reach the app (${detail}). Try again.` } }
  }
}

/** Errors after which the list is not worth fetching: the session is over. */
const endsSession = (error: AppError): boolean => error.kind === 'unauthenticated' || error.kind === 'not_signed_in'

/**
 * The initial state as asked for before the first render (see main.tsx): the request, and its
 * answer when it arrived in time, so the first paint can already show the keys.
 */
export interface EarlyInitialState {
  request: Promise<Result<InitialStateView>>
  answer?: Result<InitialStateView> | undefined
}

/** What the first paint shows for an initial state. */
function stateFromInitial(initial: InitialStateView): Pick<AppState, 'phase' | 'session' | 'preferences' | 'list'> {
  const signedIn = initial.session.state === 'signed-in'
  return {
    phase: 'ready',
    session: initial.session,
    preferences: initial.preferences,
    list:
      signedIn && initial.cachedKeys
        ? { items: initial.cachedKeys.keys, fetchedAt: initial.cachedKeys.fetchedAt, fromCache: true, refreshing: false, error: null }
        : EMPTY_LIST
  }
}

/** Creates the store around the bridge; one per window (and one per test). */
export function createAppStore(api: AutocallsApi, early?: EarlyInitialState): StoreApi<AppStore> {
  const store = createStore<AppStore>()((set, get) => {
    // Used once by start(); later starts ("Try again") ask main afresh.
    let earlyRequest = early?.request ?? null
    let startRun: Promise<PendingTokenView[]> | null = null
    // Creates this window is waiting on: their tokens arrive in the answer, not by event.
    let createsInFlight = 0
    let listRun: Promise<void> | null = null
    // Bumped whenever the session changes, so answers for an earlier session are dropped.
    let sessionEpoch = 0

    const listFromView = (view: KeyListView): KeyListState => ({
      items: view.keys,
      fetchedAt: view.fetchedAt,
      fromCache: view.fromCache,
      refreshing: false,
      error: null
    })

    /** Applies a session from main; a change of signed-in/out state resets what belonged to the old one. */
    const applySession = (session: SessionView): void => {
      const previous = get().session
      const sameAccount =
        previous.state === 'signed-in' && session.state === 'signed-in' && previous.account.id === session.account.id
      if (sameAccount) {
        set({ session })
        return
      }
      sessionEpoch++
      listRun = null
      set({ session, list: EMPTY_LIST, filter: '', dialog: null, signOutBusy: false, signOutError: null })
    }

    const afterSignIn = (session: SessionView): void => {
      applySession(session)
      set({ signInBusy: null, signInError: null })
      if (session.state === 'signed-in') void get().refresh()
    }

    /** Swaps the first screenful for the whole cached list, unless a fresh list came first. */
    const loadWholeCache = async (epoch: number): Promise<void> => {
      const whole = await call(() => api.keys.getCached())
      if (epoch !== sessionEpoch || !whole.ok || !whole.value) return
      const { keys, fetchedAt } = whole.value
      set((state) => (state.list.fromCache && state.list.fetchedAt === fetchedAt ? { list: { ...state.list, items: keys } } : {}))
    }

    const fetchList = async (epoch: number): Promise<void> => {
      const session = get().session
      if (session.state !== 'signed-in') return
      if (!session.verified) {
        const restored = await call(() => api.session.restore())
        if (epoch !== sessionEpoch) return
        if (!restored.ok) {
          if (endsSession(restored.error)) get().sessionEnded(restored.error.message)
          else set((state) => ({ list: { ...state.list, error: restored.error } }))
          return
        }
        applySession(restored.value)
        if (restored.value.state !== 'signed-in' || epoch !== sessionEpoch) return
      }
      const listed = await call(() => api.keys.list())
      if (epoch !== sessionEpoch) return
      if (listed.ok) set({ list: listFromView(listed.value) })
      else if (endsSession(listed.error)) get().sessionEnded(listed.error.message)
      else set((state) => ({ list: { ...state.list, error: listed.error } }))
    }

    return {
      ...initialAppState,

      start: () => {
        if (startRun) return startRun.then(() => [])
        startRun = (async () => {
          const request = earlyRequest
          earlyRequest = null
          if (get().phase !== 'ready') set({ phase: 'starting', startError: null })
          const initial = await call(() => request ?? api.app.getInitialState())
          if (!initial.ok) {
            startRun = null // allow "Try again"
            set({ phase: 'failed', startError: initial.error })
            return []
          }
          const { session, pendingTokens, cachedKeys, cachedKeyCount } = initial.value
          applySession(session)
          set(stateFromInitial(initial.value))
          if (session.state === 'signed-in') {
            // The initial state carried the first screenful; the rest follows, after the first paint.
            if (cachedKeys && cachedKeys.keys.length < cachedKeyCount) void loadWholeCache(sessionEpoch)
            void get().refresh()
          }
          return pendingTokens
        })()
        return startRun
      },

      signIn: async (baseUrl, apiKey) => {
        if (get().signInBusy) return false
        set({ signInBusy: 'sign-in', signInError: null })
        const result = await call(() => api.session.signIn(baseUrl, apiKey))
        if (!result.ok) {
          set({ signInBusy: null, signInError: result.error })
          return false
        }
        afterSignIn(result.value)
        return result.value.state === 'signed-in'
      },

      startSandbox: async () => {
        if (get().signInBusy) return false
        set({ signInBusy: 'sandbox', signInError: null })
        const result = await call(() => api.session.startSandbox())
        if (!result.ok) {
          set({ signInBusy: null, signInError: result.error })
          return false
        }
        afterSignIn(result.value)
        return result.value.state === 'signed-in'
      },

      clearSignInError: () => set({ signInError: null }),

      signOut: async () => {
        if (get().signOutBusy) return false
        set({ signOutBusy: true, signOutError: null })
        const result = await call(() => api.session.signOut())
        if (!result.ok) {
          set({ signOutBusy: false, signOutError: result.error })
          return false
        }
        applySession(result.value)
        return true
      },

      setClipboardClearSeconds: async (seconds) => {
        const result = await call(() => api.preferences.update({ clipboardClearSeconds: seconds }))
        if (!result.ok) return result.error
        set({ preferences: result.value })
        return null
      },

      sessionEnded: (reason) => {
        if (get().session.state !== 'signed-in') return
        applySession({ state: 'signed-out', reason })
      },

      refresh: () => {
        if (get().session.state !== 'signed-in') return Promise.resolve()
        if (listRun) return listRun
        const epoch = sessionEpoch
        set((state) => ({ list: { ...state.list, refreshing: true } }))
        const run = fetchList(epoch).finally(() => {
          if (listRun === run) listRun = null
          if (epoch === sessionEpoch) set((state) => ({ list: { ...state.list, refreshing: false } }))
        })
        listRun = run
        return run
      },

      createKey: async (name, requestId) => {
        const epoch = sessionEpoch
        createsInFlight++
        const result = await call(() => api.keys.create(name, requestId)).finally(() => createsInFlight--)
        if (epoch !== sessionEpoch) return result
        if (result.ok) {
          const { list, key } = result.value
          if (list) set({ list: listFromView(list) })
          else if (key) {
            set((state) => ({
              list: { ...state.list, items: [key, ...(state.list.items ?? []).filter((item) => item.id !== key.id)] }
            }))
          } else void get().refresh()
        } else if (result.error.kind === 'create_outcome_unknown') {
          // The key may exist: show the truth from the server, and leave any retry to the person.
          void get().refresh()
        } else if (endsSession(result.error)) {
          get().sessionEnded(result.error.message)
        }
        return result
      },

      deleteKey: async (key) => {
        const epoch = sessionEpoch
        const result = await call(() => api.keys.delete(key.id))
        if (!result.ok && result.error.kind !== 'not_found') {
          if (endsSession(result.error)) get().sessionEnded(result.error.message)
          return result.error
        }
        if (result.ok && result.value.signedOut) {
          // Main's session-ended event may come before or after this; this sentence wins either way.
          applySession({ state: 'signed-out', reason: MESSAGES.ownKeyDeleted })
          return null
        }
        if (epoch !== sessionEpoch) return null
        set((state) => ({
          dialog: state.dialog?.kind === 'delete' && state.dialog.key.id === key.id ? null : state.dialog,
          list: { ...state.list, items: state.list.items?.filter((item) => item.id !== key.id) ?? null }
        }))
        return null
      },

      copyToken: (pendingId) => call(() => api.token.copy(pendingId)),
      confirmTokenSaved: (pendingId) => call(() => api.token.confirmSaved(pendingId)),

      setFilter: (filter) => set({ filter }),
      sortBy: (column) => set((state) => ({ sort: nextSort(state.sort, column) })),

      openNewKeyDialog: () => {
        if (get().session.state === 'signed-in' && get().dialog === null) set({ dialog: { kind: 'new-key' } })
      },
      openDeleteDialog: (key) => {
        if (get().session.state === 'signed-in' && get().dialog === null) set({ dialog: { kind: 'delete', key } })
      },
      closeDialog: () => set({ dialog: null }),

      connectEvents: (onMenuCommand, onTokensWaiting) => {
        let connected = true
        const offerWaiting = async () => {
          const pending = await call(() => api.token.listPending())
          if (connected && pending.ok && pending.value.length > 0) onTokensWaiting(pending.value)
        }
        const offEnded = api.session.onEnded(({ reason }) => get().sessionEnded(reason))
        const offMenu = api.menu.onCommand(({ command }) => onMenuCommand(command))
        // This window's own create gets its token in the answer; only others' need fetching.
        const offWaiting = api.token.onWaiting(() => {
          if (createsInFlight === 0) void offerWaiting()
        })
        void offerWaiting()
        return () => {
          connected = false
          offEnded()
          offMenu()
          offWaiting()
        }
      }
    }
  })
  // Painted with the early answer from the start: no "Starting…" frame when it came in time.
  if (early?.answer?.ok) store.setState(stateFromInitial(early.answer.value))
  return store
}
