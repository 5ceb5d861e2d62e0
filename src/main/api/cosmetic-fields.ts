/**
 * Fields the app shows but does not need (the account's name and balance, a key's last use): a
 * server may send them missing, null or of another type. They are shown as "—" and never block
 * sign-in or the list; each kind of problem is logged once per run, not once per key.
 */
import { log } from '../support/log'

const noted = new Set<string>()

/** Logs the first time a cosmetic field could not be read in this process. */
export function noteUnreadableField(field: string, detail: string): void {
  if (noted.has(field)) return
  noted.add(field)
  log.warn(`The server sent ${field} in a form the app cannot read (${detail}); it is shown as “—”. Further such values are not logged.`)
}

/** What kind of value arrived, for the log line (never the value: it could be anything). */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'missing'
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'string') return value.length > 40 ? 'a long string' : 'a string'
  return `a ${typeof value}`
}
