/** Sender checks for IPC, navigation rules and permission denial, on plain objects. */
import { EventEmitter } from 'node:events'
import { describe, expect, it, vi } from 'vitest'
import type { IpcHandlers } from '../../src/main/ipc/handlers'
import { INVOKE_CHANNELS } from '../../src/shared/ipc-contract'
import { APP_ORIGIN, originOf } from '../../src/main/electron/app-identity'
import { registerIpcHandlers } from '../../src/main/electron/ipc-bridge'
import { decideNavigation, decideWindowOpen, hardenWebContents } from '../../src/main/electron/navigation'
import { denyAllPermissions, type PermissionSession } from '../../src/main/electron/permissions'
import { checkSender, isTrustedFrameUrl, senderInfoOf } from '../../src/main/electron/sender-guard'

const policy = { windowWebContentsId: 7, allowedOrigins: [APP_ORIGIN] }

describe('originOf', () => {
  it('compares custom schemes by protocol and host (URL.origin is "null" for them)', () => {
    expect(new URL('app://app/index.html').origin).toBe('null')
    expect(originOf('app://app/index.html')).toBe('app://app')
    expect(originOf('http://localhost:5173/x')).toBe('http://localhost:5173')
    expect(originOf('file:///etc/passwd')).toBeNull()
    expect(originOf('about:blank')).toBeNull()
    expect(originOf('')).toBeNull()
  })
})

describe('IPC sender check', () => {
  it('trusts only the app window, its top frame, on an allowed origin', () => {
    expect(checkSender({ webContentsId: 7, frame: { url: 'app://app/index.html', isMainFrame: true } }, policy)).toEqual({ trusted: true })
    expect(checkSender({ webContentsId: 7, frame: { url: 'app://app/index.html#/keys', isMainFrame: true } }, policy)).toEqual({ trusted: true })
  })

  it.each([
    ['another web contents', { webContentsId: 8, frame: { url: 'app://app/index.html', isMainFrame: true } }],
    ['a missing frame', { webContentsId: 7, frame: null }],
    ['a sub-frame', { webContentsId: 7, frame: { url: 'app://app/index.html', isMainFrame: false } }],
    ['a remote page', { webContentsId: 7, frame: { url: 'https://evil.example/', isMainFrame: true } }],
    ['a look-alike host', { webContentsId: 7, frame: { url: 'app://app.evil/index.html', isMainFrame: true } }],
    ['file://', { webContentsId: 7, frame: { url: 'file:///app/index.html', isMainFrame: true } }],
    ['about:blank', { webContentsId: 7, frame: { url: 'about:blank', isMainFrame: true } }],
    ['an empty URL', { webContentsId: 7, frame: { url: '', isMainFrame: true } }]
  ])('refuses %s', (_label, sender) => {
    expect(checkSender(sender, policy)).toMatchObject({ trusted: false })
  })

  it('refuses everything while there is no window', () => {
    expect(checkSender({ webContentsId: 7, frame: { url: 'app://app/', isMainFrame: true } }, { ...policy, windowWebContentsId: null })).toMatchObject({
      trusted: false
    })
  })

  it('trusts the dev server only when it is in the allowed origins', () => {
    expect(isTrustedFrameUrl('http://localhost:5173/', [APP_ORIGIN])).toBe(false)
    expect(isTrustedFrameUrl('http://localhost:5173/', [APP_ORIGIN, 'http://localhost:5173'])).toBe(true)
    expect(isTrustedFrameUrl(undefined, [APP_ORIGIN])).toBe(false)
  })

  it('reads Electron events defensively', () => {
    const main = { url: 'app://app/index.html', parent: null }
    expect(senderInfoOf({ sender: { id: 7 }, senderFrame: main })).toEqual({ webContentsId: 7, frame: { url: main.url, isMainFrame: true } })
    expect(senderInfoOf({ sender: { id: 7 }, senderFrame: { url: main.url, parent: main } }).frame?.isMainFrame).toBe(false)
    const destroyed = {
      sender: { id: 7 },
      get senderFrame(): never {
        throw new Error('Render frame was disposed')
      }
    }
    expect(senderInfoOf(destroyed)).toEqual({ webContentsId: 7, frame: null })
  })
})

describe('registerIpcHandlers', () => {
  const handlers = Object.fromEntries(INVOKE_CHANNELS.map((channel) => [channel, vi.fn(async (request: unknown) => ({ ok: true, value: request }))])) as unknown as IpcHandlers
  const registered = new Map<string, (event: unknown, request: unknown) => Promise<unknown>>()
  const refused = vi.fn()
  registerIpcHandlers({ handle: (channel, listener) => registered.set(channel, listener as never) }, handlers, () => policy, refused)

  it('registers every contract channel once', () => {
    expect([...registered.keys()].sort()).toEqual([...INVOKE_CHANNELS].sort())
  })

  it('checks the sender before the handler sees the payload', async () => {
    const listener = registered.get('keys:delete')!
    await expect(listener({ sender: { id: 7 }, senderFrame: { url: 'https://evil.example/', parent: null } }, { id: 1 })).rejects.toThrow(
      /Refused keys:delete.*foreign origin/
    )
    expect(handlers['keys:delete']).not.toHaveBeenCalled()
    expect(refused).toHaveBeenCalledWith('keys:delete', 'foreign origin')
    await expect(listener({ sender: { id: 7 }, senderFrame: { url: 'app://app/index.html', parent: null } }, { id: 1 })).resolves.toEqual({
      ok: true,
      value: { id: 1 }
    })
    expect(handlers['keys:delete']).toHaveBeenCalledWith({ id: 1 })
  })
})

