#!/usr/bin/env node
/**
 * Renders the measurements the reliability tests leave in test-results/reliability/ (fault table,
 * bulk delete and rotation under faults, fuzz counts, load figures, secret scans) as the README's "Reliability and security" section.
 *
 *   node test/reliability/render-report.mjs            # prints the Markdown
 *   node test/reliability/render-report.mjs --check    # also fails if a measurement is missing
 *
 * The fault-matrix test imports `renderFaultTable` to write fault-table.md next to its JSON.
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

export const RESULTS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../test-results/reliability')

const OP_TITLES = { 'sign-in': 'Sign-in', restore: 'Restore at start', list: 'List', create: 'Create', delete: 'Delete' }

const code = (text) => `\`${text}\``
const escapeCell = (text) => String(text).replace(/\|/g, '\\|').replace(/\n/g, ' ')
const seconds = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)} s` : `${ms} ms`)

/** Run-specific details (ports) replaced, so the table reads the same on every run. */
const stable = (text) => String(text).replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:PORT')

/** One operation's behaviour in a few words. */
function describeCell(op, cell) {
  if (!cell || cell.applicable === false) return '—'
  if (cell.missing) return '**not measured (test failed)**'
  if (cell.kind === 'ok') return `succeeds${cell.note ? `: ${cell.note}` : ''}`
  const verb = op === 'create' ? 'POST' : op === 'delete' ? 'DELETE' : 'GET'
  const parts = [`${code(cell.kind)}, ${cell.requestsSent} ${verb}${cell.requestsSent === 1 ? '' : 's'}`]
  if (cell.waitsMs?.length && cell.waitsMs.some((ms) => ms >= 1000)) parts[0] += ` (waits ${cell.waitsMs.map(seconds).join(' + ')}, as asked)`
  if (op === 'create') {
    if (cell.requestsReceived === 0) parts.push('never reached the server, no key')
    else if (cell.keyOnServer) parts.push('key made once: “may exist”, list refreshed')
    else parts.push('no key made')
  }
  if (cell.recoveredByItself) parts.push('**recovers by itself**')
  if (cell.cacheMarkedStale) parts.push('cached rows marked as cached')
  if (cell.staysUnverified) parts.push('stays signed in, unverified')
  if (cell.signedOut) parts.push('signed out, keychain cleared')
  if (op === 'delete' && cell.note) parts.push('deleted once; retry answers “already gone”')
  return parts.join('; ')
}

const BATCH_TITLES = { 'bulk-delete': 'Bulk delete', 'refresh-all': 'Refresh all' }

/** Pacing rows: each batch kind against the sandbox's per-user throttle, under three server behaviours. */
export function renderPacing(report) {
  const { limit, windowMs } = report.throttle
  const lines = [
    `| Batch | Server | Items | 429s received | Completed | Requests (app + outside) | Wall time | Fastest the limit allows | What the person sees |`,
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |'
  ]
  for (const row of report.rows) {
    const shown = row.shown.length ? row.shown.join('; ') : 'nothing (no wait was needed)'
    lines.push(
      `| ${BATCH_TITLES[row.batch] ?? row.batch} | ${escapeCell(row.situation)} | ${row.items} | ${row.received429} | ${row.completed ? 'yes' : `**no** (${row.failed} failed)`} | ` +
        `${row.appRequests}${row.outsideRequests ? ` + ${row.outsideRequests}` : ''} | ${seconds(row.wallMs)} | ${seconds(row.fastestMs)} | ${escapeCell(shown)} |`
    )
  }
  lines.push(
    '',
    `Sandbox throttle ${limit} requests per ${seconds(windowMs)} per user (Laravel's fixed window; the app is told the window length). ` +
      '“Fastest the limit allows”: (fixed windows needed for the requests the server counted − 1) × window, with the old limit until the switch and the new one after it: a lower bound. ' +
      '“Outside”: a script of the same user spending the window until its first 429. Refresh all runs over two accounts of one user ' +
      '(the same key under 127.0.0.1 and localhost: the app names an account “email on base URL”, so one sandbox user gives no more). ' +
      'Each account has its own pacer, so the two accounts of one user each meet the 429 once and each send at the no-headers rate. ' +
      'Rotation watching is not measured here: it sends at most one list a minute per account, through the same pacer.',
    ''
  )
  return lines.join('\n')
}

