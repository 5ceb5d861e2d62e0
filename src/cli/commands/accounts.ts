/** `autocalls-keys accounts`: every account, the default marked. Reads the state file only (no network). */
import type { AccountView } from '../../shared/domain'
import type { CommandRun } from '../command-spec'
import { jsonDocument } from '../output/json'
import { inert, renderTable } from '../output/table'
import { ago } from '../output/time'

const STATUS_WORDS: Readonly<Record<AccountView['status'], string>> = {
  ready: 'signed in',
  'needs-sign-in': 'needs sign-in',
  unreachable: 'unreachable',
  'keychain-locked': 'keychain locked'
}

export const run: CommandRun = async (ctx) => {
  const accounts = await ctx.accounts()
  const defaultId = await ctx.effectiveDefaultId()
  const described = accounts.map((view) => ({ view, chosen: ctx.describeAccount(view, accounts) }))
  if (ctx.json) {
    await ctx.io.stdout.write(
      jsonDocument({
        defaultAccountId: defaultId,
        accounts: described.map(({ view, chosen }) => ({
          ...chosen.json,
          isDefault: view.id === defaultId,
          status: view.status,
          keyCount: view.keyCount,
          neverUsedCount: view.neverUsedCount,
          lastRefreshedAt: view.lastRefreshedAt
        }))
      })
    )
    return
  }
  if (accounts.length === 0) {
    await ctx.say('No accounts yet. Sign in with `autocalls-keys login`.')
    return
  }
  const now = ctx.now()
  const rows = described.map(({ view, chosen }) => [
    view.id === defaultId ? '*' : ' ',
    inert(chosen.selector),
    inert(view.profile.name ?? '—'),
    inert(chosen.json.host),
    view.keyCount === null ? '—' : String(view.keyCount),
    STATUS_WORDS[view.status],
    view.lastRefreshedAt === null ? 'never' : ago(view.lastRefreshedAt, now)
  ])
  const table = renderTable(
    [{ header: ' ' }, { header: 'ACCOUNT' }, { header: 'NAME' }, { header: 'HOST' }, { header: 'KEYS', align: 'right' }, { header: 'STATUS' }, { header: 'REFRESHED' }],
    rows,
    ctx.out.bold
  )
  await ctx.io.stdout.write(table)
  if (defaultId !== null) await ctx.say(ctx.err.dim('* the default account (change it with `autocalls-keys use <account>`)'))
}
