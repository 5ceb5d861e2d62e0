/**
 * The small, named API the window sees as `window.autocalls`. Built from a transport so the
 * Electron preload and the browser preview expose exactly the same thing.
 */
import type { Invoke, Subscribe } from './ipc-contract'

export function createAutocallsApi(invoke: Invoke, subscribe: Subscribe) {
  // Asked for the moment the bridge exists, before the page's own scripts have even loaded, so
  // the first render can already show the session and the cached keys. Handed out once.
  let earlyInitialState: ReturnType<typeof requestInitialState> | null = requestInitialState(invoke)
  return {
    app: {
      getInitialState: () => {
        const early = earlyInitialState
        earlyInitialState = null
        return early ?? requestInitialState(invoke)
      }
    },
    session: {
      restore: () => invoke('session:restore', undefined),
      signIn: (baseUrl: string, apiKey: string) => invoke('session:sign-in', { baseUrl, apiKey }),
      startSandbox: () => invoke('session:start-sandbox', undefined),
      signOut: () => invoke('session:sign-out', undefined),
      onEnded: (listener: (payload: { reason: string }) => void) => subscribe('event:session-ended', listener)
    },
    keys: {
      list: () => invoke('keys:list', undefined),
      getCached: () => invoke('keys:get-cached', undefined),
      create: (name: string, requestId: string) => invoke('keys:create', { name, requestId }),
      delete: (id: number) => invoke('keys:delete', { id })
    },
    token: {
      listPending: () => invoke('token:list-pending', undefined),
      copy: (pendingId: string) => invoke('token:copy', { pendingId }),
      confirmSaved: (pendingId: string) => invoke('token:confirm-saved', { pendingId }),
      onWaiting: (listener: (payload: { pendingId: string }) => void) => subscribe('event:token-waiting', listener)
    },
    preferences: {
      update: (changes: { clipboardClearSeconds?: number }) => invoke('preferences:update', changes)
    },
    shell: {
      openExternal: (url: string) => invoke('shell:open-external', { url })
    },
    menu: {
      onCommand: (listener: (payload: { command: import('./domain').MenuCommand }) => void) =>
        subscribe('event:menu-command', listener)
    }
  }
}

export type AutocallsApi = ReturnType<typeof createAutocallsApi>

function requestInitialState(invoke: Invoke) {
  const request = invoke('app:get-initial-state', undefined)
  request.catch(() => undefined) // a failure surfaces to whoever awaits it; never as unhandled
  return request
}

/** The global name under which the preload (or the preview's stand-in) exposes the API. */
export const BRIDGE_GLOBAL = 'autocalls'
