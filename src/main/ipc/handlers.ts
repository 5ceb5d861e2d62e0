/**
 * One plain function per IPC channel: payload in, typed Result out, never a throw. Callable
 * without Electron, so tests and the browser preview drive exactly what the app runs.
 */
import { INITIAL_CACHED_KEYS, type Preferences } from '../../shared/domain'
import { fail, ok, type Result } from '../../shared/errors'
import { INVOKE_CHANNELS, type InvokeChannel, type RequestOf, type ResponseOf } from '../../shared/ipc-contract'
import type { AccountsService } from '../accounts/accounts-service'
import type { SecureClipboard } from '../clipboard/secure-clipboard'
import { isAllowedExternalUrl } from '../security/external-links'
import { toAppError, UserFacingError } from '../services/app-error'
import type { ExportService } from '../export/export-service'
import type { OwnKeyRotation } from '../rotation/own-key-rotation'
import type { RotationService } from '../rotation/rotation-service'
import type { ActivityRecorder } from '../services/activity-recorder'
import type { BulkDeleteService } from '../services/bulk-delete'
import type { KeysService } from '../services/keys-service'
import type { NotesService } from '../services/notes-service'
import type { PendingTokens } from '../services/pending-tokens'
import type { AppStateStore } from '../storage/app-state-store'
import { describeIssues, requestSchemas } from './request-schemas'

export type IpcHandler<C extends InvokeChannel> = (request: unknown) => Promise<Result<ResponseOf<C>>>
export type IpcHandlers = { [C in InvokeChannel]: IpcHandler<C> }

export interface HandlerDeps {
  accounts: AccountsService
  keys: KeysService
  pending: PendingTokens
  clipboard: SecureClipboard
  state: AppStateStore
  notes: NotesService
  activity: ActivityRecorder
  bulkDelete: BulkDeleteService
  rotations: RotationService
  ownKey: OwnKeyRotation
  exports: ExportService
  openExternal: (url: string) => Promise<void>
}

type Implementations = { [C in InvokeChannel]: (request: RequestOf<C>) => Promise<ResponseOf<C>> }

