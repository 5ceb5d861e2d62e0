/** Summary statistics of a benchmark's samples. */
export interface Summary {
  median: number
  min: number
  max: number
  /** Nearest-rank 95th percentile. */
  p95: number
  n: number
}

export function summarise(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new Error('no samples')
  const sorted = [...samples].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  const median = sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2
  const rank = Math.max(0, Math.ceil(0.95 * sorted.length) - 1)
  return { median, min: sorted[0] as number, max: sorted[sorted.length - 1] as number, p95: sorted[rank] as number, n: sorted.length }
}
