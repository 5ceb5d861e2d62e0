/** Renderer entry: mounts the app under an error boundary. No network, nothing remote. */
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { BRIDGE_GLOBAL } from '../../shared/bridge-api'
import { App, loadSignInScreen } from './App'
import { ErrorBoundary } from './components/ErrorBoundary'
import { askShownList, type EarlyInitialState } from './store/app-store'
import './styles.css'

/**
 * How long the first render waits for the initial state (disk only, normally a few ms) so that
 * it paints the key list rather than a "Starting…" screen. Past it, the app renders and fills in.
 */
const INITIAL_STATE_WAIT_MS = 150

// Read defensively: opened outside the app (a plain browser), the bridge does not exist.
const api = (window as Partial<Window>)[BRIDGE_GLOBAL as 'autocalls']

function render(early?: EarlyInitialState): void {
  const root = document.getElementById('root')
  if (!root) return
  createRoot(root).render(
    <StrictMode>
      <ErrorBoundary>
        <App api={api} early={early} />
      </ErrorBoundary>
    </StrictMode>
  )
}

if (api) {
  const request = api.app.getInitialState()
  const waited = new Promise<undefined>((resolve) => setTimeout(resolve, INITIAL_STATE_WAIT_MS))
  void Promise.race([request, waited]).then(
    (answer) => {
      // No account yet: the first-run screen's code is on its way while React renders.
      if (answer?.ok && answer.value.accounts.length === 0) void loadSignInScreen()
      render({ request, answer, list: answer?.ok ? askShownList(api, answer.value) : null })
    },
    () => render({ request })
  )
} else {
  render()
}
