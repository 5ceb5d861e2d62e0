/**
 * What the shown account has to say above its keys: pacing, a notice from main, and its open
 * rotations (the panel's code loads only for an account that has one).
 */
import '../styles/account-extras.css'
import { lazy, Suspense } from 'react'
import type { AccountView } from '../../../shared/domain'
import { useApp } from '../store/store-context'
import { AccountNotice } from './AccountNotice'
import { PacingBanner } from './PacingBanner'

const RotationsPanel = lazy(() => import('./RotationsPanel'))

export function AccountBanners({ account }: { account: AccountView }) {
  const hasRotations = useApp((state) => (state.rotations[account.id]?.records.length ?? 0) > 0)
  return (
    <>
      <PacingBanner pacing={account.pacing} />
      <AccountNotice account={account} />
      {hasRotations && (
        <Suspense fallback={null}>
          <RotationsPanel accountId={account.id} />
        </Suspense>
      )}
    </>
  )
}
