import { createServer, type RequestListener, type Server, type ServerResponse } from 'node:http'
import type { Logger } from '../observability/logger.ts'

/** Responses not yet finished, per server: closeServer must reach the ones in flight. */
const inFlight = new WeakMap<Server, Set<ServerResponse>>()

/** Starts a node:http server and resolves once it listens. */
export async function listen(handler: RequestListener, port: number, host: string): Promise<Server> {
  const server = createServer()
  const responses = new Set<ServerResponse>()
  inFlight.set(server, responses)
  server.on('request', (_req, res: ServerResponse) => {
    // Once closing, a request that still arrives on an open keep-alive socket ends it.
    if (!server.listening) res.shouldKeepAlive = false
    responses.add(res)
    res.once('close', () => responses.delete(res))
  })
  server.on('request', handler)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => resolve())
  })
  return server
}

/** Stops accepting, lets requests in flight finish (bounded), then closes idle sockets. */
export function closeServer(server: Server, graceMs = 10_000): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), graceMs)
    // Answers in flight go out with `Connection: close`: otherwise each of their sockets
    // stays open, idle, until the client's keep-alive timeout (seconds) ends it.
    for (const res of inFlight.get(server) ?? []) if (!res.headersSent) res.shouldKeepAlive = false
    server.close(() => {
      clearTimeout(force)
      resolve()
    })
    server.closeIdleConnections()
  })
}

/** Runs `shutdown` once on SIGTERM or SIGINT, then exits 0 (1 if shutting down failed). */
export function onShutdownSignal(logger: Logger, shutdown: () => Promise<void>): void {
  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'shutting down')
    shutdown().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed')
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
}
