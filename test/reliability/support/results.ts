/**
 * Where the reliability tests leave their measurements (`test-results/reliability/`), for the
 * README section that `render-report.mjs` renders. Files are written atomically (temp + rename),
 * and each test file writes its own file, so parallel test files never clobber each other.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'

export const RESULTS_DIR = resolve(__dirname, '../../../test-results/reliability')

export function writeResult(name: string, value: unknown): string {
  const path = join(RESULTS_DIR, name)
  mkdirSync(dirname(path), { recursive: true })
  const temp = `${path}.${process.pid}.${Date.now()}.tmp`
  writeFileSync(temp, typeof value === 'string' ? value : `${JSON.stringify(value, null, 2)}\n`)
  renameSync(temp, path)
  return path
}

/** One property's run: what was checked and how many generated cases fast-check ran. */
export interface FuzzCount {
  file: string
  property: string
  /** Generated cases actually run (not counting shrinking). */
  numRuns: number
  /** False when the property found a counterexample in this run. */
  passed?: boolean
}

/**
 * Records the runs of one property file (`fuzz/<file>.json`) and refreshes the merged
 * `fuzz-counts.json` from every file's record.
 */
export function writeFuzzCounts(file: string, counts: FuzzCount[]): void {
  writeResult(`fuzz/${file}.json`, counts)
  const dir = join(RESULTS_DIR, 'fuzz')
  const all: FuzzCount[] = []
  for (const entry of readdirSync(dir).filter((name) => name.endsWith('.json')).sort()) {
    all.push(...(JSON.parse(readFileSync(join(dir, entry), 'utf8')) as FuzzCount[]))
  }
  writeResult('fuzz-counts.json', { total: all.reduce((sum, c) => sum + c.numRuns, 0), properties: all })
}
