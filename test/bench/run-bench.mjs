#!/usr/bin/env node
/**
 * `npm run bench`: builds the app (electron-vite build), then runs the benchmark suite
 * (test/bench/bench.ts, through tsx), which prints a Markdown table, writes it and the raw
 * samples to bench-results/ (git-ignored), and exits non-zero when a figure is over its budget.
 *
 *   node test/bench/run-bench.mjs [--quick] [--no-build] [--runs N]
 *
 *   --quick     deterministic figures only (bundle sizes against the floor, main bundle and what
 *               it loads, request counts per action, connections); no timing budgets. Run by
 *               `npm test` after the unit tests; takes ~15 s.
 *   --no-build  use out/ as it is.
 *   --runs N    measured runs per timing figure (default 9), each after one warm-up.
 *
 * Needs Debian's Chromium (/usr/bin/chromium, or AUTOCALLS_E2E_CHROMIUM) for the browser figures.
 */
import { spawnSync } from 'node:child_process'
import { toolCommand } from '../support/node-bin.mjs'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '../..')
const args = process.argv.slice(2)
const USAGE = 'Usage: node test/bench/run-bench.mjs [--quick] [--no-build] [--runs N]'
for (let i = 0; i < args.length; i++) {
  const arg = args[i]
  if (arg === '--runs') {
    const n = Number(args[++i])
    if (!Number.isInteger(n) || n < 1 || n > 100) {
      console.error(`bench: --runs needs a whole number from 1 to 100. ${USAGE}`)
      process.exit(2)
    }
  } else if (arg === '--help' || arg === '-h') {
    console.log(USAGE)
    process.exit(0)
  } else if (arg !== '--quick' && arg !== '--no-build') {
    console.error(`bench: unknown option ${arg}. ${USAGE}`)
    process.exit(2)
  }
}
const build = !args.includes('--no-build')
const passOn = args.filter((arg) => arg !== '--no-build')

const chromium = process.env.AUTOCALLS_E2E_CHROMIUM ?? '/usr/bin/chromium'
if (!existsSync(chromium)) {
  console.error(`bench: Chromium not found at ${chromium}. Install Debian's chromium (apt-get install chromium) or set AUTOCALLS_E2E_CHROMIUM.`)
  process.exit(2)
}

if (build) {
  console.error('bench: building (electron-vite build)…')
  const result = spawnSync(...toolCommand(root, 'electron-vite', ['build', '--logLevel', 'warn']), { cwd: root, stdio: 'inherit' })
  if (result.status !== 0) {
    console.error('bench: the build failed')
    process.exit(result.status ?? 2)
  }
}

const quick = passOn.includes('--quick')
console.error(`bench: running the ${quick ? 'quick (deterministic) ' : ''}benchmarks…`)
const [command, commandArgs] = toolCommand(root, 'tsx', [join(root, 'test/bench/bench.ts'), ...passOn])
const env = { ...process.env, AUTOCALLS_KEYS_QUIET: '1' }
let result
if (!quick && process.platform === 'linux' && !process.env.AUTOCALLS_KEYS_TEST_KEYRING) {
  // The command line's figures (issue 13) run the real CLI on the OS keychain: give them a
  // private D-Bus session with a throwaway unlocked GNOME Keyring, as test/run-tests.mjs does, so
  // the person's own keyring is never touched. The app's figures use an in-memory store.
  const script = [
    'export XDG_DATA_HOME="$(mktemp -d)"',
    'eval "$(printf pw | gnome-keyring-daemon --unlock --components=secrets)" >/dev/null',
    'export GNOME_KEYRING_CONTROL',
    'exec "$@"'
  ].join('\n')
  result = spawnSync('dbus-run-session', ['--', 'bash', '-c', script, 'run-bench', command, ...commandArgs], {
    cwd: root,
    stdio: 'inherit',
    env: { ...env, AUTOCALLS_KEYS_TEST_KEYRING: 'gnome-keyring (private D-Bus session)' }
  })
} else {
  result = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit', env })
}
process.exit(result.status ?? 2)
