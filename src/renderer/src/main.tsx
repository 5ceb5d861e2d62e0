/** Renderer entry: mounts the app under an error boundary. No network, nothing remote. */
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { BRIDGE_GLOBAL } from '../../shared/bridge-api'
import { App } from './App'
import { ErrorBoundary } from './components/ErrorBoundary'
import './styles.css'

// Read defensively: opened outside the app (a plain browser), the bridge does not exist.
const api = (window as Partial<Window>)[BRIDGE_GLOBAL as 'autocalls']

const root = document.getElementById('root')
if (root) {
  createRoot(root).render(
    <StrictMode>
      <ErrorBoundary>
        <App api={api} />
      </ErrorBoundary>
    </StrictMode>
  )
}
