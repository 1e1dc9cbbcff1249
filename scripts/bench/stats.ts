import type { LoadResult, Step } from './load.ts'
import type { ChildUsage } from './settings.ts'

export interface Latency {
  p50: number
  p95: number
  p99: number
}

/** One server's numbers over one measured slice (or, in a summary, their medians over the rounds). */
export interface SliceStats {
  opsPerSecond: number
  /** Server process CPU (user + system, every thread) per finished operation. */
  cpuMsPerOp: number
  /** Server process CPU while under load over that time: 1 = one core's worth, all the time. */
  cpuShare: number
  errors: number
  latencyMs: Partial<Record<Step, Latency>>
}

const percentiles = { p50: 0.5, p95: 0.95, p99: 0.99 } as const
// Microseconds, and thousandths of a share, are plenty for the JSON; the tables round further.
const round = (value: number) => Math.round(value * 1000) / 1000

/** The server's usage when the load began, when it ended, and once its deferred work was done. */
export interface SliceUsage {
  before: ChildUsage
  loaded: ChildUsage
  settled: ChildUsage
}

/**
 * The server was idle before the slice and has settled after it, so all the CPU it
 * used in between went to the operations of the slice, the ones that finished after
 * the window included.
 */
export function sliceStats(load: LoadResult, usage: SliceUsage, loadedMs: number): SliceStats {
  const cpuMs = (usage.settled.cpuMicros - usage.before.cpuMicros) / 1000
  const latencyMs: SliceStats['latencyMs'] = {}
  for (const [step, samples] of Object.entries(load.latenciesMs) as [Step, number[]][]) {
    const sorted = Float64Array.from(samples).sort()
    latencyMs[step] = { p50: round(percentile(sorted, percentiles.p50)), p95: round(percentile(sorted, percentiles.p95)), p99: round(percentile(sorted, percentiles.p99)) }
  }
  return {
    opsPerSecond: round(load.ops / load.seconds),
    cpuMsPerOp: load.allOps > 0 ? round(cpuMs / load.allOps) : Number.NaN,
    cpuShare: round((usage.loaded.cpuMicros - usage.before.cpuMicros) / 1000 / loadedMs),
    errors: load.errors,
    latencyMs,
  }
}

/** Per metric, the median over the rounds (each metric on its own, so not one "median round"). */
export function medianStats(rounds: SliceStats[], steps: readonly Step[]): SliceStats {
  const of = (pick: (s: SliceStats) => number | undefined) => median(rounds.map(pick))
  const latencyMs: SliceStats['latencyMs'] = {}
  for (const step of steps) {
    latencyMs[step] = { p50: of((s) => s.latencyMs[step]?.p50), p95: of((s) => s.latencyMs[step]?.p95), p99: of((s) => s.latencyMs[step]?.p99) }
  }
  return {
    opsPerSecond: of((s) => s.opsPerSecond),
    cpuMsPerOp: of((s) => s.cpuMsPerOp),
    cpuShare: of((s) => s.cpuShare),
    // Errors are summed, never a median: one failing round must show.
    errors: rounds.reduce((sum, s) => sum + s.errors, 0),
    latencyMs,
  }
}

/** The middle value (mean of the two middle ones for an even count); NaN without values. */
export function median(values: (number | undefined)[]): number {
  const sorted = values.filter((v): v is number => v !== undefined && Number.isFinite(v)).sort((a, b) => a - b)
  if (sorted.length === 0) return Number.NaN
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : round((sorted[middle - 1]! + sorted[middle]!) / 2)
}

/** Nearest-rank percentile of ascending samples; NaN without samples (shown as "-"). */
export function percentile(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)]!
}
