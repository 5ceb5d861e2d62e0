import { readFile } from 'node:fs/promises'
import { networkInterfaces } from 'node:os'
import { connect } from 'node:net'
import { runInNewContext } from 'node:vm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CONTENT_SECURITY_POLICY } from '../../src/main/electron/csp'
import { startPreviewServer, injectBridge, PREVIEW_CSP, type PreviewServer } from '../../src/preview/server/preview-server'
import { startSandbox, type SandboxServer } from '../../src/sandbox/index'
import { createAutocallsApi } from '../../src/shared/bridge-api'
import type { Result } from '../../src/shared/errors'
import { DEFAULT_PREFERENCES, type AddAccountResult, type InitialStateView, type KeyListView } from '../../src/shared/domain'
import { makeTempDirs, MemoryVault, openEventStream, rawRequest, rawSocketStatus, waitFor } from './helpers'

let dirs: Awaited<ReturnType<typeof makeTempDirs>>
let preview: PreviewServer
let sandboxes: SandboxServer[] = []
let vault: MemoryVault

beforeAll(async () => {
  process.env['AUTOCALLS_KEYS_QUIET'] = '1'
  dirs = await makeTempDirs()
  vault = new MemoryVault()
  preview = await startPreviewServer({
    userDataDir: dirs.userDataDir,
    rendererDir: dirs.rendererDir,
    vault,
    startSandbox: async () => {
      const sandbox = await startSandbox()
      sandboxes.push(sandbox)
      return { baseUrl: sandbox.baseUrl, token: sandbox.demo.token, close: () => sandbox.close() }
    }
  })
})

afterAll(async () => {
  await preview?.close()
  await Promise.all(sandboxes.map((s) => s.close()))
  sandboxes = []
  await dirs?.cleanup()
})

const base = () => `/p/${preview.secret}/`
const json = (value: unknown) => JSON.stringify(value)
const invoke = <T>(channel: string, request?: unknown, headers: Record<string, string> = {}) =>
  rawRequest(preview.port, `${base()}__preview/invoke/${encodeURIComponent(channel)}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: json(request === undefined ? {} : { request })
  }).then((res) => ({ ...res, result: res.status === 200 ? (JSON.parse(res.body) as Result<T>) : null }))

describe('binding', () => {
  it('listens on 127.0.0.1 only and prints a URL under the per-run secret', () => {
    expect(preview.url).toBe(`http://127.0.0.1:${preview.port}/p/${preview.secret}/`)
    expect(preview.secret).toMatch(/^[A-Za-z0-9_-]{43}$/)
  })

  it('cannot be reached on any other interface', async () => {
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((i): i is NonNullable<typeof i> => !!i && !i.internal)
      .map((i) => (i.family === 'IPv6' ? i.address.split('%')[0]! : i.address))
    for (const address of ['::1', ...others]) {
      const outcome = await new Promise<string>((resolve) => {
        const socket = connect({ host: address, port: preview.port })
        socket.once('connect', () => {
          socket.destroy()
          resolve('connected')
        })
        socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'))
      })
      expect(outcome, address).not.toBe('connected')
    }
  })

  it('makes a new secret per run', async () => {
    const other = await startPreviewServer({ userDataDir: dirs.userDataDir, rendererDir: dirs.rendererDir, vault: new MemoryVault() })
    try {
      expect(other.secret).not.toBe(preview.secret)
      expect((await rawRequest(other.port, base())).status).toBe(403)
    } finally {
      await other.close()
    }
  })
})

