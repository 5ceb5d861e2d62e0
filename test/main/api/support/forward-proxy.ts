/**
 * A real forward proxy (the `proxy` package: CONNECT tunnels and plain HTTP forwarding) on
 * 127.0.0.1, logging every request it is asked to carry. `hosts` is the proxy's own name table:
 * like a company proxy that resolves internal names its clients cannot, it maps test host names
 * (which do not resolve anywhere else) to an address before connecting.
 */
import { createServer, type IncomingMessage } from 'node:http'
import type { Socket } from 'node:net'
import { createProxy } from 'proxy'

export interface ForwardProxy {
  url: string
  port: number
  /** "CONNECT host:port" or "GET http://…", in order, as the client asked (before the name table). */
  log: string[]
  close(): Promise<void>
}

export async function startForwardProxy(options: { hosts?: Record<string, string>; refuseAll?: boolean } = {}): Promise<ForwardProxy> {
  const log: string[] = []
  const hosts = options.hosts ?? {}
  const server = createProxy(createServer())
  if (options.refuseAll) server.authenticate = () => false // answers 407 Proxy Authentication Required
  const sockets = new Set<Socket>()
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  // Runs before the proxy's own handlers, which then connect to the rewritten target.
  server.prependListener('connect', (req: IncomingMessage) => {
    log.push(`CONNECT ${req.url}`)
    const target = /^(.*):(\d+)$/.exec(req.url ?? '')
    const mapped = target ? hosts[target[1]!] : undefined
    if (target && mapped) req.url = `${mapped}:${target[2]}`
  })
  server.prependListener('request', (req: IncomingMessage) => {
    log.push(`${req.method} ${req.url}`)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('the proxy has no port')
  return {
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      })
  }
}
