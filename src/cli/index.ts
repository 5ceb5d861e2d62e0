/**
 * Entry point of the `autocalls-keys` command (package.json `bin`, built to out/main/cli.js;
 * `npm run cli -- <args>` runs it from a checkout). Plain Node: it never loads Electron.
 */
import { processIo } from './io'
import { runCli } from './program'
import { EXIT } from './exit-codes'

runCli(process.argv.slice(2), processIo()).then(
  (code) => process.exit(code),
  (error: unknown) => {
    // Only a bug gets here; the message is redacted like every other line on standard error.
    void import('../main/support/redact').then(({ redact }) => {
      process.stderr.write(`internal error: ${redact(error instanceof Error ? error.message : String(error))}\n`, () => process.exit(EXIT.internal))
    })
  }
)
