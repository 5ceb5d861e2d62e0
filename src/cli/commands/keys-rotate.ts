/**
 * `autocalls-keys keys rotate <id>`: the app's guided rotation. Starting it creates the
 * replacement (one POST, never retried; its token goes to standard output once, as with
 * `keys create`) and opens the rotation, stored in the state file the app shares, so the app's
 * rotations panel shows it too. `--finish <id>` deletes the old key, only once the rotation is
 * safe to finish (the replacement is in use and the old key has been quiet for the quiet period)
 * unless `--force`; `--cancel <id>` ends it keeping both keys (or `--delete-replacement`). For
 * --finish and --cancel the id may be the old key's or the replacement's.
 */
import { randomUUID } from 'node:crypto'
import type { KeyListItem } from '../../shared/domain'
import type { RotationRecord } from '../../shared/rotation'
import { CliError, usageError } from '../cli-error'
import type { CommandRun } from '../command-spec'
import type { ChosenAccount, CommandContext } from '../context'
import { parseKeyId } from '../key-ids'
import { jsonDocument } from '../output/json'
import { inert } from '../output/inert'
import { rotationJson, viewRotation } from '../output/rotation-json'
import { durationText } from '../../shared/rotation'
import { withListHint, writeToken } from './keys-create'

const NOTHING_CHANGED = 'Nothing was changed.'

export const run: CommandRun = async (ctx, { args, options }) => {
  const finish = options['finish'] === true
  const cancel = options['cancel'] === true
  const force = options['force'] === true
  const deleteReplacement = options['deleteReplacement'] === true
  const name = typeof options['name'] === 'string' ? options['name'] : undefined
  if (finish && cancel) throw usageError(`Choose one of --finish and --cancel. ${NOTHING_CHANGED}`)
  if (force && !finish) throw usageError(`--force goes with --finish (it deletes the old key before the rotation is safe to finish). ${NOTHING_CHANGED}`)
  if (deleteReplacement && !cancel) throw usageError(`--delete-replacement goes with --cancel. ${NOTHING_CHANGED}`)
  if (name !== undefined && (finish || cancel)) throw usageError(`--name names the replacement when a rotation starts; it does not go with --${finish ? 'finish' : 'cancel'}. ${NOTHING_CHANGED}`)
  const id = parseKeyId(String(args[0]), NOTHING_CHANGED)
  if (finish) return finishRotation(ctx, id, force)
  if (cancel) return cancelRotation(ctx, id, deleteReplacement)
  return startRotation(ctx, id, name)
}

/** `--account` again in the commands suggested next, when this call named its account that way. */
const accountArg = (chosen: ChosenAccount): string => (chosen.selectedBy === 'flag' ? ` --account ${chosen.selector}` : '')

async function startRotation(ctx: CommandContext, oldId: number, rawName: string | undefined): Promise<void> {
  const chosen = await ctx.chosenAccount()
  const services = await ctx.services()
  const accountId = chosen.view.id
  if (oldId === services.sessions.appKeyId(accountId)) {
    throw usageError(
      `Key #${oldId} is the key ${chosen.label} is signed in with. The command line does not rotate that one: use “Rotate this app’s key” in Autocalls Keys, which keeps a working credential at every step. ${NOTHING_CHANGED}`
    )
  }
  // A fresh list: the old key must exist now, and the rotation starts from what the server has.
  const list = await services.keys.list(accountId)
  const old = list.keys.find((key) => key.id === oldId)
  if (!old) throw new CliError('not_found', `${chosen.label} has no key #${oldId} (see \`autocalls-keys keys list\`). ${NOTHING_CHANGED}`)
  const name = rawName ?? old.name
  await ctx.actingOn(chosen)
  let created
  try {
    created = await services.rotations.start(accountId, oldId, name, randomUUID())
  } catch (error) {
    throw await withListHint(ctx, accountId, name, error)
  }
  const remedy = created.key
    ? `Cancel the rotation, deleting that replacement, and start again: autocalls-keys keys rotate --cancel ${created.key.id} --delete-replacement`
    : 'Delete that key and start the rotation again.'
  await writeToken(ctx, created, chosen.json, name, remedy)
  const oldWords = `#${old.id} “${inert(old.name)}”`
  if (!created.key) {
    await ctx.say(
      `Created the replacement “${inert(name)}” for ${oldWords} in ${ctx.err.bold(chosen.label)}, but the server's answer gave no id for it, so no rotation was opened. Once the new key is in use, delete ${oldWords} yourself: autocalls-keys keys delete ${old.id}`
    )
    return
  }
  const newId = created.key.id
  const quiet = durationText(services.state.state.preferences.quietPeriodMinutes * 60_000)
  const again = accountArg(chosen)
  await ctx.say(
    [
      `Started rotating ${oldWords} in ${ctx.err.bold(chosen.label)}: its replacement is #${newId} “${inert(created.key.name)}”.`,
      `Next: put the new token wherever ${oldWords} is used. The rotation is safe to finish once the new key has been used and the old one has not, for ${quiet}.`,
      `  autocalls-keys${again} keys rotations                  where it stands`,
      `  autocalls-keys${again} keys rotate --finish ${newId}        then delete the old key`,
      `  autocalls-keys${again} keys rotate --cancel ${newId}        or stop, keeping both keys`
    ].join('\n')
  )
}

