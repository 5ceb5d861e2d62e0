/**
 * The text of Help → "Copy diagnostics": versions, accounts as host and email hash, the last 100
 * log lines; never an email address, a credential or a token, wherever it hides.
 */
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { buildDiagnosticsText, diagnosticsAccounts, DIAGNOSTICS_LOG_LINES, displayPath, emailHash, scrub, type DiagnosticsInput } from '../../../src/main/diagnostics/diagnostics-text'
import type { AccountView } from '../../../src/shared/domain'

const SECRET = 'Tk9'.repeat(13) + 'q'
const input = (overrides: Partial<DiagnosticsInput> = {}): DiagnosticsInput => ({
  appName: 'Autocalls Keys',
  appVersion: '1.4.2',
  isPackaged: true,
  versions: { electron: '45.5.0', chrome: '142.0.7444.52', node: '22.20.0', v8: '14.2.1' },
  os: { platform: 'linux', release: '6.8.0-45-generic', arch: 'x64', version: '#45-Ubuntu SMP' },
  accounts: [
    { baseUrl: 'https://app.autocalls.ai/api', email: 'Dana.Owner@Agency.example', isSandbox: false, status: 'ready', problemKind: null, keyCount: 12 },
    { baseUrl: 'http://127.0.0.1:41234/api', email: 'demo@sandbox.example', isSandbox: true, status: 'needs-sign-in', problemKind: 'unauthenticated', keyCount: null }
  ],
  logLines: Array.from({ length: 150 }, (_, i) => `[2026-01-01T00:00:${String(i % 60).padStart(2, '0')}.000Z] info: line ${i}`),
  logFile: '~/.config/Autocalls Keys/logs/main.log',
  now: new Date('2026-12-03T06:00:00.000Z'),
  ...overrides
})

describe('diagnostics text', () => {
  it('has the app, Electron, Chromium, Node and OS versions', () => {
    const text = buildDiagnosticsText(input())
    expect(text).toMatch(/^Autocalls Keys diagnostics, 2026-12-03T06:00:00\.000Z$/m)
    expect(text).toMatch(/^App: 1\.4\.2$/m)
    expect(text).toMatch(/^Electron: 45\.5\.0$/m)
    expect(text).toMatch(/^Chromium: 142\.0\.7444\.52$/m)
    expect(text).toMatch(/^Node: 22\.20\.0$/m)
    expect(text).toMatch(/^OS: linux 6\.8\.0-45-generic \(x64\), #45-Ubuntu SMP$/m)
    expect(buildDiagnosticsText(input({ isPackaged: false }))).toMatch(/^App: 1\.4\.2 \(development build\)$/m)
    expect(buildDiagnosticsText(input({ versions: { node: '20.19.0' } }))).toMatch(/^Electron: n\/a$/m)
  })

  it('lists each account as its host and a hash of its email, never the email', () => {
    const text = buildDiagnosticsText(input())
    const hash = createHash('sha256').update('dana.owner@agency.example').digest('hex').slice(0, 12)
    expect(emailHash('  Dana.Owner@Agency.example ')).toBe(hash)
    expect(text).toContain(`Accounts (2):\n  - app.autocalls.ai, <email ${hash}>, ready, 12 keys\n  - 127.0.0.1:41234 (sandbox), <email ${emailHash('demo@sandbox.example')}>, needs-sign-in, problem: unauthenticated\n`)
    expect(text.toLowerCase()).not.toContain('dana.owner')
    expect(text).not.toContain('@')
    expect(buildDiagnosticsText(input({ accounts: [] }))).toContain('Accounts (0):\n  none\n')
  })

  it('ends with the last 100 log lines, in order', () => {
    const text = buildDiagnosticsText(input())
    const logPart = text.slice(text.indexOf('Log (~/.config/Autocalls Keys/logs/main.log), last 100 lines:\n'))
    const lines = logPart.trimEnd().split('\n').slice(1)
    expect(lines).toHaveLength(DIAGNOSTICS_LOG_LINES)
    expect(lines[0]).toMatch(/ line 50$/)
    expect(lines.at(-1)).toMatch(/ line 149$/)
    expect(buildDiagnosticsText(input({ logLines: [] }))).toMatch(/last 0 lines:\n {2}\(empty\)\n$/)
  })

  it('hides an email address or a secret that got into a log line (or anywhere else)', () => {
    const text = buildDiagnosticsText(
      input({
        logLines: [
          'warn: Refused IPC keys:list for dana.owner@agency.example on https://app.autocalls.ai/api.',
          `error: 401 with 12|${SECRET}`,
          `error: bare ${SECRET}`
        ],
        versions: { electron: `45 ${SECRET}` }
      })
    )
    expect(text).not.toContain('dana.owner')
    expect(text).not.toContain(SECRET)
    expect(text).toContain(`<email ${emailHash('dana.owner@agency.example')}> on https://app.autocalls.ai/api`)
    expect(scrub(`a 7|${SECRET} b x@y.example`)).toBe(`a [redacted] b <email ${emailHash('x@y.example')}>`)
  })

  it('takes from an account view only what it shows (no problem message, which may name the person)', () => {
    const view = {
      id: 'dana@agency.example on https://app.autocalls.ai/api',
      baseUrl: 'https://app.autocalls.ai/api',
      profile: { email: 'dana@agency.example', name: 'Dana' },
      isSandbox: false,
      status: 'error',
      problem: { kind: 'network', message: 'dana@agency.example could not reach app.autocalls.ai' },
      keyCount: 3
    } as unknown as AccountView
    expect(diagnosticsAccounts([view])).toEqual([
      { baseUrl: 'https://app.autocalls.ai/api', email: 'dana@agency.example', isSandbox: false, status: 'error', problemKind: 'network', keyCount: 3 }
    ])
  })

  it('shows the home folder as ~', () => {
    expect(displayPath('/home/dana/.config/Autocalls Keys/logs/main.log', '/home/dana')).toBe('~/.config/Autocalls Keys/logs/main.log')
    expect(displayPath('/var/log/x.log', '/home/dana')).toBe('/var/log/x.log')
  })
})
