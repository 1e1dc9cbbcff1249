import type { EventLoopUtilization } from 'node:perf_hooks'
import { Worker } from 'node:worker_threads'
import type { BenchSettings } from './deps.ts'
import { SetupError } from './services.ts'
import type { ServerKind, ServerWorkerData, WorkerReply, WorkerRequest } from './server-worker.ts'

/** The main thread's handle on one server running in a worker thread. */
export interface ServerThread {
  port: number
  /** The code of the SMS just sent to `phone` (waits for it if the message is still on its way). */
  takeCode(phone: string): Promise<string>
  /** The server thread's cumulative event-loop utilisation (busy share of its one core). */
  eventLoopUtilization(): Promise<EventLoopUtilization>
  stop(): Promise<void>
}

export async function startServerThread(kind: ServerKind, settings: BenchSettings): Promise<ServerThread> {
  const data: ServerWorkerData = { kind, settings }
  const worker = new Worker(typescriptBootstrap(new URL('./server-worker.ts', import.meta.url)), { eval: true, workerData: data })
  const inbox = createCodeInbox()
  let answer: ((reply: WorkerReply) => void) | undefined
  // Without a listener a crash in the server thread would kill this process before cleanup.
  worker.on('error', (error) => process.stderr.write(`bench: ${kind} server thread failed: ${error.message}\n`))
  worker.on('message', (reply: WorkerReply) => (reply.type === 'sms' ? inbox.deliver(reply.phone, reply.code) : answer?.(reply)))
  /** Sends a request (one at a time) and waits for the reply of the given type. */
  const ask = <T extends WorkerReply['type']>(request: WorkerRequest | undefined, type: T) =>
    new Promise<Extract<WorkerReply, { type: T }>>((resolve, reject) => {
      const exited = (code: number) => reject(new Error(`${kind} server thread exited (code ${code})`))
      worker.once('error', reject).once('exit', exited)
      answer = (reply) => {
        if (reply.type !== type) return
        worker.off('error', reject).off('exit', exited)
        resolve(reply as Extract<WorkerReply, { type: T }>)
      }
      if (request) worker.postMessage(request)
    })
  const { port } = await ask(undefined, 'ready').catch(async (error: Error) => {
    await worker.terminate()
    throw new SetupError(`the ${kind} server could not start (are Redis and PostgreSQL reachable?): ${error.message}`)
  })
  return {
    port,
    takeCode: inbox.take,
    eventLoopUtilization: async () => (await ask({ type: 'elu' }, 'elu')).elu,
    async stop() {
      await ask({ type: 'stop' }, 'stopped').catch(() => undefined)
      await worker.terminate()
    },
  }
}

/** The codes the server thread "sent by SMS", handed to whichever flow asks for that phone. */
function createCodeInbox() {
  const codes = new Map<string, string>()
  const waiting = new Map<string, (code: string) => void>()
  return {
    deliver(phone: string, code: string): void {
      // The SMS message and the HTTP response travel on different channels; either may come first.
      const waiter = waiting.get(phone)
      if (!waiter) return void codes.set(phone, code)
      waiting.delete(phone)
      waiter(code)
    },
    take(phone: string): Promise<string> {
      const code = codes.get(phone)
      if (code === undefined) return new Promise((resolve) => waiting.set(phone, resolve))
      codes.delete(phone)
      return Promise.resolve(code)
    },
  }
}

/**
 * Node 20 does not apply the main thread's `--import tsx` loader hooks to worker
 * threads, so the worker registers tsx itself before importing its TypeScript entry.
 */
function typescriptBootstrap(entry: URL): string {
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'))
  return `import(${tsx}).then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}) })`
}
