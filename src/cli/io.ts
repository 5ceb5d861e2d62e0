/**
 * The command line's three streams. Data (tables, JSON, a new token) goes to standard output;
 * everything said to the person (which account was acted on, warnings, errors, prompts) goes to
 * standard error, always through the app's redaction, so no token or credential can reach it.
 */
import { redact } from '../main/support/redact'

export interface OutStream {
  readonly isTTY: boolean
  /** Colour is used only on a terminal, and never when NO_COLOR is set. */
  readonly color: boolean
  /** Resolves once the text is handed to the OS (so a process exit right after loses nothing). */
  write(text: string): Promise<void>
}

export interface Io {
  readonly stdout: OutStream
  readonly stderr: OutStream
  readonly stdin: NodeJS.ReadStream
  readonly env: NodeJS.ProcessEnv
  /**
   * Hears Ctrl+C (SIGINT) while the listener is on, instead of the process ending at once: a
   * batch uses it to let the requests in flight finish. Returns the function that turns it off.
   */
  onInterrupt?(listener: () => void): () => void
}

/** https://no-color.org: a NO_COLOR that is present and not empty turns colour off. */
export function wantsColor(stream: { isTTY?: boolean; hasColors?: () => boolean }, env: NodeJS.ProcessEnv): boolean {
  if (env['NO_COLOR']) return false
  if (!stream.isTTY) return false
  return stream.hasColors?.() ?? true
}

/** The reader went away (`autocalls-keys keys list | head -1`): the command stops, quietly. */
export class OutputClosedError extends Error {
  constructor() {
    super('The output was closed by its reader.')
    this.name = 'OutputClosedError'
  }
}

function outStream(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv, filter: (text: string) => string): OutStream {
  // A closed pipe must end the command, not crash it with an unhandled 'error' event.
  stream.on('error', () => undefined)
  return {
    isTTY: stream.isTTY === true,
    color: wantsColor(stream, env),
    write: (text) =>
      new Promise<void>((resolve, reject) => {
        if (text === '') return resolve()
        stream.write(filter(text), (error) => {
          if (!error) resolve()
          else reject((error as NodeJS.ErrnoException).code === 'EPIPE' ? new OutputClosedError() : error)
        })
      })
  }
}

export function processIo(): Io {
  const env = process.env
  return {
    stdout: outStream(process.stdout, env, (text) => text),
    stderr: outStream(process.stderr, env, (text) => redact(text)),
    stdin: process.stdin,
    env,
    onInterrupt(listener) {
      process.on('SIGINT', listener)
      return () => void process.off('SIGINT', listener)
    }
  }
}

/** Reads standard input to its end (a piped API key), at most `limit` characters. */
export async function readAll(stdin: NodeJS.ReadStream, limit: number): Promise<string> {
  let text = ''
  stdin.setEncoding('utf8')
  for await (const chunk of stdin) {
    text += chunk as string
    if (text.length > limit) {
      stdin.destroy()
      break
    }
  }
  return text
}
