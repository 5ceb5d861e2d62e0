/**
 * The text of Help → "Copy diagnostics": what a support request needs to start (versions, the
 * accounts' hosts and states, the last log lines) and nothing the person would not want pasted
 * into an email: no credential or token (everything passes through `redact`), and no email
 * address: an account is its host and a hash of its email, and any email address in a log line is
 * replaced by the same hash, so support can match "the account on host X" across both parts.
 */
import { createHash } from 'node:crypto'
import { hostOf, type AccountView } from '../../shared/domain'
import { redact } from '../support/redact'

export const DIAGNOSTICS_LOG_LINES = 100

export interface DiagnosticsAccount {
  baseUrl: string
  email: string
  isSandbox: boolean
  status: string
  /** The kind of the account's problem, if any (the message may name the person). */
  problemKind: string | null
  keyCount: number | null
}

export interface DiagnosticsInput {
  appName: string
  appVersion: string
  isPackaged: boolean
  /** `process.versions` in the main process: electron, chrome, node, v8. */
  versions: Partial<Record<string, string | undefined>>
  os: { platform: string; release: string; arch: string; version?: string }
  locale?: string
  accounts: readonly DiagnosticsAccount[]
  /** The last lines of the log file (oldest first); only the last DIAGNOSTICS_LOG_LINES are used. */
  logLines: readonly string[]
  /** Where the log file is, so support can ask for the whole of it. */
  logFile: string
  now: Date
}

/**
 * First 12 hex digits of SHA-256 of the trimmed, lower-cased address: the same on every computer, so support
 * can check it against the address the person gives them; not the address itself.
 */
export function emailHash(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase(), 'utf8').digest('hex').slice(0, 12)
}

// Loose on purpose: anything that looks like an address is hidden, even an odd one.
const EMAIL_SHAPE = /[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g

const hiddenEmail = (address: string): string => `<email ${emailHash(address)}>`

/** Replaces every email address with `<email HASH>`, then removes anything shaped like a secret. */
export function scrub(text: string): string {
  return redact(text.replace(EMAIL_SHAPE, hiddenEmail))
}

export function buildDiagnosticsText(input: DiagnosticsInput): string {
  const v = input.versions
  const lines = [
    `${input.appName} diagnostics, ${input.now.toISOString()}`,
    '',
    `App: ${input.appVersion}${input.isPackaged ? '' : ' (development build)'}`,
    `Electron: ${v['electron'] ?? 'n/a'}`,
    `Chromium: ${v['chrome'] ?? 'n/a'}`,
    `Node: ${v['node'] ?? 'n/a'}`,
    `V8: ${v['v8'] ?? 'n/a'}`,
    `OS: ${input.os.platform} ${input.os.release} (${input.os.arch})${input.os.version ? `, ${input.os.version}` : ''}`,
    ...(input.locale ? [`Locale: ${input.locale}`] : []),
    '',
    `Accounts (${input.accounts.length}):`,
    ...(input.accounts.length === 0
      ? ['  none']
      : input.accounts.map((account) => {
          const details = [account.status, account.problemKind ? `problem: ${account.problemKind}` : null, account.keyCount === null ? null : `${account.keyCount} keys`]
          return `  - ${hostOf(account.baseUrl)}${account.isSandbox ? ' (sandbox)' : ''}, ${hiddenEmail(account.email)}, ${details.filter(Boolean).join(', ')}`
        })),
    '',
    `Log (${input.logFile}), last ${Math.min(DIAGNOSTICS_LOG_LINES, input.logLines.length)} lines:`,
    ...(input.logLines.length === 0 ? ['  (empty)'] : input.logLines.slice(-DIAGNOSTICS_LOG_LINES))
  ]
  // Every line scrubbed, the versions and hosts included: nothing in this text is trusted to be clean.
  return `${lines.map(scrub).join('\n')}\n`
}

/** What the diagnostics say about each account (no credential, no problem message). */
export function diagnosticsAccounts(accounts: readonly AccountView[]): DiagnosticsAccount[] {
  return accounts.map((account) => ({
    baseUrl: account.baseUrl,
    email: account.profile.email,
    isSandbox: account.isSandbox,
    status: account.status,
    problemKind: account.problem?.kind ?? null,
    keyCount: account.keyCount
  }))
}

/** A path with the home folder shown as `~` (the folder name is often the person's name). */
export function displayPath(path: string, home: string): string {
  return home !== '' && path.startsWith(home) ? `~${path.slice(home.length)}` : path
}
