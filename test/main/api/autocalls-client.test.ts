import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ApiError } from '../../../src/main/api/api-error'
import { AutocallsClient, type AutocallsClientOptions } from '../../../src/main/api/autocalls-client'
import { refusedBaseUrl, startSandbox, type SandboxServer } from '../../../src/sandbox/index'

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the call to fail')
    },
    (e: unknown) => e
  )
  expect(error).toBeInstanceOf(ApiError)
  return error as ApiError
}

// The Autocalls API's Laravel version is not documented: the client must read both alike.
describe.each([8, 10] as const)('AutocallsClient against a Laravel %i sandbox over real HTTP', (laravel) => {
  const sandbox = {} as { server: SandboxServer }
  beforeAll(async () => {
    sandbox.server = await startSandbox({ laravel, ...(laravel === 8 ? { balanceAs: 'decimal-string' as const } : {}) })
  })
  afterAll(async () => {
    await sandbox.server.close()
  })

  /** Records the waits instead of sleeping, so retry timing is asserted without slowing the suite. */
  function clientFor(token: string, overrides: Partial<AutocallsClientOptions> = {}) {
    const waits: number[] = []
    const client = new AutocallsClient({
      baseUrl: sandbox.server.baseUrl,
      credential: token,
      timeoutMs: 2_000,
      sleep: async (ms) => {
        waits.push(ms)
      },
      random: () => 0.5,
      ...overrides
    })
    return { client, waits }
  }

  const count = (method: string, path: string) =>
    sandbox.server.requests.filter((r) => r.method === method && r.path.endsWith(path)).length

  let token: string
  beforeEach(() => {
    sandbox.server.faults.clear()
    sandbox.server.resetRequests()
    token = sandbox.server.createAccount({ name: 'Ada Lovelace', email: `ada-${Math.random()}@example.com`, totalBalance: 125.5 }).token
  })

  describe('the client', () => {
    it('verifies a credential with GET /user/me', async () => {
      const { client } = clientFor(token)
      await expect(client.getMe()).resolves.toMatchObject({ name: 'Ada Lovelace', totalBalance: 125.5 })
    })

    it('lists keys as validated domain objects', async () => {
      const { client } = clientFor(token)
      const keys = await client.listKeys()
      expect(keys).toHaveLength(1)
      expect(keys[0]).toEqual({ id: expect.any(Number), name: expect.any(String), createdAt: expect.any(String), lastUsedAt: expect.any(String) })
      expect(Object.keys(keys[0]!)).not.toContain('token')
    })

    it('creates a key, returns its token once and derives the id from the Sanctum prefix', async () => {
      const { client } = clientFor(token)
      const created = await client.createKey('CI deploy')
      expect(created.token).toMatch(/^\d+\|[A-Za-z0-9]{40}(?:[0-9a-f]{8})?$/) // Sanctum 2, or Sanctum 4 with its checksum
      expect(created.idHint).toBe(Number(created.token.split('|')[0]))
      const listed = await client.listKeys()
      expect(listed.find((k) => k.id === created.idHint)?.name).toBe('CI deploy')
    })

    it('deletes a key, and treats a 404 on the first attempt as already gone', async () => {
      const { client } = clientFor(token)
      const created = await client.createKey('to delete')
      await expect(client.deleteKey(created.idHint!)).resolves.toEqual({ alreadyGone: false })
      await expect(client.deleteKey(created.idHint!)).resolves.toEqual({ alreadyGone: true })
    })

    it('sends the bearer credential and Accept: application/json', async () => {
      const seen: Headers[] = []
      const { client } = clientFor(token, {
        fetch: (input, init) => {
          seen.push(new Headers(init?.headers))
          return fetch(input, init)
        }
      })
      await client.getMe()
      expect(seen[0]?.get('authorization')).toBe(`Bearer ${token}`)
      expect(seen[0]?.get('accept')).toBe('application/json')
    })

    describe('error kinds', () => {
      it('401 → unauthenticated, with no token in the message', async () => {
        const { client } = clientFor(`${token}x`)
        const error = await failure(client.getMe())
        expect(error.kind).toBe('unauthenticated')
        expect(error.status).toBe(401)
        expect(error.message).not.toContain(token)
      })

      it('422 → validation with the server per-field messages', async () => {
        const { client } = clientFor(token)
        const error = await failure(client.createKey('   '))
        expect(error.kind).toBe('validation')
        expect(error.fieldErrors).toEqual({ name: ['The name field is required.'] })
        expect(error.message).toBe('The name field is required.')
      })

      it('422 → the field’s own message first (Laravel 8’s top-level one says nothing)', async () => {
        const { client } = clientFor(token)
        const error = await failure(client.createKey('x'.repeat(256)))
        const expected = laravel === 8 ? 'The name must not be greater than 255 characters.' : 'The name field must not be greater than 255 characters.'
        expect(error).toMatchObject({ kind: 'validation', message: expected, fieldErrors: { name: [expected] } })
      })

      it('an unknown route (a wrong base URL) is never taken for a key already deleted', async () => {
        const wrong = new AutocallsClient({ baseUrl: `${sandbox.server.baseUrl}/v2`, credential: token, sleep: async () => {} })
        const error = await failure(wrong.deleteKey(1))
        expect(error.kind).toBe('bad_response')
        expect(error.message).toMatch(/HTTP 404 without the API's JSON error.*API base URL/)
      })

      it('reads the balance whether the server sends a number or a decimal string', async () => {
        await expect(clientFor(token).client.getMe()).resolves.toMatchObject({ totalBalance: 125.5 })
      })

      it('404 on an unknown key id while listing is not_found for other calls', async () => {
        sandbox.server.faults.add({ method: 'GET', path: '/user/me', fault: { type: 'status', status: 404, body: '{"message":"Nope."}' } })
        const error = await failure(clientFor(token).client.getMe())
        expect(error.kind).toBe('not_found')
        expect(error.message).toBe('Nope.')
      })

      it('429 → rate_limited with the wait from Retry-After, after the retry budget', async () => {
        sandbox.server.faults.add({ method: 'GET', path: '/user/api-keys', times: 3, fault: { type: 'rate-limit', retryAfterSeconds: 2 } })
        const { client, waits } = clientFor(token)
        const error = await failure(client.listKeys())
        expect(error.kind).toBe('rate_limited')
        expect(error.retryAfterSeconds).toBe(2)
        expect(count('GET', '/user/api-keys')).toBe(3)
        expect(waits).toEqual([2000, 2000]) // never shorter than the server asked for
      })

      it('a Retry-After longer than the policy allows is not waited out', async () => {
        sandbox.server.faults.add({ method: 'GET', path: '/user/api-keys', fault: { type: 'rate-limit', retryAfterSeconds: 120 } })
        const { client, waits } = clientFor(token)
        const error = await failure(client.listKeys())
        expect(error.retryAfterSeconds).toBe(120)
        expect(waits).toEqual([])
        expect(count('GET', '/user/api-keys')).toBe(1)
      })

      it.each([500, 502, 503])('%i → server (retried, then reported)', async (status) => {
        sandbox.server.faults.add({ path: '/user/me', times: Infinity, fault: { type: 'status', status, body: '<html><body>Bad gateway</body></html>', contentType: 'text/html' } })
        const { client } = clientFor(token)
        const error = await failure(client.getMe())
        expect(error.kind).toBe('server')
        expect(error.status).toBe(status)
        expect(error.message).toContain(`HTTP ${status}`)
        expect(count('GET', '/user/me')).toBe(3)
      })

      it('a refused connection → network, known not to have reached the server', async () => {
        const client = new AutocallsClient({ baseUrl: await refusedBaseUrl(), credential: token, sleep: async () => {} })
        const error = await failure(client.createKey('x'))
        expect(error.kind).toBe('network')
        expect(error.mayHaveReachedServer).toBe(false)
        expect(error.message).toMatch(/refused/)
      })

      it('a dropped connection → network', async () => {
        sandbox.server.faults.add({ path: '/user/me', times: Infinity, fault: { type: 'drop' } })
        const error = await failure(clientFor(token).client.getMe())
        expect(error.kind).toBe('network')
        expect(error.mayHaveReachedServer).toBe(true)
      })

      it('a connection dropped half-way through the body → network', async () => {
        sandbox.server.faults.add({ path: '/user/api-keys', times: Infinity, fault: { type: 'drop-mid-response' } })
        const error = await failure(clientFor(token).client.listKeys())
        expect(error.kind).toBe('network')
      })

      it('a server that never answers → timeout', async () => {
        sandbox.server.faults.add({ path: '/user/me', times: Infinity, fault: { type: 'hang' } })
        const { client } = clientFor(token, { timeoutMs: 200 })
        const started = Date.now()
        const error = await failure(client.getMe())
        expect(error.kind).toBe('timeout')
        expect(Date.now() - started).toBeLessThan(2_000)
      })

      it('an HTML page with 200 → bad_response', async () => {
        sandbox.server.faults.add({ path: '/user/api-keys', times: Infinity, fault: { type: 'malformed', body: '<html>Login</html>', contentType: 'text/html' } })
        const error = await failure(clientFor(token).client.listKeys())
        expect(error.kind).toBe('bad_response')
        expect(error.message).toMatch(/not JSON/)
      })

      it.each([
        ['invalid JSON', '{"api_keys": ['],
        ['a wrong shape', '{"api_keys": [{"id": "seven", "name": 3}]}'],
        ['a missing field', '{"keys": []}'],
        ['a bad timestamp', '{"api_keys": [{"id": 1, "name": "a", "created_at": "yesterday", "last_used_at": null}]}']
      ])('%s → bad_response, never a crash', async (_label, body) => {
        sandbox.server.faults.add({ path: '/user/api-keys', times: Infinity, fault: { type: 'malformed', body } })
        const error = await failure(clientFor(token).client.listKeys())
        expect(error.kind).toBe('bad_response')
      })

      it('ignores unknown extra fields', async () => {
        sandbox.server.faults.add({
          path: '/user/me',
          fault: { type: 'malformed', body: '{"name":"A","email":"a@b.c","total_balance":"12.50","plan":"pro"}' }
        })
        await expect(clientFor(token).client.getMe()).resolves.toEqual({ name: 'A', email: 'a@b.c', totalBalance: 12.5 })
      })

      it('an unexpected status (403) → bad_response naming it', async () => {
        sandbox.server.faults.add({ path: '/user/me', fault: { type: 'status', status: 403, body: '{"message":"Forbidden."}' } })
        const error = await failure(clientFor(token).client.getMe())
        expect(error.kind).toBe('bad_response')
        expect(error.message).toContain('HTTP 403')
      })

      it('never echoes the credential, even when the server does', async () => {
        sandbox.server.faults.add({ path: '/user/api-keys', fault: { type: 'status', status: 404, body: JSON.stringify({ message: `No key for ${token}` }) } })
        const error = await failure(clientFor(token).client.listKeys())
        expect(error.message).not.toContain(token)
        expect(error.message).toContain('[redacted]')
      })
    })

    describe('retry rules', () => {
      it('GET recovers by itself after transient failures', async () => {
        sandbox.server.faults.add({ path: '/user/api-keys', times: 1, fault: { type: 'status', status: 503 } })
        sandbox.server.faults.add({ path: '/user/api-keys', times: 1, fault: { type: 'drop' } })
        const { client, waits } = clientFor(token)
        await expect(client.listKeys()).resolves.toHaveLength(1)
        expect(count('GET', '/user/api-keys')).toBe(3)
        expect(waits).toHaveLength(2)
      })

      it('backs off exponentially with jitter, capped', async () => {
        sandbox.server.faults.add({ path: '/user/me', times: Infinity, fault: { type: 'status', status: 500 } })
        const { client, waits } = clientFor(token, { retry: { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 300 }, random: () => 1 })
        await failure(client.getMe())
        expect(waits).toEqual([100, 200, 300, 300])
      })

      it('POST is never retried: one request for each failure kind', async () => {
        const { client, waits } = clientFor(token)
        for (const fault of [
          { type: 'status', status: 503 } as const,
          { type: 'drop' } as const,
          { type: 'rate-limit', retryAfterSeconds: 1 } as const,
          { type: 'drop-after-commit' } as const
        ]) {
          sandbox.server.resetRequests()
          sandbox.server.faults.add({ method: 'POST', path: '/user/api-keys', fault })
          await failure(client.createKey(`attempt ${fault.type}`))
          expect(count('POST', '/user/api-keys')).toBe(1)
        }
        expect(waits).toEqual([])
      })

      it('a DELETE retried after a lost answer that then gets 404 counts as done', async () => {
        const { client } = clientFor(token)
        const created = await client.createKey('lost answer')
        sandbox.server.resetRequests()
        sandbox.server.faults.add({ method: 'DELETE', fault: { type: 'drop-after-commit' } })
        await expect(client.deleteKey(created.idHint!)).resolves.toEqual({ alreadyGone: false })
        expect(count('DELETE', `/user/api-keys/${created.idHint}`)).toBe(2)
        expect(sandbox.server.listKeysOf(token).some((k) => k.id === created.idHint)).toBe(false)
      })

      it('does not retry a 401 or a 422', async () => {
        const { client } = clientFor(`${token}zz`)
        await failure(client.listKeys())
        expect(count('GET', '/user/api-keys')).toBe(1)
      })
    })
  })
})
