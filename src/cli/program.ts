/**
 * `autocalls-keys`: parses the arguments with commander (built from the command table), runs the
 * command, and turns whatever went wrong into the app's own message and an exit code. Nothing
 * heavy is imported here: each command's module, and the services behind it, load when it runs.
 */
import { Command, CommanderError, Option } from 'commander'
import { version } from '../../package.json'
import { toCliFailure, type CliFailure } from './cli-error'
import { COMMANDS, GROUPS } from './command-table'
import type { CommandSpec } from './command-spec'
import { CommandContext, type GlobalOptions, type OpenServices } from './context'
import { EXIT, EXIT_CODES_HELP } from './exit-codes'
import { OutputClosedError, type Io } from './io'
import { jsonError } from './output/json'
import { styleFor } from './output/style'

const HELP_FOOTER = `
Choosing the account (first that applies):
  --account <email or email@host>, then the AUTOCALLS_ACCOUNT environment variable,
  then the default account (\`autocalls-keys use <account>\`).

Output:
  Tables for people; --json prints one JSON object with a "version" field on standard output,
  and errors as one JSON object on standard error. Messages, prompts and the account a change
  acted on go to standard error. NO_COLOR turns colour off (there is none when not a terminal).

Environment:
  AUTOCALLS_ACCOUNT                the account to act on (see above)
  AUTOCALLS_KEYS_USER_DATA_DIR     the folder of the app's non-secret state (shared with the app)
  AUTOCALLS_KEYS_KEYCHAIN_SERVICE  the keychain service name (default "Autocalls Keys")
  NO_COLOR                         no colour

${EXIT_CODES_HELP}

Examples:
  printf '%s' "$API_KEY" | autocalls-keys login
  autocalls-keys --account ops@agency.example keys list --state stale
  TOKEN="$(autocalls-keys keys create "deploy $(date +%F)")"
  autocalls-keys keys list --state never-used --json | jq -r '.keys[].id' | xargs autocalls-keys keys delete --yes
  autocalls-keys keys note 42 "CRM sync; owner ops@agency.example" --review-by 2027-03-31
  NEW="$(autocalls-keys keys rotate 42)" && autocalls-keys keys rotations
`

export interface RunOptions {
  /** Opens the services (tests may pass their own); default: the app's, on the shared folder. */
  openServices?: OpenServices
}

export async function runCli(argv: readonly string[], io: Io, options: RunOptions = {}): Promise<number> {
  const writes: Promise<void>[] = []
  let exitCode: number = EXIT.ok
  const wantsJson = argv.includes('--json')
  const open: OpenServices = options.openServices ?? (async (env, events) => (await import('./services')).openServices(env, events))

  const program = new Command('autocalls-keys')
    .description('Manage Autocalls API keys from a terminal or a script, on the same keychain and accounts as the Autocalls Keys app.')
    .version(version, '-V, --version', 'print the version')
    .option('--account <account>', 'the account to act on: its email, or email@host')
    .option('--json', 'machine-readable output (one JSON object)')
    .helpOption('-h, --help', 'show help')
    .helpCommand(false)
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .configureOutput({
      writeOut: (text) => void writes.push(io.stdout.write(text)),
      writeErr: (text) => void writes.push(io.stderr.write(text)),
      // Errors are reported below, in the app's form (and as JSON with --json).
      outputError: () => undefined
    })
    .exitOverride()
    .addHelpText('after', HELP_FOOTER)

  const groups = new Map<string, Command>()
  for (const spec of COMMANDS) {
    const [first, second] = spec.name.split(' ') as [string, string | undefined]
    let parent = program
    if (second !== undefined) {
      let group = groups.get(first)
      if (!group) {
        group = program.command(first).description(GROUPS[first] ?? '').helpCommand(false)
        groups.set(first, group)
      }
      parent = group
    }
    addCommand(parent, second ?? first, spec, async (input, globals) => {
      exitCode = await runCommand(spec, io, globals, input, open)
    })
  }

  try {
    await program.parseAsync([...argv], { from: 'user' })
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error
    if (error.exitCode === 0) {
      exitCode = EXIT.ok // --help, --version
    } else if (error.code === 'commander.help' || error.code === 'commander.helpDisplayed') {
      exitCode = EXIT.usage // a group without its subcommand: the help went to standard error
    } else {
      const message = `${error.message.replace(/^error:\s*/i, '')}`
      await report(io, wantsJson, { error: { kind: 'invalid_request', message: capitalise(message) }, exitCode: EXIT.usage }, `Run \`${helpCommandFor(argv)}\` for the commands and their options.`)
      exitCode = EXIT.usage
    }
  }
  await Promise.all(writes)
  return exitCode
}

