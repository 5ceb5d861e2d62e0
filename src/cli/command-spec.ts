/** The shape of one command in the table (command-table.ts) and of the module that runs it. */
import type { CommandContext } from './context'
import type { ExitCode } from './exit-codes'

export interface OptionSpec {
  /** Commander's flags syntax: '--state <state>', '--yes'. */
  flags: string
  description: string
  choices?: readonly string[]
}

export interface CommandInput {
  /** Positional arguments in the order of `args` (a variadic one is an array). */
  args: unknown[]
  options: Record<string, unknown>
}

/** What a command module exports. Returning nothing means exit 0. */
export type CommandRun = (ctx: CommandContext, input: CommandInput) => Promise<ExitCode | void>

export interface CommandSpec {
  /** 'accounts', or 'keys list' for a subcommand of a group. */
  name: string
  /** Commander's argument syntax: '<account>', '[account]', '<id...>'. */
  args?: string
  summary: string
  /** Extra help text shown by `<command> --help`. */
  details?: string
  options?: readonly OptionSpec[]
  /** Loaded only when the command runs, so help and start-up stay fast. */
  load: () => Promise<{ run: CommandRun }>
}
