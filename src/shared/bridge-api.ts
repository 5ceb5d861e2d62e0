/**
 * The small, named API the window sees as `window.autocalls`, derived from the contract: every
 * invoke channel `namespace:some-name` becomes `api.namespace.someName(request)`, every event
 * `event:some-name` becomes `api.on.someName(listener)`. Built from a transport so the Electron
 * preload and the browser preview expose exactly the same thing, and a channel added to the
 * contract is on the bridge (and type-checked) without anyone remembering to add it.
 */
import type { Result } from './errors'
import {
  EVENT_CHANNELS,
  INVOKE_CHANNELS,
  type EventChannel,
  type EventPayload,
  type Invoke,
  type InvokeChannel,
  type RequestOf,
  type ResponseOf,
  type Subscribe
} from './ipc-contract'

/** `get-initial-state` → `getInitialState`. */
type Camel<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<Camel<Tail>>}` : S
type NamespaceOf<C extends string> = C extends `${infer N}:${string}` ? N : never
type MethodOf<C extends string> = C extends `${string}:${infer M}` ? Camel<M> : never

/** A channel without a request takes no argument. */
type InvokeMethod<C extends InvokeChannel> = [RequestOf<C>] extends [void]
  ? () => Promise<Result<ResponseOf<C>>>
  : (request: RequestOf<C>) => Promise<Result<ResponseOf<C>>>

export type AutocallsApi = {
  readonly [N in NamespaceOf<InvokeChannel>]: {
    readonly [C in InvokeChannel as C extends `${N}:${string}` ? MethodOf<C> : never]: InvokeMethod<C>
  }
} & {
  readonly on: {
    readonly [E in EventChannel as MethodOf<E>]: (listener: (payload: EventPayload<E>) => void) => () => void
  }
}

/** `keys:get-cached` → ['keys', 'getCached']. */
export function bridgePathOf(channel: string): [namespace: string, method: string] {
  const [namespace = '', name = ''] = channel.split(':')
  return [namespace, name.replace(/-([a-z])/g, (_match, letter: string) => letter.toUpperCase())]
}

export function createAutocallsApi(invoke: Invoke, subscribe: Subscribe): AutocallsApi {
  const api: Record<string, Record<string, unknown>> = { on: {} }
  for (const channel of INVOKE_CHANNELS) {
    const [namespace, method] = bridgePathOf(channel)
    api[namespace] ??= {}
    ;(api[namespace])[method] = (request?: unknown) => invoke(channel, request as RequestOf<typeof channel>)
  }
  for (const channel of EVENT_CHANNELS) {
    const [, method] = bridgePathOf(channel)
    ;(api['on'] as Record<string, unknown>)[method] = (listener: (payload: unknown) => void) => subscribe(channel, listener)
  }
  // Asked for the moment the bridge exists, before the page's own scripts have even loaded, so
  // the first render can already show the accounts and the cached keys. Handed out once.
  let early: Promise<Result<ResponseOf<'app:get-initial-state'>>> | null = requestInitialState(invoke)
  ;(api['app'] as Record<string, unknown>)['getInitialState'] = () => {
    const answer = early
    early = null
    return answer ?? requestInitialState(invoke)
  }
  return api as unknown as AutocallsApi
}

function requestInitialState(invoke: Invoke) {
  const request = invoke('app:get-initial-state', undefined)
  request.catch(() => undefined) // a failure surfaces to whoever awaits it; never as unhandled
  return request
}

/** The global name under which the preload (or the preview's stand-in) exposes the API. */
export const BRIDGE_GLOBAL = 'autocalls'
