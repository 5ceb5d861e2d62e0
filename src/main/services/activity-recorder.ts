/**
 * Writes the changes this app makes to the activity log. Labels each entry with its account as
 * it reads now, and never lets a failing log break the action it records (it is logged instead).
 */
import type { ActivityInput } from '../../shared/activity'
import { accountLabel, type AccountId } from '../../shared/domain'
import type { AccountSessions } from '../accounts/account-sessions'
import type { ActivityLog } from '../storage/activity-log'
import { log } from '../support/log'

export type ActivityRecord = Omit<ActivityInput, 'accountId' | 'accountLabel'>

export class ActivityRecorder {
  readonly #log: ActivityLog
  readonly #sessions: AccountSessions

  constructor(activityLog: ActivityLog, sessions: AccountSessions) {
    this.#log = activityLog
    this.#sessions = sessions
  }

  get log(): ActivityLog {
    return this.#log
  }

  /** Records changes to one account (in order, under one turn at the log's lock). */
  async record(accountId: AccountId, ...records: ActivityRecord[]): Promise<void> {
    if (records.length === 0) return
    const view = this.#sessions.view(accountId)
    const label = view ? accountLabel(view) : accountId
    try {
      await this.#log.appendMany(records.map((record) => ({ ...record, accountId, accountLabel: label })))
    } catch (error) {
      log.warn('Could not write to the activity log:', error)
    }
  }

  /** Records with a label given by the caller (an account about to be removed). */
  async recordFor(accountId: AccountId, label: string, record: ActivityRecord): Promise<void> {
    try {
      await this.#log.append({ ...record, accountId, accountLabel: label })
    } catch (error) {
      log.warn('Could not write to the activity log:', error)
    }
  }
}
