/**
 * Time and timers, injected into the schedulers (request pacer, rotation watcher) so tests can run
 * simulated hours in milliseconds. The real clock looks the globals up on every call, which also
 * lets vitest's fake timers stand in for it.
 */
export interface Clock {
  now(): number
  setTimeout(callback: () => void, ms: number): TimerHandle
  clearTimeout(handle: TimerHandle): void
}

/** Opaque: whatever the clock's setTimeout returned (Node's Timeout object, or a fake clock's id). */
export type TimerHandle = object | number

export const systemClock: Clock = {
  now: () => Date.now(),
  // Not unref'd: a command line waiting out a rate-limit pause must not exit half-way.
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>)
}
