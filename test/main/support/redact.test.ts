import { describe, expect, it } from 'vitest'
import { redact } from '../../../src/main/support/redact'

describe('redact', () => {
  it('removes the given secrets and anything shaped like a Sanctum token', () => {
    const token = `12|${'a1B2'.repeat(10)}`
    expect(redact(`bad key ${token} and opaque-secret-value`, ['opaque-secret-value'])).toBe('bad key [redacted] and [redacted]')
  })

  it('leaves ordinary text alone', () => {
    expect(redact('HTTP 503 from app.autocalls.ai | retry later')).toBe('HTTP 503 from app.autocalls.ai | retry later')
  })
})
