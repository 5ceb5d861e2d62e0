/** Renders the whole app as main.tsx does (StrictMode + error boundary) against a fake bridge. */
import { render, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { StrictMode } from 'react'
import { expect } from 'vitest'
import { App } from '../../src/renderer/src/App'
import { ErrorBoundary } from '../../src/renderer/src/components/ErrorBoundary'
import { createFakeApi, type FakeApi, type FakeOptions } from './fake-api'

export interface RenderedApp {
  fake: FakeApi
  user: ReturnType<typeof userEvent.setup>
  container: HTMLElement
  unmount: () => void
}

/** Renders the app and waits until the first real screen replaced "Starting…". */
export async function renderApp(options: FakeOptions | FakeApi = {}): Promise<RenderedApp> {
  const fake = 'api' in options ? options : createFakeApi(options)
  const user = userEvent.setup()
  const { container, unmount } = render(
    <StrictMode>
      <ErrorBoundary>
        <App api={fake.api} />
      </ErrorBoundary>
    </StrictMode>
  )
  await waitFor(() => expect(screen.queryByText('Starting…')).toBeNull())
  return { fake, user, container, unmount }
}

/** Waits until the list finished loading (the status no longer says Loading/Refreshing). */
export async function waitForListSettled(): Promise<void> {
  await waitFor(() => {
    const text = screen.getByRole('status').textContent ?? ''
    expect(text).not.toMatch(/Loading keys…|Refreshing…/)
  })
}

/** The rows of the key table, without the header row. */
export const bodyRows = (): HTMLElement[] => screen.getAllByRole('row').filter((row) => row.getAttribute('aria-rowindex') !== '1')

export const isDisabled = (element: HTMLElement): boolean => (element as HTMLButtonElement).disabled
