/**
 * HTTPS in front of the sandbox: a TLS-terminating TCP relay on 127.0.0.1 that forwards each
 * decrypted connection to the sandbox's plain-HTTP port, one upstream connection per client
 * connection (so the sandbox's connection count still counts the client's connections).
 */
import { connect, type Socket } from 'node:net'
import { createServer, type TLSSocket } from 'node:tls'

export interface TlsFront {
  port: number
  close(): Promise<void>
}

export async function startTlsFront(options: { key: string; cert: string; targetPort: number }): Promise<TlsFront> {
  const sockets = new Set<Socket | TLSSocket>()
  const track = (socket: Socket | TLSSocket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  }
  const server = createServer({ key: options.key, cert: options.cert }, (client) => {
    const upstream = connect(options.targetPort, '127.0.0.1')
    track(client)
    track(upstream)
    client.on('error', () => upstream.destroy())
    upstream.on('error', () => client.destroy())
    client.pipe(upstream).pipe(client)
  })
  // A refused handshake (the client does not trust us) is the expected outcome of some tests.
  server.on('tlsClientError', () => undefined)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('the TLS front has no port')
  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      })
  }
}
