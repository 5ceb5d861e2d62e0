/** Types for render-report.mjs (the tests import its renderers). */
export declare const RESULTS_DIR: string
export declare function renderFaultTable(table: unknown): string
export declare function renderFaultUi(ui: unknown): string
export declare function renderBulkDeleteFaults(report: unknown): string
export declare function renderRotationFaults(report: unknown): string
export declare function renderFuzzCounts(fuzz: unknown): string
export declare function renderLoad(load: unknown): string
export declare function renderKeychain(runs: unknown): string
export declare function renderSecretScan(scan: unknown): string
export declare function renderPacing(report: unknown): string
export declare function renderLaravelErrors(report: unknown): string
export declare function renderReport(): { markdown: string; missing: string[] }
