#!/usr/bin/env node
/**
 * Smoke test of the real Electron app with Playwright's `_electron`:
 * launch with --sandbox (signed in to a fresh built-in sandbox), create a key, copy it, check the
 * clipboard, confirm, delete it, quit.
 *
 *   npm run test:electron            (builds first: electron-vite build && node test/electron-binary/run-smoke.mjs)
 *   AUTOCALLS_REQUIRE_ELECTRON=1 …   fail instead of skipping when the binary is missing (CI with Electron)
 *   Linux without a display:         xvfb-run -a npm run test:electron
 *
 * It needs the Electron binary that `npm install` downloads into node_modules/electron/dist.
 * When that binary is absent it prints "SKIPPED: …" and exits 0. It never triggers the download:
 * require('electron') would, so the binary is located the way electron's index.js does it
 * (path.txt + dist/, or ELECTRON_OVERRIDE_DIST_PATH) without requiring it.
 */
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const TIMEOUT_MS = 30_000

/** Where electron's index.js would find the binary, without running index.js (it downloads when missing). */
export function locateElectronBinary() {
  let electronDir
  try {
    electronDir = dirname(require.resolve('electron/package.json'))
  } catch {
    return { present: false, reason: 'the electron package is not installed' }
  }
  const pathFile = join(electronDir, 'path.txt')
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH
  if (override) {
    const executable = join(override, relative || 'electron')
    return existsSync(executable) ? { present: true, path: executable } : { present: false, reason: `ELECTRON_OVERRIDE_DIST_PATH has no ${executable}` }
  }
  if (!relative) return { present: false, reason: `${pathFile} is missing: the Electron download did not run on this machine` }
  const executable = join(electronDir, 'dist', relative)
  return existsSync(executable) ? { present: true, path: executable } : { present: false, reason: `${executable} does not exist` }
}

async function main() {
  const binary = locateElectronBinary()
  if (!binary.present) {
    const message = `Electron binary not present (${binary.reason}). The Electron smoke test did not run.`
    if (process.env.AUTOCALLS_REQUIRE_ELECTRON === '1') {
      console.error(`FAIL: ${message}`)
      process.exitCode = 1
      return
    }
    console.log(`SKIPPED: ${message}`)
    return
  }
  if (!existsSync(join(root, 'out/main/index.js'))) {
    console.error('FAIL: out/main/index.js is missing; run `npm run test:electron` (it builds first) or `npx electron-vite build`.')
    process.exitCode = 1
    return
  }

  const { _electron } = await import('playwright-core')
  const userData = mkdtempSync(join(tmpdir(), 'autocalls-keys-smoke-'))
  const env = { ...process.env }
  delete env.ELECTRON_RENDERER_URL
  delete env.ELECTRON_RUN_AS_NODE
  Object.assign(env, {
    AUTOCALLS_KEYS_USER_DATA_DIR: userData,
    AUTOCALLS_KEYS_KEYCHAIN_SERVICE: `autocalls-keys-smoke-${process.pid}`
  })

  const step = (text) => console.log(`  ✓ ${text}`)
  console.log(`Electron smoke test (${binary.path})`)
  // Playwright finds the binary through require('electron'), which is safe now that it exists.
  const app = await _electron.launch({ args: [root, '--sandbox'], env, timeout: 60_000 })
  try {
    const window = await app.firstWindow({ timeout: 60_000 })
    window.setDefaultTimeout(TIMEOUT_MS)
    await window.waitForLoadState('domcontentloaded')
    step(`window opened at ${window.url()}`)
    assert.match(window.url(), /^app:\/\/app\//, 'the renderer must be served from app://app')
    assert.equal(await window.evaluate(() => typeof globalThis.require === 'undefined' && typeof globalThis.process === 'undefined'), true)
    assert.equal(await window.evaluate(() => typeof globalThis.autocalls?.keys?.create), 'function')
    step('no Node.js in the page; the bridge is there')

    const name = `Smoke test ${Date.now()}`
    await window.getByRole('button', { name: 'New key' }).click()
    await window.getByRole('textbox', { name: 'Name' }).fill(name)
    await window.getByRole('button', { name: 'Create key' }).click()
    const copyDialog = window.getByRole('dialog', { name: 'Copy your new API key' })
    await copyDialog.waitFor()
    step('signed in to the sandbox; key created')

    await copyDialog.getByRole('button', { name: 'Copy' }).click()
    let clipboardText = ''
    for (let attempt = 0; attempt < 20 && !/^\d+\|/.test(clipboardText); attempt++) {
      clipboardText = await app.evaluate(async ({ clipboard }) => clipboard.readText())
      if (!/^\d+\|/.test(clipboardText)) await new Promise((done) => setTimeout(done, 100))
    }
    assert.match(clipboardText, /^\d+\|\S{20,}$/, 'the clipboard must hold the new token')
    step('token copied to the clipboard')

    await copyDialog.getByRole('checkbox', { name: 'I have saved this key' }).check()
    await copyDialog.getByRole('button', { name: 'Done' }).click()
    await copyDialog.waitFor({ state: 'hidden' })
    step('token confirmed as saved')

    const deleteButton = window.getByRole('button', { name: `Delete ${name}` })
    await deleteButton.click()
    await window.getByRole('dialog').getByRole('button', { name: 'Delete key' }).click()
    await deleteButton.waitFor({ state: 'detached' })
    step('key deleted')
  } finally {
    await app.close().catch(() => undefined)
    rmSync(userData, { recursive: true, force: true })
  }
  step('app quit')
  console.log('PASS: Electron smoke test')
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(`FAIL: Electron smoke test: ${error instanceof Error ? error.stack : String(error)}`)
    process.exitCode = 1
  })
}