describe('refusals', () => {
  it('refuses requests without the secret', async () => {
    for (const path of ['/', '/index.html', '/p/', '/p//', '/assets/index-test.js', '/__preview/bridge.js', '/__preview/events']) {
      const res = await rawRequest(preview.port, path)
      expect(res.status, path).toBe(403)
      expect(res.body).not.toContain('Autocalls')
    }
  })

  it('refuses a wrong secret, a truncated one and one with extra characters', async () => {
    const s = preview.secret
    const wrong = (s[0] === 'A' ? 'B' : 'A') + s.slice(1)
    for (const candidate of [wrong, s.slice(0, -1), `${s}x`, s.toLowerCase() === s ? s.toUpperCase() : s.toLowerCase()]) {
      expect((await rawRequest(preview.port, `/p/${candidate}/`)).status, candidate).toBe(403)
      expect((await rawRequest(preview.port, `/p/${candidate}/__preview/invoke/app:get-initial-state`, { method: 'POST' })).status).toBe(403)
    }
    expect(preview.requestLog).toHaveLength(0)
  })

  it('refuses a Host header other than 127.0.0.1:<port> (DNS rebinding)', async () => {
    for (const host of ['localhost:' + preview.port, 'evil.example', `evil.example:${preview.port}`, '127.0.0.1', `127.0.0.1:${preview.port + 1}`, `[::1]:${preview.port}`]) {
      const res = await rawRequest(preview.port, base(), { headers: { Host: host } })
      expect(res.status, host).toBe(403)
    }
    const noHost = await rawSocketStatus(preview.port, `GET ${base()} HTTP/1.0\r\n\r\n`)
    expect(noHost).toBe(403)
  })

  it('refuses cross-origin requests, before any handler runs', async () => {
    const before = preview.requestLog.length
    for (const origin of ['http://evil.example', 'null', `http://localhost:${preview.port}`, `https://127.0.0.1:${preview.port}`, `http://127.0.0.1:${preview.port + 1}`]) {
      const res = await invoke('accounts:remove-all', undefined, { Origin: origin })
      expect(res.status, origin).toBe(403)
    }
    for (const site of ['cross-site', 'same-site']) {
      const res = await invoke('accounts:remove-all', undefined, { 'Sec-Fetch-Site': site })
      expect(res.status, site).toBe(403)
      expect((await rawRequest(preview.port, base(), { headers: { 'Sec-Fetch-Site': site } })).status).toBe(403)
    }
    expect(preview.requestLog.length).toBe(before)
    const sameOrigin = await invoke<InitialStateView>('app:get-initial-state', undefined, {
      Origin: preview.origin,
      'Sec-Fetch-Site': 'same-origin'
    })
    expect(sameOrigin.status).toBe(200)
  })

  it('answers 404 for unknown channels, including prototype names', async () => {
    for (const channel of ['nope', 'app:get-initial-state-x', '__proto__', 'constructor', 'toString', 'hasOwnProperty', '']) {
      const res = await invoke(channel)
      expect(res.status, channel).toBe(404)
    }
    expect((await rawRequest(preview.port, `${base()}__preview/other`)).status).toBe(404)
  })

  it('checks method, content type, JSON and size of invoke bodies', async () => {
    const path = `${base()}__preview/invoke/app:get-initial-state`
    expect((await rawRequest(preview.port, path)).status).toBe(405)
    expect((await rawRequest(preview.port, path, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: '{}' })).status).toBe(415)
    expect((await rawRequest(preview.port, path, { method: 'POST', body: '{}' })).status).toBe(415)
    const post = (body: string | Buffer) => rawRequest(preview.port, path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body })
    expect((await post('{')).status).toBe(400)
    expect((await post('[]')).status).toBe(400)
    expect((await post('null')).status).toBe(400)
    const big = Buffer.alloc(1024 * 1024 + 1, 0x20)
    expect((await post(big)).status).toBe(413)
    // Exactly 1 MiB of JSON is still accepted.
    const justFits = `{"request":null${' '.repeat(1024 * 1024 - 16)}}`
    expect(Buffer.byteLength(justFits)).toBe(1024 * 1024)
    expect((await post(justFits)).status).toBe(200)
  })

  it('answers 413 to a chunked body over 1 MiB without a Content-Length', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const socket = connect(preview.port, '127.0.0.1', () => {
        socket.write(
          `POST ${base()}__preview/invoke/app:get-initial-state HTTP/1.1\r\nHost: 127.0.0.1:${preview.port}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`
        )
        const chunk = Buffer.alloc(64 * 1024, 0x20)
        for (let i = 0; i < 20 && !socket.destroyed; i++) socket.write(`${chunk.length.toString(16)}\r\n${chunk.toString()}\r\n`)
      })
      socket.setEncoding('utf8')
      let data = ''
      socket.on('data', (d: string) => {
        data += d
        const match = /^HTTP\/1\.1 (\d{3})/.exec(data)
        if (match) {
          resolve(Number(match[1]))
          socket.destroy()
        }
      })
      socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error)))
    })
    expect(status).toBe(413)
  })

  it('does not serve files outside the renderer folder', async () => {
    for (const path of ['%2e%2e/outside.txt', '..%2foutside.txt', '%2e%2e%2f%2e%2e%2foutside.txt', 'assets/%2e%2e/%2e%2e/outside.txt', 'assets', '%00']) {
      const res = await rawRequest(preview.port, base() + path)
      expect([400, 404], path).toContain(res.status)
      expect(res.body).not.toContain('not for the browser')
    }
    const raw = await rawSocketStatus(preview.port, `GET ${base()}../outside.txt HTTP/1.1\r\nHost: 127.0.0.1:${preview.port}\r\nConnection: close\r\n\r\n`)
    expect([400, 403, 404]).toContain(raw)
  })

  it('serves files only to GET and HEAD', async () => {
    expect((await rawRequest(preview.port, base(), { method: 'POST' })).status).toBe(405)
    expect((await rawRequest(preview.port, `${base()}assets/index-test.js`, { method: 'DELETE' })).status).toBe(405)
    expect((await rawRequest(preview.port, `${base()}__preview/events`, { method: 'POST' })).status).toBe(405)
  })
})

