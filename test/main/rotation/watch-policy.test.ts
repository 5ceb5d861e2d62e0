import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { DEFAULT_WATCH_POLICY, intervalAfterRefresh, nextRefreshAt, RotationWatcher } from '../../../src/main/rotation/watch-policy'

const START = Date.parse('2026-03-02T09:00:00Z')
const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const figures = (line: string) => {
  if (process.env.PACER_FIGURES) console.info(line)
}

beforeEach(() => {
  vi.useFakeTimers()
  vi.setSystemTime(START)
})
afterEach(() => {
  vi.useRealTimers()
})

/** A watcher whose refreshes take 300 ms and are logged; `changed` decides each outcome. */
function setUp(changed: (accountId: string, count: number) => boolean = () => false) {
  const refreshes: { accountId: string; at: number }[] = []
  const watcher = new RotationWatcher({
    refresh: async (accountId) => {
      refreshes.push({ accountId, at: Date.now() - START })
      await new Promise((resolve) => setTimeout(resolve, 300))
      return { changed: changed(accountId, refreshes.filter((r) => r.accountId === accountId).length) }
    }
  })
  return { watcher, refreshes }
}

describe('the watch policy', () => {
  it('backs off ×2 after each refresh that changed nothing, up to 10 minutes, and resets on a change', () => {
    const p = DEFAULT_WATCH_POLICY
    let interval = p.baseIntervalMs
    const seen = []
    for (let i = 0; i < 6; i++) seen.push((interval = intervalAfterRefresh(p, interval, false)) / MINUTE)
    expect(seen).toEqual([2, 4, 8, 10, 10, 10])
    expect(intervalAfterRefresh(p, 10 * MINUTE, true)).toBe(MINUTE)
  })

  it('never schedules within a minute of the last refresh, even just after a resume', () => {
    const state = { since: START - HOUR, intervalMs: MINUTE, lastRefreshAt: START, resumedAt: START + 10 * SECOND, resumeSlot: 0 }
    expect(nextRefreshAt(DEFAULT_WATCH_POLICY, state)).toBe(START + MINUTE)
    const longAgo = { ...state, intervalMs: 10 * MINUTE, lastRefreshAt: START - HOUR }
    expect(nextRefreshAt(DEFAULT_WATCH_POLICY, longAgo)).toBe(START + 15 * SECOND)
    // Even a policy asking for less keeps the minute.
    expect(nextRefreshAt({ ...DEFAULT_WATCH_POLICY, baseIntervalMs: 5 * SECOND }, { ...state, intervalMs: 5 * SECOND })).toBe(START + MINUTE)
  })
})

describe('an open rotation, watched over simulated hours', () => {
  it('visible for 3 h with nothing changing: 20 refreshes', async () => {
    const { watcher, refreshes } = setUp()
    watcher.watch('a', START) // the list was fetched when the replacement was created
    await vi.advanceTimersByTimeAsync(3 * HOUR)
    // At 1, 3, 7, 15 and 25 min (gaps 1, 2, 4, 8, 10), then every 10 min to 175 min: 4 + 16.
    expect(refreshes.slice(0, 6).map((r) => r.at / MINUTE)).toEqual([1, 3, 7, 15, 25, 35])
    expect(refreshes).toHaveLength(20)
    figures(`watching, visible 3 h, no change: ${refreshes.length} refreshes`)
  })

  it('visible for 3 h with the rotation moving on at every refresh: once a minute, never more', async () => {
    const { watcher, refreshes } = setUp(() => true)
    watcher.watch('a', START)
    await vi.advanceTimersByTimeAsync(3 * HOUR)
    expect(refreshes).toHaveLength(180)
    for (let i = 1; i < refreshes.length; i++) expect(refreshes[i]!.at - refreshes[i - 1]!.at).toBeGreaterThanOrEqual(MINUTE)
  })

  it('hidden: nothing; shown again: one refresh 5 s later, not a burst; asleep: nothing either', async () => {
    const { watcher, refreshes } = setUp()
    watcher.watch('a', START)
    watcher.setVisible(false)
    await vi.advanceTimersByTimeAsync(3 * HOUR)
    expect(refreshes).toHaveLength(0)
    watcher.setVisible(true)
    await vi.advanceTimersByTimeAsync(MINUTE)
    expect(refreshes.map((r) => r.at)).toEqual([3 * HOUR + 5 * SECOND])
    // Then the regular pace from that refresh on: 2 minutes later (its interval doubled).
    await vi.advanceTimersByTimeAsync(2 * MINUTE)
    expect(refreshes.map((r) => r.at)).toEqual([3 * HOUR + 5 * SECOND, 3 * HOUR + 5 * SECOND + 2 * MINUTE])

    watcher.setAwake(false) // the computer sleeps for a night
    await vi.advanceTimersByTimeAsync(8 * HOUR)
    expect(refreshes).toHaveLength(2)
    watcher.setAwake(true)
    await vi.advanceTimersByTimeAsync(30 * SECOND)
    expect(refreshes.slice(2).map((r) => r.at)).toEqual([11 * HOUR + 3 * MINUTE + 5 * SECOND]) // one, 5 s after waking
  })

  it('a day: 1 h visible, 2 h hidden, 1 h visible, a night asleep, 4 h visible', async () => {
    const { watcher, refreshes } = setUp()
    watcher.watch('a', START)
    const counts: number[] = []
    const phase = async (ms: number, visible: boolean, awake = true) => {
      watcher.setVisible(visible)
      watcher.setAwake(awake)
      const before = refreshes.length
      await vi.advanceTimersByTimeAsync(ms)
      counts.push(refreshes.length - before)
    }
    await phase(HOUR, true)
    await phase(2 * HOUR, false)
    await phase(HOUR, true)
    await phase(12 * HOUR, true, false)
    await phase(4 * HOUR, true)
    // 1 h visible: 1, 3, 7, 15, 25 min, then every 10 to 55 min = 8. Hidden: 0. Back: one at
    // +5 s, then the interval carries on at 10 min (nothing changed): 6. Asleep: 0. 4 h: 24.
    expect(counts).toEqual([8, 0, 6, 0, 24])
    figures(`watching a day: ${counts.join(' / ')} refreshes (visible 1 h / hidden 2 h / visible 1 h / asleep 12 h / visible 4 h)`)
  })

  it('counts the person’s refresh: the next automatic one waits a full interval after it', async () => {
    const { watcher, refreshes } = setUp()
    watcher.watch('a', START)
    await vi.advanceTimersByTimeAsync(50 * SECOND)
    watcher.noteRefreshStarted('a') // Ctrl+R at 50 s
    watcher.noteRefreshFinished('a', false)
    await vi.advanceTimersByTimeAsync(2 * MINUTE)
    // Not at 60 s (10 s after the person's), but at 50 s + 2 min (the interval grew, nothing changed).
    expect(refreshes.map((r) => r.at)).toEqual([50 * SECOND + 2 * MINUTE])
  })

  it('stops watching an account whose rotation closed', async () => {
    const { watcher, refreshes } = setUp()
    watcher.watch('a', START)
    watcher.watch('b', null) // its list's last fetch is not known: an interval after watching began
    await vi.advanceTimersByTimeAsync(90 * SECOND)
    expect(refreshes).toEqual([
      { accountId: 'a', at: MINUTE },
      { accountId: 'b', at: MINUTE }
    ])
    watcher.unwatch('a')
    await vi.advanceTimersByTimeAsync(HOUR)
    expect(refreshes.filter((r) => r.accountId === 'a')).toHaveLength(1)
    expect(refreshes.filter((r) => r.accountId === 'b').length).toBeGreaterThan(5)
    expect(watcher.watching()).toEqual(['b'])
  })
})

