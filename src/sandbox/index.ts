// Public surface of the sandbox Autocalls API server.
export { startSandbox, refusedBaseUrl, MAX_BODY_BYTES } from './server';
export type { SandboxOptions, SandboxServer, RequestRecord } from './server';
export { FaultInjector } from './faults';
export type { Fault, FaultType, FaultRule, FaultHandle } from './faults';
export type { ApiKeyView } from './api';
export { UNTHROTTLED_LIMIT } from './throttle';
