import { describe, expect, it } from 'vitest'
import { SecureClipboard } from '../../../src/main/clipboard/secure-clipboard'
import { RecordingClipboard } from '../../support/app-fixture'

function setup() {
  const port = new RecordingClipboard()
  const timers: Array<{ run: () => void; ms: number; cancelled: boolean }> = []
  const clipboard = new SecureClipboard(port, {
    setTimer: (run, ms) => {
      const timer = { run, ms, cancelled: false }
      timers.push(timer)
      return timer
    },
    clearTimer: (timer) => {
      ;(timer as { cancelled: boolean }).cancelled = true
    }
  })
  return { port, timers, clipboard }
}

describe('SecureClipboard', () => {
  it('clears the secret after the delay', async () => {
    const { port, timers, clipboard } = setup()
    await clipboard.copySecret('1|secret', 60)
    expect(port.current).toBe('1|secret')
    expect(timers[0]!.ms).toBe(60_000)
    timers[0]!.run()
    await Promise.resolve()
    await Promise.resolve()
    expect(port.current).toBe('')
  })

  it('leaves the clipboard alone when the person copied something else since', async () => {
    const { port, timers, clipboard } = setup()
    await clipboard.copySecret('1|secret', 60)
    port.current = 'their own text'
    timers[0]!.run()
    await Promise.resolve()
    await Promise.resolve()
    expect(port.current).toBe('their own text')
  })

  it('clears on quit only if still ours', async () => {
    const { port, clipboard } = setup()
    await clipboard.copySecret('1|secret', 60)
    await clipboard.clearIfOurs()
    expect(port.current).toBe('')
    port.current = 'later'
    await clipboard.clearIfOurs()
    expect(port.current).toBe('later')
  })

  it('a second copy replaces the first timer', async () => {
    const { port, timers, clipboard } = setup()
    await clipboard.copySecret('1|first', 60)
    await clipboard.copySecret('2|second', 30)
    expect(timers[0]!.cancelled).toBe(true)
    timers[1]!.run()
    await Promise.resolve()
    await Promise.resolve()
    expect(port.current).toBe('')
  })
})