describe('property: at most once a minute per account, and only while the window is there', () => {
  const event = fc.oneof(
    fc.record({ at: fc.integer({ min: 0, max: 3 * HOUR }), kind: fc.constant('manual' as const), account: fc.constantFrom('a' as const, 'b' as const), changed: fc.boolean() }),
    fc.record({ at: fc.integer({ min: 0, max: 3 * HOUR }), kind: fc.constantFrom('visible' as const, 'awake' as const), value: fc.boolean() })
  )

  it('holds for any mix of the person’s refreshes, hiding, sleeping and changes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(event, { maxLength: 40 }), fc.array(fc.boolean(), { minLength: 1, maxLength: 50 }), async (events, outcomes) => {
        vi.setSystemTime(START)
        const refreshes: { account: string; at: number; auto: boolean }[] = []
        const whileAway: number[] = []
        let visible = true
        let awake = true
        let n = 0
        const watcher = new RotationWatcher({
          refresh: async (account) => {
            refreshes.push({ account, at: Date.now() - START, auto: true })
            if (!(visible && awake)) whileAway.push(Date.now() - START) // (a throw here would be swallowed as a failed refresh)
            await new Promise((resolve) => setTimeout(resolve, 300))
            return { changed: outcomes[n++ % outcomes.length]! }
          }
        })
        watcher.watch('a', START)
        watcher.watch('b', null)
        for (const e of [...events].sort((x, y) => x.at - y.at)) {
          await vi.advanceTimersByTimeAsync(START + e.at - Date.now())
          if (e.kind === 'manual') {
            refreshes.push({ account: e.account, at: e.at, auto: false })
            watcher.noteRefreshStarted(e.account)
            watcher.noteRefreshFinished(e.account, e.changed)
          } else if (e.kind === 'visible') watcher.setVisible((visible = e.value))
          else watcher.setAwake((awake = e.value))
        }
        await vi.advanceTimersByTimeAsync(START + 4 * HOUR - Date.now())
        watcher.stop()
        expect(whileAway).toEqual([])
        for (const account of ['a', 'b']) {
          const mine = refreshes.filter((r) => r.account === account)
          // Against every refresh that came before it, in the order they happened: a person's
          // refresh in the same millisecond as an automatic one, but after it, is not one it could wait for.
          mine.forEach((auto, i) => {
            if (!auto.auto) return
            for (const earlier of mine.slice(0, i)) expect(auto.at - earlier.at, `${account} at ${auto.at}`).toBeGreaterThanOrEqual(MINUTE)
          })
          expect(mine.filter((r) => r.auto).length).toBeLessThanOrEqual(4 * 60)
        }
      }),
      {
        numRuns: 25,
        // Once a false alarm (CI, seed 253426179): the person refreshes at 2 h 15 min, the very
        // millisecond an automatic refresh is due. Always tried.
        examples: [[[{ at: 135 * MINUTE, kind: 'manual', account: 'a', changed: false }], [false]]]
      }
    )
  })
})
