/**
 * Runs the command line on a real pseudo-terminal (util-linux `script`), to see what a person
 * at a terminal sees: prompts, the "shown once" frame, colours. Standard input, output and error
 * are all the terminal, so the output is what the screen shows, in order. Linux only.
 */
import { spawn } from 'node:child_process'
import { CLI, FORBID_ELECTRON } from './cli'

export interface TerminalStep {
  /** Waits until the screen shows this (after the previous step's point)... */
  waitFor: string | RegExp
  /** ...then types this. */
  send: string
}

export interface TerminalRun {
  code: number | null
  /** Everything the terminal showed, \r\n made \n. */
  screen: string
}

const shellQuote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`

export function runInTerminal(args: readonly string[], env: NodeJS.ProcessEnv, steps: readonly TerminalStep[] = [], timeoutMs = 30_000): Promise<TerminalRun> {
  const command = [process.execPath, '--require', FORBID_ELECTRON, CLI, ...args].map(shellQuote).join(' ')
  return new Promise((resolveRun, reject) => {
    const child = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], { env: { TERM: 'xterm-256color', ...env }, stdio: ['pipe', 'pipe', 'pipe'] })
    let screen = ''
    let from = 0
    let step = 0
    const advance = () => {
      while (step < steps.length) {
        const { waitFor, send } = steps[step]!
        const rest = screen.slice(from)
        const at = typeof waitFor === 'string' ? rest.indexOf(waitFor) : rest.search(waitFor)
        if (at < 0) return
        from += at + 1
        step++
        child.stdin.write(send)
      }
    }
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      screen += chunk.replace(/\r\n/g, '\n')
      advance()
    })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (screen += chunk))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      child.stdin.destroy()
      resolveRun({ code, screen })
    })
  })
}

/** The screen without colour and cursor escape sequences. */
export const plain = (screen: string): string => screen.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '')
