/**
 * Who may call the IPC handlers: the app's own window, its top frame, showing the app's own
 * origin. Checked before any payload is looked at.
 */
import { originOf } from './app-identity'

/** What an IPC event says about its sender, read out of Electron's event object. */
export interface SenderInfo {
  /** `event.sender.id` (the WebContents id). */
  webContentsId: number
  /** `event.senderFrame`: null when the frame navigated away or was destroyed before the call arrived. */
  frame: { url: string; isMainFrame: boolean } | null
}

export interface TrustPolicy {
  /** The main window's WebContents id; null while there is no window. */
  windowWebContentsId: number | null
  /** `protocol//host` origins the window may show (app://app, plus the dev server in development). */
  allowedOrigins: readonly string[]
}

export type SenderVerdict = { trusted: true } | { trusted: false; reason: string }

export function checkSender(sender: SenderInfo, policy: TrustPolicy): SenderVerdict {
  if (policy.windowWebContentsId === null || sender.webContentsId !== policy.windowWebContentsId) {
    return { trusted: false, reason: 'not the app window' }
  }
  if (sender.frame === null) return { trusted: false, reason: 'no sender frame' }
  if (!sender.frame.isMainFrame) return { trusted: false, reason: 'not the top frame' }
  if (!isTrustedFrameUrl(sender.frame.url, policy.allowedOrigins)) return { trusted: false, reason: 'foreign origin' }
  return { trusted: true }
}

export function isTrustedFrameUrl(frameUrl: string | null | undefined, allowedOrigins: readonly string[]): boolean {
  if (typeof frameUrl !== 'string' || frameUrl === '') return false
  const origin = originOf(frameUrl)
  return origin !== null && allowedOrigins.includes(origin)
}

/** The fields of Electron's IpcMainInvokeEvent this module reads. */
export interface InvokeEventLike {
  sender: { id: number }
  readonly senderFrame: { url: string; parent: unknown } | null
}

/** Reads an Electron IPC event defensively: a destroyed frame can throw on access. */
export function senderInfoOf(event: InvokeEventLike): SenderInfo {
  let frame: SenderInfo['frame'] = null
  try {
    const senderFrame = event.senderFrame
    if (senderFrame) frame = { url: senderFrame.url, isMainFrame: senderFrame.parent === null }
  } catch {
    frame = null
  }
  return { webContentsId: event.sender.id, frame }
}
