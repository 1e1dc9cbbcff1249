import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { onCleanup } from './cleanup.ts'
import { SetupError } from './services.ts'
import type { BenchSettings, ChildReply, ChildRequest, ChildUsage, ServerKind } from './settings.ts'

/** The bench's handle on one server running in a child process (server-child.ts). */
export interface ServerProcess {
  kind: ServerKind
  port: number
  pid: number
  /** The child's cumulative CPU time and its peak RSS so far. */
  usage(): Promise<ChildUsage>
  stop(): Promise<void>
}

const entry = fileURLToPath(new URL('./server-child.ts', import.meta.url))
const live = new Set<ChildProcess>()
process.once('exit', () => live.forEach((child) => child.kill('SIGKILL')))

/**
 * With the bench's own node flags (--import tsx, or --cpu-prof for a profile per
 * process); its stdout goes to stderr, since stdout may carry --json.
 */
function launch(): ChildProcess {
  const execArgv = process.execArgv.some((flag) => flag.includes('tsx')) ? process.execArgv : [...process.execArgv, '--import', 'tsx']
  const child = fork(entry, [], { execArgv, stdio: ['ignore', 2, 2, 'ipc'] })
  live.add(child)
  child.once('exit', () => live.delete(child))
  return child
}

export async function startServerProcess(kind: ServerKind, settings: BenchSettings): Promise<ServerProcess> {
  const child = launch()
  const ask = replies(child, kind)
  const started = await ask({ type: 'start', kind, settings })
  if (started.type !== 'ready') {
    child.kill('SIGKILL')
    const reason = started.type === 'failed' ? started.message : `unexpected ${started.type}`
    throw new SetupError(`the ${kind} server could not start (are Redis and PostgreSQL reachable?): ${reason}`)
  }
  const server: ServerProcess = {
    kind,
    port: started.port,
    pid: started.pid,
    async usage() {
      const reply = await ask({ type: 'usage' })
      if (reply.type !== 'usage') throw new Error(`${kind} server answered ${reply.type} to a usage request`)
      return { cpuMicros: reply.cpuMicros, maxRssKb: reply.maxRssKb }
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      await ask({ type: 'stop' }).catch(() => undefined)
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(timer)
    },
  }
  // Registered after the stores, so an interrupted run stops it before them: its pools
  // would otherwise report the stores going away.
  onCleanup(server.stop)
  return server
}

/** Requests answered in order: the child handles one at a time and replies to each. */
function replies(child: ChildProcess, kind: ServerKind): (request: ChildRequest) => Promise<ChildReply> {
  const waiting: { resolve: (reply: ChildReply) => void; reject: (error: Error) => void }[] = []
  child.on('message', (reply: ChildReply) => waiting.shift()?.resolve(reply))
  child.once('exit', (code, signal) => {
    for (const waiter of waiting.splice(0)) waiter.reject(new Error(`the ${kind} server exited (${code ?? signal})`))
  })
  return (request) =>
    new Promise((resolve, reject) => {
      waiting.push({ resolve, reject })
      child.send(request)
    })
}
