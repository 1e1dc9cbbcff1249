import { cpus } from 'node:os'
import type { ServerSummary } from './compare.ts'
import { steps } from './load.ts'
import type { BenchOptions } from './options.ts'

export interface BenchResult {
  options: { concurrency: number; seconds: number; warmupSeconds: number }
  machine: { cpus: number; cpuModel: string; node: string }
  stores: { redis: string; postgres: string }
  service: ServerSummary
  floor: ServerSummary
  /** service / floor: below 1 for throughput means slower, above 1 for latency means slower. */
  ratio: Record<string, number>
}

export function buildResult(options: BenchOptions, stores: BenchResult['stores'], service: ServerSummary, floor: ServerSummary): BenchResult {
  const ratio: Record<string, number> = { flowsPerSecond: service.flowsPerSecond / floor.flowsPerSecond }
  for (const step of steps) {
    ratio[`${step}P50`] = service.steps[step].p50Ms / floor.steps[step].p50Ms
    ratio[`${step}P99`] = service.steps[step].p99Ms / floor.steps[step].p99Ms
  }
  ratio.serverMsPerFlow = service.usage.serverMsPerFlow / floor.usage.serverMsPerFlow
  return {
    options: { concurrency: options.concurrency, seconds: options.seconds, warmupSeconds: options.warmupSeconds },
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version },
    stores,
    service,
    floor,
    ratio,
  }
}

const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(1)} ms` : '-')
const pct = (value: number) => (Number.isFinite(value) ? `${Math.round(value * 100)}%` : '-')
const times = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)}x` : '-')

export function formatTable(result: BenchResult): string {
  const { options, machine, service, floor, ratio } = result
  const label = { service: 'service (GraphQL)', floor: 'floor (bare http)' }
  const speed = (s: ServerSummary) => [
    label[s.server],
    s.flowsPerSecond.toFixed(0),
    ...steps.flatMap((step) => [ms(s.steps[step].p50Ms), ms(s.steps[step].p99Ms)]),
    String(s.errors),
  ]
  const speedRatio = ['service / floor', times(ratio.flowsPerSecond!), ...steps.flatMap((s) => [times(ratio[`${s}P50`]!), times(ratio[`${s}P99`]!)]), '']
  const cpu = (s: ServerSummary) => [label[s.server], pct(s.usage.serverThread), ms(s.usage.serverMsPerFlow), pct(s.usage.loadThread), pct(s.usage.machine)]
  return [
    `Login flows (requestOtp → verifyOtp → me), ${options.concurrency} in flight, ${options.seconds} s measured per server after ${options.warmupSeconds} s warm-up`,
    `${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}`,
    '',
    table([['', 'flows/s', 'requestOtp p50', 'p99', 'verifyOtp p50', 'p99', 'me p50', 'p99', 'errors'], speed(service), speed(floor), speedRatio]),
    '',
    table([['', 'server thread busy', 'server busy per flow', 'load generator busy', 'machine busy'], cpu(service), cpu(floor), ['service / floor', '', times(ratio.serverMsPerFlow!), '', '']]),
    ...[service, floor].filter((s) => s.firstError !== undefined).map((s) => `\n${s.server}: ${s.errors} failed flows; first: ${s.firstError}`),
  ].join('\n')
}

/** Left-aligned first column, right-aligned numbers, a rule under the header. */
function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)))
  const lines = rows.map((row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd())
  return [lines[0], '-'.repeat(lines[0]!.length), ...lines.slice(1)].join('\n')
}
