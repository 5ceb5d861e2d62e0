#!/usr/bin/env node
/**
 * CI gate over Electronegativity (a static checker for Electron security anti-patterns).
 *
 *   node test/electron/electronegativity-gate.mjs [--report <file.json>]
 *
 * The CLI always exits 0 and its CSV writer appends the rows while a separate write still creates
 * the header (a race that can silently drop every row), and its SARIF output has no severity. So
 * this gate uses the documented programmatic API (`require('@doyensec/electronegativity')`), which
 * returns every issue with its severity and confidence, and:
 *   - fails (exit 1) on any finding of MEDIUM severity or worse, whatever its confidence, unless it
 *     is one of the ACCEPTED exceptions below (each with its reason);
 *   - fails if a file could not be parsed (an unscanned file is not a clean file);
 *   - fails if the scan does not finish in time; works offline (see EXCLUDED_CHECKS);
 *   - prints one summary line, and warns about exceptions that no longer match anything.
 *
 * Runs over src/ (main, preload, renderer, shared, sandbox, preview) with the installed Electron
 * version, so version-dependent defaults are judged for Electron 45.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const require = createRequire(import.meta.url)
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const SCAN_DIR = join(ROOT, 'src')
const TIMEOUT_MS = 180_000

export const SEVERITY_ORDER = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH']
export const FAIL_AT = 'MEDIUM'

/**
 * Checks not run, with why.
 * - AvailableSecurityFixesGlobalCheck downloads Electron's release list from GitHub on every run
 *   (it cannot work offline, and a network failure makes it silently report nothing). Keeping
 *   Electron current is the lockfile's and Dependabot's job, not this gate's.
 */
export const EXCLUDED_CHECKS = ['AvailableSecurityFixesGlobalCheck']

/**
 * Findings of MEDIUM or worse that are accepted, matched on check id and file (relative to src/,
 * "N/A" for global checks). Each says why it is a false positive or a reviewed, intended use.
 */
export const ACCEPTED = [
  {
    id: 'CSP_GLOBAL_CHECK',
    file: 'N/A',
    reason:
      'The CSP is not in a <meta> tag (that would break the Vite dev server) but sent as a response header on every ' +
      'app:// response by the protocol handler (src/main/electron/app-protocol.ts + csp.ts), which Electronegativity ' +
      'cannot see. test/electron/security-settings.test.ts asserts the policy and runs the same CSP evaluator over it; ' +
      'test/electron/main-bundle.test.ts asserts the header on responses of the built app.'
  },
  {
    id: 'AUXCLICK_JS_CHECK',
    file: 'main/electron/window-options.ts',
    reason:
      'Asks for disableBlinkFeatures: "Auxclick", which is no longer a Blink runtime feature (the flag would be a no-op). ' +
      'What it guarded against, a middle-click opening a new window, cannot happen: every new-window request goes to ' +
      'setWindowOpenHandler, which always denies (src/main/electron/navigation.ts; tested in guards.test.ts and main-bundle.test.ts).'
  },
  {
    id: 'PRELOAD_JS_CHECK',
    file: 'main/electron/window-options.ts',
    reason:
      'Manual-review item for any preload. Reviewed: the sandboxed preload (src/preload/index.ts) exposes only the named ' +
      'functions of src/shared/bridge-api.ts through contextBridge, one per contract channel; never ipcRenderer, never ' +
      'the Electron event object.'
  },
  {
    id: 'OPEN_EXTERNAL_JS_CHECK',
    file: 'main/index.ts',
    reason:
      'Manual-review item for any non-constant URL. Reviewed: shell.openExternal is only reached after ' +
      'isAllowedExternalUrl (https, no credentials, Autocalls docs/dashboard hosts only), checked on the line before.'
  },
  {
    id: 'OPEN_EXTERNAL_JS_CHECK',
    file: 'main/ipc/handlers.ts',
    reason:
      'Manual-review item. Reviewed: the shell:open-external handler calls openExternal only after isAllowedExternalUrl, ' +
      'and the Electron openExternal it is given checks the allowlist again (src/main/index.ts).'
  }
]

const rank = (severity) => SEVERITY_ORDER.indexOf(String(severity).toUpperCase())

