import type { MenuItemConstructorOptions } from 'electron'
import { describe, expect, it, vi } from 'vitest'
import { DOCS_URL } from '../../src/main/electron/app-identity'
import { aboutPanelOptions, buildMenuTemplate, MENU_ACCELERATORS, type MenuAccount } from '../../src/main/electron/menu-template'
import { isAllowedExternalUrl } from '../../src/main/security/external-links'

const flatten = (items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] =>
  items.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? flatten(item.submenu) : [])])

const ACCOUNTS: MenuAccount[] = Array.from({ length: 11 }, (_, i) => ({
  id: `person-${i}@example.com on https://app.autocalls.ai/api`,
  label: `person-${i}@example.com on app.autocalls.ai`,
  shown: i === 1
}))

function template(platform: NodeJS.Platform, isPackaged = true, accounts: MenuAccount[] = ACCOUNTS) {
  const send = vi.fn()
  const openDocs = vi.fn()
  const items = buildMenuTemplate({ platform, appName: 'Autocalls Keys', isPackaged, accounts, send, openDocs })
  return { items, all: flatten(items), send, openDocs }
}

describe.each(['darwin', 'win32', 'linux'] as const)('application menu on %s', (platform) => {
  it('shows the app’s shortcuts without registering them, and sends each command on click', () => {
    const { all, send } = template(platform)
    for (const [command, accelerator] of Object.entries(MENU_ACCELERATORS)) {
      const item = all.find((entry) => entry.id === command)!
      expect(item.accelerator).toBe(accelerator)
      expect(item.registerAccelerator).toBe(false)
      item.click!({} as never, undefined, { triggeredByAccelerator: true })
      expect(send).not.toHaveBeenCalled()
      item.click!({} as never, undefined, {})
      expect(send).toHaveBeenLastCalledWith(command)
      send.mockClear()
    }
  })

  it('lists every account in an Accounts menu, the shown one checked, Ctrl/Cmd+1…9 on the first nine', () => {
    const { items, send } = template(platform)
    const menu = items.find((item) => item.label === 'Accounts')!
    const entries = (menu.submenu as MenuItemConstructorOptions[]).filter((item) => item.type === 'radio')
    expect(entries.map((item) => item.label)).toEqual(ACCOUNTS.map((account) => account.label))
    expect(entries.map((item) => item.checked)).toEqual(ACCOUNTS.map((account) => account.shown))
    expect(entries.map((item) => item.accelerator)).toEqual([...Array.from({ length: 9 }, (_, i) => `CmdOrCtrl+${i + 1}`), undefined, undefined])
    expect(entries.every((item) => item.accelerator === undefined || item.registerAccelerator === false)).toBe(true)
    entries[3]!.click!({} as never, undefined, {})
    expect(send).toHaveBeenLastCalledWith('show-account', ACCOUNTS[3]!.id)
    send.mockClear()
    entries[3]!.click!({} as never, undefined, { triggeredByAccelerator: true })
    expect(send).not.toHaveBeenCalled()
    const labels = (menu.submenu as MenuItemConstructorOptions[]).map((item) => item.label)
    expect(labels).toContain('All Accounts')
    expect(labels).toContain('Add Account…')
  })

  it('File offers Export Keys… and View the Activity Log, each sending its command to the window', () => {
    const { items, send } = template(platform)
    const submenu = (label: string) => items.find((item) => item.label === label)!.submenu as MenuItemConstructorOptions[]
    submenu('File').find((item) => item.label === 'Export Keys…')!.click!({} as never, undefined, {})
    submenu('View').find((item) => item.label === 'Activity Log')!.click!({} as never, undefined, {})
    expect(send.mock.calls).toEqual([['export-keys'], ['show-activity']])
  })

  it('still offers All Accounts and Add Account with no account yet', () => {
    const { items } = template(platform, true, [])
    const menu = items.find((item) => item.label === 'Accounts')!
    expect((menu.submenu as MenuItemConstructorOptions[]).map((item) => item.label)).toEqual(['All Accounts', 'Add Account…'])
  })

  it('uses each accelerator once (no reload role taking CmdOrCtrl+R)', () => {
    const { all } = template(platform, false)
    const accelerators = all.map((item) => item.accelerator).filter(Boolean)
    expect(new Set(accelerators).size).toBe(accelerators.length)
    expect(all.some((item) => item.role === 'reload')).toBe(false)
    expect(all.some((item) => item.role === 'forceReload')).toBe(true)
  })

  it('has the usual roles, an About item, and no DevTools in a packaged build', () => {
    const { all, openDocs } = template(platform)
    const roles = new Set(all.map((item) => item.role).filter(Boolean))
    for (const role of ['undo', 'redo', 'cut', 'copy', 'paste', 'selectAll', 'quit', 'about', 'windowMenu', 'togglefullscreen', 'zoomIn', 'zoomOut', 'resetZoom']) {
      expect(roles, role).toContain(role)
    }
    expect(roles.has('toggleDevTools')).toBe(false)
    expect(roles.has('forceReload')).toBe(false)
    all.find((item) => item.label === 'Autocalls API Documentation')!.click!({} as never, undefined, {})
    expect(openDocs).toHaveBeenCalled()
    expect(isAllowedExternalUrl(DOCS_URL)).toBe(true)
  })
})

it('puts the app menu first on macOS only', () => {
  expect(template('darwin').items[0]!.label).toBe('Autocalls Keys')
  expect(template('darwin').all.some((item) => item.role === 'hideOthers')).toBe(true)
  expect(template('win32').items[0]!.label).toBe('File')
})

it('fills the About panel', () => {
  expect(aboutPanelOptions({ appName: 'Autocalls Keys', version: '1.2.3', iconPath: '/icon.png', year: 2030 })).toMatchObject({
    applicationName: 'Autocalls Keys',
    applicationVersion: '1.2.3',
    version: '1.2.3',
    copyright: '© 2030 Autocalls Keys developers',
    iconPath: '/icon.png'
  })
})

describe('menu accelerators and the page’s own shortcuts (which the browser preview uses too)', () => {
  it.each(Object.entries(MENU_ACCELERATORS))('%s: %s is handled by the page as the same command, with Ctrl and with Cmd', async (command, accelerator) => {
    const { matchShortcut } = await import('../../src/renderer/src/lib/keyboard-shortcuts')
    const parts = accelerator.split('+')
    expect(parts[0]).toBe('CmdOrCtrl')
    const key = parts.at(-1)!
    const base = { key: key.toLowerCase(), altKey: false, shiftKey: parts.includes('Shift'), target: null }
    expect(matchShortcut({ ...base, ctrlKey: true, metaKey: false })).toEqual({ command })
    expect(matchShortcut({ ...base, ctrlKey: false, metaKey: true })).toEqual({ command })
  })

  it.each([1, 5, 9])('CmdOrCtrl+%i shows the same account in the menu and in the page', async (n) => {
    const { matchShortcut } = await import('../../src/renderer/src/lib/keyboard-shortcuts')
    const entry = (template('linux').items.find((item) => item.label === 'Accounts')!.submenu as MenuItemConstructorOptions[])[n - 1]!
    expect(entry.accelerator).toBe(`CmdOrCtrl+${n}`)
    expect(matchShortcut({ key: String(n), altKey: false, shiftKey: false, target: null, ctrlKey: true, metaKey: false })).toEqual({ command: 'show-account', index: n - 1 })
  })
})
