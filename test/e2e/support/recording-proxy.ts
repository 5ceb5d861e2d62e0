/**
 * An HTTP proxy in front of one sandbox that records every request with its Authorization header,
 * so a test can prove which credential reached which host. The sandbox's own request log has no
 * headers (and src/sandbox is not the tests' to change); a proxy sees exactly what the app sent.
 * Requests are forwarded as they come and answers piped back unchanged (faults included).
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

export interface ProxiedRequest {
  method: string
  /** Path after "/api", without the query (as the sandbox's own log has it). */
  path: string
  /** The Authorization header as sent, or null. */
  authorization: string | null
}

export interface RecordingProxy {
  /** The target's base URL through this proxy: same path, the proxy's port (another host). */
  readonly baseUrl: string
  readonly requests: ReadonlyArray<Readonly<ProxiedRequest>>
  reset(): void
  close(): Promise<void>
}

export async function startRecordingProxy(targetBaseUrl: string): Promise<RecordingProxy> {
  const target = new URL(targetBaseUrl)
  const requests: ProxiedRequest[] = []
  const sockets = new Set<Socket>()

  const forward = (req: IncomingMessage, res: ServerResponse) => {
    const pathname = (req.url ?? '/').split('?', 1)[0] ?? '/'
    const header = req.headers.authorization
    requests.push({ method: req.method ?? 'GET', path: pathname.replace(/^\/api(?=\/|$)/, ''), authorization: header ?? null })
    const upstream = httpRequest(
      { host: target.hostname, port: Number(target.port), method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
        // A connection the sandbox cut (a "drop" fault) is cut towards the app too.
        answer.once('aborted', () => res.destroy())
      }
    )
    upstream.once('error', () => res.destroy())
    res.once('close', () => {
      if (!res.writableFinished) upstream.destroy()
    })
    req.pipe(upstream)
  }

  const server = createServer(forward)
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  return {
    baseUrl: `${target.protocol}//127.0.0.1:${port}${target.pathname}`,
    requests,
    reset: () => void requests.splice(0),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        for (const socket of sockets) socket.destroy()
      })
  }
}
