/**
 * `autocalls-keys keys delete <id>...`: asks on a terminal, refuses without --yes when nobody is
 * there to ask. The ids are fixed once confirmed and go through the app's bulk delete: the
 * account's request pacer (at most 4 in flight, a 429 pauses the whole batch for its
 * Retry-After, then the paused deletes run again), a 401 stops the batch. The key the account is
 * signed in with is deleted only with --yes and --including-own-key, after every other key, and
 * then the account is signed out (the app's rule). Ctrl+C stops the batch: the requests in
 * flight finish, none starts after, and the command ends with 130. Every id gets its outcome.
 */
import { randomUUID } from 'node:crypto'
import type { BatchProgressView, BulkDeleteItem, BulkDeleteResult } from '../../shared/domain'
import { CliError, usageError, type CliFailure } from '../cli-error'
import type { CommandRun } from '../command-spec'
import type { ChosenAccount, CommandContext } from '../context'
import { EXIT, exitCodeOf as exitCodeOfKind, type ExitCode } from '../exit-codes'
import { parseKeyId } from '../key-ids'
import { jsonDocument } from '../output/json'
import { inert, renderTable } from '../output/table'
import { confirm } from '../prompt'

export type DeleteOutcome = 'deleted' | 'not-found' | 'failed' | 'skipped'

interface IdResult {
  id: number
  name: string | null
  outcome: DeleteOutcome
  failure?: CliFailure
}

const NOTHING_DELETED = 'Nothing was deleted.'

/** Key ids as `keys list` shows them: whole numbers, each once, in the order given. */
export function parseIds(raw: readonly string[]): number[] {
  const ids: number[] = []
  for (const text of raw) {
    const id = parseKeyId(text, NOTHING_DELETED)
    if (!ids.includes(id)) ids.push(id)
  }
  return ids
}

export const run: CommandRun = async (ctx, { args, options }) => {
  const ids = parseIds(args[0] as string[])
  const yes = options['yes'] === true
  const includingOwnKey = options['includingOwnKey'] === true
  if (includingOwnKey && !yes) throw usageError(`--including-own-key needs --yes as well: deleting the key an account is signed in with is never asked interactively. ${NOTHING_DELETED}`)
  const chosen = await ctx.chosenAccount()
  const { keys, sessions } = await ctx.services()
  const accountId = chosen.view.id
  if (chosen.view.status === 'needs-sign-in') throw new CliError('not_signed_in', chosen.view.problem?.message ?? 'This account needs a new sign-in.')
  const ownId = sessions.appKeyId(accountId)
  const ownIncluded = ownId !== null && ids.includes(ownId)
  if (ownIncluded && !includingOwnKey) {
    throw usageError(
      `Key #${ownId} is the key ${chosen.label} is signed in with: deleting it signs that account out, here and in the app. To delete it anyway, add --yes --including-own-key. ${NOTHING_DELETED}`
    )
  }
  // Names for the question and the report, from the last fetched list (no request needed).
  const cached = await keys.cached(accountId)
  const names = new Map(cached?.keys.map((key) => [key.id, key.name]) ?? [])
  if (!yes) {
    if (!ctx.io.stdin.isTTY) throw usageError(`Refusing to delete without --yes: standard input is not a terminal, so there is nobody to ask. ${NOTHING_DELETED}`)
    if (!(await confirm(ctx.io.stdin, ctx.io.stderr, question(ctx, chosen, ids, names)))) {
      await ctx.say(NOTHING_DELETED)
      return EXIT.usage
    }
  }
  await ctx.actingOn(chosen)

  const result = await runBulkDelete(ctx, chosen, ids, ownIncluded)
  const results: IdResult[] = result.items.map((item) => resultOf(item, names.get(item.id) ?? null, result.ended))
  const ownDeleted = ownIncluded && results.some((r) => r.id === ownId && (r.outcome === 'deleted' || r.outcome === 'not-found'))
  await report(ctx, chosen, results, result.signedOut)
  if (result.ended === 'cancelled') {
    const left = results.filter((r) => r.outcome === 'skipped').length
    await ctx.say(`Stopped with Ctrl+C: ${left} ${left === 1 ? 'key was' : 'keys were'} not tried.`)
  }
  if (ownDeleted) await ctx.say(`Signed out of ${chosen.label}: you deleted the key it was signed in with. Sign in again with another key: autocalls-keys login`)
  return result.ended === 'cancelled' ? EXIT.interrupted : exitCodeOf(results)
}

/**
 * The batch, with Ctrl+C as its cancel button and, on a terminal, one progress line on standard
 * error. The first Ctrl+C stops the batch (in flight finish); a second one ends the process at
 * once, as Ctrl+C normally does.
 */
async function runBulkDelete(ctx: CommandContext, chosen: ChosenAccount, ids: readonly number[], includeOwnKey: boolean): Promise<BulkDeleteResult> {
  const { bulkDelete } = await ctx.services()
  const batchId = randomUUID()
  let interrupted = false
  const progress = ctx.io.stderr.isTTY ? new ProgressLine(ctx, ids.length) : null
  // The batch registers itself only once it starts: a Ctrl+C just before is applied at its first report.
  const offProgress = ctx.events.on('event:batch-progress', (view) => {
    if (view.batchId !== batchId) return
    if (interrupted) bulkDelete.cancel(batchId)
    progress?.show(view)
  })
  const offInterrupt = ctx.io.onInterrupt?.(() => {
    interrupted = true
    offInterrupt?.()
    bulkDelete.cancel(batchId)
    progress?.clear()
    void ctx.say('Stopping: the deletes already sent finish, no more start. (Ctrl+C again quits at once.)')
  })
  try {
    return await bulkDelete.run(chosen.view.id, batchId, ids, includeOwnKey)
  } finally {
    offProgress()
    offInterrupt?.()
    progress?.clear()
  }
}

