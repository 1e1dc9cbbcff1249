import { performance } from 'node:perf_hooks'
import type { HttpClient } from './client.ts'
import type { FlowProtocol } from './protocols.ts'

export const steps = ['requestOtp', 'verifyOtp', 'me'] as const
export type Step = (typeof steps)[number]

export interface LoadOptions {
  concurrency: number
  warmupSeconds: number
  seconds: number
}

export interface LoadTarget {
  /** Kept across slices, so its keep-alive sockets stay open and warm. */
  http: HttpClient
  takeCode(phone: string): Promise<string>
}

export interface LoadResult {
  /** Flows that finished inside the measured window. */
  flows: number
  /** Every flow that finished, warm-up and the drain after the window included (to divide a CPU profile by). */
  allFlows: number
  measuredSeconds: number
  /** Failed flows over the whole run (warm-up included), and the first reason. */
  errors: number
  firstError?: string
  /** Per step, the latency of every call that started and ended inside the window. */
  latenciesMs: Record<Step, number[]>
}

interface Window {
  start: number
  end: number
}

/**
 * Closed-loop load: `concurrency` virtual users, each running whole flows back to back
 * (requestOtp → read the SMS → verifyOtp → me). Warm-up flows run the same code but
 * are not recorded, so JIT, pools and caches are settled when the window opens.
 * `onWindow` is told when the window opens and closes (to sample CPU use).
 */
export async function runLoad(
  target: LoadTarget,
  protocol: FlowProtocol,
  options: LoadOptions,
  nextPhone: () => string,
  onWindow: (edge: 'start' | 'end') => void,
): Promise<LoadResult> {
  const now = performance.now()
  const window: Window = { start: now + options.warmupSeconds * 1000, end: now + (options.warmupSeconds + options.seconds) * 1000 }
  const result: LoadResult = { flows: 0, allFlows: 0, measuredSeconds: options.seconds, errors: 0, latenciesMs: { requestOtp: [], verifyOtp: [], me: [] } }
  const timers = [
    setTimeout(() => onWindow('start'), window.start - now),
    setTimeout(() => onWindow('end'), window.end - now),
  ]
  const user = async () => {
    while (performance.now() < window.end) await runFlow(target, protocol, nextPhone(), window, result)
  }
  try {
    await Promise.all(Array.from({ length: options.concurrency }, user))
  } finally {
    timers.forEach(clearTimeout)
  }
  return result
}

async function runFlow(target: LoadTarget, protocol: FlowProtocol, phone: string, window: Window, result: LoadResult): Promise<void> {
  const timed = async <T>(step: Step, call: () => Promise<T>): Promise<T> => {
    const started = performance.now()
    const value = await call()
    const ended = performance.now()
    if (started >= window.start && ended < window.end) result.latenciesMs[step].push(ended - started)
    return value
  }
  const { http } = target
  try {
    await timed('requestOtp', () => protocol.requestOtp(http, phone))
    const code = await withTimeout(target.takeCode(phone), 10_000, `no SMS reached ${phone}`)
    const token = await timed('verifyOtp', () => protocol.verifyOtp(http, phone, code))
    await timed('me', () => protocol.me(http, token))
    const ended = performance.now()
    result.allFlows++
    if (ended >= window.start && ended < window.end) result.flows++
  } catch (error) {
    result.errors++
    result.firstError ??= error instanceof Error ? error.message : String(error)
  }
}

function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms)
  })
  return Promise.race([work, late]).finally(() => clearTimeout(timer))
}
