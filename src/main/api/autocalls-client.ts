/**
 * The Autocalls REST client. Lives in main only: it is the one place that holds the bearer
 * credential while talking to the API. Every answer is validated; every failure is an ApiError.
 */
import type { ApiKey, UserProfile } from '../../shared/domain'
import { redact } from '../support/redact'
import { ApiError } from './api-error'
import {
  messageSchema,
  readCreatedKey,
  readerOf,
  readKeyList,
  readUserProfile,
  ShapeError,
  tokenIdPrefix,
  validationErrorSchema,
  type Reader
} from './response-schemas'
import { DEFAULT_RETRY_POLICY, parseRetryAfterMs, retryDelayMs, type RetryPolicy } from './retry-policy'
import { transportError } from './transport-errors'

export const DEFAULT_TIMEOUT_MS = 15_000

export interface AutocallsClientOptions {
  /** A base URL already accepted by `checkBaseUrl`. */
  baseUrl: string
  credential: string
  /** Per attempt, covering connect, headers and body. */
  timeoutMs?: number
  retry?: Partial<RetryPolicy>
  fetch?: typeof fetch
  sleep?: (ms: number) => Promise<void>
  random?: () => number
  /** Told about every HTTP answer, 429s included (rate-limit headers, status). */
  onResponse?: (observation: ResponseObservation) => void
}

export interface CreatedKey {
  name: string
  token: string
  createdAt: string
  /** The id from the token's `<id>|` prefix, if it has one. */
  idHint: number | null
}

export interface CallOptions {
  /** false: a 429 is returned at once instead of waited out here (the pacer waits for the whole batch). */
  retryRateLimited?: boolean
}

/** Every HTTP answer (interactive or not), for the per-account rate-limit pacing. */
export interface ResponseObservation {
  method: string
  status: number
  headers: Headers
  /** When the request was sent (epoch ms). */
  sentAt: number
}

interface RawResponse {
  status: number
  headers: Headers
  body: string
}

type Method = 'GET' | 'POST' | 'DELETE'

const sleepReal = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

export class AutocallsClient {
  readonly baseUrl: string
  readonly timeoutMs: number
  // A private field: the credential does not show up when the client is logged or inspected.
  readonly #credential: string
  readonly #retry: RetryPolicy
  readonly #fetch: typeof fetch
  readonly #sleep: (ms: number) => Promise<void>
  readonly #random: () => number
  readonly #onResponse: ((observation: ResponseObservation) => void) | undefined

