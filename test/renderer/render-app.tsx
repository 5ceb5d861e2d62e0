/** Renders the whole app as main.tsx does (StrictMode + error boundary) against a fake bridge. */
import { act, render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { StrictMode } from 'react'
import { expect } from 'vitest'
import { App } from '../../src/renderer/src/App'
import { ErrorBoundary } from '../../src/renderer/src/components/ErrorBoundary'
import type { AccountView } from '../../src/shared/domain'
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

/** The key list's status line ("Loading keys…", "Updated just now"…). */
export const listStatus = (): HTMLElement => {
  const element = document.querySelector<HTMLElement>('[role="status"].list-status:not(.overview-status)')
  if (!element) throw new Error('No key list status on screen')
  return element
}

/** Waits until the shown list finished loading (the status no longer says Loading/Refreshing). */
export async function waitForListSettled(): Promise<void> {
  await waitFor(() => expect(listStatus().textContent).not.toMatch(/Loading keys…|Refreshing…/))
}

/** The rows of the key table, without the header row. */
export const bodyRows = (): HTMLElement[] => screen.getAllByRole('row').filter((row) => row.getAttribute('aria-rowindex') !== '1')
/** The key names in the table, in display order ([] without a table). */
export const rowNames = (): Array<string | null | undefined> =>
  screen.queryByRole('table', { name: 'API keys' }) ? bodyRows().map((row) => row.querySelector('.key-name')?.textContent) : []

export const isDisabled = (element: HTMLElement): boolean => (element as HTMLButtonElement).disabled

/** The account switcher (the sidebar). */
export const switcher = (): HTMLElement => screen.getByRole('navigation', { name: 'Accounts' })
/** The switcher's entry for an account, found by its display name. */
export const switcherItem = (name: string): HTMLElement =>
  within(switcher()).getByRole('button', { name: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`) })
/** The header above the shown account's keys. */
export const accountHeader = (): HTMLElement => {
  const element = document.querySelector<HTMLElement>('header.account-header')
  if (!element) throw new Error('No account header on screen')
  return element
}
/** The region with the keys of one account (named by its email). */
export const keysRegion = (account: Pick<AccountView, 'profile'>): HTMLElement =>
  screen.getByRole('main', { name: `API keys of ${account.profile.email}` })
/** Waits until the window shows this account's keys screen. */
export const findKeysRegion = (account: Pick<AccountView, 'profile'>): Promise<HTMLElement> =>
  screen.findByRole('main', { name: `API keys of ${account.profile.email}` })

/**
 * Dialogs are loaded on demand, so "no dialog opened" can only be told once one would have had
 * time to load: load every dialog's code, let React render, then look.
 */
export async function expectNoDialogOpened(name?: string): Promise<void> {
  await Promise.all([
    import('../../src/renderer/src/dialogs/NewKeyDialog'),
    import('../../src/renderer/src/dialogs/AddAccountDialog'),
    import('../../src/renderer/src/dialogs/DeleteKeyDialog'),
    import('../../src/renderer/src/dialogs/RemoveAccountDialog'),
    import('../../src/renderer/src/dialogs/SettingsDialog'),
    import('../../src/renderer/src/dialogs/CopyOnceDialog')
  ])
  await act(async () => new Promise((resolve) => setTimeout(resolve, 10)))
  expect(name === undefined ? screen.queryByRole('dialog') : screen.queryByRole('dialog', { name })).toBeNull()
}
