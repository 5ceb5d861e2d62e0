/**
 * Main-process logging. Everything passes through `redact`, so a slip cannot print a token.
 *
 * Lines go to the console (stderr for warnings and errors: the command line's log stays there)
 * and to any sink added with `addLogSink`. Only the desktop app adds one, the rotating file in
 * the platform's log folder (log-file.ts), so the command line never writes the app's log file.
 * AUTOCALLS_KEYS_QUIET=1 silences the console only: a sink still gets every line.
 */
import { randomBytes } from 'node:crypto'
import { redact } from './redact'

type Level = 'info' | 'warn' | 'error'

/** Receives each finished line (already redacted; a stack trace is on the following lines, indented). */
export type LogSink = (line: string) => void

const sinks = new Set<LogSink>()

/** Adds a destination for every line; returns the function that removes it. */
export function addLogSink(sink: LogSink): () => void {
  sinks.add(sink)
  return () => sinks.delete(sink)
}

const describePart = (part: unknown): string =>
  part instanceof Error ? `${part.name}: ${part.message}` : typeof part === 'string' ? part : safeJson(part)

const safeJson = (value: unknown): string => {
  try {
    return JSON.stringify(value)
  } catch {
    return String(value)
  }
}

/** The frames of a stack without its first line (the message, already printed), indented. */
const stackFrames = (error: Error): string => {
  const frames = (error.stack ?? '').split('\n').filter((line) => /^\s+at\s/.test(line))
  return frames.map((line) => `    ${line.trim()}`).join('\n')
}

function write(level: Level, parts: unknown[], withStack = false): void {
  let text = parts.map(describePart).join(' ')
  if (withStack) {
    for (const part of parts) {
      if (part instanceof Error) {
        const frames = stackFrames(part)
        if (frames) text += `\n${frames}`
        if (part.cause instanceof Error) text += `\n  caused by ${describePart(part.cause)}`
      }
    }
  }
  const line = `[${new Date().toISOString()}] ${level}: ${redact(text)}`
  if (process.env['AUTOCALLS_KEYS_QUIET'] !== '1') {
    if (level === 'info') console.log(line)
    else console.error(line)
  }
  for (const sink of sinks) {
    try {
      sink(line)
    } catch {
      // A sink that fails (disk full) must never break the code that logged.
    }
  }
}

// Crockford's base32 without I, L, O and U: a reference read out over the phone stays unambiguous.
const REFERENCE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

/** A short reference such as "7F3K-92QD" (40 random bits), shown to the person and written in the log. */
export function newErrorReference(): string {
  const bytes = randomBytes(8)
  const chars = Array.from(bytes, (byte) => REFERENCE_ALPHABET[byte % 32]!)
  return `${chars.slice(0, 4).join('')}-${chars.slice(4).join('')}`
}

/** The form a reference takes in a log line, so a search for it finds the line. */
export const referenceTag = (reference: string): string => `[ref ${reference}]`

export const log = {
  info: (...parts: unknown[]) => write('info', parts),
  warn: (...parts: unknown[]) => write('warn', parts),
  error: (...parts: unknown[]) => write('error', parts),
  /**
   * An error nobody expected: logged with its stack trace and a new reference, which is returned
   * so the message the person sees can carry it (support finds the line by it).
   */
  unexpected(context: string, error: unknown): string {
    const reference = newErrorReference()
    write('error', [`${context} ${referenceTag(reference)}`, error], true)
    return reference
  }
}
