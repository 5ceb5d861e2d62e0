/** Placeholder until the dialog lands (owned by the ui-rotation branch). */
import type { AccountId } from '../../../shared/domain'

export function RotateDialog(_props: { accountId: AccountId; keyId: number }) {
  return null
}
