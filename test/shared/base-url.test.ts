import { describe, expect, it } from 'vitest'
import { checkBaseUrl } from '../../src/shared/base-url'

describe('checkBaseUrl', () => {
  it.each([
    ['https://app.autocalls.ai/api', 'https://app.autocalls.ai/api'],
    ['  https://App.Autocalls.AI/api/  ', 'https://app.autocalls.ai/api'],
    ['https://calls.example.com', 'https://calls.example.com'],
    ['http://127.0.0.1:8080/api', 'http://127.0.0.1:8080/api'],
    ['http://localhost:3000/api', 'http://localhost:3000/api'],
    ['http://[::1]:3000/api', 'http://[::1]:3000/api']
  ])('accepts %s as %s', (input, expected) => {
    expect(checkBaseUrl(input)).toEqual({ ok: true, url: expected })
  })

  it.each([
    ['', /Enter the API base URL/],
    ['app.autocalls.ai/api', /not a valid URL/],
    ['http://app.autocalls.ai/api', /must use https/],
    ['http://192.168.1.10/api', /must use https/],
    ['ftp://app.autocalls.ai', /must start with https/],
    ['https://user:pw@app.autocalls.ai/api', /user name or password/],
    ['https://app.autocalls.ai/api?x=1', /query/],
    ['javascript:alert(1)', /must start with https/]
  ])('rejects %j with a clear message', (input, message) => {
    const result = checkBaseUrl(input)
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.message).toMatch(message)
  })

  it('rejects non-strings', () => {
    expect(checkBaseUrl(42).ok).toBe(false)
  })
})