/**
 * The open rotation that has this key, old or new, after a fresh list moved the rotations on.
 * One whose old key disappeared meanwhile closed itself: that is reported, not an error.
 */
async function findOpen(ctx: CommandContext, chosen: ChosenAccount, id: number, refresh: boolean): Promise<{ rotation: RotationRecord; keys: readonly KeyListItem[] } | { completed: RotationRecord }> {
  const { rotations, keys } = await ctx.services()
  const accountId = chosen.view.id
  const has = (rotation: RotationRecord) => rotation.oldKey.id === id || rotation.newKey.id === id
  const before = rotations.of(accountId).find(has)
  const listed = refresh ? (await keys.list(accountId)).keys : ((await keys.cached(accountId))?.keys ?? [])
  const rotation = rotations.of(accountId).find((candidate) => has(candidate) && candidate.finishedAt === null)
  if (rotation) return { rotation, keys: listed }
  if (before) return { completed: before }
  throw new CliError('not_found', `No open rotation in ${chosen.label} has key #${id} (see \`autocalls-keys keys rotations\`). ${NOTHING_CHANGED}`)
}

async function finishRotation(ctx: CommandContext, id: number, force: boolean): Promise<void> {
  const chosen = await ctx.chosenAccount()
  const services = await ctx.services()
  const found = await findOpen(ctx, chosen, id, true)
  if ('completed' in found) return completedElsewhere(ctx, chosen, found.completed)
  const view = viewRotation(found.rotation, found.keys, ctx.now(), services.state.state.preferences.quietPeriodMinutes)
  const { oldKey, newKey, state } = found.rotation
  const oldWords = `#${oldKey.id} “${inert(oldKey.name)}”`
  if (state === 'replacement-gone') {
    throw usageError(
      `The replacement #${newKey.id} is gone (deleted outside this rotation): finishing would delete ${oldWords} and leave nothing in its place. Cancel the rotation instead: autocalls-keys keys rotate --cancel ${newKey.id}. ${NOTHING_CHANGED}`
    )
  }
  if (state !== 'safe-to-finish' && !force) {
    throw usageError(
      `Not finished: the rotation of ${oldWords} is not safe to finish yet (${view.title.toLowerCase()}). ${view.detail} To delete the old key anyway (whatever still uses it stops working at once), add --force. ${NOTHING_CHANGED}`
    )
  }
  await ctx.actingOn(chosen)
  if (state !== 'safe-to-finish') await ctx.say(ctx.err.warn(`Finishing early (--force): ${view.title.toLowerCase()}. Whatever still uses ${oldWords} stops working now.`))
  const ended = await services.rotations.finish(chosen.view.id, newKey.id)
  await ctx.say(`Finished: deleted the old key ${oldWords}; #${newKey.id} “${inert(newKey.name)}” replaces it.`)
  if (ctx.json) await ctx.io.stdout.write(jsonDocument({ account: chosen.json, rotation: { ...rotationJson(view), outcome: ended.outcome, finishedAt: ended.finishedAt }, forced: state !== 'safe-to-finish' }))
}

async function cancelRotation(ctx: CommandContext, id: number, deleteReplacement: boolean): Promise<void> {
  const chosen = await ctx.chosenAccount()
  const services = await ctx.services()
  // Cancelling needs no fresh list: it keeps the old key whatever the list says.
  const found = await findOpen(ctx, chosen, id, false)
  if ('completed' in found) return completedElsewhere(ctx, chosen, found.completed)
  const { oldKey, newKey } = found.rotation
  const view = viewRotation(found.rotation, found.keys, ctx.now(), services.state.state.preferences.quietPeriodMinutes)
  await ctx.actingOn(chosen)
  const ended = await services.rotations.cancel(chosen.view.id, newKey.id, deleteReplacement)
  const oldWords = `#${oldKey.id} “${inert(oldKey.name)}”`
  await ctx.say(
    deleteReplacement
      ? `Cancelled the rotation of ${oldWords}: deleted the replacement #${newKey.id}; ${oldWords} stays.`
      : `Cancelled the rotation of ${oldWords}: both keys are kept (#${newKey.id} “${inert(newKey.name)}” too).`
  )
  if (ctx.json) await ctx.io.stdout.write(jsonDocument({ account: chosen.json, rotation: { ...rotationJson(view), outcome: ended.outcome, finishedAt: ended.finishedAt }, replacementDeleted: deleteReplacement }))
}

async function completedElsewhere(ctx: CommandContext, chosen: ChosenAccount, rotation: RotationRecord): Promise<void> {
  await ctx.say(`The rotation of #${rotation.oldKey.id} “${inert(rotation.oldKey.name)}” in ${chosen.label} had already completed: the old key was deleted elsewhere, and #${rotation.newKey.id} replaces it.`)
  if (ctx.json) await ctx.io.stdout.write(jsonDocument({ account: chosen.json, rotation: { oldKey: rotation.oldKey, newKey: rotation.newKey, startedAt: rotation.startedAt, state: 'old-key-gone', outcome: 'completed-elsewhere' } }))
}