describe('navigation rules', () => {
  const allowed = [APP_ORIGIN]

  it.each([
    ['app://app/index.html', 'allow'],
    ['app://app/other.html', 'allow'],
    ['https://docs.autocalls.ai/api', 'open-external'],
    ['https://app.autocalls.ai/dashboard', 'open-external'],
    ['http://docs.autocalls.ai/api', 'block'],
    ['https://user:pw@docs.autocalls.ai/', 'block'],
    ['https://docs.autocalls.ai.evil.example/', 'block'],
    ['https://evil.example/', 'block'],
    ['file:///etc/passwd', 'block'],
    ['javascript:alert(1)', 'block'],
    ['app://other/index.html', 'block'],
    ['about:blank', 'block'],
    ['', 'block']
  ])('%s → %s', (url, decision) => {
    expect(decideNavigation(url, allowed)).toBe(decision)
  })

  it('never opens a window; allowlisted links go to the browser', () => {
    expect(decideWindowOpen('app://app/index.html')).toBe('block')
    expect(decideWindowOpen('https://docs.autocalls.ai/')).toBe('open-external')
  })

  it('wires the rules into a web contents', () => {
    class Contents extends EventEmitter {
      openHandler: ((details: { url: string }) => { action: 'deny' }) | null = null
      setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }) {
        this.openHandler = handler
      }
    }
    const contents = new Contents()
    const opened: string[] = []
    const blocked = vi.fn()
    hardenWebContents(contents, { allowedOrigins: allowed, openAllowlistedLink: (url) => opened.push(url), onBlocked: blocked })

    expect(contents.openHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' })
    expect(contents.openHandler!({ url: 'https://docs.autocalls.ai/' })).toEqual({ action: 'deny' })
    expect(opened).toEqual(['https://docs.autocalls.ai/'])

    const event = (url?: string) => ({ url, prevented: false, preventDefault() { this.prevented = true } })
    const away = event('https://evil.example/')
    contents.emit('will-navigate', away)
    expect(away.prevented).toBe(true)
    // Older listener signature: the URL as the second argument.
    const legacy = event()
    contents.emit('will-navigate', legacy, 'https://evil.example/')
    expect(legacy.prevented).toBe(true)
    const home = event('app://app/index.html')
    contents.emit('will-frame-navigate', home)
    expect(home.prevented).toBe(false)
    const redirect = event('https://evil.example/')
    contents.emit('will-redirect', redirect)
    expect(redirect.prevented).toBe(true)
    const webview = event()
    contents.emit('will-attach-webview', webview)
    expect(webview.prevented).toBe(true)
    expect(blocked).toHaveBeenCalledWith('navigation', 'https://evil.example/')
  })
})

describe('denyAllPermissions', () => {
  it('denies requests, checks, devices, display capture and downloads', () => {
    const hooks: Record<string, (...args: never[]) => unknown> = {}
    const session = {
      setPermissionRequestHandler: (handler: never) => (hooks['request'] = handler),
      setPermissionCheckHandler: (handler: never) => (hooks['check'] = handler),
      setDevicePermissionHandler: (handler: never) => (hooks['device'] = handler),
      setDisplayMediaRequestHandler: (handler: never) => (hooks['display'] = handler),
      on: (_event: string, handler: never) => (hooks['download'] = handler)
    } as unknown as PermissionSession
    const denied = vi.fn()
    denyAllPermissions(session, denied)

    const callback = vi.fn()
    ;(hooks['request'] as (wc: unknown, permission: string, cb: (granted: boolean) => void) => void)({}, 'media', callback)
    expect(callback).toHaveBeenCalledWith(false)
    expect(denied).toHaveBeenCalledWith('media')
    expect((hooks['check'] as (wc: unknown, permission: string) => boolean)({}, 'clipboard-read')).toBe(false)
    expect((hooks['device'] as (details: unknown) => boolean)({ deviceType: 'hid' })).toBe(false)
    const streams = vi.fn()
    ;(hooks['display'] as (request: unknown, cb: (streams: null) => void) => void)({}, streams)
    expect(streams).toHaveBeenCalledWith(null)
    const download = { preventDefault: vi.fn() }
    ;(hooks['download'] as (event: { preventDefault(): void }) => void)(download)
    expect(download.preventDefault).toHaveBeenCalled()
  })
})
