/**
 * The Playwright smoke test (test/electron-binary/run-smoke.mjs) needs the Electron binary, which
 * cannot be downloaded here. This checks its other half: without the binary it says plainly that
 * it was skipped and exits 0, or fails when the binary is required, and never starts a download.
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = resolve(__dirname, '../..')
const script = join(root, 'test/electron-binary/run-smoke.mjs')
// Points at a folder without a binary, so the skip path is taken on every machine.
const noBinary = { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: join(root, 'test/electron-binary/no-electron-here') }

describe('the Electron smoke test without the Electron binary', () => {
  it('prints SKIPPED with the reason and exits 0', () => {
    const run = spawnSync(process.execPath, [script], { cwd: root, env: noBinary, encoding: 'utf8', timeout: 30_000 })
    expect(run.status).toBe(0)
    expect(run.stdout).toMatch(/^SKIPPED: Electron binary not present \(.+\)\. The Electron smoke test did not run\.$/m)
    expect(run.stdout).not.toMatch(/Downloading Electron/)
    expect(existsSync(join(root, 'test/electron-binary/no-electron-here'))).toBe(false)
  })

  it('fails instead when AUTOCALLS_REQUIRE_ELECTRON=1', () => {
    const run = spawnSync(process.execPath, [script], { cwd: root, env: { ...noBinary, AUTOCALLS_REQUIRE_ELECTRON: '1' }, encoding: 'utf8', timeout: 30_000 })
    expect(run.status).toBe(1)
    expect(run.stderr).toMatch(/^FAIL: Electron binary not present/m)
  })
})
