/** The machine line of the report: CPU, cores, memory, OS, Node, Chromium, load. */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { cpus, loadavg, release, totalmem, type } from 'node:os'

export interface MachineInfo {
  cpu: string
  cores: number
  memoryGiB: number
  os: string
  node: string
  chromium: string | null
  /** 1-minute load average when the bench started (other work on the machine adds noise). */
  loadAtStart: number
  loadAtEnd: number | null
  commit: string | null
}

function cpuModel(): string {
  const model = cpus()[0]?.model?.trim()
  if (model) return model
  try {
    return /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? 'unknown CPU'
  } catch {
    return 'unknown CPU'
  }
}

function gitCommit(cwd: string): string | null {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
    const dirty = execFileSync('git', ['status', '--porcelain'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() !== ''
    return dirty ? `${sha} + uncommitted changes` : sha
  } catch {
    return null
  }
}

export function machineInfo(cwd: string): MachineInfo {
  return {
    cpu: cpuModel(),
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${type()} ${release()}`,
    node: process.version,
    chromium: null,
    loadAtStart: Math.round((loadavg()[0] ?? 0) * 100) / 100,
    loadAtEnd: null,
    commit: gitCommit(cwd)
  }
}
