import { describe, expect, it } from 'vitest'
import { calendarDateIn, isCalendarDate, parseInstant } from '../../src/shared/dates'

describe('parseInstant', () => {
  const at = Date.UTC(2026, 11, 2, 3, 58, 13)

  it.each([
    ['2026-12-02T03:58:13.000000Z', at],
    ['2026-12-02T03:58:13.000Z', at],
    ['2026-12-02T03:58:13Z', at],
    ['2026-12-02T03:58:13', at], // no offset: the API's times are UTC
    ['2026-12-02 03:58:13', at], // Laravel's own Y-m-d H:i:s
    ['2026-12-02T05:58:13+02:00', at],
    ['2026-12-02T05:58:13+0200', at],
    ['2026-12-02T05:58:13+02', at],
    ['2026-12-01T22:28:13-05:30', at],
    ['2026-12-02T03:58Z', Date.UTC(2026, 11, 2, 3, 58)],
    ['2026-12-02T03:58:13.5Z', at + 500],
    ['2026-12-02T03:58:13.123456789Z', at + 123],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)]
  ])('reads %s', (text, expected) => {
    expect(parseInstant(text)).toBe(expected)
  })

  it.each([
    '',
    'yesterday',
    '2026-02-29T00:00:00Z', // not a leap year
    '2026-04-31T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-12-02T24:00:00Z',
    '2026-12-02T23:60:00Z',
    '2026-12-02T23:59:60Z',
    '2026-12-02T03:58:13+24:00',
    '2026-12-02',
    '1969-12-31T23:59:59Z',
    '2026-12-02T03:58:13Z trailing',
    `2026-12-02T03:58:13.${'1'.repeat(40)}Z`
  ])('refuses %j', (text) => {
    expect(parseInstant(text)).toBeNull()
  })
})

describe('calendar dates', () => {
  it('knows which days exist', () => {
    expect(isCalendarDate('2028-02-29')).toBe(true)
    expect(isCalendarDate('2027-02-29')).toBe(false)
    expect(isCalendarDate('2027-06-31')).toBe(false)
    expect(isCalendarDate('2027-6-30')).toBe(false)
    expect(isCalendarDate('2027-06-30 ')).toBe(false)
    expect(isCalendarDate('0999-01-01')).toBe(false)
  })

  it('gives the day an instant falls on in a time zone', () => {
    const instant = Date.UTC(2026, 11, 31, 23, 30) // 23:30 UTC on New Year's Eve
    expect(calendarDateIn(instant, 'UTC')).toBe('2026-12-31')
    expect(calendarDateIn(instant, 'Europe/Berlin')).toBe('2027-01-01')
    expect(calendarDateIn(instant, 'America/Los_Angeles')).toBe('2026-12-31')
    expect(calendarDateIn(new Date(Date.UTC(2027, 0, 1, 9, 0)), 'Pacific/Kiritimati')).toBe('2027-01-01')
    expect(calendarDateIn(new Date(Date.UTC(2027, 0, 1, 9, 0)), 'Pacific/Pago_Pago')).toBe('2026-12-31')
  })

  it('throws on a time zone that does not exist', () => {
    expect(() => calendarDateIn(0, 'Mars/Olympus_Mons')).toThrow(RangeError)
  })
})
