/** A fresh sandbox API server per test file, closed afterwards. */
import { afterAll, beforeAll } from 'vitest'
import { startSandbox, type SandboxServer } from '../../src/sandbox/index'

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
