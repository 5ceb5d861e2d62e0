/**
 * Main's check of every payload the window sends. Typed against the contract: a schema that
 * accepts something other than the channel's request type does not compile.
 */
import { z } from 'zod'
import { ACTIVITY_ACTIONS } from '../../shared/activity'
import { CLIPBOARD_CLEAR_SECONDS_RANGE, QUIET_PERIOD_MINUTES_RANGE } from '../../shared/domain'
import type { InvokeChannel, RequestOf } from '../../shared/ipc-contract'
import { HYGIENE_SETTING_RANGES } from '../../shared/key-hygiene-settings'
import { BULK_DELETE_MAX } from '../services/bulk-delete'

// Channels without a request accept nothing else: a stray payload is a sign of a confused caller.
const none = z.union([z.undefined(), z.null()]).transform(() => undefined)
/** An account id is "<email> on <base URL>"; main then checks that such an account exists. */
const accountId = z.string().min(1).max(2400)
const account = z.strictObject({ accountId })
const keyId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER)
const requestId = z.string().min(8).max(128)
const format = z.enum(['csv', 'json'])
const whole = (range: { min: number; max: number }) => z.number().int().min(range.min).max(range.max)

export const requestSchemas = {
  'app:get-initial-state': none,
  'accounts:list': none,
  'accounts:add': z.strictObject({
    baseUrl: z.string().max(2048),
    apiKey: z.string().max(4096)
  }),
  'accounts:add-sandbox': none,
  'accounts:remove': account,
  'accounts:remove-all': none,
  'accounts:show': account,
  'accounts:refresh-all': none,
  'keys:list': account,
  'keys:get-cached': account,
  'keys:create': z.strictObject({
    accountId,
    // The 255-character rule is the key service's (with a friendly message); this only bounds size.
    name: z.string().max(4096),
    requestId
  }),
  'keys:delete': z.strictObject({ accountId, id: keyId }),
  'keys:bulk-delete': z.strictObject({ accountId, batchId: z.uuid(), ids: z.array(keyId).min(1).max(BULK_DELETE_MAX), includeOwnKey: z.boolean() }),
  'keys:cancel-batch': z.strictObject({ batchId: z.uuid() }),
  // The note's own rules (1,000 characters, a calendar date) are the notes service's, with messages per field.
  'notes:set': z.strictObject({ accountId, keyId, note: z.string().max(16_000), reviewBy: z.string().max(64).nullable() }),
  'activity:list': z.strictObject({ accountId: accountId.optional(), action: z.enum(ACTIVITY_ACTIONS).optional(), limit: z.number().int().min(1).max(100_000).optional() }),
  'export:keys': z.strictObject({ accountId, format }),
  'export:activity': z.strictObject({ format, accountId: accountId.optional() }),
  'rotation:start': z.strictObject({ accountId, keyId, name: z.string().max(4096), requestId }),
  'rotation:finish': z.strictObject({ accountId, newKeyId: keyId }),
  'rotation:cancel': z.strictObject({ accountId, newKeyId: keyId, deleteReplacement: z.boolean() }),
  'rotation:rotate-own': z.strictObject({ accountId, requestId, reveal: z.boolean() }),
  'token:list-pending': none,
  'token:copy': z.strictObject({ pendingId: z.uuid() }),
  'token:confirm-saved': z.strictObject({ pendingId: z.uuid() }),
  'preferences:update': z.strictObject({
    clipboardClearSeconds: whole(CLIPBOARD_CLEAR_SECONDS_RANGE).optional(),
    staleAfterDays: whole(HYGIENE_SETTING_RANGES.staleAfterDays).optional(),
    newForDays: whole(HYGIENE_SETTING_RANGES.newForDays).optional(),
    rotateAfterDays: whole(HYGIENE_SETTING_RANGES.rotateAfterDays).nullable().optional(),
    quietPeriodMinutes: whole(QUIET_PERIOD_MINUTES_RANGE).optional()
  }),
  'app:set-visibility': z.strictObject({ visible: z.boolean() }),
  'shell:open-external': z.strictObject({ url: z.string().max(2048) })
} satisfies { [C in InvokeChannel]: z.ZodType<RequestOf<C>> }

/** A short, specific description of why a payload was refused (no payload values echoed). */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    // An enum's message lists every option: cut, so the answer stays short whatever went wrong.
    .map((issue) => `${issue.path.length ? issue.path.join('.') : 'payload'}: ${issue.message.length > 120 ? `${issue.message.slice(0, 119)}…` : issue.message}`)
    .join('; ')
}