  constructor(options: AutocallsClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '')
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
    this.#credential = options.credential
    this.#retry = { ...DEFAULT_RETRY_POLICY, ...options.retry }
    this.#fetch = options.fetch ?? globalThis.fetch
    this.#sleep = options.sleep ?? sleepReal
    this.#random = options.random ?? Math.random
    this.#onResponse = options.onResponse
  }

  /** `GET /user/me`: verifies the credential and says who it belongs to. */
  async getMe(options: CallOptions = {}): Promise<UserProfile> {
    const { value } = await this.#request('GET', '/user/me', readUserProfile, undefined, options)
    return value
  }

  /** `GET /user/api-keys`. */
  async listKeys(options: CallOptions = {}): Promise<ApiKey[]> {
    const { value } = await this.#request('GET', '/user/api-keys', readKeyList, undefined, options)
    return value
  }

  /** `POST /user/api-keys`. Never retried: a second POST could create a second key. */
  async createKey(name: string): Promise<CreatedKey> {
    const sentAt = new Date()
    const { value } = await this.#request('POST', '/user/api-keys', readCreatedKey, { name }, {})
    // The token is all that matters now: a missing name or date falls back to what we know.
    return { token: value.token, name: value.name ?? name, createdAt: value.createdAt ?? sentAt.toISOString(), idHint: tokenIdPrefix(value.token) }
  }

  /**
   * `DELETE /user/api-keys/{id}`. A 404 means the key is gone either way: on the first attempt
   * it was deleted elsewhere; after a retry, most likely by our own earlier attempt.
   */
  async deleteKey(id: number, options: CallOptions = {}): Promise<{ alreadyGone: boolean }> {
    let attempts = 0
    try {
      await this.#request('DELETE', `/user/api-keys/${id}`, readMessage, undefined, { ...options, onAttempt: (n) => (attempts = n) })
      return { alreadyGone: false }
    } catch (error) {
      if (error instanceof ApiError && error.kind === 'not_found') return { alreadyGone: attempts <= 1 }
      throw error
    }
  }

  async #request<T>(
    method: Method,
    path: string,
    reader: Reader<T>,
    body: unknown,
    options: CallOptions & { onAttempt?: (attempt: number) => void }
  ): Promise<{ value: T; attempts: number }> {
    const { onAttempt } = options
    const idempotent = method !== 'POST'
    for (let attempt = 1; ; attempt++) {
      onAttempt?.(attempt)
      try {
        const response = await this.#send(method, path, body)
        if (response.status >= 200 && response.status < 300) {
          return { value: this.#parse(response, reader), attempts: attempt }
        }
        throw this.#httpError(response)
      } catch (error) {
        if (!(error instanceof ApiError)) throw error
        if (!idempotent || attempt >= this.#retry.maxAttempts || !isRetryable(error)) throw error
        // A paced call's 429 is the pacer's to wait out (it pauses the whole batch), not this request's.
        if (error.kind === 'rate_limited' && options.retryRateLimited === false) throw error
        const retryAfterMs = error.retryAfterSeconds !== undefined ? error.retryAfterSeconds * 1000 : undefined
        if (retryAfterMs !== undefined && retryAfterMs > this.#retry.maxRetryAfterMs) throw error
        await this.#sleep(retryDelayMs(this.#retry, attempt, retryAfterMs, this.#random))
      }
    }
  }

  async #send(method: Method, path: string, body: unknown): Promise<RawResponse> {
    const headers: Record<string, string> = {
      Accept: 'application/json',
      Authorization: `Bearer ${this.#credential}`
    }
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    const signal = AbortSignal.timeout(this.timeoutMs)
    const sentAt = Date.now()
    try {
      const response = await this.#fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
        redirect: 'error'
      })
      this.#onResponse?.({ method, status: response.status, headers: response.headers, sentAt })
      // Reading the body is under the same timeout: a server may stall half-way.
      return { status: response.status, headers: response.headers, body: await response.text() }
    } catch (error) {
      throw transportError(error, { host: new URL(this.baseUrl).host, timeoutMs: this.timeoutMs })
    }
  }

  #parse<T>(response: RawResponse, reader: Reader<T>): T {
    const json = parseJson(response.body)
    if (json === undefined) {
      throw this.#badResponse(`The server's answer was not JSON (HTTP ${response.status}, ${contentType(response)}).`)
    }
    try {
      return reader(json)
    } catch (error) {
      if (!(error instanceof ShapeError)) throw error
      throw this.#badResponse(`The server's answer did not have the expected shape (${error.message}).`)
    }
  }

  #httpError(response: RawResponse): ApiError {
    const { status } = response
    const json = parseJson(response.body)
    const serverMessage = this.#clean(messageSchema.safeParse(json).data?.message)
    const base = { status, mayHaveReachedServer: true }
    if (status === 401) {
      return new ApiError({
        ...base,
        kind: 'unauthenticated',
        message: 'The API key was not accepted: it is wrong, or it was deleted or revoked.'
      })
    }
    if (status === 404) {
      // Only the API's own JSON 404 means "no such key". An HTML or empty 404 (Laravel 8's unknown
      // route), or Laravel 9+'s "The route … could not be found.", comes from a proxy or a wrong
      // base URL, and must never be taken as "already deleted".
      if (serverMessage !== undefined && !ROUTE_NOT_FOUND.test(serverMessage)) return new ApiError({ ...base, kind: 'not_found', message: serverMessage })
      const said = serverMessage === undefined ? contentType(response) : `“${serverMessage}”`
      return this.#badResponse(`The server answered HTTP 404 without the API's JSON error (${said}).`, status)
    }
    if (status === 422) {
      const validation = validationErrorSchema.safeParse(json)
      const fieldErrors = validation.success
        ? Object.fromEntries(Object.entries(validation.data.errors).map(([field, list]) => [field, list.map((m) => this.#clean(m) ?? '')]))
        : undefined
      // Laravel 8's top-level message is always "The given data was invalid."; the field's own
      // message says what is wrong, so it comes first (Laravel 9+ repeats it at the top anyway).
      const firstFieldMessage = fieldErrors ? Object.values(fieldErrors).flat().find((message) => message !== '') : undefined
      return new ApiError({
        ...base,
        kind: 'validation',
        message: firstFieldMessage ?? serverMessage ?? 'The server did not accept the request.',
        ...(fieldErrors ? { fieldErrors } : {})
      })
    }
    if (status === 429) {
      const retryAfterMs = parseRetryAfterMs(response.headers.get('retry-after'))
      const retryAfterSeconds = retryAfterMs === undefined ? undefined : Math.ceil(retryAfterMs / 1000)
      return new ApiError({
        ...base,
        kind: 'rate_limited',
        message:
          retryAfterSeconds === undefined
            ? 'Too many requests: the server asked us to slow down. Try again in a minute.'
            : `Too many requests: the server asked us to wait ${seconds(retryAfterSeconds)}.`,
        ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds })
      })
    }
    if (status >= 500) {
      const retryAfterMs = parseRetryAfterMs(response.headers.get('retry-after'))
      const retryAfterSeconds = retryAfterMs === undefined ? undefined : Math.ceil(retryAfterMs / 1000)
      return new ApiError({
        ...base,
        kind: 'server',
        message:
          retryAfterSeconds === undefined
            ? `The Autocalls server had a problem (HTTP ${status}).`
            : `The Autocalls server had a problem (HTTP ${status}) and asked us to wait ${seconds(retryAfterSeconds)}.`,
        ...(retryAfterSeconds === undefined ? { advice: 'Try again in a moment.' } : {}),
        ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds })
      })
    }
    return this.#badResponse(
      `The server answered HTTP ${status}${serverMessage ? ` (“${serverMessage}”)` : ''}, which the Autocalls API does not send here.`,
      status
    )
  }

  #badResponse(message: string, status?: number): ApiError {
    return new ApiError({
      kind: 'bad_response',
      message,
      advice: 'If you use a custom API base URL, check that it points at the Autocalls API.',
      mayHaveReachedServer: true,
      ...(status === undefined ? {} : { status })
    })
  }

  /** Server text goes into messages shown to people: never let it echo a credential. */
  #clean(text: string | undefined): string | undefined {
    if (text === undefined || text.trim() === '') return undefined // an empty message says nothing: use ours
    const trimmed = text.length > 500 ? `${text.slice(0, 500)}…` : text
    return redact(trimmed, [this.#credential])
  }
}

const seconds = (count: number): string => `${count} second${count === 1 ? '' : 's'}`

const readMessage = readerOf(messageSchema)

/** Laravel 9+'s answer for a route that does not exist (with APP_DEBUG off too). */
const ROUTE_NOT_FOUND = /^The route .* could not be found\.$/

const isRetryable = (error: ApiError): boolean =>
  error.kind === 'network' || error.kind === 'timeout' || error.kind === 'rate_limited' || error.kind === 'server'

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}

const contentType = (response: RawResponse): string => response.headers.get('content-type')?.split(';')[0] || 'no content type'
