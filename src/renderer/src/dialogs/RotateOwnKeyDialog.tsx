/** Placeholder until the dialog lands (owned by the ui-rotation branch). */
import type { AccountId } from '../../../shared/domain'

export function RotateOwnKeyDialog(_props: { accountId: AccountId }) {
  return null
}
