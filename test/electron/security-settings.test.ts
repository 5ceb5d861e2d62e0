/**
 * The security settings, value by value: a change to any of them fails here.
 * Window options (webPreferences), the fuses of the packaged build, the CSP and the scheme privileges.
 */
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { PRIVILEGED_SCHEMES } from '../../src/main/electron/app-protocol'
import { CONTENT_SECURITY_POLICY, CSP_DIRECTIVES, SECURITY_HEADERS } from '../../src/main/electron/csp'
import { createMainWindow, MAIN_WINDOW_MIN_SIZE, WINDOW_BACKGROUND, type MainWindowInput } from '../../src/main/electron/window-options'

const require = createRequire(import.meta.url)

/** Records the options instead of opening a window. */
class RecordingWindow {
  constructor(readonly options: Record<string, unknown>) {}
}

const input: MainWindowInput = {
  preloadPath: '/app/out/preload/index.js',
  bounds: { width: 1000, height: 700 },
  darkMode: false,
  devTools: false
}

describe('main window options', () => {
  const window = createMainWindow<RecordingWindow>(RecordingWindow as never, input)
  const webPreferences = window.options['webPreferences'] as Record<string, unknown>

  it.each([
    ['contextIsolation', true],
    ['sandbox', true],
    ['nodeIntegration', false],
    ['nodeIntegrationInWorker', false],
    ['nodeIntegrationInSubFrames', false],
    ['webSecurity', true],
    ['allowRunningInsecureContent', false],
    ['experimentalFeatures', false],
    ['webviewTag', false],
    ['navigateOnDragDrop', false],
    ['safeDialogs', true],
    ['spellcheck', false],
    ['preload', '/app/out/preload/index.js'],
    ['devTools', false]
  ])('webPreferences.%s is %s', (key, value) => {
    expect(webPreferences[key]).toBe(value)
  })

  it('enables no Blink feature and sets nothing else (no partition, no custom session, no additional arguments)', () => {
    expect(Object.keys(webPreferences).sort()).toEqual(
      [
        'allowRunningInsecureContent',
        'contextIsolation',
        'devTools',
        'experimentalFeatures',
        'navigateOnDragDrop',
        'nodeIntegration',
        'nodeIntegrationInSubFrames',
        'nodeIntegrationInWorker',
        'preload',
        'safeDialogs',
        'sandbox',
        'spellcheck',
        'webSecurity',
        'webviewTag'
      ].sort()
    )
  })

  it('starts hidden (shown on ready-to-show) with the theme background, a minimum size and the app title', () => {
    expect(window.options).toMatchObject({
      show: false,
      title: 'Autocalls Keys',
      minWidth: MAIN_WINDOW_MIN_SIZE.width,
      minHeight: MAIN_WINDOW_MIN_SIZE.height,
      backgroundColor: WINDOW_BACKGROUND.light,
      width: 1000,
      height: 700
    })
    const dark = createMainWindow<RecordingWindow>(RecordingWindow as never, { ...input, darkMode: true, iconPath: '/icon.png' })
    expect(dark.options).toMatchObject({ backgroundColor: WINDOW_BACKGROUND.dark, icon: '/icon.png' })
    expect(window.options).not.toHaveProperty('icon')
  })
})

describe('fuses of the packaged build (resources/packaging/electron-builder.config.cjs)', () => {
  const config = require('../../resources/packaging/electron-builder.config.cjs') as { electronFuses: Record<string, boolean> }

  it.each([
    ['runAsNode', false],
    ['enableNodeOptionsEnvironmentVariable', false],
    ['enableNodeCliInspectArguments', false],
    ['enableCookieEncryption', true],
    ['onlyLoadAppFromAsar', true],
    ['enableEmbeddedAsarIntegrityValidation', true],
    ['grantFileProtocolExtraPrivileges', false],
    ['loadBrowserProcessSpecificV8Snapshot', false]
  ])('%s is %s', (fuse, value) => {
    expect(config.electronFuses[fuse]).toBe(value)
  })

  it('sets no fuse this test does not know about', () => {
    expect(Object.keys(config.electronFuses).sort()).toEqual(
      [
        'runAsNode',
        'enableNodeOptionsEnvironmentVariable',
        'enableNodeCliInspectArguments',
        'enableCookieEncryption',
        'onlyLoadAppFromAsar',
        'enableEmbeddedAsarIntegrityValidation',
        'grantFileProtocolExtraPrivileges',
        'loadBrowserProcessSpecificV8Snapshot'
      ].sort()
    )
  })
})

describe('Content-Security-Policy of app:// responses', () => {
  it('is exactly this policy', () => {
    expect(CONTENT_SECURITY_POLICY).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'none'; " +
        "media-src 'none'; object-src 'none'; frame-src 'none'; worker-src 'none'; manifest-src 'none'; base-uri 'none'; " +
        "form-action 'none'; frame-ancestors 'none'"
    )
    expect(SECURITY_HEADERS['Content-Security-Policy']).toBe(CONTENT_SECURITY_POLICY)
    expect(SECURITY_HEADERS['X-Content-Type-Options']).toBe('nosniff')
  })

  it('allows no remote script, no eval, no inline code and no network access from the page', () => {
    const all = Object.values(CSP_DIRECTIVES).flat()
    for (const forbidden of ["'unsafe-eval'", "'unsafe-inline'", "'wasm-unsafe-eval'", "'unsafe-hashes'", '*', 'http:', 'https:', 'blob:', 'file:']) {
      expect(all).not.toContain(forbidden)
    }
    expect(all.filter((source) => /^[a-z]+:\/\//i.test(source))).toEqual([])
    expect(CSP_DIRECTIVES['script-src']).toEqual(["'self'"])
    expect(CSP_DIRECTIVES['connect-src']).toEqual(["'none'"])
    expect(CSP_DIRECTIVES['default-src']).toEqual(["'none'"])
    expect(CSP_DIRECTIVES['object-src']).toEqual(["'none'"])
    expect(CSP_DIRECTIVES['base-uri']).toEqual(["'none'"])
  })

  it('passes the CSP evaluator Electronegativity uses, with only the reviewed note about script-src self', () => {
    // A dependency of @doyensec/electronegativity (devDependency), the same library its CSP check runs.
    const csp = require('@doyensec/csp-evaluator') as {
      CspParser: new (policy: string) => { csp: unknown }
      CspEvaluator: new (policy: unknown, version: unknown) => { evaluate(): Array<{ severity: number; directive: string; description: string }> }
      Version: { CSP3: unknown }
      severities: Record<string, number>
    }
    const findings = new csp.CspEvaluator(new csp.CspParser(CONTENT_SECURITY_POLICY).csp, csp.Version.CSP3).evaluate()
    const serious = findings.filter((finding) =>
      [csp.severities['HIGH'], csp.severities['SYNTAX'], csp.severities['MEDIUM'], csp.severities['HIGH_MAYBE']].includes(finding.severity)
    )
    expect(serious).toEqual([])
    // "'self' can be problematic if you host JSONP, Angular or user uploaded files": app://app serves only the built bundle.
    expect(findings.filter((finding) => finding.severity === csp.severities['MEDIUM_MAYBE']).map((finding) => finding.directive)).toEqual(['script-src'])
  })
})

describe('privileges of the app:// scheme', () => {
  it('is standard and secure, with code cache, and nothing that widens it', () => {
    expect(PRIVILEGED_SCHEMES).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, codeCache: true } }])
  })
})
