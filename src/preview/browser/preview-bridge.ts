/**
 * The browser preview's stand-in for the Electron preload. It exposes exactly the preload's API
 * (`createAutocallsApi` from the shared contract) as `window.autocalls`, but carries each call
 * over HTTP to the preview server, which runs the same main-process handler functions.
 *
 * Loaded as a classic script before the app's module script, so the API exists before the app
 * starts. Every URL is relative to the page, which the server serves under its per-run secret.
 */
import { BRIDGE_GLOBAL, createAutocallsApi } from '../../shared/bridge-api'
import { EVENT_CHANNELS, type EventChannel, type EventPayload, type Invoke, type Subscribe } from '../../shared/ipc-contract'
import type { Result } from '../../shared/errors'

/** Path segments below the page's folder; keep in sync with the server's routes. */
const INVOKE_PATH = '__preview/invoke/'
const EVENTS_PATH = '__preview/events'

const endpoint = (path: string): string => new URL(path, document.baseURI).toString()

const transportFailure = (message: string): Result<never> => ({
  ok: false,
  error: { kind: 'internal', message: `The browser preview could not reach its server (${message}). Is \`npm run preview:browser\` still running?` }
})

const invoke: Invoke = async (channel, request) => {
  let response: Response
  try {
    response = await fetch(endpoint(INVOKE_PATH + encodeURIComponent(channel)), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      // `request` is undefined for channels without a payload: wrap it so JSON can carry that.
      body: JSON.stringify(request === undefined ? {} : { request }),
      credentials: 'same-origin',
      cache: 'no-store'
    })
  } catch (error) {
    return transportFailure(error instanceof Error ? error.message : String(error))
  }
  if (!response.ok) return transportFailure(`HTTP ${response.status}`)
  try {
    return (await response.json()) as Awaited<ReturnType<Invoke>>
  } catch {
    return transportFailure('the answer was not JSON')
  }
}

type Listener = (payload: unknown) => void
const listeners = new Map<EventChannel, Set<Listener>>()
let source: EventSource | null = null

function ensureEventSource(): void {
  if (source) return
  source = new EventSource(endpoint(EVENTS_PATH))
  for (const channel of EVENT_CHANNELS) {
    source.addEventListener(channel, (event) => {
      let payload: unknown
      try {
        payload = JSON.parse((event as MessageEvent<string>).data)
      } catch {
        return
      }
      for (const listener of [...(listeners.get(channel) ?? [])]) listener(payload)
    })
  }
}

const subscribe: Subscribe = <E extends EventChannel>(channel: E, listener: (payload: EventPayload<E>) => void) => {
  ensureEventSource()
  // Like the preload: each subscription gets its own wrapper, so the same function added twice
  // is called twice and each unsubscribe removes only its own registration.
  const forward: Listener = (payload) => listener(payload as EventPayload<E>)
  let set = listeners.get(channel)
  if (!set) listeners.set(channel, (set = new Set()))
  set.add(forward)
  return () => {
    set.delete(forward)
  }
}

/** contextBridge hands the page a frozen copy; do the same so the page cannot swap functions. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner)
    Object.freeze(value)
  }
  return value
}

Object.defineProperty(window, BRIDGE_GLOBAL, {
  value: deepFreeze(createAutocallsApi(invoke, subscribe)),
  writable: false,
  configurable: false,
  enumerable: true
})
