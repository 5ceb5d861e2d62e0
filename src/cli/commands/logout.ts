/**
 * `autocalls-keys logout [<account>]`: the account's API key leaves the keychain first (if that
 * fails nothing else changes), then its record and cached list, in the app too.
 */
import type { CommandRun } from '../command-spec'
import { jsonDocument } from '../output/json'

export const run: CommandRun = async (ctx, { args }) => {
  const name = args[0]
  const chosen = typeof name === 'string' ? await ctx.namedAccount(name, 'logout') : await ctx.chosenAccount()
  await ctx.actingOn(chosen)
  const { accounts } = await ctx.services()
  await accounts.remove(chosen.view.id)
  await ctx.say(`Signed out of ${chosen.label}: its API key was removed from the keychain.`)
  if (ctx.json) await ctx.io.stdout.write(jsonDocument({ account: chosen.json, signedOut: true }))
}
