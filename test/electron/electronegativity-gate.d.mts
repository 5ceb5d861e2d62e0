/** Types of the gate's exports (the gate is a plain ESM script so that it runs with bare `node`). */
export interface GateIssue {
  id: string
  severity: string
  confidence?: string
  file: string
  line?: number
  column?: number
  description?: string
  manualReview?: boolean
}
export interface AcceptedException {
  id: string
  file: string
  reason: string
}
export declare const SEVERITY_ORDER: string[]
export declare const FAIL_AT: string
export declare const EXCLUDED_CHECKS: string[]
export declare const ACCEPTED: AcceptedException[]
export declare function evaluateFindings(
  issues: GateIssue[],
  accepted?: AcceptedException[]
): { failing: GateIssue[]; accepted: Array<GateIssue & { reason: string }>; below: GateIssue[]; stale: AcceptedException[] }
export declare function normaliseIssue(issue: unknown, scanDir?: string): GateIssue
export declare function runElectronegativity(scanDir?: string): Promise<{
  electronVersion: string
  globalChecks: number
  atomicChecks: number
  issues: unknown[]
  errors: Array<{ file: string; message: string; tolerable: boolean }>
}>
