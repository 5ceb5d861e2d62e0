/**
 * `autocalls-keys keys create <name>`: one POST, never retried (the app's create). The token is
 * written to standard output once and nowhere else: framed with the "shown once" warning on a
 * terminal, alone (or inside the one JSON object) otherwise. The app's pending-token store,
 * which exists for a window that reloads, is wiped as soon as the token is written.
 */
import { randomUUID } from 'node:crypto'
import type { CreatedKeyView } from '../../shared/domain'
import { CliError, toCliFailure } from '../cli-error'
import type { CommandRun } from '../command-spec'
import type { CommandContext } from '../context'
import { EXIT } from '../exit-codes'
import { jsonDocument, type AccountJson } from '../output/json'
import { inert } from '../output/table'
import { localDay } from '../output/time'

export const run: CommandRun = async (ctx, { args }) => {
  const name = String(args[0])
  const chosen = await ctx.chosenAccount()
  await ctx.actingOn(chosen)
  const services = await ctx.services()
  let created: CreatedKeyView
  try {
    created = await services.keys.create(chosen.view.id, name, randomUUID())
  } catch (error) {
    throw await withListHint(ctx, chosen.view.id, name, error)
  }
  await writeToken(ctx, created, chosen.json, name)
  const id = created.key ? `#${created.key.id} ` : ''
  await ctx.say(`Created key ${id}“${inert(name)}” in ${ctx.err.bold(chosen.label)}.`)
}

/**
 * Writes a new token to standard output, once, then wipes it from the pending-token store. If
 * standard output fails, the token is lost: exit 6, as for a create whose answer was lost.
 */
export async function writeToken(ctx: CommandContext, created: CreatedKeyView, account: AccountJson, name: string, remedy = 'Delete that key and create a new one.'): Promise<void> {
  const services = await ctx.services()
  try {
    await ctx.io.stdout.write(tokenOutput(ctx, created, account))
  } catch {
    // Like a lost answer, this create gave no usable token: the same exit code and remedy.
    throw new CliError(
      'create_outcome_unknown',
      `Key ${created.key ? `#${created.key.id} ` : ''}“${inert(name)}” was created, but its token could not be written to standard output, so it is lost. ${remedy}`,
      undefined,
      EXIT.createOutcomeUnknown
    )
  } finally {
    services.pending.wipe(created.pendingId)
  }
}

function tokenOutput(ctx: CommandContext, created: CreatedKeyView, account: AccountJson): string {
  if (ctx.json) {
    const key = created.key ? { id: created.key.id, name: created.key.name, createdAt: created.key.createdAt } : null
    return jsonDocument({ account, key, ...(created.replaces ? { replaces: created.replaces } : {}), token: created.token })
  }
  if (!ctx.io.stdout.isTTY) return `${created.token}\n`
  const style = ctx.out
  return [
    style.warn(style.bold('This token is shown once: copy it now and keep it somewhere safe. It cannot be shown again.')),
    ...(created.replaces ? [`It is the replacement of key #${created.replaces.id} “${inert(created.replaces.name)}”.`] : []),
    '',
    `    ${created.token}`,
    '',
    ''
  ].join('\n')
}

/**
 * A create whose answer was lost may have made the key. The app's message says so; the command
 * line also refreshes the list and names the keys with that name, so the person can check.
 */
export async function withListHint(ctx: CommandContext, accountId: string, name: string, error: unknown): Promise<unknown> {
  const failure = toCliFailure(error)
  if (failure.exitCode !== EXIT.createOutcomeUnknown) return error
  try {
    const list = await (await ctx.services()).keys.list(accountId)
    const same = list.keys.filter((key) => key.name === name.trim())
    const found = same.length === 0 ? `No key named “${inert(name.trim())}” is in the refreshed list.` : `Keys named “${inert(name.trim())}” in the refreshed list: ${same.map((key) => `#${key.id} (created ${localDay(key.createdAt)})`).join(', ')}.`
    return new CliError(failure.error.kind, `${failure.error.message}\n${found}`, { matchingKeyIds: same.map((key) => key.id) }, EXIT.createOutcomeUnknown)
  } catch {
    return error
  }
}
