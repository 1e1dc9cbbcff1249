import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { BenchSettings, ChildReply, ChildRequest, ServerKind } from './settings.ts'

/**
 * The child-process side of the bench: one server (the GraphQL service or the floor)
 * alone in its process, so its CPU time and peak RSS are its own. Each kind has its own
 * entry and bundle (service-child.ts, floor-child.ts): the floor's process never loads
 * src/ nor any package only the service uses.
 */

export interface Running {
  server: Server
  close(): Promise<void>
}

/** How one kind of server starts (service-child.ts, floor-child.ts). */
export type StartServer = (settings: BenchSettings) => Promise<Running>

function send(reply: ChildReply, then?: () => void): void {
  process.send!(reply, undefined, undefined, then)
}

let running: Running | undefined

const rssKb = () => Math.round(process.memoryUsage.rss() / 1024)

async function begin(start: StartServer, settings: BenchSettings): Promise<void> {
  running = await start(settings)
  // A server waits idle while the other one is measured; its keep-alive sockets must
  // outlive that pause, or the client would race the server closing them.
  running.server.keepAliveTimeout = 60_000
  send({ type: 'ready', port: (running.server.address() as AddressInfo).port, pid: process.pid, rssKb: rssKb() })
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

/** Serves the bench's requests over IPC with the server `start` makes. */
export function serveBench(kind: ServerKind, start: StartServer): void {
  process.on('message', (request: ChildRequest) => {
    if (request.type === 'start') {
      if (request.kind !== kind) throw new Error(`a ${kind} child was asked to start a ${request.kind} server`)
      begin(start, request.settings).catch((error: unknown) => {
        send({ type: 'failed', message: error instanceof Error ? error.message : String(error) }, () => process.exit(1))
      })
    } else if (request.type === 'usage') {
      const { user, system } = process.cpuUsage()
      send({ type: 'usage', cpuMicros: user + system, maxRssKb: process.resourceUsage().maxRSS, rssKb: rssKb() })
    } else {
      void stop()
    }
  })
  // The bench is gone (Ctrl-C, a crash): nothing is left to serve.
  process.on('disconnect', () => process.exit(0))
}
