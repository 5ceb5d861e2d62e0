/**
 * Chooses the screen: bridge missing, starting, failed to start, first sign-in, or the accounts
 * (switcher + the shown account's keys, or the overview). Owns the start-up sequence, the
 * subscriptions to main's events, the window title and the dialogs.
 */
import { lazy, Suspense, useEffect, useState } from 'react'
import type { AutocallsApi } from '../../shared/bridge-api'
import { AccountSwitcher } from './components/AccountSwitcher'
import { CopyOnceHost, useOfferTokens } from './dialogs/CopyOnceHost'
import { DialogHost } from './dialogs/DialogHost'
import { windowTitle } from './lib/account-display'
import { useKeyboardShortcuts } from './lib/keyboard-shortcuts'
import { KeysScreen } from './screens/KeysScreen'
import { LoadingPanel, StartingScreen } from './screens/StartScreens'
import { createAppStore, type EarlyInitialState } from './store/app-store'
import { AppStoreProvider, useApp, useAppStoreApi } from './store/store-context'
import { useAppCommands } from './store/use-app-commands'

// Screens most sessions never open: loaded on demand, so the window starts with less to load.
// (The first-run sign-in screen is one of them: main.tsx starts its download before the first
// render when there is no account yet.)
const OverviewScreen = lazy(() => import('./screens/OverviewScreen'))
const ActivityScreen = lazy(() => import('./screens/ActivityScreen'))
const SignInScreen = lazy(loadSignInScreen)
const BridgeMissingScreen = lazy(() => import('./screens/StartProblemScreens').then((m) => ({ default: m.BridgeMissingScreen })))
const StartFailedScreen = lazy(() => import('./screens/StartProblemScreens').then((m) => ({ default: m.StartFailedScreen })))

/** The first-run screen's module (shared with main.tsx, which prefetches it). */
export function loadSignInScreen() {
  return import('./screens/SignInScreen').then((m) => ({ default: m.SignInScreen }))
}

export interface AppProps {
  /** `window.autocalls`; undefined when the page was opened outside the app. */
  api: AutocallsApi | undefined
  /** The initial state as requested before the first render, if it was. */
  early?: EarlyInitialState | undefined
}

/** The whole window. */
export function App({ api, early }: AppProps) {
  if (!api) {
    return (
      <Suspense fallback={null}>
        <BridgeMissingScreen />
      </Suspense>
    )
  }
  return <ConnectedApp api={api} early={early} />
}

function ConnectedApp({ api, early }: { api: AutocallsApi; early: EarlyInitialState | undefined }) {
  const [store] = useState(() => createAppStore(api, early))
  return (
    <AppStoreProvider store={store}>
      <CopyOnceHost>
        <Screens />
      </CopyOnceHost>
    </AppStoreProvider>
  )
}

function Screens() {
  const store = useAppStoreApi()
  const offerTokens = useOfferTokens()
  const runCommand = useAppCommands()
  const phase = useApp((state) => state.phase)
  const startError = useApp((state) => state.startError)
  const hasAccounts = useApp((state) => state.accounts.length > 0)

  useEffect(() => store.getState().connectEvents((command, accountId) => runCommand(command, { accountId }), offerTokens), [store, runCommand, offerTokens])

  useEffect(() => {
    // Tokens created before a reload come back here: show them again before anything else.
    void store.getState().start().then(offerTokens)
  }, [store, offerTokens])

  useKeyboardShortcuts((shortcut) => runCommand(shortcut.command, { index: shortcut.index }))
  useWindowTitle()
  useReportVisibility()

  if (phase === 'starting') return <StartingScreen />
  if (phase === 'failed') {
    return (
      <Suspense fallback={<StartingScreen />}>
        <StartFailedScreen error={startError} onRetry={() => void store.getState().start().then(offerTokens)} />
      </Suspense>
    )
  }
  return (
    <>
      {hasAccounts ? (
        <AccountsLayout />
      ) : (
        <Suspense fallback={<StartingScreen />}>
          <SignInScreen />
        </Suspense>
      )}
      <DialogHost />
    </>
  )
}

function AccountsLayout() {
  const screen = useApp((state) => state.screen)
  const shown = useApp((state) => state.accounts.find((account) => account.id === state.shownAccountId) ?? null)
  return (
    <div className="accounts-layout">
      <AccountSwitcher />
      {screen === 'overview' ? (
        <Suspense fallback={<LoadingPanel label="Loading the overview…" />}>
          <OverviewScreen />
        </Suspense>
      ) : screen === 'activity' ? (
        <Suspense fallback={<LoadingPanel label="Loading the activity log…" />}>
          <ActivityScreen />
        </Suspense>
      ) : (
        shown && <KeysScreen account={shown} />
      )}
    </div>
  )
}

/** The window title names the shown account (Electron shows the page's title in the title bar). */
function useWindowTitle(): void {
  const title = useApp((state) => {
    if (state.screen === 'overview') return state.accounts.length > 0 ? 'All accounts — Autocalls Keys' : windowTitle(null)
    if (state.screen === 'activity') return 'Activity log — Autocalls Keys'
    return windowTitle(state.accounts.find((account) => account.id === state.shownAccountId))
  })
  useEffect(() => {
    document.title = title
  }, [title])
}

/**
 * Tells main whether the window is on screen, once at start and on every change: rotation
 * watching refreshes lists on its own only while someone can see them.
 */
function useReportVisibility(): void {
  const store = useAppStoreApi()
  useEffect(() => {
    const report = () => void store.getState().setVisibility(document.visibilityState !== 'hidden')
    report()
    document.addEventListener('visibilitychange', report)
    return () => document.removeEventListener('visibilitychange', report)
  }, [store])
}
