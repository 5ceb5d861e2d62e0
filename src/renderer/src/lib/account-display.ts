/** How an account is named and marked on screen, so two accounts never look alike. */
import { DEFAULT_BASE_URL, hostOf, type AccountView } from '../../../shared/domain'

type Shown = Pick<AccountView, 'profile' | 'baseUrl' | 'status' | 'refreshing' | 'isSandbox'>

/** The account's name, or its email when the server sent no name. */
export const displayName = (account: Pick<AccountView, 'profile'>): string => account.profile.name?.trim() || account.profile.email

/** The host, only when it is not the default Autocalls server (null otherwise). */
export const customHost = (account: Pick<AccountView, 'baseUrl'>): string | null =>
  account.baseUrl === DEFAULT_BASE_URL ? null : hostOf(account.baseUrl)

/** Up to two letters: the initials of the name's first two words, else of the email. */
export function initialsOf(account: Pick<AccountView, 'profile'>): string {
  const words = (account.profile.name ?? '').trim().split(/\s+/u).filter(Boolean)
  const letters = words.length > 0 ? words.slice(0, 2).map((word) => firstLetter(word)) : [firstLetter(account.profile.email)]
  return letters.join('').toUpperCase() || '?'
}

const firstLetter = (text: string): string => Array.from(text)[0] ?? ''

/** The state as words (never colour alone). */
export function statusText(account: Shown): string {
  if (account.refreshing) return 'Refreshing…'
  switch (account.status) {
    case 'ready':
      return 'Ready'
    case 'needs-sign-in':
      return 'Needs sign-in'
    case 'unreachable':
      return 'Unreachable'
    case 'keychain-locked':
      return 'Keychain locked'
  }
}

/** "Ada Lovelace (ada@example.com on api.agency.example) — Autocalls Keys" */
export function windowTitle(account: Shown | null | undefined): string {
  if (!account) return 'Autocalls Keys'
  const name = displayName(account)
  const host = customHost(account)
  const who = name === account.profile.email ? name : `${name} (${account.profile.email})`
  return `${who}${host ? ` on ${host}` : ''} — Autocalls Keys`
}
