/** What the window shows when it cannot start, or was opened outside the app: loaded only then. */
import type { AppError } from '../../../shared/errors'

/** The initial state could not be read (the app's side is broken or not answering). */
export function StartFailedScreen({ error, onRetry }: { error: AppError | null; onRetry: () => void }) {
  return (
    <main className="centered-screen">
      <div className="card">
        <h1>Autocalls Keys could not start</h1>
        <p role="alert">{error?.message ?? 'The app did not answer.'}</p>
        <button type="button" className="button primary" onClick={onRetry}>
          Try again
        </button>
      </div>
    </main>
  )
}

/** The page was opened without the app's bridge (e.g. the HTML file in a plain browser). */
export function BridgeMissingScreen() {
  return (
    <main className="centered-screen">
      <div className="card">
        <h1>Open this window from Autocalls Keys</h1>
        <p role="alert">
          This page cannot reach the Autocalls Keys app, so it cannot sign in or show your keys. Start the app (or its
          browser preview) instead of opening this page directly.
        </p>
      </div>
    </main>
  )
}
