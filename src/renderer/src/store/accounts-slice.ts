/**
 * The accounts: which exist (main's view, pushed as `event:accounts-changed`), which one the
 * window shows, start-up, adding (verify-first sign-in) and removing them, "Refresh all".
 */
import {
  DEFAULT_PREFERENCES,
  type AccountId,
  type AccountView,
  type AddAccountResult,
  type InitialStateView,
  type MenuCommand,
  type PendingTokenView,
  type Preferences,
  type RefreshOutcome
} from '../../../shared/domain'
import type { AppError } from '../../../shared/errors'
import { call, deferredActions, type AppStore, type SliceContext } from './app-store'
import type { AccountActions } from './account-actions'
import { listFromView } from './lists-slice'
import { afterNextPaint } from '../lib/dom'

/** A list fetched this recently is not fetched again just because the person switched to its account. */
export const SWITCH_REFRESH_AFTER_MS = 15_000
/** At start, how long the fresh list may take before the rest of the cached one is loaded meanwhile. */
export const REST_OF_CACHE_AFTER_MS = 1_000

export type Screen = 'keys' | 'overview' | 'activity'

export interface AccountsSlice {
  /** `starting` until the initial state arrives; `failed` when even that could not be read. */
  phase: 'starting' | 'ready' | 'failed'
  startError: AppError | null
  accounts: AccountView[]
  /** The account whose keys the window shows (null without accounts). */
  shownAccountId: AccountId | null
  screen: Screen
  preferences: Preferences
  /** Which add-account path is waiting on main, if any. */
  addBusy: 'sign-in' | 'sandbox' | null
  addError: AppError | null
  removeBusy: boolean
  removeError: AppError | null
  refreshingAll: boolean
  /** The last "Refresh all", per account (each account's error on its own row). */
  refreshOutcomes: Record<AccountId, RefreshOutcome>
  /**
   * Reads the initial state (disk only), paints it, then refreshes the shown account's list in the
   * background. Resolves with the tokens still waiting to be confirmed, for the copy-once dialog
   * (they are handed over, not kept). A second call while started is a no-op.
   */
  start: () => Promise<PendingTokenView[]>
  /** Signs in to an account with a key the person typed; the key is not kept. Resolves the result, or null. */
  addAccount: (baseUrl: string, apiKey: string) => Promise<AddAccountResult | null>
  addSandbox: () => Promise<boolean>
  clearAddError: () => void
  removeAccount: (accountId: AccountId) => Promise<boolean>
  removeAllAccounts: () => Promise<boolean>
  /** Shows an account's last known list at once and refreshes it in the background. */
  /** Loads the code behind sign-in and account changes ahead of use (a sign-in form is open). */
  preloadAccountActions: () => void
  showAccount: (accountId: AccountId) => void
  /** Ctrl/Cmd+1…9: the n-th account (0-based) of the switcher. */
  showAccountAt: (index: number) => void
  showOverview: () => void
  /** The activity log (every account's, filterable). */
  showActivity: () => void
  refreshAll: () => Promise<void>
  /** Main's view of the accounts changed. */
  accountsChanged: (accounts: AccountView[]) => void
  /** Changes how long a copied token may stay on the clipboard; resolves null or the error. */
  setClipboardClearSeconds: (seconds: number) => Promise<AppError | null>
  /**
   * Subscribes to main's events; returns the unsubscribe function. `onTokensWaiting` receives
   * tokens created for another window (or before a reload) that this window should show; it is
   * also asked once right away, for a create that finished while this window was starting.
   */
  connectEvents: (
    onMenuCommand: (command: MenuCommand, accountId?: AccountId) => void,
    onTokensWaiting: (tokens: PendingTokenView[]) => void
  ) => () => void
}

