import { describe, expect, it } from 'vitest'
import { DEFAULT_RETRY_POLICY, parseRetryAfterMs, retryDelayMs } from '../../../src/main/api/retry-policy'

describe('retry policy', () => {
  it('uses full jitter under an exponential, capped ceiling', () => {
    const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000 }
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(policy, n, undefined, () => 1))).toEqual([100, 200, 400, 800, 1000])
    expect(retryDelayMs(policy, 3, undefined, () => 0)).toBe(0)
  })

  it('never waits less than Retry-After', () => {
    expect(retryDelayMs(DEFAULT_RETRY_POLICY, 1, 3000, () => 0.1)).toBe(3000)
  })

  it('parses delta-seconds and HTTP dates', () => {
    const now = Date.parse('2026-01-01T00:00:00Z')
    expect(parseRetryAfterMs('7', now)).toBe(7000)
    expect(parseRetryAfterMs('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000)
    expect(parseRetryAfterMs('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0)
    expect(parseRetryAfterMs('soon', now)).toBeUndefined()
    // Not delta-seconds and not an HTTP date (V8's Date.parse would read each as a year).
    for (const odd of ['-1', '1.5', '+3', '0.0', '1 2']) expect(parseRetryAfterMs(odd, now), odd).toBeUndefined()
    expect(parseRetryAfterMs(null, now)).toBeUndefined()
  })
})