function addCommand(parent: Command, name: string, spec: CommandSpec, action: (input: { args: unknown[]; options: Record<string, unknown> }, globals: GlobalOptions) => Promise<void>): void {
  const command = parent.command(name).description(spec.summary)
  if (spec.args) for (const arg of spec.args.split(' ')) command.argument(arg)
  for (const option of spec.options ?? []) {
    const made = new Option(option.flags, option.description)
    command.addOption(option.choices ? made.choices(option.choices) : made)
  }
  if (spec.details) command.addHelpText('after', `\n${spec.details}\n`)
  command.action(async (...params: unknown[]) => {
    const self = params.at(-1) as Command
    const all = self.optsWithGlobals<Record<string, unknown> & GlobalOptions>()
    const globals: GlobalOptions = {}
    if (typeof all.account === 'string') globals.account = all.account
    if (all.json === true) globals.json = true
    await action({ args: params.slice(0, -2), options: self.opts() }, globals)
  })
}

async function runCommand(
  spec: CommandSpec,
  io: Io,
  globals: GlobalOptions,
  input: { args: unknown[]; options: Record<string, unknown> },
  open: OpenServices
): Promise<number> {
  const ctx = new CommandContext(io, globals, open)
  let code: number
  try {
    const { run } = await spec.load()
    code = (await run(ctx, input)) ?? EXIT.ok
  } catch (error) {
    if (error instanceof OutputClosedError) return closeQuietly(ctx, EXIT.ok)
    const failure = toCliFailure(error)
    await report(io, ctx.json, failure, hintFor(failure))
    code = failure.exitCode
  }
  return closeQuietly(ctx, code)
}

async function closeQuietly(ctx: CommandContext, code: number): Promise<number> {
  try {
    await ctx.close()
  } catch {
    // Saving non-secret state at the end is best effort; the command's outcome stands.
  }
  return code
}

function hintFor(failure: CliFailure): string | null {
  if (failure.exitCode === EXIT.notSignedIn && !failure.error.message.includes('autocalls-keys login')) return 'Sign in again with `autocalls-keys login` (and --base-url for a white-label host).'
  return null
}

export async function report(io: Io, json: boolean, failure: CliFailure, hint: string | null): Promise<void> {
  if (json) {
    await io.stderr.write(jsonError(failure.error, failure.exitCode, failure.details))
    return
  }
  const style = styleFor(io.stderr)
  const lines = [`${style.error('error:')} ${failure.error.message}`]
  for (const [field, messages] of Object.entries(failure.error.fieldErrors ?? {})) {
    for (const message of messages) if (message !== failure.error.message) lines.push(`  ${field}: ${message}`)
  }
  if (hint) lines.push(style.dim(hint))
  await io.stderr.write(`${lines.join('\n')}\n`)
}

/** `autocalls-keys keys list --help` when the words name a command, else the main help. */
function helpCommandFor(argv: readonly string[]): string {
  const words = argv.filter((arg, index) => !arg.startsWith('-') && argv[index - 1] !== '--account').join(' ')
  const spec = COMMANDS.find((command) => words === command.name || words.startsWith(`${command.name} `))
  return `autocalls-keys ${spec ? `${spec.name} ` : ''}--help`
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1)
