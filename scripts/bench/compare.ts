import { createHttpClient } from './client.ts'
import type { BenchSettings } from './deps.ts'
import { runLoad, steps, type LoadOptions, type LoadResult, type LoadTarget, type Step } from './load.ts'
import { floorProtocol, graphqlProtocol } from './protocols.ts'
import type { ServerKind } from './server-worker.ts'
import { startServerThread, type ServerThread } from './server-thread.ts'
import { addUsage, noUsage, snapshot, toUsage, type Usage, type UsageSnapshot, type UsageTotals } from './usage.ts'

export interface StepSummary {
  count: number
  p50Ms: number
  p99Ms: number
}

export interface ServerSummary {
  server: ServerKind
  flowsPerSecond: number
  flows: number
  /** Every flow that completed, warm-up included: what a CPU profile of the server thread covers. */
  allFlows: number
  measuredSeconds: number
  /** Failed flows, warm-up included. */
  errors: number
  firstError?: string
  steps: Record<Step, StepSummary>
  usage: Usage
}

interface Tally {
  flows: number
  allFlows: number
  seconds: number
  errors: number
  firstError?: string
  latenciesMs: Record<Step, number[]>
  usage: UsageTotals
}

const kinds: ServerKind[] = ['service', 'floor']
const protocols = { service: graphqlProtocol, floor: floorProtocol }
/** Short enough that a burst of outside load hits both servers alike, long enough that ramp-up is noise. */
const sliceTargetSeconds = 2

/**
 * Both servers run side by side in their own threads, but only one is under load at
 * any moment. After a warm-up each, the measured time is cut into slices taken in
 * ABBA order (service, floor, floor, service, ...), so load from elsewhere on the
 * machine, or a slow drift, lands on both alike instead of on whichever ran second.
 */
export async function compareServers(settingsFor: (kind: ServerKind) => BenchSettings, options: LoadOptions, nextPhone: () => string): Promise<Record<ServerKind, ServerSummary>> {
  const threads: Partial<Record<ServerKind, ServerThread>> = {}
  const targets: Partial<Record<ServerKind, Target>> = {}
  try {
    for (const kind of kinds) {
      const thread = (threads[kind] = await startServerThread(kind, settingsFor(kind)))
      const http = createHttpClient(thread.port, options.concurrency)
      targets[kind] = { http, takeCode: thread.takeCode, eventLoopUtilization: thread.eventLoopUtilization }
    }
    const tallies = { service: newTally(), floor: newTally() }
    for (const kind of kinds) addCounts(tallies[kind], await runLoad(targets[kind]!, protocols[kind], { ...options, seconds: 0 }, nextPhone, () => {}))
    const rounds = Math.max(1, Math.round(options.seconds / sliceTargetSeconds))
    const sliceSeconds = options.seconds / rounds
    for (let round = 0; round < rounds; round++) {
      for (const kind of round % 2 === 0 ? kinds : [...kinds].reverse()) {
        await measureSlice(targets[kind]!, kind, { ...options, warmupSeconds: 0, seconds: sliceSeconds }, nextPhone, tallies[kind])
      }
    }
    return { service: summarize('service', tallies.service), floor: summarize('floor', tallies.floor) }
  } finally {
    for (const target of Object.values(targets)) target.http.close()
    await Promise.all(Object.values(threads).map((thread) => thread.stop()))
  }
}

type Target = LoadTarget & Pick<ServerThread, 'eventLoopUtilization'>

async function measureSlice(target: Target, kind: ServerKind, options: LoadOptions, nextPhone: () => string, tally: Tally): Promise<void> {
  const snapshots: Promise<UsageSnapshot>[] = []
  const load = await runLoad(target, protocols[kind], options, nextPhone, () => snapshots.push(snapshot(target.eventLoopUtilization)))
  const [start, end] = await Promise.all(snapshots)
  if (!start || !end) throw new Error('a measured slice never closed')
  addCounts(tally, load)
  tally.flows += load.flows
  tally.seconds += load.measuredSeconds
  for (const step of steps) for (const sample of load.latenciesMs[step]) tally.latenciesMs[step].push(sample)
  tally.usage = addUsage(tally.usage, start, end)
}

function newTally(): Tally {
  return { flows: 0, allFlows: 0, seconds: 0, errors: 0, latenciesMs: { requestOtp: [], verifyOtp: [], me: [] }, usage: noUsage }
}

function addCounts(tally: Tally, load: LoadResult): void {
  tally.errors += load.errors
  tally.allFlows += load.allFlows
  tally.firstError ??= load.firstError
}

function summarize(kind: ServerKind, tally: Tally): ServerSummary {
  const stepSummary = (samples: number[]): StepSummary => {
    const sorted = Float64Array.from(samples).sort()
    // Microseconds are plenty for the JSON; the table rounds further.
    const round = (value: number) => Math.round(value * 1000) / 1000
    return { count: sorted.length, p50Ms: round(percentile(sorted, 0.5)), p99Ms: round(percentile(sorted, 0.99)) }
  }
  return {
    server: kind,
    flowsPerSecond: tally.flows / tally.seconds,
    flows: tally.flows,
    allFlows: tally.allFlows,
    measuredSeconds: tally.seconds,
    errors: tally.errors,
    ...(tally.firstError === undefined ? {} : { firstError: tally.firstError }),
    steps: Object.fromEntries(steps.map((step) => [step, stepSummary(tally.latenciesMs[step])])) as Record<Step, StepSummary>,
    usage: toUsage(tally.usage, tally.flows),
  }
}

/** Nearest-rank percentile of ascending samples; NaN without samples (shown as "-"). */
function percentile(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)]!
}