export function createHandlers(deps: HandlerDeps): IpcHandlers {
  const { accounts, keys, pending, clipboard, state, notes, activity, bulkDelete, rotations, ownKey, exports } = deps

  const implementations: Implementations = {
    'app:get-initial-state': async () => {
      const shownAccountId = accounts.shownAccountId()
      const shown = shownAccountId ? accounts.list().find((account) => account.id === shownAccountId) : undefined
      const [cachedKeys, cachedKeyCount] = shownAccountId
        ? await Promise.all([keys.cached(shownAccountId, INITIAL_CACHED_KEYS), keys.cachedCount(shownAccountId)])
        : [null, 0]
      // The window asks for this list as soon as it reads this answer and gets this fetch, sent
      // right after the answer: its round trip overlaps the window's first render.
      if (shown && shown.status !== 'needs-sign-in') keys.prefetch(shown.id)
      return {
        accounts: accounts.list(),
        shownAccountId,
        cachedKeys,
        cachedKeyCount,
        preferences: state.state.preferences,
        pendingTokens: pending.list()
      }
    },
    'accounts:list': () => accounts.reload(),
    'accounts:add': ({ baseUrl, apiKey }) => accounts.add(baseUrl, apiKey),
    'accounts:add-sandbox': () => accounts.addSandbox(),
    'accounts:remove': ({ accountId }) => accounts.remove(accountId),
    'accounts:remove-all': () => accounts.removeAll(),
    'accounts:show': async ({ accountId }) => {
      await accounts.show(accountId)
      return null
    },
    'accounts:refresh-all': () => accounts.refreshAll(),
    'keys:list': ({ accountId }) => keys.list(accountId),
    'keys:get-cached': ({ accountId }) => keys.cached(accountId),
    'keys:create': ({ accountId, name, requestId }) => keys.create(accountId, name, requestId),
    'keys:delete': ({ accountId, id }) => keys.delete(accountId, id),
    'keys:bulk-delete': ({ accountId, batchId, ids, includeOwnKey }) => bulkDelete.run(accountId, batchId, ids, includeOwnKey),
    'keys:cancel-batch': async ({ batchId }) => {
      bulkDelete.cancel(batchId)
      return null
    },
    'notes:set': async ({ accountId, keyId, note, reviewBy }) => {
      const name = (await keys.cached(accountId))?.keys.find((key) => key.id === keyId)?.name ?? null
      return notes.set(accountId, { id: keyId, name }, { note, reviewBy })
    },
    'activity:list': ({ accountId, action, limit }) =>
      activity.log.read({ ...(accountId === undefined ? {} : { accountId }), ...(action === undefined ? {} : { actions: [action] }), ...(limit === undefined ? {} : { limit }) }),
    'export:keys': ({ accountId, format }) => exports.keys(accountId, format),
    'export:activity': ({ format, accountId }) => exports.activity(format, accountId),
    'rotation:start': ({ accountId, keyId, name, requestId }) => rotations.start(accountId, keyId, name, requestId),
    'rotation:finish': ({ accountId, newKeyId }) => rotations.finish(accountId, newKeyId),
    'rotation:cancel': ({ accountId, newKeyId, deleteReplacement }) => rotations.cancel(accountId, newKeyId, deleteReplacement),
    'rotation:rotate-own': ({ accountId, requestId, reveal }) => ownKey.rotate(accountId, requestId, reveal),
    'token:list-pending': async () => pending.list(),
    'token:copy': async ({ pendingId }) => {
      const held = pending.get(pendingId)
      if (!held) throw tokenGone()
      const seconds = state.state.preferences.clipboardClearSeconds
      await clipboard.copySecret(held.token, seconds)
      return { clearsInSeconds: seconds }
    },
    'token:confirm-saved': async ({ pendingId }) => {
      pending.wipe(pendingId)
      return null
    },
    'preferences:update': async (changes) => {
      const next: Preferences = { ...state.state.preferences, ...stripUndefined(changes) }
      await state.update((draft) => {
        draft.preferences = { ...draft.preferences, ...stripUndefined(changes) }
      })
      return next
    },
    'app:set-visibility': async ({ visible }) => {
      rotations.watcher.setVisible(visible)
      return null
    },
    'shell:open-external': async ({ url }) => {
      if (!isAllowedExternalUrl(url)) {
        throw new UserFacingError('not_allowed', 'Only https links to the Autocalls website and docs can be opened from the app.')
      }
      await deps.openExternal(url)
      return null
    }
  }

  const handlers = {} as Record<InvokeChannel, IpcHandler<InvokeChannel>>
  for (const channel of INVOKE_CHANNELS) {
    handlers[channel] = wrap(channel, implementations[channel] as (request: unknown) => Promise<unknown>) as IpcHandler<InvokeChannel>
  }
  return handlers as IpcHandlers
}

function wrap(channel: InvokeChannel, implementation: (request: unknown) => Promise<unknown>) {
  return async (request: unknown): Promise<Result<unknown>> => {
    if (!isPlainData(request)) {
      return fail({
        kind: 'invalid_request',
        message: `The window sent a request the app cannot accept (${channel}: payload must be plain data, not a ${describeKind(request)}). Nothing was changed.`
      })
    }
    const parsed = requestSchemas[channel].safeParse(request)
    if (!parsed.success) {
      return fail({
        kind: 'invalid_request',
        message: `The window sent a request the app cannot accept (${channel}: ${describeIssues(parsed.error)}). Nothing was changed.`
      })
    }
    try {
      return ok(await implementation(parsed.data))
    } catch (error) {
      return fail(toAppError(error))
    }
  }
}

/**
 * IPC's structured clone delivers Maps, Sets, Dates and typed arrays as themselves; a schema for
 * an object would see an empty object in them. Only plain objects (and primitives) are requests.
 */
function isPlainData(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return true // the schema decides
  const prototype = Object.getPrototypeOf(value) as unknown
  return prototype === Object.prototype || prototype === null
}

const describeKind = (value: unknown): string => (value as object).constructor?.name ?? 'non-plain object'

const tokenGone = () =>
  new UserFacingError('token_gone', 'This token is no longer held by the app: it was confirmed as saved or it expired, and it cannot be shown again.')

const stripUndefined = <T extends object>(value: T): Partial<T> =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
