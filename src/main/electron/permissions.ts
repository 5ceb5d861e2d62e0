/**
 * The app uses no web permission (camera, microphone, notifications, geolocation, clipboard
 * access from the page, HID/serial/USB, screen capture, …): every request and check is denied,
 * and downloads are cancelled. The token is copied by main, not by the page.
 */

/** The parts of Electron's Session this module uses. */
export interface PermissionSession {
  setPermissionRequestHandler(handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void): void
  setPermissionCheckHandler(handler: (webContents: unknown, permission: string) => boolean): void
  setDevicePermissionHandler(handler: (details: unknown) => boolean): void
  setDisplayMediaRequestHandler(handler: (request: unknown, callback: (streams: null) => void) => void): void
  on(event: 'will-download', listener: (event: { preventDefault(): void }) => void): unknown
}

export function denyAllPermissions(session: PermissionSession, onDenied?: (permission: string) => void): void {
  session.setPermissionRequestHandler((_webContents, permission, callback) => {
    onDenied?.(permission)
    callback(false)
  })
  session.setPermissionCheckHandler(() => false)
  session.setDevicePermissionHandler(() => false)
  session.setDisplayMediaRequestHandler((_request, callback) => callback(null))
  session.on('will-download', (event) => event.preventDefault())
}
