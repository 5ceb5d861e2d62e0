/** Placeholder until the dialog lands (owned by the ui-hygiene branch). */
import type { AccountId } from '../../../shared/domain'

export function BulkDeleteDialog(_props: { accountId: AccountId; ids: number[] }) {
  return null
}
