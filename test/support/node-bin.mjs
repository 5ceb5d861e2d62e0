/**
 * The JavaScript entry points of the tools the test and bench runners start. Started with
 * `process.execPath` rather than through node_modules/.bin, whose shims are shell scripts on
 * Linux and macOS and .cmd files on Windows (which spawn cannot start without a shell).
 */
import { join } from 'node:path'

export const TOOL_ENTRIES = {
  tsc: 'typescript/bin/tsc',
  'electron-vite': 'electron-vite/bin/electron-vite.js',
  vitest: 'vitest/vitest.mjs',
  tsx: 'tsx/dist/cli.mjs',
  eslint: 'eslint/bin/eslint.js'
}

/** [command, ...args] that run `tool` with the same Node as the caller. */
export function toolCommand(root, tool, args) {
  return [process.execPath, [join(root, 'node_modules', TOOL_ENTRIES[tool]), ...args]]
}
