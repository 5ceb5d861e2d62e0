/**
 * What the services announce (a batch's progress, lists updated), for the command running now:
 * the desktop app sends these to its window; the command line hands them to whoever listens
 * (today `keys delete`, for its progress line on a terminal).
 */
import type { EventSink } from '../main/ipc/event-sink'
import type { EventChannel, EventPayload } from '../shared/ipc-contract'

type Listener = (channel: EventChannel, payload: unknown) => void

export class CliEvents implements EventSink {
  readonly #listeners = new Set<Listener>()

  emit<E extends EventChannel>(channel: E, payload: EventPayload<E>): void {
    for (const listener of this.#listeners) listener(channel, payload)
  }

  /** Hears one channel; returns the unsubscribe function. */
  on<E extends EventChannel>(channel: E, listener: (payload: EventPayload<E>) => void): () => void {
    const wrapped: Listener = (heard, payload) => {
      if (heard === channel) listener(payload as EventPayload<E>)
    }
    this.#listeners.add(wrapped)
    return () => this.#listeners.delete(wrapped)
  }
}
