/**
 * The real-window smoke test (test/electron-binary/run-smoke.mjs) reads the OS clipboard back and
 * expects the platform's "do not record" formats: they must be the ones the app writes.
 */
import { describe, expect, it } from 'vitest'
import { concealedFormats, osClipboardFormat } from '../../src/main/electron/clipboard-port'
import { CONCEALED_FORMATS } from '../electron-binary/run-smoke.mjs'

describe('the smoke test’s clipboard formats', () => {
  it.each(['win32', 'darwin', 'linux'] as const)('%s: the formats the app writes beside the token, with their text values', (platform) => {
    const written = concealedFormats(platform)
    expect(Object.keys(written).sort()).toEqual(Object.keys(CONCEALED_FORMATS[platform]).map(osClipboardFormat).sort())
    for (const [format, value] of Object.entries(CONCEALED_FORMATS[platform])) {
      const payload = written[osClipboardFormat(format)]
      if (value === null) expect(payload).toBeInstanceOf(Blob)
      else expect(payload).toBe(value)
    }
  })
})
