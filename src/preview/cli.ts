/**
 * `npm run preview:browser` (after `electron-vite build`): serves the built renderer in a browser,
 * wired to the real main-process services in this Node process. Prints one line,
 * `Preview ready: <url>`, and runs until SIGINT/SIGTERM.
 *
 *   tsx src/preview/cli.ts [--user-data <dir>] [--port <n>] [--renderer <dir>] [--verbose]
 */
import { runCli } from './server/cli-main'

runCli(process.argv.slice(2), { stdout: (text) => process.stdout.write(text), env: process.env }).then(
  (preview) => {
    if (!preview) return
    let stopping = false
    const stop = () => {
      if (stopping) return
      stopping = true
      // close() runs services.shutdown(): clears a copied token, wipes held tokens, saves state, stops the sandbox.
      preview.close().then(
        () => process.exit(0),
        (error: unknown) => {
          process.stderr.write(`Stopping the preview failed: ${error instanceof Error ? error.message : String(error)}\n`)
          process.exit(1)
        }
      )
    }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
    process.exit(1)
  }
)
