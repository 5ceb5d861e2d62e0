/**
 * Says when background work for the shown account waits to stay within the server's rate limit:
 * "Pausing 23 s to stay within the server's limit (4 of 60 left)", counting down to `resumesAt`.
 * A timer role (not a live region): a screen reader reads it when asked, not every second.
 */
import '../styles/account-banners.css'
import type { PacingView } from '../../../shared/domain'
import { useCountdownNow } from '../lib/use-countdown'

/** "(4 of 60 left)", "(4 left)" or "" from what the server last said. */
const leftText = (pacing: PacingView): string => {
  if (pacing.remaining === null) return ''
  return pacing.limit === null ? ` (${pacing.remaining} left)` : ` (${pacing.remaining} of ${pacing.limit} left)`
}

/** The banner's sentence at `now` (pure, for tests and the countdown). */
export function pacingText(pacing: PacingView, now: number): string {
  const left = leftText(pacing)
  const resumes = pacing.resumesAt === null ? Number.NaN : Date.parse(pacing.resumesAt)
  if (Number.isFinite(resumes)) {
    const seconds = Math.ceil((resumes - now) / 1000)
    if (seconds <= 0) return `Resuming background requests${left}…`
    return `Pausing ${seconds} s to stay within the server's limit${left}`
  }
  if (pacing.reason === 'no-headers') return 'Pacing background requests to one a second: the server does not say its limit.'
  return `Spreading background requests to stay within the server's limit${left}`
}

export function PacingBanner({ pacing }: { pacing: PacingView | null }) {
  if (!pacing) return null
  return <PacingLine key={pacing.resumesAt ?? ''} pacing={pacing} />
}

function PacingLine({ pacing }: { pacing: PacingView }) {
  const now = useCountdownNow(pacing.resumesAt)
  return (
    <div role="timer" aria-label="Pacing" className="banner banner-pacing">
      <span>{pacingText(pacing, now)}</span>
    </div>
  )
}