/** The message the person reads for each error case, against each Laravel version. */
export function renderLaravelErrors(report) {
  const versions = report.versions
  const lines = [`| Case | ${versions.map((v) => `Laravel ${v}`).join(' | ')} |`, `|${' --- |'.repeat(versions.length + 1)}`]
  for (const row of report.rows) {
    const cells = versions.map((v) => {
      const cell = row[`laravel${v}`]
      if (!cell) return '**not measured (test failed)**'
      const sent = `${cell.requestsSent} request${cell.requestsSent === 1 ? '' : 's'}${cell.status === null ? '' : `, last HTTP ${cell.status}`}`
      return `${code(cell.kind)}: “${stable(cell.message)}” (${sent})`
    })
    lines.push(`| ${escapeCell(row.label)} | ${cells.map(escapeCell).join(' | ')} |`)
  }
  lines.push('')
  for (const note of report.notReachable ?? []) lines.push(`Not reachable through the handlers: ${note}.`, '')
  return lines.join('\n')
}

/** The fault table: behaviour per operation, then the message per fault. */
export function renderFaultTable(table) {
  const ops = table.ops
  const lines = []
  lines.push(`| Fault | ${ops.map((op) => OP_TITLES[op] ?? op).join(' | ')} |`)
  lines.push(`|${' --- |'.repeat(ops.length + 1)}`)
  for (const row of table.rows) {
    lines.push(`| ${escapeCell(row.fault)} | ${ops.map((op) => escapeCell(describeCell(op, row.ops[op]))).join(' | ')} |`)
  }
  lines.push('')
  lines.push(
    `Each cell: the error kind the window gets while the fault lasts, and how many requests the client sent (the retry budget is ${table.retryPolicy.maxAttempts} attempts for GET and DELETE, ` +
      `back-off from ${table.retryPolicy.baseDelayMs} ms with jitter, a Retry-After of up to ${seconds(table.retryPolicy.maxRetryAfterMs)} waited out; POST is never retried). ` +
      '“Recovers by itself”: with the server back during the back-off, the same call succeeds without the person doing anything. ' +
      'Every cell also proves the app stays usable: the same operation succeeds once the fault is gone.'
  )
  lines.push('')
  lines.push('What the person reads:')
  lines.push('')
  lines.push('| Fault | Injected as | Message on a read (list, delete, sign-in) | Message on create |')
  lines.push('| --- | --- | --- | --- |')
  for (const row of table.rows) {
    const read = ['list', 'delete', 'sign-in'].map((op) => row.ops[op]).find((cell) => cell && cell.applicable !== false && (cell.message || cell.kind === 'ok'))
    const create = row.ops.create
    const readText = read?.message ? `${code(read.kind)} ${stable(read.message)}` : read?.kind === 'ok' ? 'none: the key is gone either way, the row disappears' : '—'
    const createText = create?.message ? `${code(create.kind)} ${stable(create.message)}` : '—'
    lines.push(`| ${escapeCell(row.fault)} | ${escapeCell(row.injected)} | ${escapeCell(readText)} | ${escapeCell(createText)} |`)
  }
  return `${lines.join('\n')}\n`
}

/** What the window showed under each fault (test/e2e/reliability/faults-ui.test.ts). */
export function renderFaultUi(ui) {
  const lines = ['| Fault | Refresh | Create |', '| --- | --- | --- |']
  for (const row of ui.rows) lines.push(`| ${escapeCell(row.fault)} | ${escapeCell(stable(row.refresh ?? '—'))} | ${escapeCell(stable(row.create ?? '—'))} |`)
  return `${lines.join('\n')}\n`
}

