/**
 * The two exports: an account's key list with its local metadata, and the activity log, each as
 * CSV (for people and spreadsheets) and as JSON (for scripts; a stable shape with a version).
 *
 * Never a token: every row is built field by field from the metadata named here, so whatever
 * else an object passed in carries (a created key's token, say) cannot reach the file.
 *
 * CSV files start with a UTF-8 byte order mark by default: Excel (Windows and macOS) otherwise
 * reads a CSV in the system's legacy code page and garbles every accent, emoji and right-to-left
 * name, and the people who export a key list mostly open it in a spreadsheet. LibreOffice,
 * Google Sheets, Numbers and Python's `utf-8-sig` read the mark and drop it. Scripts that want
 * plain bytes can ask for `bom: false`, or use the JSON.
 *
 * JSON shapes (version 1; a later version adds fields, and changes the number only when a field
 * changes meaning or goes away):
 *
 *   { "format": "autocalls-keys/keys", "version": 1, "exportedAt": ISO,
 *     "account": { "id", "label" },
 *     "settings": { "staleAfterDays", "newForDays", "rotateAfterDays" },
 *     "keys": [ { "id", "name", "createdAt", "lastUsedAt" (ISO or null), "lastUsedUnreadable",
 *                 "state" ("in-use" | "stale" | "never-used" | "new" | "unknown"), "rotationDue",
 *                 "isAppKey", "note" ("" when none), "reviewBy" (YYYY-MM-DD or null) } ] }
 *
 *   { "format": "autocalls-keys/activity", "version": 1, "exportedAt": ISO,
 *     "account": { "id", "label" } or null (every account),
 *     "cut": the log's cut marker or null, "damagedLines", "unrecognisedLines",
 *     "entries": [ { "id", "at", "accountId", "accountLabel", "action", "keyId", "keyName",
 *                    "relatedKeyId", "outcome", "errorKind", "detail", "source" } ] }
 */
import { ACTIVITY_ACTION_LABELS, type ActivityCutMarker, type ActivityEntry } from '../../shared/activity'
import type { AccountId, ApiKey } from '../../shared/domain'
import { classifyKey, DEFAULT_HYGIENE_SETTINGS, KEY_STATE_LABELS, type HygieneSettings, type KeyState } from '../../shared/key-hygiene'
import { toCsv, type CsvCell } from './csv'

export type ExportFormat = 'csv' | 'json'

export interface ExportFile {
  format: ExportFormat
  mimeType: string
  /** A file name for the save dialog (or the preview's download), without a folder. */
  suggestedName: string
  text: string
}

export interface ExportAccount {
  id: AccountId
  /** "email on host". */
  label: string
}

/** What the key export reads of a key (structural: any key type of the app fits). */
export type ExportableKey = Pick<ApiKey, 'id' | 'name' | 'createdAt' | 'lastUsedAt'> & { lastUsedUnreadable?: boolean; isAppKey?: boolean }

export interface KeyExportInput {
  account: ExportAccount
  keys: readonly ExportableKey[]
  /** The account's notes by key id. */
  notes?: ReadonlyMap<number, { readonly note: string; readonly reviewBy: string | null }>
  settings?: Readonly<HygieneSettings>
  now?: Date
}

export interface ExportOptions {
  /** CSV only: start with a UTF-8 byte order mark (default true, see above). */
  bom?: boolean
}

export const KEY_EXPORT_FORMAT = 'autocalls-keys/keys'
export const ACTIVITY_EXPORT_FORMAT = 'autocalls-keys/activity'
export const EXPORT_VERSION = 1

export interface KeyExportRow {
  id: number
  name: string
  createdAt: string
  lastUsedAt: string | null
  lastUsedUnreadable: boolean
  state: KeyState
  rotationDue: boolean
  isAppKey: boolean
  note: string
  reviewBy: string | null
}

export interface KeyExportDocument {
  format: typeof KEY_EXPORT_FORMAT
  version: typeof EXPORT_VERSION
  exportedAt: string
  account: ExportAccount
  settings: HygieneSettings
  keys: KeyExportRow[]
}

export const KEY_CSV_HEADER = ['ID', 'Name', 'Created (UTC)', 'Last used (UTC)', 'State', 'Note', 'Review by', 'This app'] as const

function keyRows(input: KeyExportInput): KeyExportRow[] {
  const settings = input.settings ?? DEFAULT_HYGIENE_SETTINGS
  const nowMs = (input.now ?? new Date()).getTime()
  return input.keys.map((key) => {
    const hygiene = classifyKey(key, nowMs, settings)
    const note = input.notes?.get(key.id)
    return {
      id: key.id,
      name: key.name,
      createdAt: key.createdAt,
      lastUsedAt: key.lastUsedAt,
      lastUsedUnreadable: key.lastUsedUnreadable === true,
      state: hygiene.state,
      rotationDue: hygiene.rotationDue,
      isAppKey: key.isAppKey === true,
      note: note?.note ?? '',
      reviewBy: note?.reviewBy ?? null
    }
  })
}

