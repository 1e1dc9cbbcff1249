import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { createHttpClient } from './client.ts'
import type { FakeMsg91 } from './fake-msg91.ts'
import { runLoad, type LoadResult, type Operation } from './load.ts'
import type { Mode } from './modes.ts'
import { protocols } from './protocols.ts'
import { startServerProcess, type ServerProcess } from './server-process.ts'
import type { BenchSettings, ServerKind } from './settings.ts'
import { medianStats, sliceStats, type SliceStats } from './stats.ts'

export interface ServerResult {
  /** Medians over the rounds; errors are all errors, warm-up included. */
  median: SliceStats
  rounds: SliceStats[]
  firstError?: string
  /** Peak RSS of the server's process over the whole mode (it starts fresh for each mode). */
  peakRssMb: number
  /** Its RSS once started (before any request) and after the last slice and its settle. */
  startRssMb: number
  endRssMb: number
}

export interface ModeResult {
  mode: Mode['name']
  operation: string
  steps: Mode['steps']
  service: ServerResult
  floor: ServerResult
}

export interface Run {
  concurrency: number
  seconds: number
  warmupSeconds: number
  rounds: number
  settingsFor(kind: ServerKind): BenchSettings
  sms: FakeMsg91
  nextPhone(): string
}

export const kinds: readonly ServerKind[] = ['service', 'floor']
/**
 * After a slice the server gets this long before its CPU is read again: the service
 * writes its queued audit events once a second, and that last write, with the time it
 * takes, belongs to the slice.
 */
const settleMs = 1500

interface Measured {
  server: ServerProcess
  operation: Operation
  rounds: SliceStats[]
  errors: number
  firstError?: string
}

/**
 * One mode: a fresh process per server (so its peak RSS is this mode's), a warm-up
 * each, then `rounds` rounds with one slice per server, in alternating order (service
 * first, then floor first, ...), so drift or outside load lands on both alike. Only one
 * server is under load at any moment.
 */
export async function runMode(mode: Mode, run: Run): Promise<ModeResult> {
  const servers = await Promise.all(kinds.map((kind) => startServerProcess(kind, run.settingsFor(kind))))
  const clients = servers.map((server) => createHttpClient(server.port, run.concurrency))
  try {
    const measured: Measured[] = []
    for (const [i, server] of servers.entries()) {
      const operation = await mode.prepare({ http: clients[i]!, protocol: protocols[server.kind], sms: run.sms, nextPhone: run.nextPhone })
      measured.push({ server, operation, rounds: [], errors: 0 })
    }
    if (run.warmupSeconds > 0) for (const entry of measured) count(entry, await runLoad(entry.operation, run.concurrency, run.warmupSeconds))
    for (let round = 0; round < run.rounds; round++) {
      for (const entry of round % 2 === 0 ? measured : [...measured].reverse()) entry.rounds.push(await measureSlice(entry, run))
    }
    const [service, floor] = await Promise.all(measured.map((entry) => summarize(entry, mode)))
    return { mode: mode.name, operation: mode.operation, steps: mode.steps, service: service!, floor: floor! }
  } finally {
    clients.forEach((client) => client.close())
    await Promise.all(servers.map((server) => server.stop()))
  }
}

async function measureSlice(entry: Measured, run: Run): Promise<SliceStats> {
  const before = await entry.server.usage()
  const started = performance.now()
  const load = await runLoad(entry.operation, run.concurrency, run.seconds)
  const loadedMs = performance.now() - started
  const loaded = await entry.server.usage()
  await sleep(settleMs)
  count(entry, load)
  return sliceStats(load, { before, loaded, settled: await entry.server.usage() }, loadedMs)
}

function count(entry: Measured, load: LoadResult): void {
  entry.errors += load.errors
  entry.firstError ??= load.firstError
}

async function summarize(entry: Measured, mode: Mode): Promise<ServerResult> {
  const { maxRssKb, rssKb } = await entry.server.usage()
  const mb = (kb: number) => Math.round(kb / 102.4) / 10
  return {
    median: { ...medianStats(entry.rounds, mode.steps), errors: entry.errors },
    rounds: entry.rounds,
    ...(entry.firstError === undefined ? {} : { firstError: entry.firstError }),
    peakRssMb: mb(maxRssKb),
    startRssMb: mb(entry.server.startRssKb),
    endRssMb: mb(rssKb),
  }
}
