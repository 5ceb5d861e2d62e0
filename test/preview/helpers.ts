/** Helpers for the preview server's unit tests: a fake renderer build, raw HTTP, an SSE reader. */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const FAKE_INDEX_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <title>Autocalls Keys</title>
    <script type="module" crossorigin src="./assets/index-test.js"></script>
    <link rel="stylesheet" crossorigin href="./assets/index-test.css">
  </head>
  <body><div id="root"></div></body>
</html>
`

/** A temp folder laid out like `out/renderer`, plus a temp userData folder. */
export async function makeTempDirs(): Promise<{ rendererDir: string; userDataDir: string; cleanup(): Promise<void> }> {
  const base = await mkdtemp(join(tmpdir(), 'autocalls-preview-test-'))
  const rendererDir = join(base, 'renderer')
  const userDataDir = join(base, 'user-data')
  await mkdir(join(rendererDir, 'assets'), { recursive: true })
  await mkdir(userDataDir)
  await writeFile(join(rendererDir, 'index.html'), FAKE_INDEX_HTML)
  await writeFile(join(rendererDir, 'assets', 'index-test.js'), 'console.log("app")\n')
  await writeFile(join(rendererDir, 'assets', 'index-test.css'), 'body{color:red}\n')
  await writeFile(join(base, 'outside.txt'), 'not for the browser\n')
  return { rendererDir, userDataDir, cleanup: () => rm(base, { recursive: true, force: true }) }
}

/** The keychain for unit tests: a Map. (The e2e tests use the real keychain.) */
export { MemorySecretStore as MemoryVault } from '../support/memory-secret-store'

export interface RawResponse {
  status: number
  headers: IncomingHttpHeaders
  body: string
}

/** node:http without fetch's header rules, so a test can send any Host or Origin. */
export function rawRequest(
  port: number,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer; host?: string } = {}
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: options.host ?? '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        headers: { Host: `127.0.0.1:${port}`, ...options.headers },
        agent: false
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }))
        res.on('error', reject)
      }
    )
    req.on('error', reject)
    req.end(options.body)
  })
}

/** Sends bytes exactly as given (for requests node:http would refuse to make) and returns the status. */
export function rawSocketStatus(port: number, text: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text))
    let data = ''
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => {
      data += chunk
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(data)
      if (match) {
        resolve(Number(match[1]))
        socket.destroy()
      }
    })
    socket.on('error', reject)
    socket.on('end', () => reject(new Error(`connection ended without a status: ${JSON.stringify(data)}`)))
  })
}

export interface SseEvent {
  event: string
  data: string
}

/** Reads a Server-Sent Events stream; `next(event)` waits for the next event of that name. */
export function openEventStream(port: number, path: string): Promise<{ next(event: string, timeoutMs?: number): Promise<SseEvent>; close(): void }> {
  return new Promise((resolve, reject) => {
    const received: SseEvent[] = []
    const waiters: Array<() => void> = []
    let buffer = ''
    const req = httpRequest({ host: '127.0.0.1', port, path, headers: { Host: `127.0.0.1:${port}`, Accept: 'text/event-stream' }, agent: false }, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`event stream answered ${res.statusCode}`))
        return
      }
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        buffer += chunk
        let end: number
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          let event = 'message'
          const data: string[] = []
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) event = line.slice(7)
            else if (line.startsWith('data: ')) data.push(line.slice(6))
          }
          if (data.length > 0) received.push({ event, data: data.join('\n') })
          waiters.splice(0).forEach((wake) => wake())
        }
      })
      res.on('error', () => undefined)
      resolve({
        next(event, timeoutMs = 5000) {
          return new Promise<SseEvent>((resolveNext, rejectNext) => {
            const timer = setTimeout(() => rejectNext(new Error(`no "${event}" event within ${timeoutMs} ms`)), timeoutMs)
            const check = () => {
              const index = received.findIndex((e) => e.event === event)
              if (index >= 0) {
                clearTimeout(timer)
                resolveNext(received.splice(index, 1)[0] as SseEvent)
              } else waiters.push(check)
            }
            check()
          })
        },
        close: () => req.destroy()
      })
    })
    req.on('error', (error) => reject(error))
    req.end()
  })
}

export async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
