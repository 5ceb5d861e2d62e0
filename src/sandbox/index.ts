// Public surface of the sandbox Autocalls API server.
export { startSandbox, refusedBaseUrl, MAX_BODY_BYTES } from './server';
export type { SandboxOptions, SandboxServer, RequestRecord, SeededKey } from './server';
export { FaultInjector } from './faults';
export type { Fault, FaultType, FaultRule, FaultHandle } from './faults';
export type { ApiKeyView, BalanceFormat, ListFields } from './api';
export { UNTHROTTLED_LIMIT, DEFAULT_THROTTLE } from './throttle';
export type { ThrottleSetting, ThrottleConfig } from './throttle';
export type { LaravelVersion } from './laravel-versions';
export type { SanctumVersion } from './tokens';
export { DEFAULT_DEMO_PERSONA, CLIENT_DEMO_PERSONA, keysInEveryHygieneState } from './personas';
export type { DemoPersona, SeedKeySpec, KeyHygieneState } from './personas';