describe('the page', () => {
  it('serves index.html with the bridge injected before the app module', async () => {
    for (const path of [base(), `${base()}index.html`]) {
      const res = await rawRequest(preview.port, path)
      expect(res.status).toBe(200)
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8')
      const bridge = res.body.indexOf('<script src="./__preview/bridge.js"></script>')
      const app = res.body.indexOf('<script type="module"')
      expect(bridge).toBeGreaterThan(0)
      expect(bridge).toBeLessThan(app)
    }
  })

  it('redirects the secret without a trailing slash to the folder URL', async () => {
    const res = await rawRequest(preview.port, `/p/${preview.secret}`)
    expect(res.status).toBe(308)
    expect(res.headers.location).toBe(`/p/${preview.secret}/`)
  })

  it('sends the CSP and other protective headers on every answer, refusals included', async () => {
    for (const path of [base(), `${base()}assets/index-test.js`, '/nothing']) {
      const res = await rawRequest(preview.port, path)
      expect(res.headers['content-security-policy']).toBe(PREVIEW_CSP)
      expect(res.headers['referrer-policy']).toBe('no-referrer')
      expect(res.headers['x-content-type-options']).toBe('nosniff')
      expect(res.headers['cache-control']).toBe('no-store')
    }
    expect(PREVIEW_CSP).toContain("script-src 'self'")
    expect(PREVIEW_CSP).not.toContain('unsafe')
  })

  it('uses the app window’s policy, differing only in connect-src (its bridge is HTTP, not IPC)', () => {
    const directives = (policy: string) => new Map(policy.split('; ').map((part) => [part.split(' ')[0], part] as const))
    const app = directives(CONTENT_SECURITY_POLICY)
    const preview = directives(PREVIEW_CSP)
    expect([...preview.keys()]).toEqual([...app.keys()])
    for (const [name, directive] of app) {
      expect(preview.get(name)).toBe(name === 'connect-src' ? "connect-src 'self'" : directive)
    }
    expect(app.get('default-src')).toBe("default-src 'none'")
  })

  it('serves assets with their content types, and the bridge script', async () => {
    const js = await rawRequest(preview.port, `${base()}assets/index-test.js`)
    expect(js.status).toBe(200)
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8')
    const css = await rawRequest(preview.port, `${base()}assets/index-test.css`)
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8')
    const bridge = await rawRequest(preview.port, `${base()}__preview/bridge.js`)
    expect(bridge.status).toBe(200)
    expect(bridge.headers['content-type']).toBe('text/javascript; charset=utf-8')
    expect(bridge.body).toContain('accounts:add-sandbox')
    expect(bridge.body).not.toMatch(/^\s*(import|export)\b/m)
    const head = await rawRequest(preview.port, `${base()}assets/index-test.js`, { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(head.body).toBe('')
  })

  it('injectBridge copes with pages without scripts or head', () => {
    expect(injectBridge('<html><head></head><body></body></html>')).toContain('<script src="./__preview/bridge.js"></script>\n    </head>')
    expect(injectBridge('<p>x</p>').startsWith('<script src="./__preview/bridge.js">')).toBe(true)
  })
})

describe('invoke', () => {
  it('reaches the real handler: app:get-initial-state answers from disk', async () => {
    const res = await invoke<InitialStateView>('app:get-initial-state')
    expect(res.status).toBe(200)
    expect(res.result).toEqual({
      ok: true,
      value: { accounts: [], shownAccountId: null, cachedKeys: null, cachedKeyCount: 0, preferences: DEFAULT_PREFERENCES, pendingTokens: [] }
    })
  })

  it('passes payloads to the handler, which validates them', async () => {
    const bad = await invoke('keys:delete', { accountId: 'a@b on https://x.example/api', id: 'one' })
    expect(bad.status).toBe(200)
    expect(bad.result).toMatchObject({ ok: false, error: { kind: 'invalid_request' } })
    const prefs = await invoke('preferences:update', { clipboardClearSeconds: 30 })
    expect(prefs.result).toEqual({ ok: true, value: { ...DEFAULT_PREFERENCES, clipboardClearSeconds: 30 } })
    expect(preview.services.state.state.preferences.clipboardClearSeconds).toBe(30)
    await invoke('preferences:update', { clipboardClearSeconds: 60 })
  })

  it('runs the sandbox, lists keys, copies a created token to the recording clipboard', async () => {
    const started = await invoke<AddAccountResult>('accounts:add-sandbox')
    if (!started.result?.ok) throw new Error(started.body)
    expect(started.result.value).toMatchObject({ account: { isSandbox: true, status: 'ready' }, list: { fromCache: false } })
    const accountId = started.result.value.account.id
    const list = await invoke<KeyListView>('keys:list', { accountId })
    expect(list.result?.ok).toBe(true)
    const created = await invoke<{ pendingId: string; token: string }>('keys:create', { accountId, name: 'Preview test', requestId: 'request-0001' })
    if (!created.result?.ok) throw new Error(created.body)
    const { pendingId, token } = created.result.value
    const copied = await invoke('token:copy', { pendingId })
    expect(copied.result).toEqual({ ok: true, value: { clearsInSeconds: 60 } })
    expect(preview.clipboard.writes.at(-1)).toBe(token)
    expect(preview.clipboard.current).toBe(token)
    await invoke('token:confirm-saved', { pendingId })
    // Every answer sent to the window is in the log, as the exact JSON sent.
    expect(preview.invokeLog.some((m) => m.kind === 'invoke-result' && m.channel === 'keys:create' && m.json.includes(token))).toBe(true)
    expect(preview.requestLog.some((m) => m.channel === 'token:copy' && m.json === JSON.stringify({ pendingId }))).toBe(true)
  })

  it('refuses links outside the allowlist and records the allowed ones without opening them', async () => {
    const refused = await invoke('shell:open-external', { url: 'https://evil.example/' })
    expect(refused.result).toMatchObject({ ok: false, error: { kind: 'not_allowed' } })
    const opened = await invoke('shell:open-external', { url: 'https://docs.autocalls.ai/' })
    expect(opened.result).toEqual({ ok: true, value: null })
    expect(preview.shell.opened).toEqual(['https://docs.autocalls.ai/'])
  })
})

describe('events', () => {
  it('delivers an emitted event over Server-Sent Events', async () => {
    const stream = await openEventStream(preview.port, `${base()}__preview/events`)
    try {
      await waitFor(() => preview.eventClientCount > 0)
      preview.emit('event:menu-command', { command: 'new-key' })
      const event = await stream.next('event:menu-command')
      expect(JSON.parse(event.data)).toEqual({ command: 'new-key' })
    } finally {
      stream.close()
    }
    await waitFor(() => preview.eventClientCount === 0)
  })

  it('delivers the real accounts-changed event when the app deletes an account’s own key', async () => {
    const stream = await openEventStream(preview.port, `${base()}__preview/events`)
    try {
      await waitFor(() => preview.eventClientCount > 0)
      const started = await invoke<AddAccountResult>('accounts:add-sandbox')
      if (!started.result?.ok) throw new Error(started.body)
      const accountId = started.result.value.account.id
      const own = started.result.value.list?.keys.find((k) => k.isAppKey)
      expect(own).toBeDefined()
      const deleted = await invoke('keys:delete', { accountId, id: own!.id })
      expect(deleted.result).toMatchObject({ ok: true, value: { accountId, signedOut: true } })
      type Payload = { accounts: Array<{ id: string; status: string; problem: { message: string } | null }> }
      const signedOutOf = (payload: Payload) => payload.accounts.find((account) => account.id === accountId && account.status === 'needs-sign-in')
      let found: Payload['accounts'][number] | undefined
      while (!found) found = signedOutOf(JSON.parse((await stream.next('event:accounts-changed')).data) as Payload)
      expect(found.problem?.message).toMatch(/signed out of it/i)
      expect(preview.invokeLog.some((m) => m.kind === 'event' && m.channel === 'event:accounts-changed')).toBe(true)
    } finally {
      stream.close()
    }
  })
})

describe('the browser bridge', () => {
  it('exposes exactly the preload API, frozen, and carries calls to the real handlers', async () => {
    const script = (await rawRequest(preview.port, `${base()}__preview/bridge.js`)).body
    const sources: FakeEventSource[] = []
    class FakeEventSource {
      readonly listeners = new Map<string, Array<(event: { data: string }) => void>>()
      constructor(readonly url: string) {
        sources.push(this)
      }
      addEventListener(name: string, listener: (event: { data: string }) => void) {
        this.listeners.set(name, [...(this.listeners.get(name) ?? []), listener])
      }
      dispatch(name: string, data: string) {
        for (const listener of this.listeners.get(name) ?? []) listener({ data })
      }
    }
    const window: Record<string, unknown> = {}
    runInNewContext(script, { window, document: { baseURI: preview.url }, fetch, URL, EventSource: FakeEventSource })
    const api = window['autocalls'] as ReturnType<typeof createAutocallsApi>

    const shape = (value: unknown): unknown =>
      typeof value === 'function' ? 'function' : Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, shape(v)]))
    const preloadApi = createAutocallsApi(async () => ({ ok: true, value: undefined as never }), () => () => undefined)
    expect(shape(api)).toEqual(shape(preloadApi))
    expect(Object.isFrozen(api) && Object.isFrozen(api.keys) && Object.isFrozen(api.on)).toBe(true)
    expect(Object.getOwnPropertyDescriptor(window, 'autocalls')).toMatchObject({ writable: false, configurable: false })

    const initial = await api.app.getInitialState()
    expect(initial).toMatchObject({ ok: true, value: { preferences: { clipboardClearSeconds: 60 } } })
    const invalid = await api.keys.delete({ accountId: 'a', id: 'x' as unknown as number })
    expect(invalid).toMatchObject({ ok: false, error: { kind: 'invalid_request' } })

    // Events: one stream, opened on the first subscription, URL under the secret.
    const seen: unknown[] = []
    const off = api.on.accountsChanged((payload) => seen.push(payload))
    api.on.menuCommand((payload) => seen.push(payload))
    expect(sources).toHaveLength(1)
    expect(sources[0]!.url).toBe(`${preview.url}__preview/events`)
    sources[0]!.dispatch('event:accounts-changed', JSON.stringify({ accounts: [] }))
    sources[0]!.dispatch('event:menu-command', JSON.stringify({ command: 'refresh' }))
    off()
    sources[0]!.dispatch('event:accounts-changed', JSON.stringify({ accounts: ['after unsubscribe'] }))
    sources[0]!.dispatch('event:accounts-changed', 'not json')
    expect(seen).toEqual([{ accounts: [] }, { command: 'refresh' }])
  })

  it('turns a dead server into a Result error, never a throw', async () => {
    const other = await startPreviewServer({ userDataDir: dirs.userDataDir, rendererDir: dirs.rendererDir, vault: new MemoryVault() })
    const script = (await rawRequest(other.port, `/p/${other.secret}/__preview/bridge.js`)).body
    const url = other.url
    await other.close()
    const window: Record<string, unknown> = {}
    runInNewContext(script, { window, document: { baseURI: url }, fetch, URL, EventSource: class {} })
    const api = window['autocalls'] as ReturnType<typeof createAutocallsApi>
    const result = await api.app.getInitialState()
    expect(result).toMatchObject({ ok: false, error: { kind: 'internal' } })
  })
})

