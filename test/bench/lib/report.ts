/** The results as a Markdown table (printed, written to bench-results/) and the budget check. */
import type { Budget, Figure, Unit } from './figures'
import type { MachineInfo } from './machine'
import { summarise } from './stats'

export interface Report {
  mode: 'quick' | 'full'
  runs: number
  date: string
  seconds: number
  machine: MachineInfo
  figures: Figure[]
  notes: string[]
}

export function formatValue(value: number, unit: Unit): string {
  switch (unit) {
    case 'KB':
      return `${value.toFixed(1)} KB`
    case 'ms':
      return `${value.toFixed(1)} ms`
    case 'MB':
      return `${value.toFixed(2)} MB`
    case 'requests':
    case 'round trips':
    case 'connections':
    case 'count':
      return String(Math.round(value))
    case 'yes/no':
      return value === 0 ? 'no' : 'yes'
    case 'x':
      return `${value.toFixed(2)}×`
  }
}

export const meets = (value: number, budget: Budget): boolean =>
  budget.op === '=' ? Math.abs(value - budget.value) < 1e-9 : value <= budget.value + 1e-9

const formatBudget = (budget: Budget, unit: Unit): string => `${budget.op === '=' ? '=' : '≤'} ${formatValue(budget.value, unit)}`

export function renderMarkdown(report: Report): { markdown: string; failures: string[] } {
  const { machine } = report
  const failures: string[] = []
  const lines: string[] = []
  lines.push('# Autocalls Keys — benchmarks', '')
  const how =
    report.mode === 'quick'
      ? '`node test/bench/run-bench.mjs --quick` (deterministic figures only, as in `npm test`)'
      : `\`npm run bench\` (${report.runs} measured runs per timing, after a warm-up)`
  lines.push(`${how}, ${report.date.slice(0, 16).replace('T', ' ')} UTC, commit ${machine.commit ?? 'unknown'}, ${report.seconds} s.`, '')
  lines.push(
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB RAM, ${machine.os} · Node ${machine.node} · Chromium ${machine.chromium ?? 'unknown'} (headless) · load average ${machine.loadAtStart} at start${
      machine.loadAtEnd === null ? '' : `, ${machine.loadAtEnd} at the end`
    }`,
    ''
  )
  const busiest = Math.max(machine.loadAtStart, machine.loadAtEnd ?? 0)
  if (report.mode === 'full' && busiest > machine.cores) {
    lines.push(
      `> **Warning:** the machine was busy (load average ${busiest} on ${machine.cores} cores): other processes competed for the CPU, so the timings are inflated and noisier than usual. Sizes and counts are unaffected.`,
      ''
    )
  }
  lines.push('| Figure | Median | Min | Max | Runs | Budget | Pass |', '| --- | ---: | ---: | ---: | ---: | ---: | :---: |')
  for (const figure of report.figures) {
    if (figure.notMeasured !== undefined) {
      const budget = figure.budget ? formatBudget(figure.budget, figure.unit) : '—'
      lines.push(`| ${figure.label} | not measured | — | — | 0 | ${budget} | not measured |`)
      continue
    }
    const stats = summarise(figure.samples)
    const single = stats.n === 1
    let pass = ''
    if (figure.budget) {
      const ok = meets(stats.median, figure.budget)
      pass = ok ? 'pass' : '**FAIL**'
      if (!ok) failures.push(`${figure.label}: ${formatValue(stats.median, figure.unit)} (budget ${formatBudget(figure.budget, figure.unit)})`)
    }
    lines.push(
      `| ${figure.label} | ${formatValue(stats.median, figure.unit)} | ${single ? '—' : formatValue(stats.min, figure.unit)} | ${single ? '—' : formatValue(stats.max, figure.unit)} | ${stats.n} | ${
        figure.budget ? formatBudget(figure.budget, figure.unit) : '—'
      } | ${pass || '—'} |`
    )
  }
  const notes = [
    ...report.figures.filter((f) => f.notMeasured !== undefined).map((f) => `**${f.label}: not measured**: ${f.notMeasured}`),
    ...report.figures.filter((f) => f.note).map((f) => `${f.label}: ${f.note}`),
    ...report.notes
  ]
  if (notes.length > 0) {
    lines.push('', 'Notes:', '')
    for (const note of notes) lines.push(`- ${note}`)
  }
  lines.push('')
  return { markdown: lines.join('\n'), failures }
}
