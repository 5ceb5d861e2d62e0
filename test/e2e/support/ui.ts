/**
 * The app's screens and dialogs as accessible locators, with the exact names of the UI contract
 * (/tmp/autocalls-ui-spec.md, kept in the renderer). playwright-core has no `expect`, so the
 * waiting helpers here poll the page and throw with what they saw.
 */
import type { Locator, Page } from 'playwright-core'

const EXACT = { exact: true } as const

export const signInScreen = (page: Page) => ({
  heading: page.getByRole('heading', { level: 1, name: 'Sign in to Autocalls', exact: true }),
  apiKey: page.getByLabel('API key', EXACT),
  showApiKey: page.getByRole('button', { name: 'Show API key', exact: true }),
  hideApiKey: page.getByRole('button', { name: 'Hide API key', exact: true }),
  advanced: page.getByRole('button', { name: 'Advanced', exact: true }),
  baseUrl: page.getByLabel('API base URL', EXACT),
  signIn: page.getByRole('button', { name: 'Sign in', exact: true }),
  trySandbox: page.getByRole('button', { name: 'Try the sandbox', exact: true }),
  alerts: page.getByRole('alert')
})

export const mainScreen = (page: Page) => {
  const table = page.getByRole('table', { name: 'API keys', exact: true })
  return {
    heading: page.getByRole('heading', { level: 1, name: 'API keys', exact: true }),
    account: page.getByRole('button', { name: 'Account', exact: true }),
    signOut: page.getByRole('button', { name: 'Sign out', exact: true }),
    filter: page.getByRole('searchbox', { name: 'Filter keys', exact: true }),
    refresh: page.getByRole('button', { name: 'Refresh', exact: true }),
    newKey: page.getByRole('button', { name: 'New key', exact: true }),
    table,
    /** Data rows only (rows that have a delete button). */
    rows: table.getByRole('row').filter({ has: page.getByRole('button', { name: /^Delete / }) }),
    row: (name: string) =>
      table.getByRole('row').filter({ has: page.getByRole('button', { name: `Delete ${name}`, exact: true }) }),
    deleteButton: (name: string) => table.getByRole('button', { name: `Delete ${name}`, exact: true }),
    columnHeader: (name: 'Name' | 'Created' | 'Last used') => table.getByRole('columnheader', { name, exact: true }),
    sortButton: (name: 'Name' | 'Created' | 'Last used') =>
      table.getByRole('columnheader', { name, exact: true }).getByRole('button', { name, exact: true }),
    status: page.getByRole('status'),
    alerts: page.getByRole('alert'),
    tryAgain: page.getByRole('button', { name: 'Try again', exact: true }),
    createFirstKey: page.getByRole('button', { name: 'Create your first key', exact: true })
  }
}

export const newKeyDialog = (page: Page) => {
  const dialog = page.getByRole('dialog', { name: 'New API key', exact: true })
  return {
    dialog,
    name: dialog.getByLabel('Name', EXACT),
    create: dialog.getByRole('button', { name: /^(Create key|Creating…)$/ }),
    cancel: dialog.getByRole('button', { name: 'Cancel', exact: true }),
    alerts: dialog.getByRole('alert')
  }
}

export const copyOnceDialog = (page: Page) => {
  const dialog = page.getByRole('dialog', { name: 'Copy your new API key', exact: true })
  return {
    dialog,
    token: dialog.getByLabel('New API key token', EXACT),
    copy: dialog.getByRole('button', { name: 'Copy', exact: true }),
    saved: dialog.getByRole('checkbox', { name: 'I have saved this key', exact: true }),
    done: dialog.getByRole('button', { name: 'Done', exact: true }),
    status: dialog.getByRole('status'),
    alerts: dialog.getByRole('alert')
  }
}

export const deleteDialog = (page: Page) => {
  const dialog = page.getByRole('dialog', { name: 'Delete API key?', exact: true })
  return {
    dialog,
    confirmDelete: dialog.getByRole('button', { name: /^(Delete key|Deleting…)$/ }),
    cancel: dialog.getByRole('button', { name: 'Cancel', exact: true }),
    typeName: dialog.getByLabel('Type the key name to confirm', EXACT),
    alerts: dialog.getByRole('alert')
  }
}

export interface SignInInput {
  baseUrl: string
  apiKey: string
}

/** Fills the sign-in form, using "Advanced" for the base URL, and presses "Sign in". */
export async function submitSignIn(page: Page, { baseUrl, apiKey }: SignInInput): Promise<void> {
  const screen = signInScreen(page)
  await screen.heading.waitFor()
  await screen.apiKey.fill(apiKey)
  if (!(await screen.baseUrl.isVisible())) await screen.advanced.click()
  await screen.baseUrl.fill(baseUrl)
  await screen.signIn.click()
}

/** Signs in and waits for the key list. */
export async function signIn(page: Page, input: SignInInput): Promise<void> {
  await submitSignIn(page, input)
  await mainScreen(page).heading.waitFor({ timeout: 15_000 })
  await mainScreen(page).table.waitFor()
}

export async function signOutViaAccountMenu(page: Page): Promise<void> {
  const screen = mainScreen(page)
  await screen.account.click()
  await screen.signOut.click()
  await signInScreen(page).heading.waitFor()
}

/** The names in the table's data rows, top to bottom (what is rendered: the list is virtualised). */
export async function visibleKeyNames(page: Page): Promise<string[]> {
  const labels = await mainScreen(page)
    .table.getByRole('button', { name: /^Delete / })
    .evaluateAll((buttons) => buttons.map((b) => b.getAttribute('aria-label') ?? b.textContent ?? ''))
  return labels.map((label) => label.replace(/^Delete /, ''))
}

/** Polls until `read()` satisfies `accept`, else throws with the last value seen. */
export async function waitUntil<T>(read: () => Promise<T>, accept: (value: T) => boolean, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: T | undefined
  let lastError: unknown
  while (Date.now() < deadline) {
    try {
      last = await read()
      if (accept(last)) return last
    } catch (error) {
      lastError = error
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`Timed out waiting for ${what}; last value: ${JSON.stringify(last)}${lastError ? `; last error: ${String(lastError)}` : ''}`)
}

/** Waits until some element of `locator` has text containing `text` (whitespace-normalised). */
export async function waitForText(locator: Locator, text: string | RegExp, timeoutMs = 10_000): Promise<string> {
  const matches = (value: string) => (typeof text === 'string' ? value.includes(text) : text.test(value))
  const all = await waitUntil(
    async () => (await locator.allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim()),
    (texts) => texts.some(matches),
    `text ${String(text)}`,
    timeoutMs
  )
  return all.find(matches) ?? ''
}

export const attribute = (locator: Locator, name: string) => locator.getAttribute(name)
