/**
 * Timestamps as a Laravel server sends them, read into one canonical form (UTC ISO with
 * milliseconds). Carbon's default is `2025-01-08T15:30:00.000000Z`; other versions and casts send
 * `…T15:30:00Z`, `…+02:00`, `…+0200` or MySQL's `2025-01-08 15:30:00` (no zone: taken as UTC).
 */

const PATTERN = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|z|[+-]\d{2}:?\d{2})?$/

/** The moment in canonical ISO form, or null when the value is not a timestamp this app can read. */
export function readApiTimestamp(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 40) return null
  const match = PATTERN.exec(value)
  if (!match) return null
  const [, y, mo, d, h, mi, s = '0', fraction = '', zone = 'Z'] = match
  const year = Number(y)
  const month = Number(mo)
  const day = Number(d)
  const hour = Number(h)
  const minute = Number(mi)
  const second = Number(s)
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null
  const millis = Number(fraction.padEnd(3, '0').slice(0, 3))
  const local = Date.UTC(year, month - 1, day, hour, minute, second, millis)
  // Date.UTC rolls 31 February over into March: a day the month does not have is not a date.
  const check = new Date(local)
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1) return null
  const offset = zoneOffsetMinutes(zone)
  if (offset === null) return null
  const instant = local - offset * 60_000
  // Nothing of an API key predates 1970 (and Date.UTC maps years below 100 onto the 1900s).
  if (year < 1970 || !Number.isFinite(instant)) return null
  return new Date(instant).toISOString()
}

function zoneOffsetMinutes(zone: string): number | null {
  if (zone === 'Z' || zone === 'z') return 0
  const sign = zone.startsWith('-') ? -1 : 1
  const digits = zone.slice(1).replace(':', '')
  const hours = Number(digits.slice(0, 2))
  const minutes = Number(digits.slice(2, 4))
  if (hours > 14 || minutes > 59 || (hours === 14 && minutes > 0)) return null
  return sign * (hours * 60 + minutes)
}
