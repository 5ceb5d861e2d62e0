/** `autocalls-keys use <account>`: the default account of the command line (the state file's defaultAccountId). */
import type { CommandRun } from '../command-spec'
import { jsonDocument } from '../output/json'

export const run: CommandRun = async (ctx, { args }) => {
  const chosen = await ctx.namedAccount(String(args[0]), 'use')
  const { state } = await ctx.services()
  await state.update((draft) => {
    draft.defaultAccountId = chosen.view.id
  })
  await state.flush()
  await ctx.say(`Default account: ${ctx.err.bold(chosen.label)}`)
  if (ctx.json) await ctx.io.stdout.write(jsonDocument({ account: { ...chosen.json, isDefault: true } }))
}
