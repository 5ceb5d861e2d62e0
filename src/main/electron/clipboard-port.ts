/**
 * The ClipboardPort (src/main/clipboard/secure-clipboard.ts) over Electron 45's clipboard.
 *
 * Electron 45's clipboard follows the W3C async Clipboard API (see node_modules/electron/electron.d.ts):
 * `write(items: ClipboardItem[]): Promise<void>` commits every MIME type of an item atomically,
 * and `electron application/osclipboard;format="<name>"` writes a raw platform format. So the token
 * and the "do not record this" marker of the platform go in ONE write:
 * - Windows: ExcludeClipboardContentFromMonitorProcessing (plus CanIncludeInClipboardHistory = 0
 *   and CanUploadToCloudClipboard = 0, the DWORDs Win+V history and cloud clipboard read);
 * - macOS: org.nspasteboard.ConcealedType (nspasteboard.org convention);
 * - Linux: x-kde-passwordManagerHint = "secret" (Klipper and clipboard managers that follow it).
 */
import type { ClipboardPort } from '../clipboard/secure-clipboard'

/** A raw platform clipboard format in Electron's custom-format syntax. */
export const osClipboardFormat = (name: string): string => `electron application/osclipboard;format="${name}"`

type Payload = string | Blob
const dword = (value: number): Blob => {
  const bytes = new Uint8Array(4)
  new DataView(bytes.buffer).setUint32(0, value, true)
  return new Blob([bytes])
}

/** The formats written next to text/plain on each platform; other platforms get the Linux (X11/Wayland) marker. */
export function concealedFormats(platform: NodeJS.Platform): Record<string, Payload> {
  if (platform === 'win32') {
    return {
      [osClipboardFormat('ExcludeClipboardContentFromMonitorProcessing')]: dword(1),
      [osClipboardFormat('CanIncludeInClipboardHistory')]: dword(0),
      [osClipboardFormat('CanUploadToCloudClipboard')]: dword(0)
    }
  }
  if (platform === 'darwin') return { [osClipboardFormat('org.nspasteboard.ConcealedType')]: 'secret' }
  return { [osClipboardFormat('x-kde-passwordManagerHint')]: 'secret' }
}

/** Everything one copy of a secret puts on the clipboard, for one ClipboardItem. */
export function secretClipboardPayload(text: string, platform: NodeJS.Platform): Record<string, Payload> {
  return { 'text/plain': text, ...concealedFormats(platform) }
}

/** The parts of Electron 45's clipboard module this port uses. */
export interface AsyncClipboard<Item> {
  write(items: Item[]): Promise<void>
  readText(): Promise<string>
  clear(): void
}

export interface ElectronClipboardPortDeps<Item> {
  clipboard: AsyncClipboard<Item>
  ClipboardItem: new (items: Record<string, Payload>) => Item
  platform: NodeJS.Platform
}

/** Writing fails loudly (the copy handler reports it); "is it still ours?" is SecureClipboard's check. */
export function createElectronClipboardPort<Item>(deps: ElectronClipboardPortDeps<Item>): ClipboardPort {
  return {
    writeSecret: (text) => deps.clipboard.write([new deps.ClipboardItem(secretClipboardPayload(text, deps.platform))]),
    readText: () => deps.clipboard.readText(),
    clear: () => deps.clipboard.clear()
  }
}
