import { createServer, type RequestListener, type Server } from 'node:http'
import type { Logger } from './logger.ts'

/** Starts a node:http server and resolves once it listens. */
export async function listen(handler: RequestListener, port: number, host: string): Promise<Server> {
  const server = createServer(handler)
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
