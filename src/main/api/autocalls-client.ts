/**
 * The Autocalls REST client. Lives in main only: it is the one place that holds the bearer
 * credential while talking to the API. Every answer is validated; every failure is an ApiError.
 */
import type { z } from 'zod'
import type { ApiKey, UserProfile } from '../../shared/domain'
import { redact } from '../support/redact'
import { ApiError } from './api-error'
import {
  apiKeyListSchema,
  createdKeySchema,
  messageSchema,
  tokenIdPrefix,
  userProfileSchema,
  validationErrorSchema
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
}

export interface CreatedKey {
  name: string
  token: string
  createdAt: string
  /** The id from the token's `<id>|` prefix, if it has one. */
  idHint: number | null
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

  constructor(options: AutocallsClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '')
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
    this.#credential = options.credential
    this.#retry = { ...DEFAULT_RETRY_POLICY, ...options.retry }
    this.#fetch = options.fetch ?? globalThis.fetch
    this.#sleep = options.sleep ?? sleepReal
    this.#random = options.random ?? Math.random
  }

  /** `GET /user/me`: verifies the credential and says who it belongs to. */
  async getMe(): Promise<UserProfile> {
    const { value } = await this.#request('GET', '/user/me', userProfileSchema)
    return value
  }

  /** `GET /user/api-keys`. */
  async listKeys(): Promise<ApiKey[]> {
    const { value } = await this.#request('GET', '/user/api-keys', apiKeyListSchema)
    return value
  }

  /** `POST /user/api-keys`. Never retried: a second POST could create a second key. */
  async createKey(name: string): Promise<CreatedKey> {
    const { value } = await this.#request('POST', '/user/api-keys', createdKeySchema, { name })
    return { ...value, idHint: tokenIdPrefix(value.token) }
  }

  /**
   * `DELETE /user/api-keys/{id}`. A 404 means the key is gone either way: on the first attempt
   * it was deleted elsewhere; after a retry, most likely by our own earlier attempt.
   */
  async deleteKey(id: number): Promise<{ alreadyGone: boolean }> {
    let attempts = 0
    try {
      await this.#request('DELETE', `/user/api-keys/${id}`, messageSchema, undefined, (n) => (attempts = n))
      return { alreadyGone: false }
    } catch (error) {
      if (error instanceof ApiError && error.kind === 'not_found') return { alreadyGone: attempts <= 1 }
      throw error
    }
  }

  async #request<S extends z.ZodType>(
    method: Method,
    path: string,
    schema: S,
    body?: unknown,
    onAttempt?: (attempt: number) => void
  ): Promise<{ value: z.output<S>; attempts: number }> {
    const idempotent = method !== 'POST'
    for (let attempt = 1; ; attempt++) {
      onAttempt?.(attempt)
      try {
        const response = await this.#send(method, path, body)
        if (response.status >= 200 && response.status < 300) {
          return { value: this.#parse(response, schema), attempts: attempt }
        }
        throw this.#httpError(response)
      } catch (error) {
        if (!(error instanceof ApiError)) throw error
        if (!idempotent || attempt >= this.#retry.maxAttempts || !isRetryable(error)) throw error
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
    try {
      const response = await this.#fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
        redirect: 'error'
      })
      // Reading the body is under the same timeout: a server may stall half-way.
      return { status: response.status, headers: response.headers, body: await response.text() }
    } catch (error) {
      throw transportError(error, { host: new URL(this.baseUrl).host, timeoutMs: this.timeoutMs })
    }
  }

  #parse<S extends z.ZodType>(response: RawResponse, schema: S): z.output<S> {
    const json = parseJson(response.body)
    if (json === undefined) {
      throw this.#badResponse(`The server's answer was not JSON (HTTP ${response.status}, ${contentType(response)}).`)
    }
    const parsed = schema.safeParse(json)
    if (!parsed.success) {
      const where = parsed.error.issues[0]?.path.join('.') || 'the top level'
      throw this.#badResponse(`The server's answer did not have the expected shape (problem at ${where}).`)
    }
    return parsed.data
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
      // Only the API's own JSON 404 means "no such key". An HTML or empty 404 comes from a proxy or
      // a wrong base URL, and must never be taken as "already deleted".
      if (serverMessage !== undefined) return new ApiError({ ...base, kind: 'not_found', message: serverMessage })
      return this.#badResponse(`The server answered HTTP 404 without the API's JSON error (${contentType(response)}).`, status)
    }
    if (status === 422) {
      const validation = validationErrorSchema.safeParse(json)
      const fieldErrors = validation.success
        ? Object.fromEntries(Object.entries(validation.data.errors).map(([field, list]) => [field, list.map((m) => this.#clean(m) ?? '')]))
        : undefined
      return new ApiError({
        ...base,
        kind: 'validation',
        message: serverMessage ?? 'The server did not accept the request.',
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
