import type { EventChannel, EventPayload } from '../../shared/ipc-contract'

/** How services tell the window(s) something happened: Electron IPC or the preview's stream. */
export interface EventSink {
  emit<E extends EventChannel>(channel: E, payload: EventPayload<E>): void
}
