#!/usr/bin/env node
/**
 * Measures the command line's start-up budgets (cli-startup.ts) with the built out/main/cli.js.
 * On Linux it runs inside a private D-Bus session with a throwaway unlocked GNOME Keyring, as
 * test/run-tests.mjs does, so the person's own keyring is never touched.
 *
 *   node test/cli/bench/run-cli-bench.mjs [--runs N]
 */
import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { toolCommand } from '../../support/node-bin.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..')
const args = process.argv.slice(2)
if (process.platform === 'linux' && !process.env.AUTOCALLS_KEYS_TEST_KEYRING) {
  const script = [
    'export XDG_DATA_HOME="$(mktemp -d)"',
    'eval "$(printf pw | gnome-keyring-daemon --unlock --components=secrets)" >/dev/null',
    'export GNOME_KEYRING_CONTROL',
    'exec node test/cli/bench/run-cli-bench.mjs "$@"'
  ].join('\n')
  const result = spawnSync('dbus-run-session', ['--', 'bash', '-c', script, 'run-cli-bench', ...args], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, AUTOCALLS_KEYS_TEST_KEYRING: 'gnome-keyring (private D-Bus session)' }
  })
  process.exit(result.status ?? 1)
}
const result = spawnSync(...toolCommand(root, 'tsx', ['test/cli/bench/cli-startup.ts', ...args]), { cwd: root, stdio: 'inherit', env: { ...process.env, AUTOCALLS_KEYS_QUIET: '1' } })
process.exit(result.status ?? 1)