export function buildKeyExportDocument(input: KeyExportInput): KeyExportDocument {
  const settings = input.settings ?? DEFAULT_HYGIENE_SETTINGS
  return {
    format: KEY_EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: (input.now ?? new Date()).toISOString(),
    account: { id: input.account.id, label: input.account.label },
    settings: { staleAfterDays: settings.staleAfterDays, newForDays: settings.newForDays, rotateAfterDays: settings.rotateAfterDays },
    keys: keyRows(input)
  }
}

const lastUsedCell = (row: KeyExportRow): string => (row.lastUsedAt ?? (row.lastUsedUnreadable ? 'unreadable' : 'never'))

export function exportKeys(input: KeyExportInput, format: ExportFormat, options: ExportOptions = {}): ExportFile {
  const now = input.now ?? new Date()
  const suggestedName = exportFileName('keys', input.account.label, now, format)
  if (format === 'json') {
    return { format, mimeType: 'application/json', suggestedName, text: `${JSON.stringify(buildKeyExportDocument({ ...input, now }), null, 2)}\n` }
  }
  const rows: CsvCell[][] = [[...KEY_CSV_HEADER]]
  for (const row of keyRows({ ...input, now })) {
    rows.push([row.id, row.name, row.createdAt, lastUsedCell(row), KEY_STATE_LABELS[row.state], row.note, row.reviewBy ?? '', row.isAppKey ? 'yes' : 'no'])
  }
  return { format, mimeType: 'text/csv;charset=utf-8', suggestedName, text: toCsv(rows, { bom: options.bom ?? true }) }
}

// ── The activity log ─────────────────────────────────────────────────────────────────────────

export interface ActivityExportInput {
  /** The account whose entries these are, or null for every account. */
  account: ExportAccount | null
  /** In the order to write them (the log reader gives newest first). */
  entries: readonly ActivityEntry[]
  cut?: ActivityCutMarker | null
  damagedLines?: number
  unrecognisedLines?: number
  now?: Date
}

export type ActivityExportEntry = Omit<ActivityEntry, 'type' | 'v'>

export interface ActivityExportDocument {
  format: typeof ACTIVITY_EXPORT_FORMAT
  version: typeof EXPORT_VERSION
  exportedAt: string
  account: ExportAccount | null
  cut: ActivityCutMarker | null
  damagedLines: number
  unrecognisedLines: number
  entries: ActivityExportEntry[]
}

export const ACTIVITY_CSV_HEADER = ['Time (UTC)', 'Account', 'Action', 'Key ID', 'Key name', 'Related key ID', 'Outcome', 'Error kind', 'Detail', 'Source'] as const

const exportEntry = (entry: ActivityEntry): ActivityExportEntry => ({
  id: entry.id,
  at: entry.at,
  accountId: entry.accountId,
  accountLabel: entry.accountLabel,
  action: entry.action,
  keyId: entry.keyId,
  keyName: entry.keyName,
  relatedKeyId: entry.relatedKeyId,
  outcome: entry.outcome,
  errorKind: entry.errorKind,
  detail: entry.detail,
  source: entry.source
})

export function buildActivityExportDocument(input: ActivityExportInput): ActivityExportDocument {
  return {
    format: ACTIVITY_EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: (input.now ?? new Date()).toISOString(),
    account: input.account === null ? null : { id: input.account.id, label: input.account.label },
    cut: input.cut ?? null,
    damagedLines: input.damagedLines ?? 0,
    unrecognisedLines: input.unrecognisedLines ?? 0,
    entries: input.entries.map(exportEntry)
  }
}

export function exportActivity(input: ActivityExportInput, format: ExportFormat, options: ExportOptions = {}): ExportFile {
  const now = input.now ?? new Date()
  const suggestedName = exportFileName('activity', input.account?.label ?? 'all accounts', now, format)
  if (format === 'json') {
    return { format, mimeType: 'application/json', suggestedName, text: `${JSON.stringify(buildActivityExportDocument({ ...input, now }), null, 2)}\n` }
  }
  const rows: CsvCell[][] = [[...ACTIVITY_CSV_HEADER]]
  for (const entry of input.entries) {
    rows.push([
      entry.at,
      entry.accountLabel,
      ACTIVITY_ACTION_LABELS[entry.action],
      entry.keyId,
      entry.keyName,
      entry.relatedKeyId,
      entry.outcome,
      entry.errorKind,
      entry.detail,
      entry.source
    ])
  }
  return { format, mimeType: 'text/csv;charset=utf-8', suggestedName, text: toCsv(rows, { bom: options.bom ?? true }) }
}

// ── File names ───────────────────────────────────────────────────────────────────────────────

/**
 * `autocalls-keys-ada-example.com-on-app.autocalls.ai-2026-12-02.csv`: only letters, digits,
 * `.`, `-` and `_`, so the name is valid on Windows, macOS and Linux whatever the label holds.
 */
export function exportFileName(kind: 'keys' | 'activity', label: string, now: Date, format: ExportFormat): string {
  const slug = label
    .normalize('NFKD')
    .replace(/\p{M}/gu, '') // ä → a: the accents that NFKD split off
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 80)
  const day = now.toISOString().slice(0, 10)
  const prefix = kind === 'keys' ? 'autocalls-keys' : 'autocalls-activity'
  return `${[prefix, slug, day].filter((part) => part !== '').join('-')}.${format}`
}
