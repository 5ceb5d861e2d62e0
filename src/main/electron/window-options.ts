/**
 * The main window and its security settings. The BrowserWindow class is passed in, so a test
 * can hand in a recorder and read back exactly the options the app uses, and Electronegativity
 * sees the literal options at the `new BrowserWindow({...})` below.
 */
import type { BrowserWindowConstructorOptions } from 'electron'
import { APP_NAME } from './app-identity'

export const MAIN_WINDOW_DEFAULT_SIZE = { width: 1100, height: 720 } as const
export const MAIN_WINDOW_MIN_SIZE = { width: 720, height: 480 } as const

/** Painted before the page (same as --bg in src/renderer/src/styles.css), so opening the window never flashes. */
export const WINDOW_BACKGROUND = { light: '#f6f7f9', dark: '#15181d' } as const

export const backgroundColorFor = (dark: boolean): string => (dark ? WINDOW_BACKGROUND.dark : WINDOW_BACKGROUND.light)

export interface MainWindowInput {
  /** Absolute path of the bundled CommonJS preload (out/preload/index.js). */
  preloadPath: string
  /** Position and size from the saved window state; no x/y means "centre on the primary display". */
  bounds: { x?: number; y?: number; width: number; height: number }
  darkMode: boolean
  /** Window icon; only Linux uses it (Windows and macOS take the icon from the executable). */
  iconPath?: string
  /** DevTools only in development builds. */
  devTools: boolean
}

export type BrowserWindowClass<W> = new (options: BrowserWindowConstructorOptions) => W

// The parameter is named BrowserWindow on purpose: static checkers look for `new BrowserWindow(`.
export function createMainWindow<W>(BrowserWindow: BrowserWindowClass<W>, input: MainWindowInput): W {
  return new BrowserWindow({
    ...input.bounds,
    minWidth: MAIN_WINDOW_MIN_SIZE.width,
    minHeight: MAIN_WINDOW_MIN_SIZE.height,
    title: APP_NAME,
    // Shown on 'ready-to-show', once the first frame is painted.
    show: false,
    backgroundColor: backgroundColorFor(input.darkMode),
    ...(input.iconPath === undefined ? {} : { icon: input.iconPath }),
    webPreferences: {
      preload: input.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      // The spellchecker downloads dictionaries on Windows and Linux; the app has no free text worth it.
      spellcheck: false,
      devTools: input.devTools
    }
  })
}
