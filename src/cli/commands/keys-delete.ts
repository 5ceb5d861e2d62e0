/**
 * `autocalls-keys keys delete <id>...`: asks on a terminal, refuses without --yes when nobody is
 * there to ask. The key the account is signed in with is deleted only with --yes and
 * --including-own-key, after every other key, and then the account is signed out (the app's
 * rule). Several ids run as a batch (at most 4 in flight); every id gets its own outcome.
 */
import type { DeleteResultView } from '../../shared/domain'
import { runBatch, type BatchOutcome } from '../batch'
import { CliError, toCliFailure, usageError, type CliFailure } from '../cli-error'
import type { CommandRun } from '../command-spec'
import type { ChosenAccount, CommandContext } from '../context'
import { EXIT, type ExitCode } from '../exit-codes'
import { jsonDocument } from '../output/json'
import { inert, renderTable } from '../output/table'
import { confirm } from '../prompt'

const IN_FLIGHT = 4

export type DeleteOutcome = 'deleted' | 'not-found' | 'failed' | 'skipped'

interface IdResult {
  id: number
  name: string | null
  outcome: DeleteOutcome
  failure?: CliFailure
}

/** Key ids as `keys list` shows them: whole numbers, each once, in the order given. */
export function parseIds(raw: readonly string[]): number[] {
  const ids: number[] = []
  for (const text of raw) {
    const id = /^\d{1,15}$/.test(text.trim()) ? Number(text.trim()) : NaN
    if (!Number.isSafeInteger(id) || id <= 0) throw usageError(`“${inert(text)}” is not a key id: ids are whole numbers, as \`autocalls-keys keys list\` shows them. Nothing was deleted.`)
    if (!ids.includes(id)) ids.push(id)
  }
  return ids
}

export const run: CommandRun = async (ctx, { args, options }) => {
  const ids = parseIds(args[0] as string[])
  const yes = options['yes'] === true
  const includingOwnKey = options['includingOwnKey'] === true
  if (includingOwnKey && !yes) throw usageError('--including-own-key needs --yes as well: deleting the key an account is signed in with is never asked interactively. Nothing was deleted.')
  const chosen = await ctx.chosenAccount()
  const { keys, sessions } = await ctx.services()
  const accountId = chosen.view.id
  if (chosen.view.status === 'needs-sign-in') throw new CliError('not_signed_in', chosen.view.problem?.message ?? 'This account needs a new sign-in.')
  const ownId = sessions.appKeyId(accountId)
  const ownIncluded = ownId !== null && ids.includes(ownId)
  if (ownIncluded && !includingOwnKey) {
    throw usageError(
      `Key #${ownId} is the key ${chosen.label} is signed in with: deleting it signs that account out, here and in the app. To delete it anyway, add --yes --including-own-key. Nothing was deleted.`
    )
  }
  // Names for the question and the report, from the last fetched list (no request needed).
  const cached = await keys.cached(accountId)
  const names = new Map(cached?.keys.map((key) => [key.id, key.name]) ?? [])
  if (!yes) {
    if (!ctx.io.stdin.isTTY) throw usageError('Refusing to delete without --yes: standard input is not a terminal, so there is nobody to ask. Nothing was deleted.')
    if (!(await confirm(ctx.io.stdin, ctx.io.stderr, question(ctx, chosen, ids, names)))) {
      await ctx.say('Nothing was deleted.')
      return EXIT.usage
    }
  }
  await ctx.actingOn(chosen)

  const stops = (error: unknown) => {
    const code = toCliFailure(error).exitCode
    return code === EXIT.notSignedIn || code === EXIT.keychain
  }
  const others = ids.filter((id) => id !== ownId)
  const outcomes = new Map<number, BatchOutcome<DeleteResultView>>()
  const batch = await runBatch(others, IN_FLIGHT, (id) => keys.delete(accountId, id), stops)
  others.forEach((id, index) => outcomes.set(id, batch[index]!))
  if (ownIncluded) {
    const stopped = batch.some((outcome) => outcome.status === 'failed' && stops(outcome.error))
    outcomes.set(ownId, stopped ? { status: 'skipped' } : (await runBatch([ownId], 1, (id) => keys.delete(accountId, id), stops))[0]!)
  }

  const results: IdResult[] = ids.map((id) => resultOf(id, names.get(id) ?? null, outcomes.get(id)!))
  const signedOut = [...outcomes.values()].some((outcome) => outcome.status === 'done' && outcome.value.signedOut)
  await report(ctx, chosen, results, signedOut)
  return exitCodeOf(results)
}

function resultOf(id: number, name: string | null, outcome: BatchOutcome<DeleteResultView>): IdResult {
  if (outcome.status === 'skipped') return { id, name, outcome: 'skipped' }
  if (outcome.status === 'done') return { id, name, outcome: outcome.value.alreadyGone ? 'not-found' : 'deleted' }
  return { id, name, outcome: 'failed', failure: toCliFailure(outcome.error) }
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
  if (signedOut) await ctx.say(`Signed out of ${chosen.label}: you deleted the key it was signed in with. Sign in again with another key: autocalls-keys login`)
}
