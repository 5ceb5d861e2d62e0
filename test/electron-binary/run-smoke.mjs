#!/usr/bin/env node
/**
 * The proof only a real Electron can give, driving the real window with Playwright's `_electron`:
 *   1. the page is served from app://app under the app's CSP (seen from the page: violations
 *      reported for an inline script, string code, an inline handler and a fetch), with no Node.js in it;
 *   2. sign in to the built-in sandbox from the sign-in screen; the key list shows;
 *   3. window.open and navigation away are refused (main logs each refusal to its log file);
 *   4. a second instance quits at once and focuses the first one's window;
 *   5. create a key → Copy: the OS clipboard is read back from the main process (the token, and the
 *      platform's "do not record" format) → confirm → delete the key;
 *   6. quit clears the clipboard (clear() observed during the quit, then a fresh Electron process
 *      reads the OS clipboard back), and the log file holds no token.
 *
 *   npm run test:electron            (builds first: electron-vite build && node test/electron-binary/run-smoke.mjs)
 *   AUTOCALLS_REQUIRE_ELECTRON=1 …   fail instead of skipping when the binary is missing (CI with Electron)
 *   Linux without a display:         xvfb-run -a dbus-run-session -- … (see .github/workflows/ci.yml)
 *
 * It needs the Electron binary that electron's install step downloads into node_modules/electron/dist.
 * When that binary is absent it prints one "SKIPPED: …" line and exits 0. It never triggers the
 * download: require('electron') would (electron/index.js downloads when dist/ is missing), so the
 * binary is located the way index.js does it (path.txt + dist/, or ELECTRON_OVERRIDE_DIST_PATH)
 * without requiring it. Playwright itself requires electron/index.js only once the binary is there.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
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

/**
 * The raw clipboard formats the app writes beside the token (src/main/electron/clipboard-port.ts,
 * `concealedFormats`), with the value each must hold: clipboard history and managers skip it.
 */
export const CONCEALED_FORMATS = {
  win32: { ExcludeClipboardContentFromMonitorProcessing: null, CanIncludeInClipboardHistory: null, CanUploadToCloudClipboard: null },
  darwin: { 'org.nspasteboard.ConcealedType': 'secret' },
  linux: { 'x-kde-passwordManagerHint': 'secret' }
}

/** Polls `probe` until it returns a truthy value (a condition, not a fixed sleep); fails after `timeoutMs`. */
async function waitUntil(probe, what, timeoutMs = TIMEOUT_MS) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((done) => setTimeout(done, 100))
  }
}

/** Runs the Electron binary on its own (no Playwright) and resolves with its exit code and output. */
function runElectron(binary, args, env, timeoutMs = TIMEOUT_MS) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(binary, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    const timer = setTimeout(() => {
      child.kill()
      reject(new Error(`${args.join(' ')} did not exit within ${timeoutMs} ms\n${stderr}`))
    }, timeoutMs)
    child.on('error', reject)
    child.on('exit', (code) => {
      clearTimeout(timer)
      resolvePromise({ code, stdout, stderr })
    })
  })
}