/**
 * "Deleting 40 keys: 12 done, 1 failed, 27 left", rewritten in place; the server's pause says
 * until when. Only a carriage return and spaces: no escape sequence, so NO_COLOR screens stay plain.
 */
class ProgressLine {
  #width = 0
  constructor(
    readonly ctx: CommandContext,
    readonly total: number
  ) {}

  show(view: BatchProgressView): void {
    const counts = `Deleting ${this.total === 1 ? '1 key' : `${this.total} keys`}: ${view.done} done, ${view.failed} failed, ${view.remaining} left`
    const paused =
      view.pausedUntil === null
        ? ''
        : view.pauseReason === 'rate-limited'
          ? ` (paused by the server's rate limit until ${clockTime(view.pausedUntil)})`
          : ` (waiting for the server's rate-limit window, until about ${clockTime(view.pausedUntil)})`
    const line = counts + paused
    void this.ctx.io.stderr.write(`\r${line}${' '.repeat(Math.max(0, this.#width - line.length))}`)
    this.#width = line.length
  }

  clear(): void {
    if (this.#width === 0) return
    void this.ctx.io.stderr.write(`\r${' '.repeat(this.#width)}\r`)
    this.#width = 0
  }
}

const clockTime = (iso: string): string => new Date(iso).toLocaleTimeString('en-GB', { hour12: false })

function resultOf(item: BulkDeleteItem, name: string | null, ended: BulkDeleteResult['ended']): IdResult {
  // After a 401 the account is signed out and its pacer drops the deletes still waiting, with
  // "not signed in": those were never sent, so they are "not tried", not failures of their own.
  if (ended === 'stopped' && item.outcome === 'failed' && item.error?.kind === 'not_signed_in') return { id: item.id, name, outcome: 'skipped' }
  switch (item.outcome) {
    case 'deleted':
      return { id: item.id, name, outcome: 'deleted' }
    case 'already-gone':
      return { id: item.id, name, outcome: 'not-found' }
    case 'skipped':
      return { id: item.id, name, outcome: 'skipped' }
    case 'failed': {
      const error = item.error ?? { kind: 'internal' as const, message: 'The delete failed.' }
      return { id: item.id, name, outcome: 'failed', failure: { error, exitCode: exitCodeOfKind(error.kind) } }
    }
  }
}

/** The first failure's code; else 3 when a key was not there; else 0. */
function exitCodeOf(results: readonly IdResult[]): ExitCode {
  const failed = results.find((result) => result.failure)
  if (failed?.failure) return failed.failure.exitCode
  if (results.some((result) => result.outcome === 'not-found')) return EXIT.notFound
  return EXIT.ok
}

function question(ctx: CommandContext, chosen: ChosenAccount, ids: readonly number[], names: ReadonlyMap<number, string>): string {
  const rows = ids.map((id) => [`#${id}`, names.has(id) ? inert(names.get(id)!) : '(not in the last fetched list)'])
  const listing = renderTable([{ header: '' }, { header: '' }], rows).split('\n').slice(1).map((line) => (line ? `  ${line}` : line)).join('\n')
  const what = ids.length === 1 ? '1 key' : `${ids.length} keys`
  return `Delete ${what} from ${ctx.err.bold(chosen.label)}?\n${listing}Anything using ${ids.length === 1 ? 'it' : 'them'} loses access at once; this cannot be undone. Delete? [y/N] `
}

const OUTCOME_WORDS: Readonly<Record<DeleteOutcome, string>> = {
  deleted: 'deleted',
  'not-found': 'not found (already deleted, or not a key of this account)',
  failed: 'failed',
  skipped: 'not tried (the batch stopped)'
}

async function report(ctx: CommandContext, chosen: ChosenAccount, results: readonly IdResult[], signedOut: boolean): Promise<void> {
  if (ctx.json) {
    await ctx.io.stdout.write(
      jsonDocument({
        account: chosen.json,
        results: results.map(({ id, name, outcome, failure }) => ({
          id,
          name,
          outcome,
          ...(failure ? { error: { kind: failure.error.kind, message: failure.error.message, exitCode: failure.exitCode } } : {})
        })),
        signedOut
      })
    )
  } else {
    const rows = results.map(({ id, name, outcome, failure }) => [
      String(id),
      name === null ? '—' : inert(name),
      failure ? `${OUTCOME_WORDS.failed}: ${failure.error.message}` : OUTCOME_WORDS[outcome]
    ])
    await ctx.io.stdout.write(renderTable([{ header: 'ID', align: 'right' }, { header: 'NAME' }, { header: 'RESULT' }], rows, ctx.out.bold))
  }
  const deleted = results.filter((result) => result.outcome === 'deleted').length
  await ctx.say(`Deleted ${deleted} of ${results.length} ${results.length === 1 ? 'key' : 'keys'} in ${ctx.err.bold(chosen.label)}.`)
}
