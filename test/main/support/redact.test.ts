import { describe, expect, it } from 'vitest'
import { redact } from '../../../src/main/support/redact'

const secret40 = 'a1B2'.repeat(10)

describe('redact', () => {
  it('removes the given secrets and anything shaped like a Sanctum token', () => {
    const token = `12|${secret40}`
    expect(redact(`bad key ${token} and opaque-secret-value`, ['opaque-secret-value'])).toBe('bad key [redacted] and [redacted]')
  })

  it.each([
    ['Sanctum 2', `7|${secret40}`],
    ['Sanctum 4 (with the crc32b checksum)', `7|${secret40}0badf00d`],
    ['Sanctum 4 with a token prefix', `7|ac_${secret40}0badf00d`],
    ['the secret alone, without <id>|', secret40],
    ['the Sanctum 4 secret alone', `${secret40}0badf00d`]
  ])('removes %s', (_label, token) => {
    const out = redact(`Authorization failed for ${token}.`)
    expect(out).toBe('Authorization failed for [redacted].')
    expect(out).not.toContain(secret40)
  })

  it('leaves ordinary text alone', () => {
    expect(redact('HTTP 503 from app.autocalls.ai | retry later')).toBe('HTTP 503 from app.autocalls.ai | retry later')
    expect(redact('Key 12 “Production CRM” deleted (id 12)')).toBe('Key 12 “Production CRM” deleted (id 12)')
  })
})