/** Splits issues into failing / accepted / below the threshold, and finds stale exceptions. */
export function evaluateFindings(issues, accepted = ACCEPTED) {
  const failing = []
  const acceptedHits = []
  const below = []
  const used = new Set()
  for (const issue of issues) {
    // An unknown severity name counts as failing: the gate fails closed.
    const severity = rank(issue.severity)
    if (severity !== -1 && severity < rank(FAIL_AT)) {
      below.push(issue)
      continue
    }
    const index = accepted.findIndex((entry) => entry.id === issue.id && entry.file === issue.file)
    if (index === -1) failing.push(issue)
    else {
      used.add(index)
      acceptedHits.push({ ...issue, reason: accepted[index].reason })
    }
  }
  const stale = accepted.filter((_entry, index) => !used.has(index))
  return { failing, accepted: acceptedHits, below, stale }
}

/** Electronegativity's issue objects → plain rows (severity names, file relative to src/). */
export function normaliseIssue(issue, scanDir = SCAN_DIR) {
  const file = issue.file === 'N/A' || !issue.file ? 'N/A' : relative(scanDir, resolve(scanDir, issue.file)).split('\\').join('/')
  return {
    id: issue.id,
    severity: issue.severity?.name ?? String(issue.severity),
    confidence: issue.confidence?.name ?? String(issue.confidence),
    file,
    line: issue.location?.line ?? 0,
    column: issue.location?.column ?? 0,
    description: issue.description,
    manualReview: Boolean(issue.manualReview)
  }
}

export async function runElectronegativity(scanDir = SCAN_DIR) {
  const electronVersion = JSON.parse(readFileSync(join(ROOT, 'node_modules/electron/package.json'), 'utf8')).version
  // The tool fetches translations for $LANG with a 1 s timeout and falls back to its bundled en-US.
  process.env.LANG = 'en-US'
  const run = require('@doyensec/electronegativity')
  let timer
  const timeout = new Promise((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`Electronegativity did not finish within ${TIMEOUT_MS / 1000} s`)), TIMEOUT_MS)
  })
  try {
    const result = await Promise.race([
      run({
        input: scanDir,
        isRelative: false,
        // The runner reads `electronVersionOverride` (the README's `electronVersion` is ignored).
        electronVersionOverride: electronVersion,
        customScan: [],
        excludeFromScan: EXCLUDED_CHECKS.map((name) => name.toLowerCase()),
        parserPlugins: []
      }),
      timeout
    ])
    return { electronVersion, ...result }
  } finally {
    clearTimeout(timer)
  }
}

async function main() {
  const reportIndex = process.argv.indexOf('--report')
  const reportPath = reportIndex === -1 ? null : resolve(process.argv[reportIndex + 1] ?? 'test-results/electronegativity.json')

  // Its progress messages go to console.log; keep them out of the gate's output.
  const originalLog = console.log
  let scan
  try {
    console.log = () => undefined
    scan = await runElectronegativity()
  } finally {
    console.log = originalLog
  }

  const issues = scan.issues.map((issue) => normaliseIssue(issue))
  const parseErrors = scan.errors.filter((error) => !error.tolerable)
  const verdict = evaluateFindings(issues)

  const show = (issue) => `${issue.severity}/${issue.confidence} ${issue.id} ${issue.file}:${issue.line}:${issue.column} ${issue.description}`
  for (const issue of verdict.failing) console.error(`  FAIL   ${show(issue)}`)
  for (const error of parseErrors) console.error(`  FAIL   could not parse ${relative(ROOT, error.file)}: ${error.message}`)
  for (const issue of verdict.accepted) console.log(`  accept ${show(issue)}\n         why: ${issue.reason}`)
  for (const entry of verdict.stale) console.warn(`  note   accepted exception no longer needed: ${entry.id} ${entry.file}`)

  if (reportPath) {
    mkdirSync(dirname(reportPath), { recursive: true })
    writeFileSync(reportPath, `${JSON.stringify({ electronVersion: scan.electronVersion, issues, parseErrors, ...verdict }, null, 2)}\n`)
  }

  const failed = verdict.failing.length > 0 || parseErrors.length > 0
  console.log(
    `electronegativity (Electron ${scan.electronVersion}, ${scan.globalChecks + scan.atomicChecks} checks, ${issues.length} findings): ` +
      `${verdict.failing.length} failing at ${FAIL_AT}+, ${verdict.accepted.length} accepted, ${verdict.below.length} below ${FAIL_AT}, ` +
      `${parseErrors.length} unparsable files — ${failed ? 'FAIL' : 'PASS'}`
  )
  process.exitCode = failed ? 1 : 0
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error) => {
    console.error(`electronegativity gate could not run: ${error instanceof Error ? error.stack : String(error)}`)
    process.exitCode = 1
  })
}