/** What the first paint shows for an initial state. */
export function stateFromInitial(initial: InitialStateView): Pick<AppStore, 'phase' | 'accounts' | 'shownAccountId' | 'preferences' | 'lists'> {
  const shown = initial.shownAccountId
  return {
    phase: 'ready',
    accounts: initial.accounts,
    shownAccountId: shown,
    preferences: initial.preferences,
    lists: shown && initial.cachedKeys ? { [shown]: listFromView(initial.cachedKeys) } : {}
  }
}

export function createAccountsSlice({ api, set, get }: SliceContext): AccountsSlice {
  let loadedAccountActions: Promise<AccountActions> | null = null
  const loadAccountActions = (): Promise<AccountActions> =>
    (loadedAccountActions ??= import('./account-actions').then((m) => m.createAccountActions({ api, set, get })))
  const laterAccount = deferredActions(loadAccountActions)

  return {
    phase: 'starting',
    startError: null,
    accounts: [],
    shownAccountId: null,
    screen: 'keys',
    preferences: DEFAULT_PREFERENCES,
    addBusy: null,
    addError: null,
    removeBusy: false,
    removeError: null,
    refreshingAll: false,
    refreshOutcomes: {},

    start: () => {
      const { runs } = get()
      if (runs.start) return runs.start.then(() => [])
      const run = (async () => {
        const request = runs.earlyInitialState
        runs.earlyInitialState = null
        if (get().phase !== 'ready') set({ phase: 'starting', startError: null })
        const initial = await call(() => request ?? api.app.getInitialState())
        if (!initial.ok) {
          runs.start = null // allow "Try again"
          set({ phase: 'failed', startError: initial.error })
          return []
        }
        const { shownAccountId, pendingTokens, cachedKeys, cachedKeyCount } = initial.value
        set(stateFromInitial(initial.value))
        if (shownAccountId) {
          const fresh = get().refresh(shownAccountId)
          // The initial state carried the first screenful. The fresh list on its way carries every
          // key: main's cached copy (1 MB at 10,000 keys) is sent too only when that list fails, or
          // is slow to come, or is not asked for (an account that needs signing in).
          if (cachedKeys && cachedKeys.keys.length < cachedKeyCount) {
            const slow = new Promise((resolve) => setTimeout(resolve, REST_OF_CACHE_AFTER_MS))
            void Promise.race([fresh, slow]).then(() => {
              if (get().lists[shownAccountId]?.fromCache !== false) void get().loadCached(shownAccountId)
            })
          }
        }
        return pendingTokens
      })()
      runs.start = run
      return run
    },

    // Adding and removing accounts: their code loads with the first use (sign-in screen, dialogs).
    preloadAccountActions: () => void loadAccountActions(),
    addAccount: laterAccount('addAccount'),
    addSandbox: laterAccount('addSandbox'),

    clearAddError: () => set({ addError: null }),

    removeAccount: laterAccount('removeAccount'),
    removeAllAccounts: laterAccount('removeAllAccounts'),

    showAccount: (accountId) => {
      const state = get()
      if (!state.accounts.some((account) => account.id === accountId)) return
      const switching = state.shownAccountId !== accountId
      set({ shownAccountId: accountId, screen: 'keys', ...(switching ? { filter: '' } : {}) })
      const list = get().lists[accountId]
      if (!list) {
        if (switching) void call(() => api.accounts.show({ accountId }))
        void get()
          .loadCached(accountId)
          .then(() => get().refresh(accountId))
        return
      }
      const fetchedAt = list.fetchedAt ? Date.parse(list.fetchedAt) : Number.NaN
      const recent = !list.fromCache && Date.now() - fetchedAt < SWITCH_REFRESH_AFTER_MS
      // The list in memory is painted in the click's frame; telling main and refreshing wait for
      // the frame after it (at 10,000 keys that frame has no time to spare).
      afterNextPaint(() => {
        if (switching) void call(() => api.accounts.show({ accountId }))
        if (!recent && get().shownAccountId === accountId) void get().refresh(accountId)
      })
    },

    showAccountAt: (index) => {
      const account = get().accounts[index]
      if (account) get().showAccount(account.id)
    },

    showOverview: () => {
      if (get().accounts.length > 0) set({ screen: 'overview' })
    },

    showActivity: () => {
      if (get().accounts.length > 0) set({ screen: 'activity' })
    },

    refreshAll: () => {
      const { runs } = get()
      if (runs.refreshAll) return runs.refreshAll
      set({ refreshingAll: true })
      const run = (async () => {
        const result = await call(() => api.accounts.refreshAll())
        const outcomes = result.ok ? Object.fromEntries(result.value.map((outcome) => [outcome.accountId, outcome])) : {}
        set({ refreshOutcomes: outcomes })
        // Main now holds every fresh list: bring in those this window keeps in memory (no network).
        await Promise.all(Object.keys(get().lists).map((accountId) => get().loadCached(accountId, { justFetched: outcomes[accountId]?.ok === true })))
      })().finally(() => {
        runs.refreshAll = null
        set({ refreshingAll: false })
      })
      runs.refreshAll = run
      return run
    },

    accountsChanged: (accounts) => {
      const state = get()
      const ids = new Set(accounts.map((account) => account.id))
      const removed = state.accounts.filter((account) => !ids.has(account.id)).map((account) => account.id)
      for (const accountId of removed) state.runs.bump(accountId)
      const shownAccountId = state.shownAccountId && ids.has(state.shownAccountId) ? state.shownAccountId : (accounts[0]?.id ?? null)
      const lists = removed.length === 0 ? state.lists : Object.fromEntries(Object.entries(state.lists).filter(([id]) => ids.has(id)))
      const switched = shownAccountId !== state.shownAccountId
      // Like showAccount: a filter typed for the account that went does not apply to the next one.
      set({ accounts, shownAccountId, lists, ...(switched ? { filter: '' } : {}), ...(accounts.length === 0 ? { screen: 'keys' as const } : {}) })
      // An account that appears while the window is adding one is shown by that add's answer,
      // which carries its list: showing it from this event would fetch the list a second time.
      const beingAdded = state.addBusy !== null && !state.accounts.some((account) => account.id === shownAccountId)
      if (shownAccountId && switched && !beingAdded) get().showAccount(shownAccountId)
    },

    setClipboardClearSeconds: laterAccount('setClipboardClearSeconds'),

    connectEvents: (onMenuCommand, onTokensWaiting) => {
      let connected = true
      const offerWaiting = async () => {
        const pending = await call(() => api.token.listPending())
        if (connected && pending.ok && pending.value.length > 0) onTokensWaiting(pending.value)
      }
      const offAccounts = api.on.accountsChanged(({ accounts }) => get().accountsChanged(accounts))
      const offMenu = api.on.menuCommand(({ command, accountId }) => onMenuCommand(command, accountId))
      // This window's own create gets its token in the answer; only others' need fetching.
      const offWaiting = api.on.tokenWaiting(({ pendingId }) => {
        const { runs } = get()
        if (runs.createsInFlight === 0 && !runs.ownTokens.has(pendingId)) void offerWaiting()
      })
      // Main fetched a list on its own (refresh all, rotation watching): show it from main's cache,
      // no request of ours. Only lists this window holds; the others load when shown.
      const offKeys = api.on.keysUpdated(({ accountId, fetchedAt }) => {
        // A list of this window's own on its way carries the same keys: wait for it, and load
        // main's copy (1 MB at 10,000 keys) only if it is still newer than what is shown.
        const own = get().runs.lists.get(accountId) ?? Promise.resolve()
        void own.then(() => {
          const shown = get().lists[accountId]
          if (shown && (shown.fetchedAt === null || shown.fetchedAt < fetchedAt)) void get().loadCached(accountId, { justFetched: true })
        })
      })
      void offerWaiting()
      return () => {
        connected = false
        offAccounts()
        offMenu()
        offWaiting()
        offKeys()
      }
    }
  }
}