const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`

/** "4 deleted, 6 failed" from a batch's outcome counts. */
function outcomeText(counts) {
  const parts = []
  if (counts.deleted) parts.push(`${counts.deleted} deleted`)
  if (counts['already-gone']) parts.push(`${counts['already-gone']} already gone`)
  if (counts.failed) parts.push(`${counts.failed} failed`)
  if (counts.skipped) parts.push(`${counts.skipped} skipped`)
  return parts.join(', ') || 'nothing'
}

/** A batch's 429 pauses: how long, and whether anything left meanwhile. */
const pauseText = (run) => `≥ ${seconds(Math.floor(run.shortestPauseMs / 100) * 100)} each, ${run.sentDuringPause === 0 ? 'no DELETE sent during one' : `**${run.sentDuringPause} DELETEs sent during one**`}`

/** Bulk delete with a fault from the (k+1)-th delete on (test/reliability/batch-faults.test.ts). */
export function renderBulkDeleteFaults(report) {
  const { selected, faultAfter, unselected, maxInFlight, retryAttempts } = report.batch
  const lines = [
    `| Fault (from delete ${faultAfter + 1} of ${selected} on) | While it lasts | Requests | The person reads | Recovers by itself | Retry of the rest |`,
    '| --- | --- | --- | --- | --- | --- |'
  ]
  for (const row of report.bulkDelete) {
    if (row.missing) {
      lines.push(`| ${escapeCell(row.fault)} | **not measured (test failed)** | | | | |`)
      continue
    }
    const p = row.persistent
    const lasts = [`${outcomeText(p.outcomes)}${p.neverReached ? ` (${p.neverReached} never reached the server)` : ''}`]
    if (p.ended === 'stopped') lasts.push('**batch stopped**')
    if (p.signedOut) lasts.push('account signed out, keychain cleared')
    const failedGone = p.outcomes.failed - p.selectedStillOnServer
    if (p.outcomes.failed && failedGone > 0 && p.ended !== 'stopped') lasts.push(`the server had in fact deleted ${failedGone} of the failed (not claimed)`)
    if (p.pausesShown) lasts.push(`each 429 paused the whole batch: ${plural(p.pausesShown, 'pause')} shown, ${pauseText(p)}`)
    const requests = `${plural(p.deletesSent, 'DELETE')} sent, ${p.deletesReceived} received; all of selected ids`
    const reads = p.reasons.map((r) => `${code(r.kind)} ×${r.keys}: ${stable(r.message)}`)
    if (row.accountMessage) reads.push(`account: “${stable(row.accountMessage)}”`)
    const t = row.transient
    const heals = t
      ? `**yes**: ${outcomeText(t.outcomes)}, ${plural(t.deletesSent, 'DELETE')}${t.pausesShown ? `; the whole batch paused for the Retry-After (the pause shown, ${pauseText(t)})` : ''}`
      : '— (needs the person)'
    const rest = row.retryOfRest ? `${outcomeText(row.retryOfRest.outcomes)}, ${plural(row.retryOfRest.deletesSent, 'DELETE')}${p.signedOut ? ' (after signing in again)' : ''}` : '—'
    lines.push(`| ${escapeCell(row.fault)} | ${escapeCell(lasts.join('; '))} | ${escapeCell(requests)} | ${escapeCell(reads.join('; ') || '—')} | ${escapeCell(heals)} | ${escapeCell(rest)} |`)
  }
  lines.push('')
  lines.push(
    `A batch of ${selected} selected keys (${maxInFlight} in flight) in an account with ${unselected} other keys and the app's own key; the fault hits every DELETE from the ${faultAfter + 1}th on, ` +
      `until the batch has answered. In every row each selected key comes back as deleted, already gone, failed with its reason, or skipped; the sandbox's request log holds DELETEs of selected ids only, ` +
      `and the keys outside the selection are all still there. A key answered as deleted is gone from the server; a failed one is never claimed as deleted. ` +
      `DELETE is retried by the client (${retryAttempts} attempts) on network and 5xx failures; a 429 pauses the whole batch for its Retry-After and the task runs again (up to 3 times). ` +
      '“Recovers by itself”: the fault ends during the client’s first back-off (or is a single 429), and the same batch completes. “Retry of the rest”: the failed and skipped keys, deleted again once the fault is gone.'
  )
  return `${lines.join('\n')}\n`
}

