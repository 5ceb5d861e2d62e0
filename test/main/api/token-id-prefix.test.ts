import { describe, expect, it } from 'vitest'
import { tokenIdPrefix } from '../../../src/main/api/response-schemas'

describe('tokenIdPrefix', () => {
  it('reads the database id Sanctum puts before the pipe, never one with a leading zero', () => {
    expect(tokenIdPrefix('12|abc')).toBe(12)
    expect(tokenIdPrefix('01|abc')).toBeNull()
    expect(tokenIdPrefix('0|abc')).toBeNull()
    expect(tokenIdPrefix('abc')).toBeNull()
    expect(tokenIdPrefix('9999999999999999|x')).toBeNull()
  })
})
