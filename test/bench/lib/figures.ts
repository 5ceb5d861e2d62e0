/** One row of the results table: a measured figure, its samples and its budget. */
export type Unit = 'KB' | 'ms' | 'MB' | 'requests' | 'round trips' | 'connections' | 'count' | 'yes/no' | 'x'

export interface Budget {
  /** The figure (median of the samples) must be `op` `value`. */
  op: '<=' | '='
  value: number
}

export interface Figure {
  id: string
  label: string
  unit: Unit
  /** Several for timings (one per run), one for deterministic figures. */
  samples: number[]
  /** Deterministic figures (sizes, counts) are checked by `--quick` too. */
  deterministic: boolean
  budget?: Budget
  /** Shown under the table. */
  note?: string
  /** Why the figure could not be measured in this build (no samples; shown as such, never a pass). */
  notMeasured?: string
}

export const FRAME_60HZ_MS = 1000 / 60
