/** Placeholder until the dialog lands (owned by the ui-rotation branch). */
import type { AccountId } from '../../../shared/domain'

export function RotationDialog(_props: { accountId: AccountId; newKeyId: number }) {
  return null
}
