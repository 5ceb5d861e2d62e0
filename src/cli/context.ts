/**
 * What a command gets: the streams, the global options, the services (opened on first use and
 * shut down once at the end), and the account this call acts on.
 */
import type { AppServices } from '../main/app-services'
import type { AccountView } from '../shared/domain'
import { accountLabel } from '../shared/domain'
import { ACCOUNT_ENV, chooseAccount, describeSelection, findAccount, selectorOf, type SelectedBy } from './account-choice'
import { CliEvents } from './events'
import type { EventSink } from '../main/ipc/event-sink'
import type { Io } from './io'
import { accountJson, type AccountJson } from './output/json'
import { styleFor, type Style } from './output/style'
import { inert } from './output/inert'

/** Builds the app's services for one command (tests may pass their own). */
export type OpenServices = (env: NodeJS.ProcessEnv, events: EventSink) => Promise<AppServices>

export interface GlobalOptions {
  account?: string
  json?: boolean
}

export interface ChosenAccount {
  view: AccountView
  /** What --account takes for it. */
  selector: string
  selectedBy: SelectedBy | 'argument'
  /** "email on host", as the app names accounts. */
  label: string
  json: AccountJson
}

export class CommandContext {
  readonly io: Io
  readonly json: boolean
  readonly accountFlag: string | undefined
  readonly now: () => number
  readonly err: Style
  readonly out: Style
  /** What the services announce while this command runs (a batch's progress). */
  readonly events = new CliEvents()
  #services: Promise<AppServices> | null = null
  readonly #open: OpenServices

  constructor(io: Io, globals: GlobalOptions, open: OpenServices, now: () => number = Date.now) {
    this.io = io
    this.json = globals.json === true
    this.accountFlag = globals.account
    this.now = now
    this.err = styleFor(io.stderr)
    this.out = styleFor(io.stdout)
    this.#open = open
  }

  services(): Promise<AppServices> {
    this.#services ??= this.#open(this.io.env, this.events)
    return this.#services
  }

  /** Every account, in the app's order. */
  async accounts(): Promise<AccountView[]> {
    return (await this.services()).accounts.list()
  }

  /** The account of this call: --account, then AUTOCALLS_ACCOUNT, then the default. */
  async chosenAccount(): Promise<ChosenAccount> {
    const services = await this.services()
    const accounts = services.accounts.list()
    const choice = chooseAccount(accounts, { flag: this.accountFlag, env: this.io.env[ACCOUNT_ENV], defaultAccountId: services.state.state.defaultAccountId })
    return this.#describe(choice.account, accounts, choice.selectedBy)
  }

  /** An account named as a command's argument (use, logout). */
  async namedAccount(name: string, source: string): Promise<ChosenAccount> {
    const accounts = await this.accounts()
    return this.#describe(findAccount(accounts, name, source), accounts, 'argument')
  }

  /** The default account's id as the command line resolves it (the stored one, else the only one). */
  async effectiveDefaultId(): Promise<string | null> {
    const services = await this.services()
    const accounts = services.accounts.list()
    const stored = services.state.state.defaultAccountId
    if (accounts.some((account) => account.id === stored)) return stored
    return accounts.length === 1 ? accounts[0]!.id : null
  }

  describeAccount(view: AccountView, accounts: readonly AccountView[]): ChosenAccount {
    return this.#describe(view, accounts, 'argument')
  }

  /** Tells the person, on standard error, which account a change is about to act on. */
  async actingOn(chosen: ChosenAccount): Promise<void> {
    const how = chosen.selectedBy === 'argument' ? '' : ` (${describeSelection(chosen.selectedBy)})`
    await this.say(`Account: ${this.err.bold(chosen.label)}${how}`)
  }

  /** A line for the person, on standard error. */
  say(line: string): Promise<void> {
    return this.io.stderr.write(`${line}\n`)
  }

  async close(): Promise<void> {
    if (!this.#services) return
    const services = await this.#services.catch(() => null)
    await services?.shutdown()
  }

  #describe(view: AccountView, accounts: readonly AccountView[], selectedBy: ChosenAccount['selectedBy']): ChosenAccount {
    const selector = selectorOf(view, accounts)
    // The email comes from the server: shown inert, like every server text on a terminal.
    return { view, selector, selectedBy, label: inert(accountLabel(view)), json: accountJson(view, selector) }
  }
}
