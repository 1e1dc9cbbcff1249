import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { BenchSettings, ChildReply, ChildRequest, ServerKind } from './settings.ts'

/**
 * Child-process entry: one server (the GraphQL service or the floor) alone in its
 * process, so its CPU time and peak RSS are its own. Each kind loads only its own code:
 * the floor's process never loads src/.
 */

interface Running {
  server: Server
  close(): Promise<void>
}

async function start(kind: ServerKind, settings: BenchSettings): Promise<Running> {
  if (kind === 'service') {
    const [{ createApp }, { listen }, { openBenchDeps }] = await Promise.all([import('../../src/app.ts'), import('../../src/http/server.ts'), import('./deps.ts')])
    const { deps, close } = await openBenchDeps(settings)
    // As src/main.ts serves it (minus the metrics listener, which no request reaches).
    return { server: await listen(createApp(deps).handle, 0, '127.0.0.1'), close }
  }
  const { openFloor } = await import('./floor.ts')
  const floor = await openFloor(settings)
  const server = createServer(floor.handle)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  return { server, close: floor.close }
}

function send(reply: ChildReply, then?: () => void): void {
  process.send!(reply, undefined, undefined, then)
}

let running: Running | undefined

async function begin(kind: ServerKind, settings: BenchSettings): Promise<void> {
  running = await start(kind, settings)
  // A server waits idle while the other one is measured; its keep-alive sockets must
  // outlive that pause, or the client would race the server closing them.
  running.server.keepAliveTimeout = 60_000
  send({ type: 'ready', port: (running.server.address() as AddressInfo).port, pid: process.pid })
}

async function stop(): Promise<void> {
  if (running) {
    // The load has stopped by now; open keep-alive sockets are closed, not waited for.
    running.server.closeAllConnections()
    running.server.close()
    await running.close()
  }
  send({ type: 'stopped' }, () => process.exit(0))
}

process.on('message', (request: ChildRequest) => {
  if (request.type === 'start') {
    begin(request.kind, request.settings).catch((error: unknown) => {
      send({ type: 'failed', message: error instanceof Error ? error.message : String(error) }, () => process.exit(1))
    })
  } else if (request.type === 'usage') {
    const { user, system } = process.cpuUsage()
    send({ type: 'usage', cpuMicros: user + system, maxRssKb: process.resourceUsage().maxRSS })
  } else {
    void stop()
  }
})
// The bench is gone (Ctrl-C, a crash): nothing is left to serve.
process.on('disconnect', () => process.exit(0))
