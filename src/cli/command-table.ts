/**
 * Every command of `autocalls-keys`, as data: its arguments, options, help and the module that
 * runs it (imported only when it runs). A new command is one entry here plus its module.
 */
import type { CommandSpec } from './command-spec'
import { KEY_STATES } from '../shared/key-hygiene'

export const GROUPS: Readonly<Record<string, string>> = {
  keys: 'The API keys of an account: keys list | create | delete'
}

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'accounts',
    summary: 'List the accounts (* marks the default)',
    load: () => import('./commands/accounts')
  },
  {
    name: 'use',
    args: '<account>',
    summary: 'Make an account the default',
    load: () => import('./commands/use')
  },
  {
    name: 'login',
    summary: 'Sign in: the API key from standard input, or a hidden prompt',
    details: `The API key is never taken from an argument (it would stay in your shell history).
It is checked with the server first and stored in the system keychain only if it is accepted.
Signing in to an account that is already there replaces its stored key with the new one.

Examples:
  autocalls-keys login
  printf '%s' "$AUTOCALLS_API_KEY" | autocalls-keys login --base-url https://api.agency.example/api`,
    options: [{ flags: '--base-url <url>', description: 'the API base URL of a white-label host (default https://app.autocalls.ai/api)' }],
    load: () => import('./commands/login')
  },
  {
    name: 'logout',
    args: '[account]',
    summary: 'Sign out of an account (its API key leaves the keychain)',
    load: () => import('./commands/logout')
  },
  {
    name: 'whoami',
    summary: 'Which account this call acts on (checked with the server)',
    load: () => import('./commands/whoami')
  },
  {
    name: 'keys list',
    summary: 'List the API keys of the account, newest first',
    details: `States: in-use (used in the last 90 days), stale (last used 90 days ago or more),
never-used (created 7 days ago or more, never used), new (younger, never used).

Examples:
  autocalls-keys keys list --state never-used --json | jq -r '.keys[].id'
  autocalls-keys keys list --filter deploy`,
    options: [
      { flags: '--state <state>', description: 'only keys in this state', choices: KEY_STATES.filter((state) => state !== 'unknown') },
      { flags: '--filter <text>', description: 'only keys whose name contains the text (any case)' }
    ],
    load: () => import('./commands/keys-list')
  },
  {
    name: 'keys create',
    args: '<name>',
    summary: 'Create a key; its token goes to standard output, once',
    details: `On a terminal the token is shown with a "shown once" warning; when standard output is a
pipe or a file, only the token is written (with --json: one JSON object with a "token" field).

Example:
  TOKEN="$(autocalls-keys keys create "ci deploy")"`,
    load: () => import('./commands/keys-create')
  },
  {
    name: 'keys delete',
    args: '<id...>',
    summary: 'Delete keys by id (asks first on a terminal)',
    details: `Without --yes, a terminal asks for confirmation; when standard input is not a terminal,
--yes is required. The key this account is signed in with (marked * in keys list) is deleted
only with --yes --including-own-key, last, and then the account is signed out.`,
    options: [
      { flags: '-y, --yes', description: 'delete without asking' },
      { flags: '--including-own-key', description: 'allow deleting the key the account is signed in with (needs --yes)' }
    ],
    load: () => import('./commands/keys-delete')
  }
]
