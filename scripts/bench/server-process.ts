import { fork, type ChildProcess } from 'node:child_process'
import { buildEntry } from '../build.mjs'
import { onCleanup } from './cleanup.ts'
import { SetupError } from './services.ts'
import type { BenchSettings, ChildReply, ChildRequest, ChildUsage, ServerKind } from './settings.ts'

/** The bench's handle on one server running in a child process (service-child.ts or floor-child.ts over server-child.ts). */
export interface ServerProcess {
  kind: ServerKind
  port: number
  pid: number
  /** Its RSS once started, before any request (kilobytes). */
  startRssKb: number
  /** The child's cumulative CPU time and its peak RSS so far. */
  usage(): Promise<ChildUsage>
  stop(): Promise<void>
}

const live = new Set<ChildProcess>()
process.once('exit', () => live.forEach((child) => child.kill('SIGKILL')))
const compiled = new Map<ServerKind, Promise<string>>()

/**
 * The child runs compiled, as `npm start` runs the service: its entry (service-child.ts
 * or floor-child.ts) bundled into build/bench-<kind>.mjs (dependencies stay in
 * node_modules, and each bundle imports only its own) and started by plain node
 * with the bench's own flags minus the TypeScript loader (--cpu-prof gives a profile per
 * process). Its stdout goes to stderr, since stdout may carry --json.
 */
async function launch(kind: ServerKind): Promise<ChildProcess> {
  if (!compiled.has(kind)) compiled.set(kind, buildEntry(`scripts/bench/${kind}-child.ts`, `bench-${kind}`))
  const entry = await compiled.get(kind)!
  const execArgv = withoutLoader(process.execArgv)
  const child = fork(entry, [], { execArgv, stdio: ['ignore', 2, 2, 'ipc'] })
  live.add(child)
  child.once('exit', () => live.delete(child))
  return child
}

function withoutLoader(flags: string[]): string[] {
  const kept: string[] = []
  for (let i = 0; i < flags.length; i++) {
    if ((flags[i] === '--import' || flags[i] === '--require') && flags[i + 1]?.includes('tsx')) i++
    else if (!flags[i]!.includes('tsx')) kept.push(flags[i]!)
  }
  return kept
}

export async function startServerProcess(kind: ServerKind, settings: BenchSettings): Promise<ServerProcess> {
  const child = await launch(kind)
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
    startRssKb: started.rssKb,
    async usage() {
      const reply = await ask({ type: 'usage' })
      if (reply.type !== 'usage') throw new Error(`${kind} server answered ${reply.type} to a usage request`)
      return { cpuMicros: reply.cpuMicros, maxRssKb: reply.maxRssKb, rssKb: reply.rssKb }
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
