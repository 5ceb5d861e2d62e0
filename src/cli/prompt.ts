/**
 * Questions asked on a terminal, on standard error (standard output stays for data). The API
 * key prompt does not echo what is typed or pasted; a confirmation reads one line.
 */
import { createInterface } from 'node:readline'
import { redact } from '../main/support/redact'
import { InterruptedError } from './cli-error'
import type { OutStream } from './io'

const ESCAPE_SEQUENCE = /\u001b\[[0-9;]*[~A-Za-z]/g

/** Reads a secret from the terminal without echoing it. Ctrl+C (or Ctrl+D on nothing) stops. */
export async function readHidden(stdin: NodeJS.ReadStream, stderr: OutStream, prompt: string): Promise<string> {
  // Echo goes off before the prompt shows, so a key typed or pasted at once is never echoed.
  const wasRaw = stdin.isRaw
  stdin.setRawMode(true)
  stdin.setEncoding('utf8')
  await stderr.write(prompt)
  return new Promise<string>((resolve, reject) => {
    let value = ''
    const finish = (settle: () => void) => {
      stdin.off('data', onData)
      stdin.setRawMode(wasRaw)
      stdin.pause()
      void stderr.write('\n').then(settle, settle)
    }
    const onData = (chunk: string) => {
      // Arrow keys and bracketed-paste markers are not part of a key.
      for (const char of chunk.replace(ESCAPE_SEQUENCE, '')) {
        if (char === '\u0003') return finish(() => reject(new InterruptedError()))
        if (char === '\u0004' && value === '') return finish(() => reject(new InterruptedError()))
        if (char === '\r' || char === '\n' || char === '\u0004') return finish(() => resolve(value))
        if (char === '\u007f' || char === '\b') value = [...value].slice(0, -1).join('')
        else if (char === '\u0015') value = '' // Ctrl+U clears the line
        else if (char >= ' ') value += char
      }
    }
    stdin.on('data', onData)
    stdin.resume()
  })
}

/** Asks on the terminal; true only for "y" or "yes". Ctrl+C stops without an answer. */
export async function confirm(stdin: NodeJS.ReadStream, stderr: OutStream, question: string): Promise<boolean> {
  // readline redraws its prompt line, so the question's last line is the prompt and the lines
  // above it are written first (both redacted like everything on standard error).
  const cut = question.lastIndexOf('\n') + 1
  await stderr.write(question.slice(0, cut))
  const lines = createInterface({ input: stdin, output: process.stderr, terminal: stdin.isTTY === true })
  try {
    return await new Promise<boolean>((resolve, reject) => {
      lines.on('SIGINT', () => reject(new InterruptedError()))
      lines.on('close', () => resolve(false))
      lines.question(redact(question.slice(cut)), (answer) => resolve(/^\s*(y|yes)\s*$/i.test(answer)))
    })
  } finally {
    lines.close()
  }
}
