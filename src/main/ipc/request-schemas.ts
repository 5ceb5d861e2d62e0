/**
 * Main's check of every payload the window sends. Typed against the contract: a schema that
 * accepts something other than the channel's request type does not compile.
 */
import { z } from 'zod'
import { CLIPBOARD_CLEAR_SECONDS_RANGE } from '../../shared/domain'
import type { InvokeChannel, RequestOf } from '../../shared/ipc-contract'

// Channels without a request accept nothing else: a stray payload is a sign of a confused caller.
const none = z.union([z.undefined(), z.null()]).transform(() => undefined)
/** An account id is "<email> on <base URL>"; main then checks that such an account exists. */
const accountId = z.string().min(1).max(2400)
const account = z.strictObject({ accountId })

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
    requestId: z.string().min(8).max(128)
  }),
  'keys:delete': z.strictObject({ accountId, id: z.number().int().positive().max(Number.MAX_SAFE_INTEGER) }),
  'token:list-pending': none,
  'token:copy': z.strictObject({ pendingId: z.uuid() }),
  'token:confirm-saved': z.strictObject({ pendingId: z.uuid() }),
  'preferences:update': z.strictObject({
    clipboardClearSeconds: z
      .number()
      .int()
      .min(CLIPBOARD_CLEAR_SECONDS_RANGE.min)
      .max(CLIPBOARD_CLEAR_SECONDS_RANGE.max)
      .optional()
  }),
  'shell:open-external': z.strictObject({ url: z.string().max(2048) })
} satisfies { [C in InvokeChannel]: z.ZodType<RequestOf<C>> }

/** A short, specific description of why a payload was refused (no payload values echoed). */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : 'payload'}: ${issue.message}`)
    .join('; ')
}
