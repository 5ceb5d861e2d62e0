/**
 * electron-updater, loaded at the first update check and not at start-up (it pulls in fs-extra,
 * js-yaml, semver and its platform updater: work the first paint should not wait for).
 * It is CommonJS and a runtime dependency (outside the bundle, inside app.asar): `require` loads
 * it, as for keytar. Only the desktop app calls this; the Electron-free controller gets it injected.
 */
import { createRequire } from 'node:module'
import type { Updater } from './update-controller'


export function loadElectronUpdater(): Updater {
  const load = typeof require === 'function' ? require : createRequire(import.meta.url)
  const updater = (load('electron-updater') as { autoUpdater?: Updater }).autoUpdater
  if (!updater || typeof updater.checkForUpdates !== 'function') throw new Error('electron-updater has no autoUpdater')
  return updater
}