/** Guided rotation under faults (test/reliability/batch-faults.test.ts). */
export function renderRotationFaults(report) {
  const lines = ['| Step | Fault | Answer | Requests | Rotation | Server afterwards | Then |', '| --- | --- | --- | --- | --- | --- | --- |']
  for (const row of report.rotation) {
    const answer = row.kind === 'ok' ? 'succeeds' : `${code(row.kind)} ${stable(row.message)}`
    const verb = row.step === 'start' ? 'POST' : 'DELETE'
    const rotation = row.rotationOpen ? 'stays open (stored)' : '**not opened**'
    const server = [row.oldKeyOnServer ? 'old key kept' : 'old key gone', row.step === 'start' ? `replacement made ${row.replacementsOnServer === 1 ? 'once' : `${row.replacementsOnServer} times`}` : 'replacement kept']
    if (row.signedOut) server.push('signed out, keychain cleared')
    lines.push(
      `| ${row.step === 'start' ? 'Start (create the replacement)' : 'Finish (delete the old key)'} | ${escapeCell(row.fault)} | ${escapeCell(answer)} | ${plural(row.requestsSent, verb)} | ${rotation} | ${escapeCell(server.join('; '))} | ${escapeCell(row.after)} |`
    )
  }
  lines.push('')
  lines.push('The create of a replacement is one POST, never retried; the old key’s DELETE has the client’s usual retries (a 401 is not retried).')
  return `${lines.join('\n')}\n`
}

export function renderFuzzCounts(fuzz) {
  // The IPC properties run once per channel: one row per property, with the channel count.
  const rows = []
  const perChannel = new Map()
  for (const p of fuzz.properties) {
    const match = p.file === 'ipc-handlers' ? /^([a-z-]+:[a-z-]+): (.+)$/.exec(p.property) : null
    if (!match) {
      rows.push({ label: `${p.property}`, file: p.file, runs: p.numRuns, failed: p.passed === false ? 1 : 0 })
      continue
    }
    const group = perChannel.get(match[2]) ?? { label: `every IPC handler: ${match[2]}`, file: p.file, runs: 0, channels: 0, failed: 0 }
    group.runs += p.numRuns
    group.channels += 1
    if (p.passed === false) group.failed += 1
    perChannel.set(match[2], group)
  }
  rows.unshift(...[...perChannel.values()].map((g) => ({ ...g, label: `${g.label} (${g.channels} channels)` })))
  const lines = ['| Property | Generated cases |', '| --- | ---: |']
  for (const r of rows) lines.push(`| ${escapeCell(r.label)} — ${r.file} | ${r.runs.toLocaleString('en-US')}${r.failed ? ` (**${r.failed} failed**)` : ''} |`)
  lines.push(`| **Total** | **${fuzz.total.toLocaleString('en-US')}** |`)
  lines.push('')
  lines.push(
    'Seeds are random on every run (a failure prints its seed and the shrunk counterexample, for replay with `fc.assert(…, { seed, path })`). ' +
      'The IPC oracle is written from the contract, not from main\'s schemas, so a schema that accepts too much fails it.'
  )
  return `${lines.join('\n')}\n`
}

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`

export function renderLoad(load) {
  const lines = ['| Measure | Value |', '| --- | ---: |']
  lines.push(`| Keys listed through the handler | ${load.list.keys.toLocaleString('en-US')} in ${load.list.ms} ms (response ${mb(load.list.responseBytes)}) |`)
  lines.push(`| Creates in a row | ${load.creates.count} in ${load.creates.ms} ms (${load.creates.msPerOp.toFixed(1)} ms each), ${load.creates.postsReceived} POSTs received |`)
  lines.push(`| Deletes in a row | ${load.deletes.count} in ${load.deletes.ms} ms (${load.deletes.msPerOp.toFixed(1)} ms each), ${load.deletes.deletesReceived} DELETEs received |`)
  lines.push(`| List matches the server afterwards | ${load.finalList.matchesServer ? 'yes' : 'NO'} (${load.finalList.keys.toLocaleString('en-US')} keys) |`)
  lines.push(`| Heap after GC: start → after list → after creates/deletes | ${mb(load.memory.heapAfterGc.start)} → ${mb(load.memory.heapAfterGc.afterList)} → ${mb(load.memory.heapAfterGc.end)} |`)
  lines.push(`| Heap growth over the 200 writes (GC'd, first vs last quarter) | ${mb(load.memory.writeLoopGrowthBytes)} (limit ${mb(load.memory.limitBytes)}) |`)
  lines.push(`| Peak RSS | ${mb(load.memory.peakRss)} |`)
  return `${lines.join('\n')}\n`
}

export function renderSecretScan(scan) {
  const lines = ['| Where | Scanned | Bearer credential found | Created tokens found |', '| --- | ---: | ---: | --- |']
  for (const row of scan.rows) lines.push(`| ${escapeCell(row.where)} | ${escapeCell(row.scanned)} | ${row.credentialHits} | ${escapeCell(row.tokenHits)} |`)
  return `${lines.join('\n')}\n`
}