const logText = (file) => (existsSync(file) ? readFileSync(file, 'utf8') : '')

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
  const work = mkdtempSync(join(tmpdir(), 'autocalls-keys-smoke-'))
  const userData = join(work, 'userData')
  const env = { ...process.env }
  delete env.ELECTRON_RENDERER_URL
  delete env.ELECTRON_RUN_AS_NODE
  delete env.AUTOCALLS_SANDBOX
  Object.assign(env, {
    AUTOCALLS_KEYS_USER_DATA_DIR: userData,
    AUTOCALLS_KEYS_KEYCHAIN_SERVICE: `autocalls-keys-smoke-${process.pid}`
  })
  // With userData moved, the app keeps its log file under it (src/main/index.ts).
  const logFile = join(userData, 'logs', 'main.log')
  const clearMarker = join(work, 'clipboard-clears.txt')

  const step = (text) => console.log(`  ✓ ${text}`)
  console.log(`Electron smoke test (${binary.path})`)
  // Playwright finds the binary through require('electron'), which is safe now that it exists.
  // chromiumSandbox: Playwright adds --no-sandbox on Linux otherwise; the app runs with the real sandbox.
  const app = await _electron.launch({ args: [root], env, timeout: 60_000, chromiumSandbox: true })
  let token = ''
  let closed = false
  try {
    const page = await app.firstWindow({ timeout: 60_000 })
    page.setDefaultTimeout(TIMEOUT_MS)
    await page.waitForLoadState('domcontentloaded')

    // 1. Origin, no Node.js, the bridge, and the CSP as the page lives under it.
    const origin = await page.evaluate(() => ({ origin: location.origin, href: location.href }))
    assert.equal(origin.origin, 'app://app', 'the renderer must be served from app://app')
    assert.match(origin.href, /^app:\/\/app\//)
    assert.equal(await page.evaluate(() => typeof globalThis.require === 'undefined' && typeof globalThis.process === 'undefined'), true)
    assert.equal(await page.evaluate(() => typeof globalThis.autocalls?.keys?.create), 'function')
    const csp = await page.evaluate(async () => {
      const violations = []
      const seen = new Promise((done) => {
        document.addEventListener('securitypolicyviolation', (event) => {
          violations.push({ directive: event.effectiveDirective, policy: event.originalPolicy })
          if (violations.length >= 4) done()
        })
      })
      const inline = document.createElement('script')
      inline.textContent = 'globalThis.__inlineRan = true'
      document.head.append(inline)
      // String code run by the page itself (code evaluated through DevTools, as this function is, is exempt from CSP).
      globalThis.__timerRan = false
      setTimeout('globalThis.__timerRan = true', 0)
      const button = document.createElement('button')
      button.setAttribute('onclick', 'globalThis.__handlerRan = true')
      document.body.append(button)
      button.click()
      button.remove()
      let fetchBlocked = false
      try {
        await fetch(location.href)
      } catch {
        fetchBlocked = true
      }
      await Promise.race([seen, new Promise((done) => setTimeout(done, 5000))])
      return { violations, fetchBlocked, inlineRan: globalThis.__inlineRan === true, timerRan: globalThis.__timerRan === true, handlerRan: globalThis.__handlerRan === true }
    })
    assert.equal(csp.inlineRan, false, 'an inline script must not run')
    assert.equal(csp.timerRan, false, 'string code (setTimeout with a string, like eval) must not run')
    assert.equal(csp.handlerRan, false, 'an inline event handler must not run')
    assert.equal(csp.fetchBlocked, true, "fetch must be refused (connect-src 'none')")
    const directives = new Set(csp.violations.map((v) => v.directive))
    for (const directive of ['script-src-elem', 'script-src', 'script-src-attr', 'connect-src']) assert.ok(directives.has(directive), `a ${directive} violation must be reported (got ${[...directives].join(', ')})`)
    assert.match(csp.violations[0].policy, /default-src 'none'/)
    assert.match(csp.violations[0].policy, /script-src 'self'(;|$)/)
    step(`page at ${origin.href}, origin app://app, no Node.js, bridge present; CSP enforced (${[...directives].join(', ')})`)

    // 2. Sign in to the sandbox from the sign-in screen; the list.
    await page.getByRole('button', { name: 'Try the sandbox', exact: true }).click()
    const table = page.getByRole('table', { name: 'API keys', exact: true })
    await table.getByRole('button', { name: 'Delete Production API Key', exact: true }).waitFor()
    await table.getByRole('button', { name: 'Delete Development API Key', exact: true }).waitFor()
    step('signed in to the sandbox; the key list shows its keys')

    // 3. window.open and navigation away: refused by main, which logs each refusal.
    const opened = await page.evaluate(() => window.open('https://evil.example/popup') === null)
    assert.equal(opened, true, 'window.open must return null')
    await waitUntil(() => logText(logFile).includes('Blocked window.open to https://evil.example/popup'), 'the window.open refusal in the log')
    assert.equal(app.windows().length, 1, 'no second window')
    await page.evaluate(() => {
      location.href = 'https://evil.example/navigate'
    })
    await waitUntil(() => /Blocked (frame )?navigation to https:\/\/evil\.example\/navigate/.test(logText(logFile)), 'the navigation refusal in the log')
    assert.match(page.url(), /^app:\/\/app\//, 'the window stays on the app')
    await table.waitFor()
    step('window.open and navigation to another origin refused (and logged)')

    // 4. A second instance: it quits at once, and the first one shows and focuses its window.
    await app.evaluate(({ BrowserWindow }) => {
      const [win] = BrowserWindow.getAllWindows()
      globalThis.__smokeFocusCalls = 0
      const focus = win.focus.bind(win)
      win.focus = () => {
        globalThis.__smokeFocusCalls++
        focus()
      }
      win.minimize()
    })
    const second = await runElectron(binary.path, [root], env)
    assert.equal(second.code, 0, `the second instance must quit cleanly (exit ${second.code})\n${second.stderr}`)
    await waitUntil(() => app.evaluate(() => globalThis.__smokeFocusCalls > 0), 'the first instance to focus its window')
    // restore() can finish after focus() returns (macOS animates it): wait for the state, not a while.
    await waitUntil(async () => {
      const windows = await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().map((w) => ({ visible: w.isVisible(), minimized: w.isMinimized() })))
      return windows.length === 1 && windows[0].visible && !windows[0].minimized
    }, 'the one window to be shown and not minimised')
    step('a second instance quit and the first focused its window')

    // 5. Create → copy once → the OS clipboard read back → confirm → delete.
    const name = `Smoke test ${Date.now()}`
    await page.getByRole('button', { name: 'New key', exact: true }).click()
    const newKey = page.getByRole('dialog', { name: 'New API key', exact: true })
    await newKey.getByLabel('Name', { exact: true }).fill(name)
    await newKey.getByRole('button', { name: 'Create key', exact: true }).click()
    const copyDialog = page.getByRole('dialog', { name: 'Copy your new API key', exact: true })
    await copyDialog.waitFor()
    token = await copyDialog.getByLabel('New API key token', { exact: true }).inputValue()
    assert.match(token, /^\d+\|\S{20,}$/)
    await copyDialog.getByRole('button', { name: 'Copy', exact: true }).click()
    const formats = CONCEALED_FORMATS[process.platform] ?? CONCEALED_FORMATS.linux
    const clip = await waitUntil(async () => {
      const read = await app.evaluate(async ({ clipboard }, wanted) => {
        const text = await clipboard.readText()
        const has = {}
        const values = {}
        for (const format of Object.keys(wanted)) {
          const mime = `electron application/osclipboard;format="${format}"`
          has[format] = await clipboard.has(mime)
          if (has[format] && wanted[format] !== null) {
            const [item] = await clipboard.read()
            values[format] = item && item.types.includes(mime) ? await /** @type {Blob} */ (await item.getType(mime)).text() : null
          }
        }
        return { text, has, values }
      }, formats)
      return read.text === token ? read : null
    }, 'the token on the OS clipboard')
    for (const [format, value] of Object.entries(formats)) {
      assert.equal(clip.has[format], true, `the clipboard must carry ${format}`)
      // clipboard.has() is the documented check for a raw format; read() may not list raw formats among its types.
      if (value !== null && clip.values[format] != null) assert.equal(clip.values[format], value, `${format} must be "${value}"`)
    }
    step(`token on the OS clipboard, marked ${Object.keys(formats).join(', ')}`)
    await copyDialog.getByRole('checkbox', { name: 'I have saved this key', exact: true }).check()
    await copyDialog.getByRole('button', { name: 'Done', exact: true }).click()
    await copyDialog.waitFor({ state: 'hidden' })
    assert.equal(await page.getByLabel('New API key token', { exact: true }).count(), 0)
    step('token confirmed as saved; gone from the page')
    const deleteButton = table.getByRole('button', { name: `Delete ${name}`, exact: true })
    await deleteButton.click()
    await page.getByRole('dialog', { name: 'Delete API key?', exact: true }).getByRole('button', { name: 'Delete key', exact: true }).click()
    await deleteButton.waitFor({ state: 'detached' })
    step('key deleted')

    // 6. Quit: clear() is observed while the token is still on the clipboard, then the OS clipboard is read from outside.
    const watching = await app.evaluate(async ({ clipboard }, marker) => {
      const fs = process.getBuiltinModule('node:fs')
      const clear = clipboard.clear.bind(clipboard)
      const watched = () => {
        fs.appendFileSync(marker, 'clear\n')
        return clear()
      }
      clipboard.clear = watched
      return { installed: clipboard.clear === watched, text: await clipboard.readText() }
    }, clearMarker)
    assert.equal(watching.installed, true, 'could not observe clipboard.clear in the main process')
    assert.equal(watching.text, token, 'the token must still be on the clipboard when the app quits')
    await app.close()
    closed = true
    assert.match(logText(clearMarker), /^clear$/m, 'quitting must clear the clipboard that holds the token')
    // On macOS and Windows the clipboard outlives the app; on X11 it goes with its owner unless a manager keeps it.
    const reader = join(work, 'clipboard-reader')
    mkdirSync(reader)
    writeFileSync(join(reader, 'package.json'), JSON.stringify({ name: 'clipboard-reader', main: 'main.cjs' }))
    writeFileSync(
      join(reader, 'main.cjs'),
      "const { app, clipboard } = require('electron')\napp.whenReady().then(async () => { process.stdout.write('\\nCLIPBOARD:' + JSON.stringify(await clipboard.readText()) + '\\n'); app.quit() })\n"
    )
    const readBack = await runElectron(binary.path, [reader], env)
    assert.equal(readBack.code, 0, readBack.stderr)
    const after = /^CLIPBOARD:(.*)$/m.exec(readBack.stdout)
    assert.ok(after, `the clipboard reader printed nothing\n${readBack.stdout}\n${readBack.stderr}`)
    assert.notEqual(JSON.parse(after[1]), token, 'the token must not be on the OS clipboard after quit')
    const log = logText(logFile)
    assert.ok(log.length > 0, 'the app must have written its log file')
    assert.equal(log.includes(token.slice(token.indexOf('|') + 1)), false, 'the log file must not hold the token')
    step('quit cleared the clipboard; the log file holds no token')
  } finally {
    if (!closed) await app.close().catch(() => undefined)
    rmSync(work, { recursive: true, force: true })
  }
  console.log('PASS: Electron smoke test')
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(`FAIL: Electron smoke test: ${error instanceof Error ? error.stack : String(error)}`)
    process.exitCode = 1
  })
}
