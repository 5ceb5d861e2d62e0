/**
 * The process the own-key crash tests kill: it builds the app's services on a given user-data
 * folder and keychain service, signs in, replaces the account's own key, and exits (as a crash
 * would: no shutdown, nothing flushed on the way out) at the step it is told:
 *   CRASH_AT=creating|created|verified|swapped|deleted  right after that step is on disk (the hook)
 *   CRASH_AT=post-answer  when the create's answer has arrived, before the app reads it
 * Run with `node --import tsx`. Exit code 17 means it crashed where asked; 0 that it never got there.
 */
import { createAppServices } from '../../../src/main/app-services'
import { KeychainVault } from '../../../src/main/vault/keychain-vault'

/** The exit code of a crash where asked (own-key-rotation.test.ts expects it). */
const CRASH_EXIT_CODE = 17

const env = (name: string): string => {
  const value = process.env[name]
  if (!value) throw new Error(`${name} is required`)
  return value
}

async function main(): Promise<void> {
  const crashAt = env('CRASH_AT')
  const baseUrl = env('SANDBOX_BASE_URL')
  const crashingFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init)
    if (crashAt === 'post-answer' && init?.method === 'POST') process.exit(CRASH_EXIT_CODE)
    return response
  }
  const services = await createAppServices({
    userDataDir: env('USER_DATA_DIR'),
    vault: new KeychainVault({ service: env('KEYCHAIN_SERVICE') }),
    clipboard: { writeSecret: async () => {}, readText: async () => '', clear: () => {} },
    events: { emit: () => {} },
    openExternal: async () => {},
    client: { timeoutMs: 5_000, fetch: crashingFetch },
    ownKeyRotationHook: (step) => {
      if (step === crashAt) process.exit(CRASH_EXIT_CODE)
    }
  })
  const added = await services.accounts.add(baseUrl, env('SIGN_IN_TOKEN'))
  await services.state.flush()
  process.stdout.write(`${JSON.stringify({ accountId: added.account.id })}\n`)
  await services.ownKey.rotate(added.account.id, 'crash-test-rotation', false)
  await services.shutdown()
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`)
    process.exit(1)
  }
)
