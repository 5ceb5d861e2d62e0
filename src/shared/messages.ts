/**
 * Sentences both sides show: main puts them in errors and account states, the window shows them
 * as they come or on its own when it already knows (tests and the e2e suite look for them).
 */
export const SHARED_MESSAGES = {
  ownKeyDeleted:
    'You deleted the API key this app signed in with for this account, so Autocalls Keys signed out of it. Sign in again with another key to continue.',
  credentialRevoked:
    'The API key this app signs in with for this account was rejected by the server: it was deleted or revoked elsewhere. Sign in again with a valid key.',
  credentialMissing: 'The saved API key for this account is no longer in the system keychain. Sign in again.',
  unknownAccount: 'That account is not signed in to Autocalls Keys (it may have been removed). Nothing was changed.'
} as const
