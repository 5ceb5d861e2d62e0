/**
 * Where the app keeps its non-secret files. The desktop app asks Electron (`app.getPath('userData')`,
 * the app data folder plus the app's name); the command line, which runs without Electron, works out
 * the same folder here, so both read and write the same accounts and key lists.
 */
import { homedir } from 'node:os'
import { join } from 'node:path'
import { APP_NAME } from '../electron/app-identity'

/** Moves the folder, for the desktop app and the command line alike (tests, a second profile). */
export const USER_DATA_DIR_ENV = 'AUTOCALLS_KEYS_USER_DATA_DIR'

/** Electron's userData for this app on each platform (its `appData` joined with the app name). */
export function defaultUserDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home: string = homedir()): string {
  const override = env[USER_DATA_DIR_ENV]
  if (override) return override
  if (platform === 'win32') return join(env['APPDATA'] || join(home, 'AppData', 'Roaming'), APP_NAME)
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', APP_NAME)
  return join(env['XDG_CONFIG_HOME'] || join(home, '.config'), APP_NAME)
}
