/** Help → Open Logs Folder / Copy Diagnostics, and Check for Updates… where each platform expects it. */
import type { MenuItemConstructorOptions } from 'electron'
import { describe, expect, it, vi } from 'vitest'
import { buildMenuTemplate } from '../../src/main/electron/menu-template'

const labels = (menu: MenuItemConstructorOptions | undefined) => ((menu?.submenu ?? []) as MenuItemConstructorOptions[]).map((item) => item.label ?? item.role ?? item.type)

function build(platform: NodeJS.Platform, updatesEnabled = true) {
  const support = { openLogsFolder: vi.fn(), copyDiagnostics: vi.fn(), checkForUpdates: vi.fn(), updatesEnabled }
  const items = buildMenuTemplate({ platform, appName: 'Autocalls Keys', isPackaged: true, accounts: [], send: vi.fn(), openDocs: vi.fn(), support })
  const help = items.find((item) => item.role === 'help')
  const appMenu = platform === 'darwin' ? items[0] : undefined
  return { items, help, appMenu, support }
}

describe('support items of the menu', () => {
  it('macOS: Check for Updates… right after About in the app menu; logs and diagnostics in Help', () => {
    const { help, appMenu } = build('darwin')
    expect(labels(appMenu).slice(0, 3)).toEqual(['about', 'Check for Updates…', 'separator'])
    expect(labels(help)).toEqual(['Autocalls API Documentation', 'separator', 'Open Logs Folder', 'Copy Diagnostics'])
  })

  it.each(['win32', 'linux'] as const)('%s (no app menu): all three in Help, before About', (platform) => {
    const { help } = build(platform)
    expect(labels(help)).toEqual(['Autocalls API Documentation', 'separator', 'Open Logs Folder', 'Copy Diagnostics', 'separator', 'Check for Updates…', 'about'])
  })

  it('each item calls its action; Check for Updates… is greyed out when updates are off', () => {
    const { help, support } = build('linux')
    const items = help!.submenu as MenuItemConstructorOptions[]
    for (const [label, action] of [
      ['Open Logs Folder', support.openLogsFolder],
      ['Copy Diagnostics', support.copyDiagnostics],
      ['Check for Updates…', support.checkForUpdates]
    ] as const) {
      items.find((item) => item.label === label)!.click!({} as never, undefined, {})
      expect(action).toHaveBeenCalledTimes(1)
    }
    expect(items.find((item) => item.label === 'Check for Updates…')!.enabled).toBe(true)
    const off = build('linux', false).help!.submenu as MenuItemConstructorOptions[]
    expect(off.find((item) => item.label === 'Check for Updates…')!.enabled).toBe(false)
  })
})
