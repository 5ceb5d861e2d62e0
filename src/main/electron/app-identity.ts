/**
 * Names and addresses of the Electron shell, in one place. Pure data: importable from tests and
 * from the packaging config's test without Electron.
 */

export const APP_NAME = 'Autocalls Keys'
/** Same value as `appId` in resources/packaging/electron-builder.config.cjs (Windows AppUserModelID, macOS bundle id). */
export const APP_ID = 'ai.autocalls.keys'

/** The privileged scheme the renderer is served from (never file://). */
export const APP_SCHEME = 'app'
/** The one host of that scheme; any other host is refused. */
export const APP_HOST = 'app'
/** `URL.origin` is "null" for non-special schemes in Node, so origins are compared as `protocol//host`. */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`

/** Opened from Help → "Autocalls API documentation"; must pass the external-link allowlist. */
export const DOCS_URL = 'https://docs.autocalls.ai/'
export const WEBSITE_URL = 'https://autocalls.ai/'

/** The `protocol//host` form used to compare origins of any URL (see APP_ORIGIN). */
export function originOf(raw: string): string | null {
  try {
    const url = new URL(raw)
    if (url.host === '') return null
    return `${url.protocol}//${url.host}`
  } catch {
    return null
  }
}
