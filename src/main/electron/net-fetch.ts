/**
 * The desktop app's fetch: Electron's net.fetch, so API requests go through Chromium's network
 * stack (the system proxy and PAC settings, the OS certificate store and the person's own trusted
 * roots, pooled keep-alive connections), handed to the client through its `fetch` option.
 *
 * net.fetch keeps the client's own rules: it passes `redirect` to Electron's ClientRequest, which
 * fails on any redirect under 'error', and rejects with the signal's reason when the signal aborts
 * before the answer. After the headers, an abort only cancels the underlying request, and whether
 * reading the body then fails depends on Node's stream adapter rather than on anything Electron
 * promises, so the body is tied to the signal here: reading it rejects with the signal's reason.
 */
import type { net } from 'electron'

export type NetFetch = typeof net.fetch

export function createNetFetch(netFetch: NetFetch): typeof fetch {
  return async (input, init) => {
    const options = {
      ...init,
      // The API authenticates with the bearer credential alone: no cookies sent or stored, and no
      // answer (key lists, account details) written to Chromium's HTTP cache on disk. (Node's
      // RequestInit type has no `cache`, but the Request that net.fetch builds from it reads it.)
      credentials: 'omit',
      cache: 'no-store',
      // Requests to the API never go to the app's own protocol handlers.
      bypassCustomProtocolHandlers: true
    } as Parameters<NetFetch>[1]
    const response = await netFetch(input instanceof URL ? input.href : input, options)
    const signal = init?.signal
    return signal ? withBodyBoundTo(response, signal) : response
  }
}

/** The same response, whose body errors with `signal.reason` once the signal aborts. */
export function withBodyBoundTo(response: Response, signal: AbortSignal): Response {
  if (response.body === null) return response
  const body = response.body.pipeThrough(new TransformStream<Uint8Array, Uint8Array>(), { signal })
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers })
}
