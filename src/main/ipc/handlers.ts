/**
 * One plain function per IPC channel: payload in, typed Result out, never a throw. Callable
 * without Electron, so tests and the browser preview drive exactly what the app runs.
 */
import { INITIAL_CACHED_KEYS, type Preferences } from '../../shared/domain'
import { fail, ok, type Result } from '../../shared/errors'
import { INVOKE_CHANNELS, type InvokeChannel, type RequestOf, type ResponseOf } from '../../shared/ipc-contract'
import type { SecureClipboard } from '../clipboard/secure-clipboard'
import { isAllowedExternalUrl } from '../security/external-links'
import { toAppError, UserFacingError } from '../services/app-error'
import type { KeysService } from '../services/keys-service'
import type { PendingTokens } from '../services/pending-tokens'
import type { SessionService } from '../services/session-service'
import type { AppStateStore } from '../storage/app-state-store'
import { describeIssues, requestSchemas } from './request-schemas'

export type IpcHandler<C extends InvokeChannel> = (request: unknown) => Promise<Result<ResponseOf<C>>>
export type IpcHandlers = { [C in InvokeChannel]: IpcHandler<C> }

export interface HandlerDeps {
  session: SessionService
  keys: KeysService
  pending: PendingTokens
  clipboard: SecureClipboard
  state: AppStateStore
  openExternal: (url: string) => Promise<void>
}

type Implementations = { [C in InvokeChannel]: (request: RequestOf<C>) => Promise<ResponseOf<C>> }

export function createHandlers(deps: HandlerDeps): IpcHandlers {
  const { session, keys, pending, clipboard, state } = deps

  const implementations: Implementations = {
    'app:get-initial-state': async () => ({
      session: session.view(),
      cachedKeys: keys.cached(INITIAL_CACHED_KEYS),
      cachedKeyCount: keys.cachedCount(),
      preferences: state.state.preferences,
      pendingTokens: pending.list()
    }),
    'session:restore': () => session.restore(),
    'session:sign-in': ({ baseUrl, apiKey }) => session.signIn(baseUrl, apiKey),
    'session:start-sandbox': () => session.startSandbox(),
    'session:sign-out': () => session.signOut(),
    'keys:list': () => keys.list(),
    'keys:get-cached': async () => keys.cached(),
    'keys:create': ({ name, requestId }) => keys.create(name, requestId),
    'keys:delete': ({ id }) => keys.delete(id),
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
        draft.preferences = next
      })
      return next
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
