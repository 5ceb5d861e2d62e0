#!/usr/bin/env node
/**
 * `npm test`: type-check, lint, build, security lint, then every vitest project, on Linux inside a
 * private D-Bus session with an unlocked throwaway GNOME Keyring so the keychain tests use a
 * real Secret Service without touching the person's own keyring.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { toolCommand } from './support/node-bin.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const inCi = Boolean(process.env.CI)
const args = process.argv.slice(2)

if (process.platform === 'linux' && !process.env.AUTOCALLS_KEYS_TEST_KEYRING) {
  const haveTools = ['dbus-run-session', 'gnome-keyring-daemon'].every((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0)
  if (haveTools) {
    // A keyring file in a temporary data dir, unlocked with a throwaway password.
    const script = [
      'export XDG_DATA_HOME="$(mktemp -d)"',
      'eval "$(printf pw | gnome-keyring-daemon --unlock --components=secrets)"',
      'export GNOME_KEYRING_CONTROL',
      'exec node test/run-tests.mjs "$@"'
    ].join('\n')
    const result = spawnSync('dbus-run-session', ['--', 'bash', '-c', script, 'run-tests', ...args], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, AUTOCALLS_KEYS_TEST_KEYRING: 'gnome-keyring (private D-Bus session)' }
    })
    process.exit(result.status ?? 1)
  }
  const message = 'dbus-run-session and gnome-keyring-daemon are needed for the keychain tests (apt-get install dbus gnome-keyring libsecret-1-dev).'
  if (inCi) {
    console.error(`FAIL: ${message}`)
    process.exit(1)
  }
  console.warn(`warning: ${message} The keychain tests will be reported as not run.`)
}

process.env.AUTOCALLS_KEYS_QUIET ??= '1'
// The browser tests use the renderer this run has just built, not a second build of their own.
process.env.AUTOCALLS_E2E_RENDERER_DIR ??= join(root, 'out', 'renderer')

const step = (title, command, commandArgs) => {
  console.log(`\n▶ ${title}`)
  const result = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit', env: process.env })
  if (result.status !== 0) {
    console.error(`✖ ${title} failed`)
    process.exit(result.status ?? 1)
  }
}

step('Type-check (main + preload, renderer, tests)', ...toolCommand(root, 'tsc', ['--build']))
step('Lint (ESLint with typescript-eslint and react-hooks, zero warnings)', ...toolCommand(root, 'eslint', ['--config', '.config/eslint.config.mjs', '--max-warnings', '0', 'src', 'test', 'electron.vite.config.ts']))
step('Build (electron-vite: out/main, out/preload, out/renderer)', ...toolCommand(root, 'electron-vite', ['build']))
if (existsSync(join(root, 'test/electron/electronegativity-gate.mjs'))) {
  step('Electronegativity security lint', process.execPath, ['test/electron/electronegativity-gate.mjs'])
}

mkdirSync(join(root, 'test-results'), { recursive: true })
const jsonReport = join(root, 'test-results', 'vitest.json')
const vitest = spawnSync(
  ...toolCommand(root, 'vitest', ['run', '--config', 'test/vitest.config.mts', '--reporter=default', '--reporter=json', `--outputFile.json=${jsonReport}`, ...args]),
  { cwd: root, stdio: 'inherit', env: process.env }
)

let summary = ''
try {
  const report = JSON.parse(readFileSync(jsonReport, 'utf8'))
  summary = `tests: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${report.numPendingTests + report.numTodoTests} skipped`
  // Show which keychain the keychain tests really ran against (their titles name the provider).
  const keychainTests = report.testResults
    .flatMap((file) => file.assertionResults)
    .filter((test) => test.ancestorTitles.some((title) => title.includes('real OS keychain')))
  console.log(`\nKeychain tests (${keychainTests.length}):`)
  for (const test of keychainTests) console.log(`  ${test.status === 'passed' ? '✓' : '✗'} ${test.fullName}`)
} catch {
  summary = 'tests: the JSON report could not be read'
}
if (existsSync(join(root, 'test/bench/run-bench.mjs')) && vitest.status === 0 && args.length === 0) {
  step('Benchmarks, deterministic figures only (bundle size, request counts)', process.execPath, ['test/bench/run-bench.mjs', '--quick'])
}
console.log(`\n${summary}`)
process.exit(vitest.status ?? 1)
