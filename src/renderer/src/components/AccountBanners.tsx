/**
 * What the shown account has to say above its keys: pacing, a notice from main, and its open
 * rotations.
 */
import '../styles/account-extras.css'
import { lazy, Suspense } from 'react'
import type { AccountView } from '../../../shared/domain'
import { useApp } from '../store/store-context'

// Each loads only for an account that has something to show: most sessions never pause, get a
// notice or rotate, and the window's start is kept small (issue 14's budget).
const RotationsPanel = lazy(() => import('./RotationsPanel'))
const PacingBanner = lazy(() => import('./PacingBanner').then((m) => ({ default: m.PacingBanner })))
const AccountNotice = lazy(() => import('./AccountNotice').then((m) => ({ default: m.AccountNotice })))

export function AccountBanners({ account }: { account: AccountView }) {
  const hasRotations = useApp((state) => (state.lists[account.id]?.rotations.length ?? 0) > 0)
  return (
    <>
      {account.pacing && (
        <Suspense fallback={null}>
          <PacingBanner pacing={account.pacing} />
        </Suspense>
      )}
      {account.notice && (
        <Suspense fallback={null}>
          <AccountNotice account={account} />
        </Suspense>
      )}
      {hasRotations && (
        <Suspense fallback={null}>
          <RotationsPanel accountId={account.id} />
        </Suspense>
      )}
    </>
  )
}