const KEYRING_TITLES = {
  'no-bus': 'No D-Bus session (keychain daemon stopped)',
  'no-login-collection': 'Secret Service running, no keyring created',
  locked: 'Keyring locked',
  unlocked: 'Keyring unlocked'
}

export function renderKeychain(runs) {
  const lines = ['| Keychain | Action | What the app answers | Files under a throwaway HOME scanned for the credential |', '| --- | --- | --- | --- |']
  for (const run of runs) {
    const outcome = run.outcome ?? {}
    const answer = outcome.answer ?? outcome.signOut ?? outcome.restore ?? outcome
    const value = answer?.value ?? {}
    const state = value.state ?? value.session?.state
    const reason = value.reason ?? value.session?.reason
    const text =
      answer?.ok === false ? `${code(answer.error.kind)} ${answer.error.message}` : answer?.ok ? `ok, ${state}${reason ? `: “${reason}”` : ''}` : JSON.stringify(answer)
    const extra = outcome.credentialStillInKeyring ? ' (the credential stays in the locked keyring, so the app says so rather than claim a sign-out; it stays signed in)' : ''
    const scanned = outcome.scanned ? `${outcome.scanned.files} files, none contains it` : 'none contains it'
    lines.push(`| ${escapeCell(KEYRING_TITLES[run.keyring] ?? run.keyring)} | ${escapeCell(run.scenario)} | ${escapeCell(stable(text) + extra)} | ${escapeCell(scanned)} |`)
  }
  return `${lines.join('\n')}\n`
}

const read = (name) => {
  const path = join(RESULTS_DIR, name)
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : null
}

/** The whole README section from whatever measurements exist. */
export function renderReport() {
  const missing = []
  const out = ['## Reliability and security', '']
  out.push(
    'Measured by the tests in `test/reliability/` (services, IPC handlers, client and HTTP, against the sandbox server with',
    'fault injection and the real keychain) and `test/e2e/reliability/` (the same through the UI in Chromium), on every',
    '`npm test`. This section is generated: `node test/reliability/render-report.mjs` prints it from `test-results/reliability/`.',
    ''
  )
  const faults = read('fault-table.json')
  out.push('### Faults', '')
  if (faults) out.push(renderFaultTable(faults))
  else missing.push('fault-table.json')
  const ui = read('fault-ui.json')
  if (ui) out.push('The same faults through the window (Chromium, browser preview):', '', renderFaultUi(ui))
  const batch = read('batch-faults.json')
  if (batch) {
    out.push('### Bulk delete under faults', '', renderBulkDeleteFaults(batch))
    out.push('### Rotation under faults', '', renderRotationFaults(batch))
  } else missing.push('batch-faults.json')
  const pacing = read('pacing.json')
  out.push('### Pacing to the server\'s rate limit', '')
  if (pacing) out.push(renderPacing(pacing))
  else missing.push('pacing.json')
  const versions = read('laravel-errors.json')
  out.push('### Errors against Laravel 8 and 10', '')
  if (versions) out.push(renderLaravelErrors(versions))
  else missing.push('laravel-errors.json')
  const fuzz = read('fuzz-counts.json')
  out.push('### Bad input (property-based, fast-check)', '')
  if (fuzz) out.push(renderFuzzCounts(fuzz))
  else missing.push('fuzz-counts.json')
  const load = read('load.json')
  out.push('### Load', '')
  if (load) out.push(renderLoad(load))
  else missing.push('load.json')
  const scans = ['secret-scan.json', 'secret-scan-ui.json'].map(read).filter(Boolean)
  out.push('### Secret hygiene', '')
  if (scans.length) for (const scan of scans) out.push(`${scan.title}:`, '', renderSecretScan(scan))
  else missing.push('secret-scan.json')
  const keychain = read('keychain-unavailable.json')
  if (keychain) out.push('Without a usable keychain (real keytar and GNOME Keyring in a child process, its own D-Bus session):', '', renderKeychain(keychain))
  else missing.push('keychain-unavailable.json')
  return { markdown: out.join('\n'), missing }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { markdown, missing } = renderReport()
  process.stdout.write(markdown)
  if (missing.length) {
    process.stderr.write(`\nmissing measurements: ${missing.join(', ')} (run the reliability tests first)\n`)
    if (process.argv.includes('--check')) process.exit(1)
  }
}
