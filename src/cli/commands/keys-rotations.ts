/**
 * `autocalls-keys keys rotations`: the account's open rotations (started here or in the app),
 * each with where it stands. A fresh list first: it moves every rotation on (the new key's first
 * use, the old key's silence), exactly as a refresh in the app does.
 */
import type { CommandRun } from '../command-spec'
import { jsonDocument } from '../output/json'
import { rotationJson, viewRotation } from '../output/rotation-json'
import { inert, renderTable, truncate } from '../output/table'
import { rotationAgeText } from '../../shared/rotation'

const NAME_COLUMNS_ON_TERMINAL = 30

export const run: CommandRun = async (ctx) => {
  const chosen = await ctx.chosenAccount()
  const { keys, rotations, state } = await ctx.services()
  const list = await keys.list(chosen.view.id)
  const now = ctx.now()
  const quietPeriodMinutes = state.state.preferences.quietPeriodMinutes
  const views = rotations
    .of(chosen.view.id)
    .filter((rotation) => rotation.finishedAt === null)
    .map((rotation) => viewRotation(rotation, list.keys, now, quietPeriodMinutes))
  if (ctx.json) {
    await ctx.io.stdout.write(jsonDocument({ account: chosen.json, fetchedAt: list.fetchedAt, quietPeriodMinutes, rotations: views.map(rotationJson) }))
    return
  }
  if (views.length === 0) {
    await ctx.say(`No open rotations in ${chosen.label}.`)
    return
  }
  const onTerminal = ctx.io.stdout.isTTY
  const keyCell = (key: { id: number; name: string }) => {
    const name = inert(key.name)
    return `#${key.id} ${onTerminal ? truncate(name, NAME_COLUMNS_ON_TERMINAL) : name}`
  }
  const rows = views.map(({ record, title }) => [keyCell(record.oldKey), keyCell(record.newKey), rotationAgeText(record, now).replace(/^open for /, ''), title])
  await ctx.io.stdout.write(renderTable([{ header: 'OLD KEY' }, { header: 'REPLACEMENT' }, { header: 'OPEN FOR' }, { header: 'STATE' }], rows, ctx.out.bold))
  for (const { record, detail } of views) await ctx.say(ctx.err.dim(`#${record.oldKey.id} → #${record.newKey.id}: ${detail}`))
  const safe = views.filter(({ record }) => record.state === 'safe-to-finish')
  if (safe.length > 0) await ctx.say(`Safe to finish: ${safe.map(({ record }) => `autocalls-keys keys rotate --finish ${record.newKey.id}`).join('; ')}`)
}
