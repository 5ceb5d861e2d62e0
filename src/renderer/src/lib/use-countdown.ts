import { useEffect, useState } from 'react'

/**
 * The time, re-read once a second until `until` (ISO) has passed. Callers key the component by
 * `until`, so a new pause starts from a fresh reading (no state reset inside an effect).
 */
export function useCountdownNow(until: string | null): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    if (until === null) return
    const end = Date.parse(until)
    if (!Number.isFinite(end)) return
    const timer = window.setInterval(() => {
      const current = Date.now()
      setNow(current)
      if (current >= end) window.clearInterval(timer)
    }, 1000)
    return () => window.clearInterval(timer)
  }, [until])
  return now
}

/** Whole seconds from `now` until `until` (ISO), never negative; null for an unreadable time. */
export function secondsUntil(until: string, now: number): number | null {
  const at = Date.parse(until)
  return Number.isFinite(at) ? Math.max(0, Math.ceil((at - now) / 1000)) : null
}
