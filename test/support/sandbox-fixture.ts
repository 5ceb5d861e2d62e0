/** A fresh sandbox API server per test file, closed afterwards. */
import { afterAll, beforeAll } from 'vitest'
import { startSandbox, type Fault, type SandboxServer } from '../../src/sandbox/index'

export function useSandbox(): { readonly server: SandboxServer } {
  const holder = {} as { server: SandboxServer }
  beforeAll(async () => {
    holder.server = await startSandbox()
  })
  afterAll(async () => {
    await holder.server.close()
  })
  return holder
}

/** Laravel's 422 for a name the server refuses, as the sandbox serves it when told to. */
export const NAME_TAKEN_422: Fault = {
  type: 'status',
  status: 422,
  contentType: 'application/json',
  body: JSON.stringify({ message: 'The name has already been taken.', errors: { name: ['The name has already been taken.'] } })
}
