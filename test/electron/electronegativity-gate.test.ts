/**
 * The Electronegativity gate's logic, and that the scanner really flags an insecure window
 * (so a PASS of the gate means something). The gate itself runs from `npm test`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { evaluateFindings, normaliseIssue, runElectronegativity } from './electronegativity-gate.mjs'

describe('evaluateFindings', () => {
  const accepted = [{ id: 'PRELOAD_JS_CHECK', file: 'main/window.ts', reason: 'reviewed' }, { id: 'UNUSED', file: 'N/A', reason: 'old' }]

  it('fails on MEDIUM and HIGH (any confidence), passes LOW and INFORMATIONAL, and honours exceptions by id and file', () => {
    const result = evaluateFindings(
      [
        { id: 'SANDBOX_JS_CHECK', severity: 'MEDIUM', confidence: 'TENTATIVE', file: 'main/index.ts' },
        { id: 'CONTEXT_ISOLATION_JS_CHECK', severity: 'HIGH', file: 'main/index.ts' },
        { id: 'PRELOAD_JS_CHECK', severity: 'MEDIUM', file: 'main/window.ts' },
        { id: 'PRELOAD_JS_CHECK', severity: 'MEDIUM', file: 'main/other-window.ts' },
        { id: 'BLINK_FEATURES_JS_CHECK', severity: 'LOW', file: 'main/index.ts' },
        { id: 'SECURITY_WARNINGS_DISABLED_JS_CHECK', severity: 'INFORMATIONAL', file: 'main/index.ts' },
        { id: 'SOMETHING_NEW', severity: 'CRITICAL', file: 'main/index.ts' }
      ],
      accepted
    )
    expect(result.failing.map((issue) => `${issue.id} ${issue.file}`)).toEqual([
      'SANDBOX_JS_CHECK main/index.ts',
      'CONTEXT_ISOLATION_JS_CHECK main/index.ts',
      'PRELOAD_JS_CHECK main/other-window.ts',
      'SOMETHING_NEW main/index.ts'
    ])
    expect(result.accepted.map((issue) => issue.file)).toEqual(['main/window.ts'])
    expect(result.below).toHaveLength(2)
    expect(result.stale.map((entry) => entry.id)).toEqual(['UNUSED'])
  })
})

describe('the scanner on a fixture', () => {
  const dir = mkdtempSync(join(tmpdir(), 'autocalls-keys-eneg-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('flags an insecure BrowserWindow at MEDIUM or worse', async () => {
    mkdirSync(join(dir, 'main'))
    writeFileSync(
      join(dir, 'main', 'index.ts'),
      [
        "import { BrowserWindow } from 'electron'",
        'export const win = new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false } })',
        "win.loadURL('http://example.com')"
      ].join('\n')
    )
    const scan = await runElectronegativity(dir)
    expect(scan.errors.filter((error) => !error.tolerable)).toEqual([])
    const result = evaluateFindings(scan.issues.map((issue) => normaliseIssue(issue, dir)))
    const failing = new Set(result.failing.map((issue) => issue.id))
    for (const id of ['CONTEXT_ISOLATION_JS_CHECK', 'SANDBOX_JS_CHECK', 'HTTP_RESOURCES_JS_CHECK', 'LIMIT_NAVIGATION_GLOBAL_CHECK']) {
      expect(failing, id).toContain(id)
    }
  }, 120_000)
})
