import { cpus } from 'node:os'
import type { ModeResult, ServerResult } from './compare.ts'
import type { BenchOptions } from './options.ts'
import type { ServerKind } from './settings.ts'

export type ModeReport = ModeResult & {
  /** service / floor of the medians: below 1 for throughput means slower, above 1 for cost or latency means costlier. */
  ratio: Record<string, number>
}

export interface BenchResult {
  options: Pick<BenchOptions, 'modes' | 'rounds' | 'concurrency' | 'seconds' | 'warmupSeconds'>
  machine: { cpus: number; cpuModel: string; node: string }
  stores: { redis: string; postgres: string }
  modes: ModeReport[]
}

export function buildResult(options: BenchOptions, stores: BenchResult['stores'], modes: ModeResult[]): BenchResult {
  const { modes: names, rounds, concurrency, seconds, warmupSeconds } = options
  return {
    options: { modes: names, rounds, concurrency, seconds, warmupSeconds },
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version },
    stores,
    modes: modes.map((mode) => ({ ...mode, ratio: ratios(mode) })),
  }
}

function ratios({ service, floor, steps }: ModeResult): Record<string, number> {
  const ratio: Record<string, number> = {
    opsPerSecond: service.median.opsPerSecond / floor.median.opsPerSecond,
    cpuMsPerOp: service.median.cpuMsPerOp / floor.median.cpuMsPerOp,
    peakRssMb: service.peakRssMb / floor.peakRssMb,
    startRssMb: service.startRssMb / floor.startRssMb,
    endRssMb: service.endRssMb / floor.endRssMb,
  }
  for (const step of steps) {
    for (const p of ['p50', 'p95', 'p99'] as const) ratio[`${step}${p.toUpperCase()}`] = service.median.latencyMs[step]![p] / floor.median.latencyMs[step]![p]
  }
  return ratio
}

const fixed = (digits: number, unit = '') => (value: number) => (Number.isFinite(value) ? `${value.toFixed(digits)}${unit}` : '-')
const ms = fixed(1, ' ms')
const mb = fixed(0, ' MB')
const times = fixed(2, 'x')
const pct = (value: number) => (Number.isFinite(value) ? `${Math.round(value * 100)}%` : '-')
const label: Record<ServerKind, string> = { service: 'service (GraphQL)', floor: 'floor (bare http)' }

export function formatTables(result: BenchResult): string {
  const { options, machine } = result
  const header = [
    `Medians of ${options.rounds} round(s); ${options.concurrency} operations in flight; ${options.seconds} s measured per server per round, after ${options.warmupSeconds} s warm-up`,
    `${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}; CPU = the server process's user + system time`,
  ]
  return [...header, ...result.modes.map(formatMode)].join('\n')
}

function formatMode(mode: ModeReport): string {
  const { ratio, steps } = mode
  const cost = (kind: ServerKind, s: ServerResult) => [
    label[kind], fixed(0)(s.median.opsPerSecond), ms(s.median.cpuMsPerOp), pct(s.median.cpuShare), mb(s.startRssMb), mb(s.peakRssMb), mb(s.endRssMb), String(s.median.errors),
  ]
  const latency = (kind: ServerKind, s: ServerResult) => [label[kind], ...steps.flatMap((step) => (['p50', 'p95', 'p99'] as const).map((p) => ms(s.median.latencyMs[step]![p])))]
  const stepHeader = steps.flatMap((step) => [`${step} p50`, 'p95', 'p99'])
  const stepRatio = steps.flatMap((step) => ['P50', 'P95', 'P99'].map((p) => times(ratio[`${step}${p}`]!)))
  return [
    '',
    `== ${mode.mode}: ${mode.operation}`,
    table([
      ['', 'ops/s', 'CPU per op', 'CPU busy', 'RSS at start', 'peak RSS', 'RSS at end', 'errors'],
      cost('service', mode.service),
      cost('floor', mode.floor),
      ['service / floor', times(ratio.opsPerSecond!), times(ratio.cpuMsPerOp!), '', times(ratio.startRssMb!), times(ratio.peakRssMb!), times(ratio.endRssMb!), ''],
    ]),
    '',
    table([['', ...stepHeader], latency('service', mode.service), latency('floor', mode.floor), ['service / floor', ...stepRatio]]),
    ...(['service', 'floor'] as const).filter((kind) => mode[kind].firstError !== undefined).map((kind) => `${kind}: ${mode[kind].median.errors} failed operations; first: ${mode[kind].firstError}`),
  ].join('\n')
}

/** Left-aligned first column, right-aligned numbers, a rule under the header. */
function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)))
  const lines = rows.map((row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd())
  return [lines[0], '-'.repeat(lines[0]!.length), ...lines.slice(1)].join('\n')
}
