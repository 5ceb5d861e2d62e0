/** Placeholder until the dialog lands (owned by the ui-hygiene branch). */
import type { AccountId } from '../../../shared/domain'

export function NotesDialog(_props: { accountId: AccountId; keyId: number }) {
  return null
}
