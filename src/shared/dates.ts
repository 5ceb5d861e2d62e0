/**
 * Dates as the hygiene features read them: instants from the API (ISO 8601 with any UTC offset)
 * and calendar dates a person picks (`YYYY-MM-DD`, a day in their own time zone). Pure: used by
 * the renderer, main and the command line alike.
 */

export const MS_PER_DAY = 86_400_000

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/

const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

/** Whether year-month-day is a day the calendar has (no 31 April, 29 February only in leap years). */
function isRealDay(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false
  return day <= (month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1]!)
}

/** The number written by `length` ASCII digits at `at`, or -1 when one of them is not a digit. */
function digitsAt(text: string, at: number, length: number): number {
  let value = 0
  for (let i = at; i < at + length; i++) {
    const digit = text.charCodeAt(i) - 48
    if (!(digit >= 0 && digit <= 9)) return -1 // also past the end, where charCodeAt gives NaN
    value = value * 10 + digit
  }
  return value
}

const charIs = (text: string, at: number, char: string, other: string = char): boolean => {
  const found = text.charAt(at)
  return found === char || found === other
}

/**
 * Milliseconds since the epoch of an ISO 8601 date-time, or null when the text is not one (or
 * names a day or time that does not exist: 31 February, 24:00, a 61st second). Read by hand
 * rather than with `Date.parse`, which rolls 31 February over into March and reads a time
 * without an offset as the local time of whoever runs it; and rather than with a regular
 * expression, which costs three times as much (a 10,000-key list has 20,000 dates to read).
 *
 * Accepted: `YYYY-MM-DD`, then `T` or a space (Laravel's own `Y-m-d H:i:s`), `HH:MM`, optional
 * `:SS` and a fraction of 1 to 9 digits after `.` or `,`, then an optional offset: `Z`,
 * `±HH:MM`, `±HHMM` or `±HH`. Without an offset the time is UTC, as the API's times are.
 */
export function parseInstant(text: string): number | null {
  const length = text.length
  if (length < 16 || length > 40) return null
  const year = digitsAt(text, 0, 4)
  const month = digitsAt(text, 5, 2)
  const day = digitsAt(text, 8, 2)
  const hour = digitsAt(text, 11, 2)
  const minute = digitsAt(text, 14, 2)
  if (!charIs(text, 4, '-') || !charIs(text, 7, '-') || !charIs(text, 10, 'T', ' ') || !charIs(text, 13, ':')) return null
  if (year < 1970 || !isRealDay(year, month, day) || hour < 0 || hour > 23 || minute < 0 || minute > 59) return null
  let at = 16
  let second = 0
  let millis = 0
  if (charIs(text, at, ':')) {
    second = digitsAt(text, at + 1, 2)
    if (second < 0 || second > 59) return null
    at += 3
    if (charIs(text, at, '.', ',')) {
      const start = ++at
      while (at < length && at - start < 10 && digitsAt(text, at, 1) >= 0) at++
      const count = at - start
      if (count < 1 || count > 9) return null
      millis = digitsAt(text, start, Math.min(3, count)) * 10 ** (3 - Math.min(3, count))
    }
  }
  let offset = 0
  if (at < length) {
    const sign = text.charAt(at)
    if ((sign === 'Z' || sign === 'z') && at + 1 === length) offset = 0
    else if (sign === '+' || sign === '-') {
      const hours = digitsAt(text, at + 1, 2)
      let minutes = 0
      const rest = length - (at + 3)
      if (rest === 3 && charIs(text, at + 3, ':')) minutes = digitsAt(text, at + 4, 2)
      else if (rest === 2) minutes = digitsAt(text, at + 3, 2)
      else if (rest !== 0) return null
      if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59) return null
      offset = (sign === '-' ? -1 : 1) * (hours * 60 + minutes)
    } else return null
  }
  return daysSinceEpoch(year, month, day) * MS_PER_DAY + ((hour * 60 + minute - offset) * 60 + second) * 1000 + millis
}

/**
 * Days from 1970-01-01 to a (proleptic Gregorian) date: Howard Hinnant's `days_from_civil`,
 * plain arithmetic, a little faster than a call to `Date.UTC` (this runs 20,000 times per list).
 */
function daysSinceEpoch(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yearOfEra = y - era * 400
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear
  return era * 146_097 + dayOfEra - 719_468
}

/** A calendar date `YYYY-MM-DD` that exists (years 1970 to 9999). */
export function isCalendarDate(text: string): boolean {
  const match = CALENDAR_DATE.exec(text)
  if (!match) return false
  const year = Number(match[1])
  return year >= 1970 && isRealDay(year, Number(match[2]), Number(match[3]))
}

const dayFormatters = new Map<string, Intl.DateTimeFormat>()

/**
 * The calendar date (`YYYY-MM-DD`) that `at` falls on in `timeZone` (an IANA name such as
 * `Europe/Berlin`; the computer's own zone when omitted). Throws a RangeError for an unknown zone.
 */
export function calendarDateIn(at: Date | number, timeZone?: string): string {
  const cacheKey = timeZone ?? ''
  let format = dayFormatters.get(cacheKey)
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', calendar: 'gregory', numberingSystem: 'latn' })
    dayFormatters.set(cacheKey, format)
  }
  const parts = format.formatToParts(at)
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? ''
  return `${part('year').padStart(4, '0')}-${part('month')}-${part('day')}`
}
