import { describe, expect, it } from 'vitest'
import { PendingTokens } from '../../../src/main/services/pending-tokens'

describe('PendingTokens', () => {
  it('holds a token until it is confirmed', () => {
    const pending = new PendingTokens()
    const view = pending.add({ token: '3|abc', keyName: 'Prod', keyId: 3, accountId: 'a@example.com on https://x.example/api', accountLabel: 'a@example.com on x.example', replaces: null })
    expect(pending.list()).toEqual([view])
    expect(pending.wipe(view.pendingId)).toBe(true)
    expect(pending.get(view.pendingId)).toBeNull()
    expect(pending.wipe(view.pendingId)).toBe(false)
  })

  it('wipes a token after a bounded time', () => {
    let expire: (() => void) | undefined
    const pending = new PendingTokens({ ttlMs: 1000, now: () => 0, setTimer: (run) => ((expire = run), {}), clearTimer: () => undefined })
    const view = pending.add({ token: '3|abc', keyName: 'Prod', keyId: 3, accountId: 'a@example.com on https://x.example/api', accountLabel: 'a@example.com on x.example', replaces: null })
    expect(view.expiresAt).toBe(new Date(1000).toISOString())
    expire!()
    expect(pending.list()).toEqual([])
  })
})
