import { describe, expect, it } from 'vitest'
import { readApiTimestamp } from '../../../src/main/api/api-timestamps'

describe('readApiTimestamp', () => {
  it.each([
    ['Carbon’s default (six fraction digits, Z)', '2025-01-08T15:30:00.000000Z', '2025-01-08T15:30:00.000Z'],
    ['second precision', '2026-12-02T03:58:13Z', '2026-12-02T03:58:13.000Z'],
    ['milliseconds', '2026-12-02T03:58:13.123Z', '2026-12-02T03:58:13.123Z'],
    ['nanoseconds (truncated to ms)', '2026-12-02T03:58:13.123456789Z', '2026-12-02T03:58:13.123Z'],
    ['an offset with a colon', '2025-01-08T17:30:00+02:00', '2025-01-08T15:30:00.000Z'],
    ['an offset without a colon', '2025-01-08T10:00:00-0530', '2025-01-08T15:30:00.000Z'],
    ['MySQL’s form without a zone (UTC)', '2025-01-08 15:30:00', '2025-01-08T15:30:00.000Z'],
    ['minutes only', '2025-01-08T15:30Z', '2025-01-08T15:30:00.000Z'],
    ['a leap day', '2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    ['far in the future (clock skew is for the hygiene rules to judge)', '2099-12-31T23:59:59Z', '2099-12-31T23:59:59.000Z']
  ])('reads %s', (_label, input, expected) => {
    expect(readApiTimestamp(input)).toBe(expected)
  })

  it.each([
    ['a day the month does not have', '2025-02-30T00:00:00Z'],
    ['a 29 February of a common year', '2025-02-29T00:00:00Z'],
    ['month 13', '2025-13-01T00:00:00Z'],
    ['hour 24', '2025-01-01T24:00:00Z'],
    ['second 60', '2025-01-01T23:59:60Z'],
    ['an offset beyond ±14:00', '2025-01-01T00:00:00+15:00'],
    ['a date alone', '2025-01-08'],
    ['another order', '08/01/2025 15:30'],
    ['epoch seconds as text', '1736350200'],
    ['before 1970', '1969-12-31T23:59:59Z'],
    ['trailing text', '2025-01-08T15:30:00Z yesterday'],
    ['an empty string', '']
  ])('refuses %s', (_label, input) => {
    expect(readApiTimestamp(input)).toBeNull()
  })

  it.each([[1736350200], [null], [undefined], [{}], [['2025-01-08T15:30:00Z']], [true]])('refuses a non-string %j', (value) => {
    expect(readApiTimestamp(value)).toBeNull()
  })
})
