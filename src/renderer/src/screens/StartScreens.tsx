/** The screens before the app proper: starting, and a region loading. (The rare failures are in StartProblemScreens.) */

/** Shown for the instant it takes to read the initial state from disk. */
export function StartingScreen() {
  return (
    <main className="centered-screen" aria-busy="true">
      <p role="status" className="muted">
        Starting…
      </p>
    </main>
  )
}

/** A region whose code or data is on its way (a screen loaded on demand). */
export function LoadingPanel({ label }: { label: string }) {
  return (
    <main className="keys-screen" aria-busy="true">
      <p role="status" className="muted loading-panel">
        {label}
      </p>
    </main>
  )
}
