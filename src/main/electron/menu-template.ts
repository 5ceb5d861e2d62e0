/**
 * The native application menu and the About panel, as plain data.
 *
 * The app's own shortcuts (new key, refresh, find, accounts) are handled by the page's keydown listener,
 * which is also what runs in the browser preview. The menu only displays them and sends the
 * command when the item is clicked:
 * - on Windows and Linux `registerAccelerator: false` keeps the shortcut from being registered at
 *   all, so the key press reaches the page exactly once;
 * - on macOS (where that option does not exist) the page sees the key first and the menu only
 *   gets it when the page did not call preventDefault; a click that comes from an accelerator
 *   (`triggeredByAccelerator`) is ignored, so the page stays the one place that handles keys.
 */
import type { AboutPanelOptionsOptions, KeyboardEvent, MenuItemConstructorOptions } from 'electron'
import type { MenuCommand } from '../../shared/domain'
import { WEBSITE_URL } from './app-identity'

/** Shown in the menu; the renderer binds the same keys (Ctrl on Windows/Linux, Cmd on macOS). */
export const MENU_ACCELERATORS: Readonly<Partial<Record<Exclude<MenuCommand, 'show-account'>, string>>> = Object.freeze({
  'new-key': 'CmdOrCtrl+N',
  refresh: 'CmdOrCtrl+R',
  find: 'CmdOrCtrl+F',
  'show-overview': 'CmdOrCtrl+Shift+A',
  'show-activity': 'CmdOrCtrl+Shift+L'
})

/** Ctrl/Cmd+1 … 9 show the first nine accounts. */
export const ACCOUNT_SHORTCUT_COUNT = 9

/** An account as the Accounts menu lists it. */
export interface MenuAccount {
  id: string
  label: string
  shown: boolean
}

export interface MenuTemplateOptions {
  platform: NodeJS.Platform
  appName: string
  /** Development builds get force-reload and DevTools. */
  isPackaged: boolean
  /** Every account, in the switcher's order. */
  accounts: readonly MenuAccount[]
  /** Sends `event:menu-command` to the window. */
  send: (command: MenuCommand, accountId?: string) => void
  openDocs: () => void
  /** Help → "Open Logs Folder" / "Copy Diagnostics" and "Check for Updates…" (app menu on macOS, Help elsewhere). */
  support?: SupportMenuActions
}

export interface SupportMenuActions {
  openLogsFolder: () => void
  copyDiagnostics: () => void
  checkForUpdates: () => void
  /** False in development and sandbox-only mode: the item is shown greyed out. */
  updatesEnabled: boolean
}

export function buildMenuTemplate(options: MenuTemplateOptions): MenuItemConstructorOptions[] {
  const isMac = options.platform === 'darwin'
  const command = (id: Exclude<MenuCommand, 'show-account'>, label: string): MenuItemConstructorOptions => {
    const accelerator = MENU_ACCELERATORS[id]
    return {
      id,
      label,
      ...(accelerator ? { accelerator, registerAccelerator: false } : {}),
      click: (_item, _window, event: KeyboardEvent) => {
        if (event?.triggeredByAccelerator) return
        options.send(id)
      }
    }
  }
  const accountItem = (account: MenuAccount, index: number): MenuItemConstructorOptions => ({
    id: `account-${index + 1}`,
    label: account.label,
    type: 'radio',
    checked: account.shown,
    ...(index < ACCOUNT_SHORTCUT_COUNT ? { accelerator: `CmdOrCtrl+${index + 1}`, registerAccelerator: false } : {}),
    click: (_item, _window, event: KeyboardEvent) => {
      if (event?.triggeredByAccelerator) return
      options.send('show-account', account.id)
    }
  })

  const support = options.support
  const checkForUpdates: MenuItemConstructorOptions[] = support
    ? [{ id: 'check-for-updates', label: 'Check for Updates…', enabled: support.updatesEnabled, click: () => support.checkForUpdates() }]
    : []
  const appMenu: MenuItemConstructorOptions = {
    label: options.appName,
    submenu: [
      { role: 'about' },
      ...checkForUpdates,
      { type: 'separator' },
      { role: 'services' },
      { type: 'separator' },
      { role: 'hide' },
      { role: 'hideOthers' },
      { role: 'unhide' },
      { type: 'separator' },
      { role: 'quit' }
    ]
  }
  const fileMenu: MenuItemConstructorOptions = {
    label: 'File',
    submenu: [
      command('new-key', 'New Key…'),
      command('export-keys', 'Export Keys…'),
      { type: 'separator' },
      isMac ? { role: 'close' } : { role: 'quit' }
    ]
  }
  const editMenu: MenuItemConstructorOptions = {
    label: 'Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      ...(isMac ? [{ role: 'pasteAndMatchStyle' } as const] : []),
      { role: 'delete' },
      { role: 'selectAll' },
      { type: 'separator' },
      command('find', 'Find…')
    ]
  }
  const viewMenu: MenuItemConstructorOptions = {
    label: 'View',
    submenu: [
      command('refresh', 'Refresh'),
      command('show-activity', 'Activity Log'),
      { type: 'separator' },
      // No 'reload' role: its CmdOrCtrl+R belongs to Refresh. Force reload stays for development.
      ...(options.isPackaged ? [] : [{ role: 'forceReload' } as const, { role: 'toggleDevTools' } as const, { type: 'separator' } as const]),
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' }
    ]
  }
  const accountsMenu: MenuItemConstructorOptions = {
    label: 'Accounts',
    submenu: [
      ...options.accounts.map(accountItem),
      ...(options.accounts.length > 0 ? [{ type: 'separator' } as const] : []),
      command('show-overview', 'All Accounts'),
      command('add-account', 'Add Account…')
    ]
  }
  const windowMenu: MenuItemConstructorOptions = { role: 'windowMenu' }
  const helpMenu: MenuItemConstructorOptions = {
    role: 'help',
    submenu: [
      { label: 'Autocalls API Documentation', click: () => options.openDocs() },
      ...(support
        ? [
            { type: 'separator' } as const,
            { id: 'open-logs-folder', label: 'Open Logs Folder', click: () => support.openLogsFolder() },
            { id: 'copy-diagnostics', label: 'Copy Diagnostics', click: () => support.copyDiagnostics() }
          ]
        : []),
      ...(isMac ? [] : [{ type: 'separator' } as const, ...checkForUpdates, { role: 'about' } as const])
    ]
  }
  return [...(isMac ? [appMenu] : []), fileMenu, editMenu, viewMenu, accountsMenu, windowMenu, helpMenu]
}

export interface AboutInput {
  appName: string
  version: string
  /** PNG shown by the Linux and Windows About panels; macOS uses the bundle icon. */
  iconPath?: string
  year: number
}

export function aboutPanelOptions(input: AboutInput): AboutPanelOptionsOptions {
  return {
    applicationName: input.appName,
    applicationVersion: input.version,
    version: input.version,
    copyright: `© ${input.year} Autocalls Keys developers`,
    credits: 'Manage the API keys of your Autocalls account. Your sign-in key stays in the system keychain.',
    authors: ['Autocalls Keys developers'],
    website: WEBSITE_URL,
    ...(input.iconPath === undefined ? {} : { iconPath: input.iconPath })
  }
}
