import { cpus } from 'node:os'
import { performance, type EventLoopUtilization } from 'node:perf_hooks'

/**
 * Where the CPU went while a server was measured. On a 2-core machine the server
 * thread, the load generator, Redis and PostgreSQL share two cores: a server thread
 * near 100% busy means the server's own code is the limit; a lower figure with the
 * machine saturated means it waits for the others (or for a core).
 */
export interface Usage {
  /** Busy share of the server thread's event loop (1 = one core's worth, all the time). */
  serverThread: number
  /** The same for the load generator (main thread). */
  loadThread: number
  /** Busy share of all cores together, everything on the machine included. */
  machine: number
  /** Server-thread busy time per completed flow; on a busy machine it includes waiting for a core. */
  serverMsPerFlow: number
}

export interface UsageSnapshot {
  server: EventLoopUtilization
  load: EventLoopUtilization
  cpuBusyMs: number
  cpuTotalMs: number
}

/** Busy and total milliseconds, summed over every measured slice of one server. */
export interface UsageTotals {
  serverActiveMs: number
  serverTotalMs: number
  loadActiveMs: number
  loadTotalMs: number
  cpuBusyMs: number
  cpuTotalMs: number
}

export const noUsage: UsageTotals = { serverActiveMs: 0, serverTotalMs: 0, loadActiveMs: 0, loadTotalMs: 0, cpuBusyMs: 0, cpuTotalMs: 0 }

export async function snapshot(serverElu: () => Promise<EventLoopUtilization>): Promise<UsageSnapshot> {
  const load = performance.eventLoopUtilization()
  const times = cpus().map((cpu) => cpu.times)
  const cpuTotalMs = times.reduce((sum, t) => sum + t.user + t.nice + t.sys + t.idle + t.irq, 0)
  const cpuBusyMs = cpuTotalMs - times.reduce((sum, t) => sum + t.idle, 0)
  return { server: await serverElu(), load, cpuBusyMs, cpuTotalMs }
}

export function addUsage(totals: UsageTotals, start: UsageSnapshot, end: UsageSnapshot): UsageTotals {
  const server = performance.eventLoopUtilization(end.server, start.server)
  const load = performance.eventLoopUtilization(end.load, start.load)
  return {
    serverActiveMs: totals.serverActiveMs + server.active,
    serverTotalMs: totals.serverTotalMs + server.active + server.idle,
    loadActiveMs: totals.loadActiveMs + load.active,
    loadTotalMs: totals.loadTotalMs + load.active + load.idle,
    cpuBusyMs: totals.cpuBusyMs + end.cpuBusyMs - start.cpuBusyMs,
    cpuTotalMs: totals.cpuTotalMs + end.cpuTotalMs - start.cpuTotalMs,
  }
}

export function toUsage(totals: UsageTotals, flows: number): Usage {
  const share = (part: number, whole: number) => (whole > 0 ? part / whole : Number.NaN)
  return {
    serverThread: share(totals.serverActiveMs, totals.serverTotalMs),
    loadThread: share(totals.loadActiveMs, totals.loadTotalMs),
    machine: share(totals.cpuBusyMs, totals.cpuTotalMs),
    serverMsPerFlow: share(totals.serverActiveMs, flows),
  }
}
