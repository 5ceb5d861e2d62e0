/** Main-process logging. Everything passes through `redact`, so a slip cannot print a token. */
import { redact } from './redact'

type Level = 'info' | 'warn' | 'error'

const format = (parts: unknown[]): string =>
  redact(
    parts
      .map((part) => (part instanceof Error ? `${part.name}: ${part.message}` : typeof part === 'string' ? part : safeJson(part)))
      .join(' ')
  )

const safeJson = (value: unknown): string => {
  try {
    return JSON.stringify(value)
  } catch {
    return String(value)
  }
}

function write(level: Level, parts: unknown[]): void {
  if (process.env['AUTOCALLS_KEYS_QUIET'] === '1') return
  const line = `[${new Date().toISOString()}] ${level}: ${format(parts)}`
  if (level === 'info') console.log(line)
  else console.error(line)
}

export const log = {
  info: (...parts: unknown[]) => write('info', parts),
  warn: (...parts: unknown[]) => write('warn', parts),
  error: (...parts: unknown[]) => write('error', parts)
}
