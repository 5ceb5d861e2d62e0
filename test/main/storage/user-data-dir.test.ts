import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { defaultUserDataDir, USER_DATA_DIR_ENV } from '../../../src/main/storage/user-data-dir'

// Electron's userData is `app.getPath('appData')` joined with the app name set by app.setName().
describe('defaultUserDataDir: the folder Electron gives the desktop app, worked out without Electron', () => {
  it.each([
    ['linux', {}, join('/home/ada', '.config', 'Autocalls Keys')],
    ['linux', { XDG_CONFIG_HOME: '/xdg' }, join('/xdg', 'Autocalls Keys')],
    ['darwin', {}, join('/home/ada', 'Library', 'Application Support', 'Autocalls Keys')],
    ['win32', { APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' }, join('C:\\Users\\ada\\AppData\\Roaming', 'Autocalls Keys')],
    ['win32', {}, join('/home/ada', 'AppData', 'Roaming', 'Autocalls Keys')]
  ] as const)('%s %j', (platform, env, expected) => {
    expect(defaultUserDataDir(env, platform, '/home/ada')).toBe(expected)
  })

  it('is moved by the environment variable, on every platform', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      expect(defaultUserDataDir({ [USER_DATA_DIR_ENV]: '/tmp/profile-b' }, platform, '/home/ada')).toBe('/tmp/profile-b')
    }
  })
})
