/**
 * Last line of defence: a render error shows a plain message and a "Reload" button instead of a
 * blank window. Nothing secret is in render errors (tokens never reach logs or messages).
 */
import { Component, type ErrorInfo, type ReactNode } from 'react'

export interface ErrorBoundaryProps {
  children: ReactNode
  /** Reloads the window; replaceable in tests. */
  onReload?: () => void
}

interface ErrorBoundaryState {
  error: Error | null
}

/** Catches render errors below it. */
export class ErrorBoundary extends Component<ErrorBoundaryProps, ErrorBoundaryState> {
  override state: ErrorBoundaryState = { error: null }

  static getDerivedStateFromError(error: unknown): ErrorBoundaryState {
    return { error: error instanceof Error ? error : new Error(String(error)) }
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('The window hit an unexpected error:', error.message, info.componentStack)
  }

  override render() {
    const { error } = this.state
    if (!error) return this.props.children
    const reload = this.props.onReload ?? (() => window.location.reload())
    return (
      <main className="centered-screen">
        <div className="card">
          <h1>Something went wrong</h1>
          <div role="alert">
            <p>The window hit an unexpected error. Your keys and your saved sign-in are not affected.</p>
            <p className="mono muted">{error.message}</p>
          </div>
          <button type="button" className="button primary" onClick={reload}>
            Reload
          </button>
        </div>
      </main>
    )
  }
}
