/** The Electron clipboard port, with a stand-in for Electron 45's async clipboard. */
import { describe, expect, it } from 'vitest'
import { SecureClipboard } from '../../src/main/clipboard/secure-clipboard'
import { concealedFormats, createElectronClipboardPort, osClipboardFormat, secretClipboardPayload } from '../../src/main/electron/clipboard-port'

class FakeClipboardItem {
  constructor(readonly items: Record<string, string | Blob>) {}
}

function fakeClipboard() {
  const state = { text: '', writes: [] as FakeClipboardItem[][], clears: 0 }
  return {
    state,
    clipboard: {
      async write(items: FakeClipboardItem[]) {
        state.writes.push(items)
        const plain = items[0]?.items['text/plain']
        state.text = typeof plain === 'string' ? plain : ''
      },
      async readText() {
        return state.text
      },
      clear() {
        state.clears++
        state.text = ''
      }
    }
  }
}

const bytes = async (value: string | Blob | undefined) => (value instanceof Blob ? [...new Uint8Array(await value.arrayBuffer())] : value)

describe('what a copied token carries', () => {
  it('on Windows: excluded from monitors, clipboard history and cloud clipboard', async () => {
    const formats = concealedFormats('win32')
    expect(Object.keys(formats)).toEqual([
      'electron application/osclipboard;format="ExcludeClipboardContentFromMonitorProcessing"',
      'electron application/osclipboard;format="CanIncludeInClipboardHistory"',
      'electron application/osclipboard;format="CanUploadToCloudClipboard"'
    ])
    expect(await bytes(formats[osClipboardFormat('ExcludeClipboardContentFromMonitorProcessing')])).toEqual([1, 0, 0, 0])
    expect(await bytes(formats[osClipboardFormat('CanIncludeInClipboardHistory')])).toEqual([0, 0, 0, 0])
    expect(await bytes(formats[osClipboardFormat('CanUploadToCloudClipboard')])).toEqual([0, 0, 0, 0])
  })

  it('on macOS: the nspasteboard.org concealed type', () => {
    expect(concealedFormats('darwin')).toEqual({ 'electron application/osclipboard;format="org.nspasteboard.ConcealedType"': 'secret' })
  })

  it('on Linux (and other X11/Wayland systems): the KDE password-manager hint', () => {
    expect(concealedFormats('linux')).toEqual({ 'electron application/osclipboard;format="x-kde-passwordManagerHint"': 'secret' })
    expect(concealedFormats('freebsd')).toEqual(concealedFormats('linux'))
  })

  it('is the text plus those formats', () => {
    expect(secretClipboardPayload('1|abc', 'darwin')).toEqual({
      'text/plain': '1|abc',
      'electron application/osclipboard;format="org.nspasteboard.ConcealedType"': 'secret'
    })
  })
})

describe('createElectronClipboardPort', () => {
  it('writes the token and its marker in one clipboard.write of one item', async () => {
    const { clipboard, state } = fakeClipboard()
    const port = createElectronClipboardPort({ clipboard, ClipboardItem: FakeClipboardItem, platform: 'linux' })
    await port.writeSecret('12|secret-token')
    expect(state.writes).toHaveLength(1)
    expect(state.writes[0]).toHaveLength(1)
    expect(state.writes[0]![0]!.items).toEqual(secretClipboardPayload('12|secret-token', 'linux'))
    expect(await port.readText()).toBe('12|secret-token')
  })

  it('reports a failed write instead of pretending', async () => {
    const port = createElectronClipboardPort({
      clipboard: { write: async () => Promise.reject(new Error('no display')), readText: async () => '', clear: () => undefined },
      ClipboardItem: FakeClipboardItem,
      platform: 'linux'
    })
    await expect(port.writeSecret('x')).rejects.toThrow('no display')
  })

  it('with SecureClipboard: clears after the delay and on quit only while the clipboard still holds the token', async () => {
    const { clipboard, state } = fakeClipboard()
    const timers: Array<() => void> = []
    const secure = new SecureClipboard(createElectronClipboardPort({ clipboard, ClipboardItem: FakeClipboardItem, platform: 'win32' }), {
      setTimer: (callback) => timers.push(callback),
      clearTimer: () => undefined
    })

    await secure.copySecret('12|first', 30)
    timers.shift()!()
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(state.clears).toBe(1)
    expect(state.text).toBe('')

    await secure.copySecret('12|second', 30)
    state.text = 'something the person copied later'
    await secure.clearIfOurs()
    expect(state.clears).toBe(1)
    expect(state.text).toBe('something the person copied later')
  })
})
