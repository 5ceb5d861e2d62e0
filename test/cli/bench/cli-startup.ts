/**
 * The command line's two start-up budgets, each measured as a whole process (spawn to exit) of
 * the built out/main/cli.js against the sandbox: `--help` (≤ 150 ms) and `keys list --json` of an
 * account with 10,000 keys (≤ 400 ms; the sandbox serving the list runs on the same machine and
 * is part of the figure). `measureCliStartup` is for `npm run bench`; run this file alone with
 * `node test/cli/bench/run-cli-bench.mjs` (it provides a throwaway keyring on Linux).
 */
import { startSandbox } from '../../../src/sandbox/index'
import { createWorld, describeRun, type CliRun } from '../support/cli'

export const CLI_BUDGETS = { helpMs: 150, list10kMs: 400 } as const

export interface CliFigure {
  label: string
  budgetMs: number
  samplesMs: number[]
  medianMs: number
  minMs: number
  maxMs: number
  pass: boolean
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

function figure(label: string, budgetMs: number, runs: CliRun[]): CliFigure {
  const samplesMs = runs.map((run) => run.wallMs)
  const medianMs = median(samplesMs)
  return { label, budgetMs, samplesMs, medianMs, minMs: Math.min(...samplesMs), maxMs: Math.max(...samplesMs), pass: medianMs <= budgetMs }
}

export async function measureCliStartup(options: { runs?: number; keys?: number } = {}): Promise<CliFigure[]> {
  const runs = options.runs ?? 9
  const keys = options.keys ?? 10_000
  const sandbox = await startSandbox()
  const world = await createWorld('bench')
  try {
    const repeat = async (args: string[]): Promise<CliRun[]> => {
      const out: CliRun[] = []
      for (let i = 0; i <= runs; i++) {
        const run = await world.run(args)
        if (run.code !== 0) throw new Error(describeRun(run))
        if (i > 0) out.push(run) // the first run warms the disk cache
      }
      return out
    }
    const help = await repeat(['--help'])
    sandbox.seedKeys(sandbox.demo.token, keys - 3)
    const signIn = await world.run(['login', '--base-url', sandbox.baseUrl], { input: sandbox.demo.token })
    if (signIn.code !== 0) throw new Error(describeRun(signIn))
    const list = await repeat(['keys', 'list', '--json'])
    const listed = (JSON.parse(list[0]!.stdout) as { keys: unknown[] }).keys.length
    if (listed !== keys) throw new Error(`keys list --json listed ${listed} keys, expected ${keys}`)
    return [figure('autocalls-keys --help (whole process)', CLI_BUDGETS.helpMs, help), figure(`autocalls-keys keys list --json, ${keys.toLocaleString('en')} keys (whole process)`, CLI_BUDGETS.list10kMs, list)]
  } finally {
    await world.dispose()
    await sandbox.close()
  }
}

if (process.argv[1]?.endsWith('cli-startup.ts')) {
  const runsArg = process.argv.indexOf('--runs')
  measureCliStartup(runsArg > 0 ? { runs: Number(process.argv[runsArg + 1]) } : {}).then(
    (figures) => {
      console.log('| Figure | Median | Min | Max | Runs | Budget | |\n| --- | --- | --- | --- | --- | --- | --- |')
      for (const f of figures) console.log(`| ${f.label} | ${f.medianMs.toFixed(1)} ms | ${f.minMs.toFixed(1)} ms | ${f.maxMs.toFixed(1)} ms | ${f.samplesMs.length} | ≤ ${f.budgetMs} ms | ${f.pass ? 'pass' : 'FAIL'} |`)
      process.exit(figures.every((f) => f.pass) ? 0 : 1)
    },
    (error: unknown) => {
      console.error(error)
      process.exit(2)
    }
  )
}
