/**
 * The app's screens and dialogs as accessible locators, with the exact names of the UI contract
 * (/tmp/autocalls-ui-spec.md, kept in the renderer). playwright-core has no `expect`, so the
 * waiting helpers here poll the page and throw with what they saw.
 */
import type { Locator, Page } from 'playwright-core'

const EXACT = { exact: true } as const

/** The verify-first sign-in form, on the first-run screen or inside the "Add account" dialog. */
const signInForm = (scope: Page | Locator) => ({
  apiKey: scope.getByLabel('API key', EXACT),
  showApiKey: scope.getByRole('button', { name: 'Show API key', exact: true }),
  hideApiKey: scope.getByRole('button', { name: 'Hide API key', exact: true }),
  advanced: scope.getByRole('button', { name: 'Advanced', exact: true }),
  baseUrl: scope.getByLabel('API base URL', EXACT),
  signIn: scope.getByRole('button', { name: /^(Sign in|Signing in…)$/ }),
  alerts: scope.getByRole('alert')
})

export const signInScreen = (page: Page) => ({
  heading: page.getByRole('heading', { level: 1, name: 'Sign in to Autocalls', exact: true }),
  ...signInForm(page),
  trySandbox: page.getByRole('button', { name: 'Try the sandbox', exact: true })
})

/** The account switcher (sidebar): "All accounts", one button per account, "Add account". */
export const switcher = (page: Page) => {
  const nav = page.getByRole('navigation', { name: 'Accounts', exact: true })
  const items = nav.getByRole('listitem').getByRole('button')
  return {
    nav,
    allAccounts: nav.getByRole('button', { name: /^All accounts/ }),
    addAccount: nav.getByRole('button', { name: 'Add account', exact: true }),
    /** Every account's button, in the switcher's order. */
    items,
    /** An account's button (the one showing exactly this name). */
    account: (name: string) => items.filter({ has: page.getByText(name, EXACT) })
  }
}

/**
 * The switcher's account buttons as the text they show (name, host or email, keys, state: "Ada
 * Lovelace 127.0.0.1:5000 3 keys · Ready"), top to bottom, without the decorative initials.
 */
export async function switcherEntries(page: Page): Promise<string[]> {
  return switcher(page).items.evaluateAll((buttons) =>
    buttons.map((button) =>
      Array.from(button.children)
        .filter((part) => part.getAttribute('aria-hidden') !== 'true')
        .map((part) => (part as HTMLElement).innerText)
        .join(' ')
        .replace(/\s+/g, ' ')
        .trim()
    )
  )
}

/** The shown account's header (always on screen above its keys), or the overview's. */
export const accountHeader = (page: Page) => {
  const header = page.getByRole('banner')
  return {
    header,
    heading: header.getByRole('heading', { level: 1 }),
    subtitle: header.locator('.account-subtitle'),
    settings: header.getByRole('button', { name: 'Settings', exact: true }),
    signOut: header.getByRole('button', { name: 'Sign out…', exact: true })
  }
}

export const mainScreen = (page: Page) => {
  const table = page.getByRole('table', { name: 'API keys', exact: true })
  return {
    /** The shown account's name, the page's level-1 heading. */
    heading: accountHeader(page).heading,
    /** The keys area of the shown account ("API keys of <email>"). */
    region: page.getByRole('main', { name: /^API keys of / }),
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
    createFirstKey: page.getByRole('button', { name: 'Create your first key', exact: true }),
    /** What an account whose session ended (401, own key deleted) shows instead of its keys. */
    needsSignIn: page.getByRole('alert').filter({ hasText: 'Signed out of this account' }),
    signInAgain: page.getByRole('button', { name: 'Sign in again', exact: true })
  }
}

export const overviewScreen = (page: Page) => {
  const table = page.locator('table.overview-table')
  return {
    heading: page.getByRole('heading', { level: 1, name: 'All accounts', exact: true }),
    refreshAll: page.getByRole('button', { name: 'Refresh all', exact: true }),
    signOutOfAll: page.getByRole('button', { name: 'Sign out of all…', exact: true }),
    table,
    /** One row per account (the row header holds the account's name). */
    row: (name: string) => table.getByRole('row').filter({ has: page.getByRole('rowheader').filter({ has: page.getByText(name, EXACT) }) })
  }
}

/** "Add an account", or "Sign in again to <email>" for an account that needs it. */
export const addAccountDialog = (page: Page) => {
  const dialog = page.getByRole('dialog', { name: /^(Add an account|Sign in again to .+)$/ })
  return {
    dialog,
    ...signInForm(dialog),
    addSandbox: dialog.getByRole('button', { name: /^(Add a sandbox account|Starting sandbox…)$/ }),
    cancel: dialog.getByRole('button', { name: 'Cancel', exact: true })
  }
}

