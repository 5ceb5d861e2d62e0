import { execFile } from 'node:child_process'
import { resolve } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { probeKeychain, testServiceName } from '../../support/keychain'

const root = resolve(__dirname, '../../..')
const probe = await probeKeychain()

describe('the vault loads keytar outside vitest too', () => {
  it.runIf(probe.available)('sets, reads and deletes through the default loader under plain Node', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [resolve(root, 'node_modules/tsx/dist/cli.mjs'), 'test/main/vault/fixtures/vault-under-node.ts', testServiceName('loader')],
      { cwd: root, env: process.env }
    )
    expect(JSON.parse(stdout.trim())).toEqual({ read: 'loader-secret', removed: true })
  })
})
