/**
 * `autocalls-keys login [--base-url URL]`: the API key comes from standard input (a pipe) or a
 * prompt that does not echo (a terminal), never from an argument. The app's verify-first add:
 * nothing is stored unless `GET /user/me` accepts the key.
 */
import { checkBaseUrl } from '../../shared/base-url'
import { DEFAULT_BASE_URL, hostOf } from '../../shared/domain'
import { usageError } from '../cli-error'
import type { CommandRun } from '../command-spec'
import { readAll } from '../io'
import { jsonDocument } from '../output/json'
import { readHidden } from '../prompt'

/** Far above any real key; a pipe of something else is refused without reading it all. */
const MAX_INPUT = 8 * 1024

export const run: CommandRun = async (ctx, { options }) => {
  const rawBaseUrl = typeof options['baseUrl'] === 'string' ? options['baseUrl'] : DEFAULT_BASE_URL
  // The URL is checked before the key is asked for: nobody types a key for a host that is refused.
  const baseUrl = checkBaseUrl(rawBaseUrl)
  if (!baseUrl.ok) throw usageError(baseUrl.message)
  const { stdin } = ctx.io
  const apiKey = stdin.isTTY
    ? await readHidden(stdin, ctx.io.stderr, `API key for ${hostOf(baseUrl.url)} (input hidden): `)
    : await readAll(stdin, MAX_INPUT)
  if (apiKey.length > MAX_INPUT) throw usageError('Standard input holds far more than an API key. Pipe in the key alone.')
  if (apiKey.trim() === '') {
    throw usageError(
      stdin.isTTY
        ? 'No API key entered. Nothing was changed.'
        : 'No API key on standard input. Pipe it in (printf \'%s\' "$KEY" | autocalls-keys login) or run login in a terminal to be asked.'
    )
  }
  const services = await ctx.services()
  const added = await services.accounts.add(baseUrl.url, apiKey)
  const chosen = ctx.describeAccount(added.account, services.accounts.list())
  const isDefault = (await ctx.effectiveDefaultId()) === added.account.id
  if (added.alreadyExisted) {
    await ctx.say(`Already signed in to ${ctx.err.bold(chosen.label)}: the key you entered was accepted and replaces the stored one.`)
  } else {
    await ctx.say(`Signed in to ${ctx.err.bold(chosen.label)}.`)
  }
  if (!isDefault) await ctx.say(`The default account is another one; use this one with --account ${chosen.selector}, or make it the default: autocalls-keys use ${chosen.selector}`)
  if (ctx.json) await ctx.io.stdout.write(jsonDocument({ account: chosen.json, alreadyExisted: added.alreadyExisted, isDefault }))
}
