/**
 * Every command of `autocalls-keys`, as data: its arguments, options, help and the module that
 * runs it (imported only when it runs). A new command is one entry here plus its module.
 */
import type { CommandSpec } from './command-spec'
import { KEY_STATES } from '../shared/key-hygiene'

export const GROUPS: Readonly<Record<string, string>> = {
  keys: 'The API keys of an account: keys list | create | delete | note | rotate | rotations'
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
    details: `States, with the thresholds set in the app (by default 90 and 7 days):
in-use (used within the threshold), stale (last used 90 days ago or more), never-used (created
7 days ago or more, never used), new (younger, never used), unknown (a date that cannot be read).

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
only with --yes --including-own-key, last, and then the account is signed out.

Several ids run as one batch, paced as in the app: at most 4 requests at once, and when the
server's rate limit answers 429 the whole batch waits for its Retry-After, then goes on.
A 401 stops the batch. Ctrl+C stops it too: the deletes already sent finish, no more start,
exit 130. On a terminal a progress line shows on standard error.`,
    options: [
      { flags: '-y, --yes', description: 'delete without asking' },
      { flags: '--including-own-key', description: 'allow deleting the key the account is signed in with (needs --yes)' }
    ],
    load: () => import('./commands/keys-delete')
  },
  {
    name: 'keys note',
    args: '<id> [text]',
    summary: 'Show or set the note and review date of a key (kept on this computer)',
    details: `Without text, --review-by or --clear: prints the note (to a pipe, the note alone).
Only what is given changes: text keeps the review date, --review-by keeps the text.
A note has at most 1,000 characters and never a token; "-" as the text reads it from
standard input. The note is the app's: it shows there too, and follows the key's rotation.

Examples:
  autocalls-keys keys note 42 "Website booking widget; owner: ops@agency.example" --review-by 2027-03-31
  autocalls-keys keys note 42 --review-by ""          # remove the review date only
  autocalls-keys keys note 42 --clear`,
    options: [
      { flags: '--review-by <date>', description: 'review the key by this day (YYYY-MM-DD; "" removes the date)' },
      { flags: '--clear', description: 'remove the note and its review date' }
    ],
    load: () => import('./commands/keys-note')
  },
  {
    name: 'keys rotate',
    args: '<id>',
    summary: 'Replace a key without breaking what uses it (start, --finish, --cancel)',
    details: `Starting creates the replacement (its token goes to standard output once, as with
keys create) and opens a rotation, which the app shows too. Put the new token wherever the
old key is used; the rotation is safe to finish once the new key has been used and the old
one has been quiet for the quiet period (15 minutes by default; a setting of the app).
--finish deletes the old key, and refuses before it is safe unless --force is given.
For --finish and --cancel the id may be the old key's or the replacement's.

Examples:
  NEW="$(autocalls-keys keys rotate 42)"
  autocalls-keys keys rotations
  autocalls-keys keys rotate --finish 42`,
    options: [
      { flags: '--name <name>', description: 'the replacement\'s name (default: the old key\'s)' },
      { flags: '--finish', description: 'delete the old key of the open rotation that has this key' },
      { flags: '--force', description: 'with --finish: delete the old key even though the rotation is not safe to finish yet' },
      { flags: '--cancel', description: 'end the open rotation that has this key, keeping both keys' },
      { flags: '--delete-replacement', description: 'with --cancel: delete the replacement too' }
    ],
    load: () => import('./commands/keys-rotate')
  },
  {
    name: 'keys rotations',
    summary: 'List the open rotations of the account and where each stands',
    load: () => import('./commands/keys-rotations')
  }
]
