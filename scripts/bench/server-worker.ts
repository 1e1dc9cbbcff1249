import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { performance } from 'node:perf_hooks'
import { parentPort, workerData } from 'node:worker_threads'
import { createApp } from '../../src/app.ts'
import { openBenchDeps, type BenchSettings } from './deps.ts'
import { createFloorHandler } from './floor.ts'

/**
 * Worker-thread entry: one server (the GraphQL service or the bare floor) on its own
 * event loop, so the load generator on the main thread never delays its callbacks.
 */

export type ServerKind = 'service' | 'floor'

export interface ServerWorkerData {
  kind: ServerKind
  settings: BenchSettings
}

export type WorkerReply =
  | { type: 'ready'; port: number }
  | { type: 'sms'; phone: string; code: string }
  | { type: 'elu'; elu: ReturnType<typeof performance.eventLoopUtilization> }
  | { type: 'stopped' }

export type WorkerRequest = { type: 'elu' } | { type: 'stop' }

async function serve(): Promise<void> {
  const parent = parentPort!
  const { kind, settings } = workerData as ServerWorkerData
  const post = (reply: WorkerReply) => parent.postMessage(reply)
  const { deps, close } = await openBenchDeps(settings, ({ phone, code }) => post({ type: 'sms', phone, code }))
  const server = createServer(kind === 'service' ? createApp(deps).handle : createFloorHandler(deps))
  // A server waits idle while the other one is measured; its keep-alive sockets must
  // outlive that pause, or the client would race the server closing them.
  server.keepAliveTimeout = 60_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  parent.on('message', (request: WorkerRequest) => {
    if (request.type === 'elu') return post({ type: 'elu', elu: performance.eventLoopUtilization() })
    // The load has stopped by now; open keep-alive sockets are closed, not waited for.
    server.closeAllConnections()
    server.close()
    void close().finally(() => {
      post({ type: 'stopped' })
      parent.close()
    })
  })
  post({ type: 'ready', port: (server.address() as AddressInfo).port })
}

// An error thrown here reaches the main thread as the Worker's 'error' event.
await serve()
