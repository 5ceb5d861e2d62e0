/**
 * Which account one call acts on, in 1Password's order: `--account`, then AUTOCALLS_ACCOUNT,
 * then the default (`autocalls-keys use`). An account is named by its email, or by
 * `email@host` when the same email is signed in on several hosts (the full id
 * "email on baseUrl" works too). A name that matches no account, or several, is a usage error
 * that lists the accounts there are: the command never guesses.
 */
import { hostOf, type AccountId } from '../shared/domain'
import { CliError, usageError } from './cli-error'
import { EXIT } from './exit-codes'
import { inert } from './output/inert'

export const ACCOUNT_ENV = 'AUTOCALLS_ACCOUNT'

/** What choosing needs to know of an account (a stored record fits). */
export interface ChoosableAccount {
  id: AccountId
  baseUrl: string
  profile: { email: string }
}

export type SelectedBy = 'flag' | 'env' | 'default' | 'only'

export interface AccountChoice<A extends ChoosableAccount> {
  account: A
  selectedBy: SelectedBy
}

const SELECTED_BY_WORDS: Readonly<Record<SelectedBy, string>> = {
  flag: 'from --account',
  env: `from ${ACCOUNT_ENV}`,
  default: 'the default',
  only: 'the only account'
}

export const describeSelection = (selectedBy: SelectedBy): string => SELECTED_BY_WORDS[selectedBy]

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase()

/** Accounts a name refers to: none, one, or several (ambiguous). */
export function matchAccounts<A extends ChoosableAccount>(accounts: readonly A[], rawName: string): A[] {
  const name = rawName.trim()
  const byId = accounts.filter((account) => account.id === name)
  if (byId.length > 0) return byId
  const byEmail = accounts.filter((account) => same(account.profile.email, name))
  if (byEmail.length > 0) return byEmail
  // email@host: the host is what follows the last "@" (an email has one of its own).
  const at = name.lastIndexOf('@')
  if (at <= 0) return []
  const email = name.slice(0, at)
  const host = name.slice(at + 1)
  return accounts.filter((account) => same(account.profile.email, email) && same(hostOf(account.baseUrl), host))
}

/**
 * The shortest name that picks this account alone: its email, else email@host, else the id.
 * `accounts` shows it, and it is what --account, use and logout take.
 */
export function selectorOf(account: ChoosableAccount, accounts: readonly ChoosableAccount[]): string {
  const email = account.profile.email
  if (matchAccounts(accounts, email).length === 1) return email
  const withHost = `${email}@${hostOf(account.baseUrl)}`
  if (matchAccounts(accounts, withHost).length === 1) return withHost
  return account.id
}

/** The accounts as a usage error lists them (and as its JSON form carries them). */
function accountList(accounts: readonly ChoosableAccount[]): { text: string; selectors: string[] } {
  const selectors = accounts.map((account) => selectorOf(account, accounts))
  return { text: selectors.map((selector) => `  ${inert(selector)}`).join('\n'), selectors }
}

/** An account named on the command line (use, logout, --account). */
export function findAccount<A extends ChoosableAccount>(accounts: readonly A[], name: string, source: string): A {
  const found = matchAccounts(accounts, name)
  if (found.length === 1) return found[0]!
  if (accounts.length === 0) throw notSignedInAnywhere()
  const { text, selectors } = accountList(accounts)
  if (found.length === 0) {
    throw usageError(`No account “${name}” (${source}). The accounts are:\n${text}`, { accounts: selectors })
  }
  const { text: matching, selectors: candidates } = accountList(found)
  throw usageError(`“${name}” (${source}) names ${found.length} accounts; say which with email@host:\n${matching}`, {
    accounts: selectors,
    candidates
  })
}

export function chooseAccount<A extends ChoosableAccount>(
  accounts: readonly A[],
  input: { flag?: string | undefined; env?: string | undefined; defaultAccountId: AccountId | null }
): AccountChoice<A> {
  if (input.flag !== undefined) return { account: findAccount(accounts, input.flag, '--account'), selectedBy: 'flag' }
  if (input.env) return { account: findAccount(accounts, input.env, ACCOUNT_ENV), selectedBy: 'env' }
  if (accounts.length === 0) throw notSignedInAnywhere()
  const byDefault = accounts.find((account) => account.id === input.defaultAccountId)
  if (byDefault) return { account: byDefault, selectedBy: 'default' }
  if (accounts.length === 1) return { account: accounts[0]!, selectedBy: 'only' }
  const { text, selectors } = accountList(accounts)
  throw usageError(`No default account. Choose one with --account, ${ACCOUNT_ENV} or \`autocalls-keys use <account>\`:\n${text}`, { accounts: selectors })
}

export const notSignedInAnywhere = (): CliError =>
  new CliError('not_signed_in', 'Not signed in to any account. Run `autocalls-keys login` first.', undefined, EXIT.notSignedIn)
