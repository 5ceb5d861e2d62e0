import { describe, expect, it } from 'vitest'
import { checkKeyName, codePointLength } from '../../src/shared/key-name'

describe('checkKeyName (the server rule, checked before sending)', () => {
  it('trims like Laravel', () => {
    expect(checkKeyName('  Production  ')).toEqual({ ok: true, name: 'Production' })
  })

  it.each(['', '   ', '\n\t'])('requires a name (%j)', (input) => {
    expect(checkKeyName(input)).toEqual({ ok: false, message: 'Enter a name for the key.' })
  })

  it('counts code points like mb_strlen: 255 emoji pass, 256 do not', () => {
    expect(checkKeyName('🔑'.repeat(255)).ok).toBe(true)
    const result = checkKeyName('🔑'.repeat(256))
    expect(result).toEqual({ ok: false, message: 'The name is 256 characters long; the most allowed is 255.' })
    expect(codePointLength('🔑')).toBe(1)
  })

  it('rejects non-text', () => {
    expect(checkKeyName(undefined).ok).toBe(false)
    expect(checkKeyName({ toString: () => 'x' }).ok).toBe(false)
  })
})
