/**
 * A TCP forwarder in front of the sandbox that can be switched off and on again on the same
 * port: while off, connecting is refused (ECONNREFUSED), exactly like a server that is down.
 */
import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net'

export interface SwitchableProxy {
  /** The sandbox's base URL, but through this proxy (same path, the proxy's port). */
  readonly baseUrl: string
  readonly port: number
  readonly listening: boolean
  /** Stops accepting connections and cuts open ones: the server is "down". */
  stop(): Promise<void>
  /** Listens again on the same port. */
  start(): Promise<void>
  close(): Promise<void>
}

export async function startSwitchableProxy(targetBaseUrl: string): Promise<SwitchableProxy> {
  const target = new URL(targetBaseUrl)
  const sockets = new Set<Socket>()
  let server: Server | null = null
  let port = 0

  const listen = async (): Promise<void> => {
    const next = createServer((client) => {
      const upstream = createConnection({ host: target.hostname, port: Number(target.port) })
      for (const socket of [client, upstream]) {
        sockets.add(socket)
        socket.once('close', () => sockets.delete(socket))
        socket.on('error', () => undefined)
      }
      client.pipe(upstream)
      upstream.pipe(client)
      // A connection cut on one side is cut on the other, so drops reach the client as drops.
      client.once('close', () => upstream.destroy())
      upstream.once('close', () => client.destroy())
    })
    await new Promise<void>((resolve, reject) => {
      next.once('error', reject)
      next.listen(port, '127.0.0.1', () => {
        next.off('error', reject)
        resolve()
      })
    })
    port = (next.address() as AddressInfo).port
    server = next
  }

  const stop = async (): Promise<void> => {
    const current = server
    server = null
    if (!current) return
    const closed = new Promise<void>((resolve) => current.close(() => resolve()))
    for (const socket of sockets) socket.destroy()
    await closed
  }

  await listen()
  const baseUrl = `${target.protocol}//127.0.0.1:${port}${target.pathname}`
  return {
    baseUrl,
    port,
    get listening() {
      return server !== null
    },
    stop,
    start: async () => {
      if (!server) await listen()
    },
    close: stop
  }
}
