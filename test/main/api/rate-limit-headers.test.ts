import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { observeRateLimit } from '../../../src/main/api/rate-limit-headers'

const NOW = Date.parse('2026-03-02T09:00:00Z')
const read = (headers: Record<string, string>, status = 200) => observeRateLimit(new Headers(headers), status, NOW - 80, NOW)

describe('reading rate-limit headers', () => {
  it('reads what Laravel sends on a normal answer', () => {
    expect(read({ 'X-RateLimit-Limit': '60', 'X-RateLimit-Remaining': '57' })).toEqual({
      status: 200,
      sentAt: NOW - 80,
      receivedAt: NOW,
      limit: 60,
      remaining: 57,
      resetAt: null
    })
  })

  it('reads a 429: Retry-After in seconds wins over X-RateLimit-Reset (no clock skew in a delta)', () => {
    const resetEpoch = String(Math.floor(NOW / 1000) + 300) // a server clock five minutes ahead
    const answer = read({ 'X-RateLimit-Limit': '60', 'X-RateLimit-Remaining': '0', 'Retry-After': '23', 'X-RateLimit-Reset': resetEpoch }, 429)
    expect(answer).toMatchObject({ status: 429, limit: 60, remaining: 0, resetAt: NOW + 23_000 })
  })

  it('reads Retry-After as an HTTP date, and X-RateLimit-Reset alone as epoch seconds or as seconds from now', () => {
    expect(read({ 'Retry-After': new Date(NOW + 30_000).toUTCString() }, 429).resetAt).toBe(NOW + 30_000)
    expect(read({ 'X-RateLimit-Reset': String(NOW / 1000 + 42) }, 429).resetAt).toBe(NOW + 42_000)
    expect(read({ 'X-RateLimit-Reset': '42' }, 429).resetAt).toBe(NOW + 42_000)
    // An epoch time already past (clock skew) means the window is over: now.
    expect(read({ 'X-RateLimit-Reset': String(NOW / 1000 - 5) }, 429).resetAt).toBe(NOW)
  })

  it('ignores garbage rather than turning it into numbers', () => {
    for (const junk of ['', ' ', 'abc', '-1', '1.5', '1e3', '0x10', 'Infinity', 'NaN', '9'.repeat(400), '12 13', '+5']) {
      const answer = read({ 'X-RateLimit-Limit': junk, 'X-RateLimit-Remaining': junk, 'Retry-After': junk, 'X-RateLimit-Reset': junk }, 429)
      expect(answer, JSON.stringify(junk)).toMatchObject({ limit: null, remaining: null, resetAt: null })
    }
    // A limit of 0 is not a limit; more left than the limit is impossible: the smaller figure wins.
    expect(read({ 'X-RateLimit-Limit': '0', 'X-RateLimit-Remaining': '3' })).toMatchObject({ limit: null, remaining: 3 })
    expect(read({ 'X-RateLimit-Limit': '10', 'X-RateLimit-Remaining': '30' })).toMatchObject({ limit: 10, remaining: 10 })
    // A wait of more than a day is not a rate-limit window.
    expect(read({ 'Retry-After': String(2 * 24 * 3600) }, 429).resetAt).toBeNull()
    expect(read({ 'X-RateLimit-Limit': ' 60 ', 'X-RateLimit-Remaining': '\t7' })).toMatchObject({ limit: 60, remaining: 7 })
  })

  it('never yields NaN, Infinity or a negative figure, whatever the headers hold', () => {
    const value = fc.oneof(fc.string(), fc.integer().map(String), fc.double().map(String), fc.date({ noInvalidDate: true }).map((d) => d.toUTCString()))
    fc.assert(
      fc.property(value, value, value, value, fc.constantFrom(200, 204, 404, 422, 429, 500), (limit, remaining, retryAfter, reset, status) => {
        const headers = new Headers()
        for (const [name, text] of [
          ['X-RateLimit-Limit', limit],
          ['X-RateLimit-Remaining', remaining],
          ['Retry-After', retryAfter],
          ['X-RateLimit-Reset', reset]
        ] as const) {
          try {
            headers.set(name, text)
          } catch {
            // A header value fetch itself refuses (a control character) never reaches us.
          }
        }
        const answer = observeRateLimit(headers, status, NOW - 10, NOW)
        for (const figure of [answer.limit, answer.remaining]) {
          if (figure !== null) expect(Number.isSafeInteger(figure) && figure >= 0).toBe(true)
        }
        if (answer.limit !== null) expect(answer.limit).toBeGreaterThan(0)
        if (answer.limit !== null && answer.remaining !== null) expect(answer.remaining).toBeLessThanOrEqual(answer.limit)
        if (answer.resetAt !== null) {
          expect(Number.isFinite(answer.resetAt)).toBe(true)
          expect(answer.resetAt).toBeGreaterThanOrEqual(NOW)
          expect(answer.resetAt).toBeLessThanOrEqual(NOW + 24 * 3600 * 1000)
        }
      }),
      { numRuns: 500 }
    )
  })
})
