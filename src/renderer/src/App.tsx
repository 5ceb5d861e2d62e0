/**
 * Chooses the screen: bridge missing, starting, failed to start, sign-in, or the key list. Owns
 * the start-up sequence and the subscriptions to main's events.
 */
import { useEffect, useState } from 'react'
import type { AutocallsApi } from '../../shared/bridge-api'
import { CopyOnceHost, useOfferTokens } from './dialogs/CopyOnceHost'
import { KeysScreen } from './screens/KeysScreen'
import { SignInScreen } from './screens/SignInScreen'
import { BridgeMissingScreen, StartFailedScreen, StartingScreen } from './screens/StartScreens'
import { createAppStore, type EarlyInitialState } from './store/app-store'
import { AppStoreProvider, useApp, useAppStoreApi } from './store/store-context'
import { useAppCommands } from './store/use-app-commands'

export interface AppProps {
  /** `window.autocalls`; undefined when the page was opened outside the app. */
  api: AutocallsApi | undefined
  /** The initial state as requested before the first render, if it was. */
  early?: EarlyInitialState | undefined
}

/** The whole window. */
export function App({ api, early }: AppProps) {
  if (!api) return <BridgeMissingScreen />
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
  const signedIn = useApp((state) => state.session.state === 'signed-in')

  useEffect(() => store.getState().connectEvents(runCommand, offerTokens), [store, runCommand, offerTokens])

  useEffect(() => {
    // Tokens created before a reload come back here: show them again before anything else.
    void store.getState().start().then(offerTokens)
  }, [store, offerTokens])

  if (phase === 'starting') return <StartingScreen />
  if (phase === 'failed') {
    return <StartFailedScreen error={startError} onRetry={() => void store.getState().start().then(offerTokens)} />
  }
  return signedIn ? <KeysScreen /> : <SignInScreen />
}