describe('close', () => {
  it('stops listening and shuts the services down (clears a copied token)', async () => {
    const other = await startPreviewServer({ userDataDir: dirs.userDataDir, rendererDir: dirs.rendererDir, vault: new MemoryVault() })
    await other.services.clipboard.copySecret('secret-token', 60)
    expect(other.clipboard.current).toBe('secret-token')
    await other.close()
    expect(other.clipboard.current).toBe('')
    await expect(rawRequest(other.port, '/')).rejects.toThrow()
    await other.close() // idempotent
  })

  it('refuses to start without a renderer build, naming the fix', async () => {
    await expect(startPreviewServer({ userDataDir: dirs.userDataDir, rendererDir: `${dirs.rendererDir}-missing` })).rejects.toThrow(
      /electron-vite build/
    )
  })

  it('keeps no traffic or clipboard history when recording is off', async () => {
    const other = await startPreviewServer({ userDataDir: dirs.userDataDir, rendererDir: dirs.rendererDir, vault: new MemoryVault(), recordTraffic: false })
    try {
      await rawRequest(other.port, `/p/${other.secret}/__preview/invoke/app:get-initial-state`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{}'
      })
      await other.services.clipboard.copySecret('t', 60)
      expect(other.invokeLog).toHaveLength(0)
      expect(other.requestLog).toHaveLength(0)
      expect(other.clipboard.writes).toHaveLength(0)
    } finally {
      await other.close()
    }
  })
})

// Read once so a broken fake build fails loudly rather than as a confusing 404.
it('uses the fake renderer build', async () => {
  expect(await readFile(`${dirs.rendererDir}/index.html`, 'utf8')).toContain('index-test.js')
})
