// Scripted misbehaviour: what proxies, flaky networks and overloaded servers do to a client.

export type Fault =
  /** Wait, then handle the request normally. */
  | { type: 'latency'; ms: number }
  /** Answer with this status without processing (a proxy error page, a 500, a 503...). */
  | { type: 'status'; status: number; body?: string; contentType?: string; headers?: Record<string, string> }
  /** Laravel's 429 with Retry-After, without processing. */
  | { type: 'rate-limit'; retryAfterSeconds: number }
  /** A body the client cannot use (invalid or wrong-shape JSON), status 200 unless given. */
  | { type: 'malformed'; body: string; contentType?: string; status?: number }
  /** Destroy the socket without answering; the request is not processed. */
  | { type: 'drop' }
  /** Process the request for real, then destroy the socket instead of answering. */
  | { type: 'drop-after-commit' }
  /** Process for real, send headers and half the body, then destroy the socket. */
  | { type: 'drop-mid-response' }
  /** Never answer; the socket stays open until the sandbox closes. */
  | { type: 'hang' }
  /** Laravel's 401, as if the token had just been revoked. */
  | { type: 'unauthenticated' };

export type FaultType = Fault['type'];

export interface FaultRule {
  /** HTTP method, any case; omitted matches every method. */
  method?: string;
  /** Path after "/api" without the query, e.g. "/user/api-keys"; a string must match exactly. */
  path?: string | RegExp;
  /** How many requests this rule affects; default 1, Infinity allowed. */
  times?: number;
  fault: Fault;
}

export interface FaultHandle {
  /** Requests this rule will still affect. */
  readonly remaining: number;
  remove(): void;
}

interface ActiveRule {
  method: string | null;
  path: string | RegExp | null;
  remaining: number;
  fault: Fault;
}

export class FaultInjector {
  private rules: ActiveRule[] = [];

  add(rule: FaultRule): FaultHandle {
    const times = rule.times ?? 1;
    if (!(times === Infinity || (Number.isInteger(times) && times > 0))) {
      throw new RangeError(`times must be a positive integer or Infinity, got ${times}`);
    }
    validateFault(rule.fault);
    const active: ActiveRule = { method: rule.method?.toUpperCase() ?? null, path: rule.path ?? null, remaining: times, fault: rule.fault };
    this.rules.push(active);
    return {
      get remaining() {
        return active.remaining;
      },
      remove: () => {
        active.remaining = 0;
        this.rules = this.rules.filter((r) => r !== active);
      },
    };
  }

  clear(): void {
    for (const rule of this.rules) rule.remaining = 0;
    this.rules = [];
  }

  /** Rules still waiting to fire. */
  get size(): number {
    return this.rules.length;
  }

  /** First matching rule in insertion order; using it spends one of its `times`. */
  take(method: string, path: string): Fault | null {
    const upper = method.toUpperCase();
    const rule = this.rules.find((r) => (r.method === null || r.method === upper) && pathMatches(r.path, path));
    if (!rule) return null;
    rule.remaining--;
    if (rule.remaining <= 0) this.rules = this.rules.filter((r) => r !== rule);
    return rule.fault;
  }
}

function pathMatches(pattern: string | RegExp | null, path: string): boolean {
  if (pattern === null) return true;
  if (typeof pattern === 'string') return pattern === path;
  pattern.lastIndex = 0; // a /g or /y pattern would otherwise remember the previous match
  return pattern.test(path);
}

function validateFault(fault: Fault): void {
  const bad = (why: string): never => {
    throw new RangeError(`Invalid ${fault.type} fault: ${why}`);
  };
  switch (fault.type) {
    case 'latency':
      if (!(fault.ms >= 0 && Number.isFinite(fault.ms))) bad('ms must be a finite number >= 0');
      break;
    case 'status':
      if (!isHttpStatus(fault.status)) bad('status must be 200..599');
      break;
    case 'malformed':
      if (fault.status !== undefined && !isHttpStatus(fault.status)) bad('status must be 200..599');
      break;
    case 'rate-limit':
      if (!(Number.isInteger(fault.retryAfterSeconds) && fault.retryAfterSeconds >= 0)) bad('retryAfterSeconds must be an integer >= 0');
      break;
    default:
      break;
  }
}

const isHttpStatus = (status: number): boolean => Number.isInteger(status) && status >= 200 && status <= 599;
