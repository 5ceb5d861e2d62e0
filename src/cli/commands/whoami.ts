/** `autocalls-keys whoami`: the account this call acts on, and why, checked with `GET /user/me`. */
import { describeSelection } from '../account-choice'
import type { CommandRun } from '../command-spec'
import { jsonDocument } from '../output/json'
import { inert, renderTable } from '../output/table'

export const run: CommandRun = async (ctx) => {
  const chosen = await ctx.chosenAccount()
  const { sessions } = await ctx.services()
  // A 401 here ends the account's session, exactly as in the app.
  const profile = await sessions.withClient(chosen.view.id, (client) => client.getMe())
  await sessions.markVerified(chosen.view.id, profile)
  // whoami takes no account argument: the choice came from --account, the environment or the default.
  const selectedBy = chosen.selectedBy === 'argument' ? 'flag' : chosen.selectedBy
  if (ctx.json) {
    await ctx.io.stdout.write(jsonDocument({ account: { ...chosen.json, name: profile.name }, selectedBy, profile, verified: true }))
    return
  }
  const rows = [
    ['Account', inert(chosen.label)],
    ['Name', inert(profile.name ?? '—')],
    ['Balance', profile.totalBalance === null ? '—' : `$${profile.totalBalance.toFixed(2)}`],
    ['Chosen', describeSelection(selectedBy)]
  ]
  // A key/value block: the table without its header line.
  await ctx.io.stdout.write(renderTable([{ header: '' }, { header: '' }], rows).split('\n').slice(1).join('\n'))
}
