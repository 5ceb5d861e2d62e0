/**
 * Runs one task per item with at most `limit` in flight (the app's batch rule), and stops
 * starting new ones after a failure that says the rest cannot succeed (a 401, the keychain):
 * those are reported as skipped, never silently dropped. Results keep the items' order.
 * (The per-account pacer of issue 15 can take this function's place without changing callers.)
 */
export type BatchOutcome<T> = { status: 'done'; value: T } | { status: 'failed'; error: unknown } | { status: 'skipped' }

export async function runBatch<I, T>(
  items: readonly I[],
  limit: number,
  work: (item: I) => Promise<T>,
  stopsBatch: (error: unknown) => boolean
): Promise<BatchOutcome<T>[]> {
  const results: BatchOutcome<T>[] = items.map(() => ({ status: 'skipped' }))
  let next = 0
  let stopped = false
  const lane = async () => {
    while (!stopped && next < items.length) {
      const index = next++
      try {
        results[index] = { status: 'done', value: await work(items[index]!) }
      } catch (error) {
        results[index] = { status: 'failed', error }
        if (stopsBatch(error)) stopped = true
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane))
  return results
}
