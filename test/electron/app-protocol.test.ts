import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { createAppProtocolHandler, mimeTypeFor, resolveAppRequest } from '../../src/main/electron/app-protocol'
import { CONTENT_SECURITY_POLICY } from '../../src/main/electron/csp'

describe('resolveAppRequest', () => {
  const root = '/srv/app/out/renderer'

  it.each([
    ['app://app/index.html', 'index.html'],
    ['app://app/', 'index.html'],
    ['app://app', 'index.html'],
    ['app://app/assets/index-abc.js', 'assets/index-abc.js'],
    ['app://app/assets/', 'assets/index.html'],
    ['app://app/assets/My%20Font.woff2', 'assets/My Font.woff2'],
    ['app://app/index.html?x=1#y', 'index.html'],
    // The URL parser removes dot segments before we see them: still inside the folder.
    ['app://app/assets/../index.html', 'index.html'],
    ['app://app/../../../../etc/passwd', 'etc/passwd']
  ])('maps %s to <renderer>/%s', (url, file) => {
    expect(resolveAppRequest(url, root)).toEqual({ ok: true, path: path.join(root, file) })
  })

  it.each([
    ['app://app/..%2f..%2fetc%2fpasswd', 400],
    ['app://app/..%2F..%2Fetc%2Fpasswd', 400],
    ['app://app/assets%2f..%2f..%2fsecret', 400],
    ['app://app/..%5c..%5cwindows%5cwin.ini', 400],
    ['app://app/%2e%2e%2f%2e%2e%2fetc%2fpasswd', 400],
    ['app://app/index.html%00.js', 400],
    ['app://app/%E0%A4%A', 400],
    ['app://app/C:%5cWindows%5cwin.ini', 400],
    ['app://app/index.html:secret', 400],
    ['app://app/assets//index.js', 400],
    ['app://evil/index.html', 403],
    ['app://app.evil.example/index.html', 403],
    ['app://app:8080/index.html', 403],
    ['app://user:pw@app/index.html', 403],
    ['file:///etc/passwd', 400],
    ['https://app/index.html', 400],
    ['not a url', 400]
  ])('refuses %s with %i', (url, status) => {
    expect(resolveAppRequest(url, root)).toMatchObject({ ok: false, status })
  })

  it('refuses encoded dot segments however the URL parser treats them', () => {
    for (const url of ['app://app/%2e%2e/%2e%2e/etc/passwd', 'app://app/%2E%2E/secret', 'app://app/.%2e/secret']) {
      const result = resolveAppRequest(url, root)
      if (result.ok) expect(result.path.startsWith(root + path.sep)).toBe(true)
    }
  })

  it('keeps Windows paths inside the folder too', () => {
    const winRoot = 'C:\\Program Files\\Autocalls Keys\\resources\\app.asar\\out\\renderer'
    expect(resolveAppRequest('app://app/assets/a.js', winRoot, path.win32)).toEqual({ ok: true, path: `${winRoot}\\assets\\a.js` })
    expect(resolveAppRequest('app://app/..%5c..%5csecret', winRoot, path.win32)).toMatchObject({ ok: false })
    expect(resolveAppRequest('app://app/D:%2fsecret', winRoot, path.win32)).toMatchObject({ ok: false })
  })
})

describe('mimeTypeFor', () => {
  it.each([
    ['index.html', 'text/html; charset=utf-8'],
    ['a/b.js', 'text/javascript; charset=utf-8'],
    ['x.CSS', 'text/css; charset=utf-8'],
    ['logo.svg', 'image/svg+xml'],
    ['f.woff2', 'font/woff2'],
    ['data.bin', 'application/octet-stream'],
    ['noext', 'application/octet-stream']
  ])('%s → %s', (file, type) => {
    expect(mimeTypeFor(file)).toBe(type)
  })
})

describe('the app:// handler', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'autocalls-keys-protocol-'))
  const rendererDir = path.join(dir, 'renderer')
  mkdirSync(path.join(rendererDir, 'assets'), { recursive: true })
  writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>t</title>')
  writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)')
  writeFileSync(path.join(dir, 'secret.txt'), 'do not serve')
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  const refused = vi.fn()
  const handle = createAppProtocolHandler({ rendererDir, onRefused: refused })

  it('serves files with their type, the CSP and nosniff', async () => {
    const page = await handle(new Request('app://app/index.html'))
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY)
    expect(page.headers.get('x-content-type-options')).toBe('nosniff')
    expect(await page.text()).toBe('<!doctype html><title>t</title>')
    const script = await handle(new Request('app://app/assets/app.js'))
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(await script.text()).toBe('console.log(1)')
  })

  it('answers HEAD without a body', async () => {
    const head = await handle(new Request('app://app/index.html', { method: 'HEAD' }))
    expect(head.status).toBe(200)
    expect(await head.text()).toBe('')
  })

  it('answers 404 for missing files and folders, 400/403 for escapes, 405 for other methods — all with the CSP', async () => {
    const cases: Array<[Request, number]> = [
      [new Request('app://app/missing.js'), 404],
      [new Request('app://app/assets/missing/'), 404],
      [new Request('app://app/..%2fsecret.txt'), 400],
      [new Request('app://elsewhere/index.html'), 403],
      [new Request('app://app/index.html', { method: 'POST', body: 'x' }), 405]
    ]
    for (const [request, status] of cases) {
      const response = await handle(request)
      expect(response.status, request.url).toBe(status)
      expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY)
      expect(await response.text()).not.toContain('do not serve')
    }
    expect(refused).toHaveBeenCalledWith('app://app/..%2fsecret.txt', 400, expect.any(String))
  })

  it('answers 500 without details when a file cannot be read', async () => {
    const failing = createAppProtocolHandler({ rendererDir, readFile: async () => Promise.reject(Object.assign(new Error('EACCES: /x'), { code: 'EACCES' })) })
    const response = await failing(new Request('app://app/index.html'))
    expect(response.status).toBe(500)
    expect(await response.text()).not.toContain('/x')
  })
})