/** "Sign out of <name>?" or "Sign out of all N accounts?". */
export const signOutDialog = (page: Page) => {
  const dialog = page.getByRole('dialog', { name: /^Sign out of .+\?$/ })
  return {
    dialog,
    confirm: dialog.getByRole('button', { name: /^(Sign out|Sign out of all|Signing out…)$/ }),
    cancel: dialog.getByRole('button', { name: 'Cancel', exact: true }),
    alerts: dialog.getByRole('alert')
  }
}

export const settingsDialog = (page: Page) => {
  const dialog = page.getByRole('dialog', { name: 'Settings', exact: true })
  return {
    dialog,
    clipboardDelay: dialog.getByLabel('Clear copied keys from the clipboard after', EXACT),
    done: dialog.getByRole('button', { name: 'Done', exact: true })
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

/** Fills a sign-in form (the first-run screen's, or `scope`'s), using "Advanced" for the base URL, and presses "Sign in". */
export async function submitSignIn(page: Page, { baseUrl, apiKey }: SignInInput, scope: Page | Locator = page): Promise<void> {
  const form = signInForm(scope)
  if (scope === page) await signInScreen(page).heading.waitFor()
  await form.apiKey.fill(apiKey)
  if (!(await form.baseUrl.isVisible())) await form.advanced.click()
  await form.baseUrl.fill(baseUrl)
  await form.signIn.click()
}

/** Signs in to the first account from the first-run screen and waits for its key list. */
export async function signIn(page: Page, input: SignInInput): Promise<void> {
  await submitSignIn(page, input)
  await mainScreen(page).region.waitFor({ timeout: 15_000 })
  await mainScreen(page).table.waitFor()
}

/** Adds another account through the switcher's "Add account" dialog; resolves once the window shows it. */
export async function addAccount(page: Page, input: SignInInput & { name: string }): Promise<void> {
  await switcher(page).addAccount.click()
  const dialog = addAccountDialog(page)
  await dialog.dialog.waitFor()
  await submitSignIn(page, input, dialog.dialog)
  await dialog.dialog.waitFor({ state: 'detached', timeout: 15_000 })
  await waitForShownAccount(page, input.name)
}

/** Waits until the window shows `name`'s keys: its header's heading and its list. */
export async function waitForShownAccount(page: Page, name: string): Promise<void> {
  await waitUntil(() => mainScreen(page).heading.textContent(), (text) => text === name, `the header to name ${name}`)
  await mainScreen(page).region.waitFor()
}

/** Signs out of the shown account through its header ("Sign out…", then "Sign out"). */
export async function signOut(page: Page): Promise<void> {
  await accountHeader(page).signOut.click()
  const dialog = signOutDialog(page)
  await dialog.dialog.waitFor()
  await dialog.confirm.click()
  await dialog.dialog.waitFor({ state: 'detached' })
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
  throw new Error(`Timed out waiting for ${what}; last value: ${JSON.stringify(last)}${lastError ? `; last error: ${lastError instanceof Error ? lastError.message : JSON.stringify(lastError)}` : ''}`)
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

// ── Hygiene, rotation, activity (issues 10 and 11) ────────────────────────────────────────────

/** The shown account header's "More" menu: exports, the activity log, replacing the app's key. */
export const accountMenu = (page: Page) => {
  const header = page.getByRole('banner')
  return {
    button: header.getByRole('button', { name: 'More', exact: true }),
    exportCsv: header.getByRole('button', { name: 'Export keys as CSV…', exact: true }),
    exportJson: header.getByRole('button', { name: 'Export keys as JSON…', exact: true }),
    activityLog: header.getByRole('button', { name: 'Activity log', exact: true }),
    replaceOwnKey: header.getByRole('button', { name: 'Replace this app’s key…', exact: true })
  }
}

/** Opens the "More" menu and presses one of its items. */
export async function chooseFromAccountMenu(page: Page, item: 'exportCsv' | 'exportJson' | 'activityLog' | 'replaceOwnKey'): Promise<void> {
  const menu = accountMenu(page)
  if ((await menu.button.getAttribute('aria-expanded')) !== 'true') await menu.button.click()
  await menu[item].click()
}

/** A key row's "Rotate…" action. */
export const rotateButton = (page: Page, name: string) =>
  mainScreen(page).table.getByRole('button', { name: `Rotate ${name}`, exact: true })

/** "Rotate key": names the replacement and creates it. */
export const rotateDialog = (page: Page) => {
  const dialog = page.getByRole('dialog', { name: 'Rotate key', exact: true })
  return {
    dialog,
    name: dialog.getByLabel('Name of the replacement', EXACT),
    create: dialog.getByRole('button', { name: /^(Create replacement|Creating…)$/ }),
    cancel: dialog.getByRole('button', { name: 'Cancel', exact: true }),
    alerts: dialog.getByRole('alert')
  }
}

/** One open rotation: its state, "Delete old key…", "Cancel rotation…", and their confirmations. */
export const rotationDialog = (page: Page) => {
  const dialog = page.getByRole('dialog', { name: /^(Rotation of “.*”|Delete the old key\?|Cancel this rotation\?|Rotation)$/ })
  return {
    dialog,
    heading: dialog.getByRole('heading', { level: 2 }),
    /** The overview's state line ("Waiting for the new key’s first use (open for …)"). */
    stateLine: dialog.locator('.rotation-state-line'),
    warnings: dialog.locator('.warning'),
    close: dialog.getByRole('button', { name: 'Close', exact: true }),
    back: dialog.getByRole('button', { name: 'Back', exact: true }),
    deleteOldKey: dialog.getByRole('button', { name: /^Delete old key( \(recommended\))?…$/ }),
    recommendedDelete: dialog.getByRole('button', { name: 'Delete old key (recommended)…', exact: true }),
    cancelRotation: dialog.getByRole('button', { name: 'Cancel rotation…', exact: true }),
    /** The confirmations' buttons. */
    confirmDelete: (oldName: string) => dialog.getByRole('button', { name: new RegExp(`^(Delete “${escapeRegExp(oldName)}”|Deleting…)$`) }),
    confirmCancel: dialog.getByRole('button', { name: /^(Cancel rotation|Cancelling…)$/ }),
    alsoDeleteReplacement: dialog.getByRole('checkbox', { name: /^Also delete the replacement / }),
    status: dialog.getByRole('status'),
    alerts: dialog.getByRole('alert')
  }
}

// The panel's heading counts the open rotations; with only finished ones left it reads "Rotations".
const OPEN_ROTATIONS = /^(?:\d+ open rotations?|Rotations)$/

/**
 * The shown account's "N open rotation(s)" panel, found as the section holding that heading (its
 * name as a region is checked on its own: `namedRegion`).
 */
export const rotationsPanel = (page: Page) => {
  const panel = page.locator('section').filter({ has: page.getByRole('heading', { level: 2, name: OPEN_ROTATIONS }) })
  return {
    panel,
    /** The same panel as assistive technology finds it: a region named by its heading. */
    namedRegion: page.getByRole('region', { name: OPEN_ROTATIONS }),
    heading: panel.getByRole('heading', { level: 2 }),
    items: panel.getByRole('listitem'),
    /** The item whose pair mentions the replacement `#id`. */
    item: (newKeyId: number) => panel.getByRole('listitem').filter({ hasText: `(#${newKeyId})` }).last(),
    open: (newKeyId: number) =>
      panel.getByRole('listitem').filter({ hasText: `(#${newKeyId})` }).getByRole('button', { name: /^(Details…|Finish…)$/ })
  }
}

/** "Replace this app’s key": the app's own credential, replaced in main. */
export const rotateOwnKeyDialog = (page: Page) => {
  const dialog = page.getByRole('dialog', { name: 'Replace this app’s key', exact: true })
  return {
    dialog,
    reveal: dialog.getByRole('checkbox', { name: /^Show me the new key once/ }),
    replace: dialog.getByRole('button', { name: /^(Replace key|Replacing…|Try again)$/ }),
    cancel: dialog.getByRole('button', { name: 'Cancel', exact: true }),
    close: dialog.getByRole('button', { name: 'Close', exact: true }),
    status: dialog.getByRole('status'),
    alerts: dialog.getByRole('alert')
  }
}

/** The hygiene and rotation part of the Settings dialog. */
export const hygieneSettings = (page: Page) => {
  const dialog = settingsDialog(page).dialog
  const form = dialog.getByRole('form', { name: 'Key hygiene and rotation', exact: true })
  return {
    form,
    staleAfter: form.getByLabel('A key is stale when not used for', EXACT),
    newFor: form.getByLabel('A never-used key counts as new for', EXACT),
    remindToRotate: form.getByRole('checkbox', { name: 'Remind me to rotate keys older than a number of days', exact: true }),
    rotateAfter: form.getByLabel('Rotation reminder after', EXACT),
    quietPeriod: form.getByLabel('A rotation is safe to finish when the old key was quiet for', EXACT),
    save: form.getByRole('button', { name: 'Save', exact: true }),
    status: form.getByRole('status')
  }
}

/** Opens Settings, sets the fields given, saves, waits for "Saved." and closes the dialog. */
export async function saveHygieneSettings(
  page: Page,
  values: { quietPeriodMinutes?: number; staleAfterDays?: number; newForDays?: number },
  options: { check?: () => Promise<unknown> } = {}
): Promise<void> {
  await accountHeader(page).settings.click()
  const settings = hygieneSettings(page)
  await settings.form.waitFor()
  await options.check?.()
  if (values.quietPeriodMinutes !== undefined) await settings.quietPeriod.fill(String(values.quietPeriodMinutes))
  if (values.staleAfterDays !== undefined) await settings.staleAfter.fill(String(values.staleAfterDays))
  if (values.newForDays !== undefined) await settings.newFor.fill(String(values.newForDays))
  await settings.save.click()
  await waitForText(settings.status, 'Saved.')
  await settingsDialog(page).done.click()
  await settingsDialog(page).dialog.waitFor({ state: 'detached' })
}

/** The activity log screen (the switcher's "Activity log"). */
export const activityScreen = (page: Page) => {
  const main = page.getByRole('main', { name: 'Activity log', exact: true })
  return {
    open: switcher(page).nav.getByRole('button', { name: 'Activity log', exact: true }),
    heading: page.getByRole('heading', { level: 1, name: 'Activity log', exact: true }),
    main,
    account: main.getByLabel('Account', EXACT),
    action: main.getByLabel('Action', EXACT),
    table: main.getByRole('table', { name: 'Activity entries', exact: true }),
    status: main.getByRole('status').first(),
    exportCsv: page.getByRole('button', { name: 'Export CSV…', exact: true }),
    exportJson: page.getByRole('button', { name: 'Export JSON…', exact: true })
  }
}

/** One activity row as the screen shows it: the texts of its cells after "When". */
export interface ActivityRowText {
  account: string
  action: string
  key: string
  outcome: string
}

/** The activity table's rows (newest first), once the screen has loaded them. */
export async function activityRows(page: Page): Promise<ActivityRowText[]> {
  const screen = activityScreen(page)
  await waitUntil(() => screen.status.textContent(), (text) => /\d+\+? entr(y|ies)$/.test(text ?? ''), 'the activity log to load')
  return screen.table.locator('tbody tr').evaluateAll((rows) =>
    rows.map((row) => {
      const cells = Array.from(row.querySelectorAll('td')).map((cell) => (cell as HTMLElement).innerText.replace(/\s+/g, ' ').trim())
      return { account: cells[1] ?? '', action: cells[2] ?? '', key: cells[3] ?? '', outcome: cells[4] ?? '' }
    })
  )
}

/** Shows the activity log, optionally filtered by one action label ("Key deleted (bulk)"), and returns its rows. */
export async function readActivity(page: Page, options: { actionLabel?: string } = {}): Promise<ActivityRowText[]> {
  const screen = activityScreen(page)
  if (!(await screen.heading.isVisible())) await screen.open.click()
  await screen.heading.waitFor()
  await screen.action.selectOption(options.actionLabel === undefined ? { index: 0 } : { label: options.actionLabel })
  return activityRows(page)
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** The quick filters beside the name filter: radios named "<label> <count>" ("Stale 12"). */
export const quickFilters = (page: Page) => {
  const group = page.getByRole('radiogroup', { name: 'Quick filters', exact: true })
  return {
    group,
    radios: group.getByRole('radio'),
    /** The filter whose label is `label`, whatever its count. */
    filter: (label: string) => group.getByRole('radio', { name: new RegExp(`^${escapeRegExp(label)} \\d+$`) })
  }
}

/** The quick filters as "label count" texts, in order ("All 9", "In use 3", …). */
export async function quickFilterTexts(page: Page): Promise<string[]> {
  return (await quickFilters(page).radios.allTextContents()).map((text) => text.replace(/\s+/g, ' ').trim())
}

/** Chooses a quick filter and waits until it is the checked one. */
export async function chooseQuickFilter(page: Page, label: string): Promise<void> {
  const radio = quickFilters(page).filter(label)
  await radio.click()
  await waitUntil(() => radio.getAttribute('aria-checked'), (checked) => checked === 'true', `“${label}” to be chosen`)
}

/** What a key's row says of it: its state in words and its markers. */
export const keyRow = (page: Page, name: string) => {
  const row = mainScreen(page).row(name)
  return {
    row,
    checkbox: row.getByRole('checkbox', { name: `Select ${name}`, exact: true }),
    state: row.locator('.key-state'),
    reviewDue: row.getByText('Review due', EXACT),
    note: row.locator('.key-note'),
    notes: row.getByRole('button', { name: `Notes on ${name}`, exact: true })
  }
}

/** The state words of every rendered row, by key name. */
export async function rowStates(page: Page): Promise<Record<string, string>> {
  const pairs = await mainScreen(page)
    .rows.evaluateAll((rows) =>
      rows.map((row) => [row.querySelector('.key-name')?.textContent ?? '', row.querySelector('.key-state')?.textContent ?? ''] as const)
    )
  return Object.fromEntries(pairs)
}

/** The names of the ticked rows, top to bottom. */
export async function selectedKeyNames(page: Page): Promise<string[]> {
  const labels = await mainScreen(page)
    .table.getByRole('checkbox', { name: /^Select (?!all shown keys$)/, checked: true })
    .evaluateAll((boxes) => boxes.map((box) => box.getAttribute('aria-label') ?? ''))
  return labels.map((label) => label.replace(/^Select /, ''))
}

/** "N selected" and "Delete N keys…" above the list. */
export const selectionBar = (page: Page) => ({
  count: page.locator('.selection-count'),
  deleteSelected: page.getByRole('button', { name: /^Delete \d+ keys?…$/ }),
  clear: page.getByRole('button', { name: 'Clear selection', exact: true })
})

/** "Note on “name”": the note and its review date, kept on this computer. */
export const notesDialog = (page: Page) => {
  const dialog = page.getByRole('dialog', { name: /^Note on “.*”$/ })
  return {
    dialog,
    note: dialog.getByLabel('Note', EXACT),
    reviewBy: dialog.getByLabel('Review by (optional)', EXACT),
    save: dialog.getByRole('button', { name: /^(Save|Saving…)$/ }),
    cancel: dialog.getByRole('button', { name: 'Cancel', exact: true }),
    remove: dialog.getByRole('button', { name: 'Remove note', exact: true }),
    alerts: dialog.getByRole('alert')
  }
}

/** Writes a note (and review date, `YYYY-MM-DD` or '') on a key from its row, and waits until the dialog closed. */
export async function writeNote(page: Page, keyName: string, note: string, reviewBy = ''): Promise<void> {
  await keyRow(page, keyName).notes.click()
  const dialog = notesDialog(page)
  await dialog.dialog.waitFor()
  await dialog.note.fill(note)
  await dialog.reviewBy.fill(reviewBy)
  await dialog.save.click()
  await dialog.dialog.waitFor({ state: 'detached' })
}

/** "Delete N keys?": the confirmation, the batch's progress, and its results. */
export const bulkDeleteDialog = (page: Page) => {
  const dialog = page.getByRole('dialog', { name: /^(Delete \d+ keys?\?|Delete the key this app signs in with\?|Bulk delete finished)$/ })
  return {
    dialog,
    heading: dialog.getByRole('heading', { level: 2 }),
    names: dialog.getByRole('list', { name: 'Keys to delete', exact: true }).getByRole('listitem'),
    includeOwnKey: dialog.getByRole('checkbox', { name: /^Also delete “.*”, the key this app signs in with$/ }),
    typeName: dialog.getByLabel('Type the key name to confirm', EXACT),
    typeCount: dialog.getByLabel(/^Type \d+ to confirm$/),
    confirm: dialog.getByRole('button', { name: /^Delete \d+ keys?$/ }),
    cancel: dialog.getByRole('button', { name: /^(Cancel|Cancelling…)$/ }),
    progress: dialog.getByRole('progressbar', { name: 'Bulk delete progress', exact: true }),
    counts: dialog.locator('.batch-counts'),
    pause: dialog.locator('.batch-pause'),
    summary: dialog.locator('.dialog-lead'),
    results: dialog.getByRole('list', { name: 'Result per key', exact: true }).getByRole('listitem'),
    close: dialog.getByRole('button', { name: 'Close', exact: true }),
    alerts: dialog.getByRole('alert')
  }
}

/** The per-key result lines of a finished batch ("Name (ID 12): Deleted"). */
export async function bulkResults(page: Page): Promise<string[]> {
  return (await bulkDeleteDialog(page).results.allTextContents()).map((text) => text.replace(/\s+/g, ' ').trim())
}
