/**
 * The `--json` shapes. Every document is one JSON object with `version` first; fields are only
 * ever added within a version, and a change that could break a script bumps it.
 */
import { hostOf, type AccountId } from '../../shared/domain'
import type { AppError } from '../../shared/errors'

export const JSON_VERSION = 1

export interface AccountJson {
  id: AccountId
  /** What --account, use and logout take for this account. */
  selector: string
  email: string
  name: string | null
  host: string
  baseUrl: string
}

export function accountJson(account: { id: AccountId; baseUrl: string; profile: { email: string; name: string | null } }, selector: string): AccountJson {
  return { id: account.id, selector, email: account.profile.email, name: account.profile.name, host: hostOf(account.baseUrl), baseUrl: account.baseUrl }
}

/** One line: a script reads a command's whole answer with one JSON.parse. */
export const jsonDocument = (body: Record<string, unknown>): string => `${JSON.stringify({ version: JSON_VERSION, ...body })}\n`

/** The error form, on standard error: always the last line there. */
export const jsonError = (error: AppError, exitCode: number, details?: Record<string, unknown>): string =>
  jsonDocument({ error: { kind: error.kind, message: error.message, exitCode, ...(error.fieldErrors ? { fieldErrors: error.fieldErrors } : {}), ...details } })
