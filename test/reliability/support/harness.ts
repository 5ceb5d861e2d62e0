/**
 * Shared pieces of the reliability tests: an API client that records what it sent and how long
 * it was told to wait, a deadline for handler calls (a hang is a failure, not a stuck test), and a
 * recorder of everything the handlers answer (the payloads that would cross IPC to the window).
 */
import type { AutocallsClientOptions } from '../../../src/main/api/autocalls-client'
import type { IpcHandlers } from '../../../src/main/ipc/handlers'
import type { Result } from '../../../src/shared/errors'
import type { InvokeChannel } from '../../../src/shared/ipc-contract'

export interface SentRequest {
  method: string
  /** Path after the base URL's `/api`, without the query. */
  path: string
  at: number
}

/** Traffic as the client saw it: requests it sent, and the back-off sleeps it asked for. */
export class ClientTraffic {
  readonly sent: SentRequest[] = []
  readonly sleeps: number[] = []
  /** Called before each back-off sleep returns (1-based count); lets a test bring the server back. */
  onSleep: ((count: number) => Promise<void> | void) | null = null

  /** Client options for createTestApp: real fetch and timeouts, instant (recorded) back-off. */
  clientOptions(timeoutMs = 2_000): Omit<AutocallsClientOptions, 'baseUrl' | 'credential'> {
    return {
      timeoutMs,
      // Mid-point jitter, so the recorded back-off waits are the same on every run.
      random: () => 0.5,
      fetch: (input, init) => {
        const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url)
        this.sent.push({ method: init?.method ?? 'GET', path: url.pathname.replace(/^\/api/, ''), at: Date.now() })
        return fetch(input, init)
      },
      sleep: async (ms) => {
        this.sleeps.push(ms)
        await this.onSleep?.(this.sleeps.length)
      }
    }
  }

  count(method: string, path?: string | RegExp): number {
    return this.sent.filter((r) => r.method === method && (path === undefined || (typeof path === 'string' ? r.path === path : path.test(r.path)))).length
  }

  reset(): void {
    this.sent.length = 0
    this.sleeps.length = 0
    this.onSleep = null
  }
}

/** Resolves with the promise's value, or fails the test if it takes longer than `ms` (a hang). */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms (hang)`)), ms)
  })
  try {
    return await Promise.race([promise, deadline])
  } finally {
    clearTimeout(timer)
  }
}

export interface RecordedPayload {
  channel: InvokeChannel
  /** The answer exactly as it would be serialised to the window. */
  json: string
}

/**
 * Wraps the handlers so every answer is recorded as the JSON text the window would receive,
 * and checks that every answer is a Result (a throw across the bridge fails the test).
 */
export function recordingHandlers(handlers: IpcHandlers, log: RecordedPayload[]): IpcHandlers {
  const wrapped = {} as Record<InvokeChannel, (request: unknown) => Promise<Result<unknown>>>
  for (const channel of Object.keys(handlers) as InvokeChannel[]) {
    wrapped[channel] = async (request: unknown) => {
      const result = (await handlers[channel](request)) as Result<unknown>
      log.push({ channel, json: JSON.stringify(result) })
      return result
    }
  }
  return wrapped as unknown as IpcHandlers
}

/** The value of an ok Result, or a thrown error carrying the AppError (for tests). */
export function valueOf<T>(result: Result<T>, what = 'the call'): T {
  if (!result.ok) throw new Error(`${what} failed: ${result.error.kind}: ${result.error.message}`)
  return result.value
}

export const uniqueEmail = (label: string): string => `${label}-${process.pid}-${Math.random().toString(36).slice(2, 10)}@example.test`
