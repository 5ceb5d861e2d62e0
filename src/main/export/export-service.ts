/**
 * Exports of an account's key list (with this computer's notes) and of the activity log, as CSV or
 * JSON. Main builds the file and hands it to a save port: in the desktop app the native save
 * dialog (the window never gets file-system access); in the browser preview a download.
 */
import { accountLabel, type AccountId, type ExportOutcome } from '../../shared/domain'
import type { AccountSessions } from '../accounts/account-sessions'
import { UserFacingError } from '../services/app-error'
import type { KeysService } from '../services/keys-service'
import type { AppStateStore } from '../storage/app-state-store'
import type { ActivityLog } from '../storage/activity-log'
import { exportActivity, exportKeys, type ExportFile, type ExportFormat } from './exports'

/** Where an export goes: a file the person chooses, or the browser's downloads. */
export interface SavePort {
  save(file: ExportFile): Promise<ExportOutcome>
}

/** The browser preview's (and the tests') port: the file goes back to the page as a download. */
export const downloadSavePort: SavePort = {
  save: async (file) => ({ outcome: 'download', fileName: file.suggestedName, mimeType: file.mimeType, content: file.text })
}

export interface ExportServiceDeps {
  sessions: AccountSessions
  keys: KeysService
  state: AppStateStore
  activityLog: ActivityLog
  save: SavePort
  now?: () => Date
}

export class ExportService {
  readonly #deps: ExportServiceDeps

  constructor(deps: ExportServiceDeps) {
    this.#deps = deps
  }

  /** The account's last known list (the one on screen), its notes and states. */
  async keys(accountId: AccountId, format: ExportFormat): Promise<ExportOutcome> {
    const { sessions, keys, state, save } = this.#deps
    const account = sessions.view(accountId)
    if (!account) throw new UserFacingError('not_signed_in', 'That account is not in Autocalls Keys any more.')
    const list = await keys.cached(accountId)
    if (!list) throw new UserFacingError('not_found', 'There is no list of this account’s keys to export yet: refresh it first.')
    const notes = new Map(Object.entries(list.notes).map(([id, note]) => [Number(id), note]))
    const file = exportKeys({ account: { id: accountId, label: accountLabel(account) }, keys: list.keys, notes, settings: state.state.preferences, now: this.#now() }, format)
    return save.save(file)
  }

  /** The activity log, of one account or of all. */
  async activity(format: ExportFormat, accountId?: AccountId): Promise<ExportOutcome> {
    const { sessions, activityLog, save } = this.#deps
    const account = accountId === undefined ? null : sessions.view(accountId)
    if (accountId !== undefined && !account) throw new UserFacingError('not_signed_in', 'That account is not in Autocalls Keys any more.')
    const read = await activityLog.read({ ...(accountId === undefined ? {} : { accountId }), limit: Number.MAX_SAFE_INTEGER, includeArchive: true })
    const file = exportActivity(
      {
        account: account && accountId !== undefined ? { id: accountId, label: accountLabel(account) } : null,
        entries: read.entries,
        cut: read.cut,
        damagedLines: read.damagedLines,
        unrecognisedLines: read.unrecognisedLines,
        now: this.#now()
      },
      format
    )
    return save.save(file)
  }

  #now(): Date {
    return this.#deps.now?.() ?? new Date()
  }
}
