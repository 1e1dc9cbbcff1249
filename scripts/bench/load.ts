import { performance } from 'node:perf_hooks'

export const steps = ['requestOtp', 'verifyOtp', 'me'] as const
export type Step = (typeof steps)[number]

/** Runs `call` as one timed step of an operation. */
export type Timed = <T>(step: Step, call: () => Promise<T>) => Promise<T>
/** One operation of a mode (a whole sign-in, one requestOtp, one me); throws on any failure. */
export type Operation = (timed: Timed) => Promise<void>

export interface LoadResult {
  /** Operations that finished inside the window. */
  ops: number
  /** Every operation that finished, the ones still in flight when the window closed included. */
  allOps: number
  seconds: number
  errors: number
  firstError?: string
  /** Per step, the latency of every call that started and ended inside the window. */
  latenciesMs: Partial<Record<Step, number[]>>
}

/**
 * Closed-loop load: `concurrency` virtual users, each running operations back to back
 * for `seconds`. The window opens at once (the server was idle until now) and closes
 * after `seconds`; operations then in flight finish, and count in allOps only.
 */
export async function runLoad(operation: Operation, concurrency: number, seconds: number): Promise<LoadResult> {
  const start = performance.now()
  const end = start + seconds * 1000
  const result: LoadResult = { ops: 0, allOps: 0, seconds, errors: 0, latenciesMs: {} }
  const timed: Timed = async (step, call) => {
    const started = performance.now()
    const value = await call()
    const ended = performance.now()
    if (ended < end) (result.latenciesMs[step] ??= []).push(ended - started)
    return value
  }
  const user = async () => {
    while (performance.now() < end) {
      try {
        await operation(timed)
        result.allOps++
        if (performance.now() < end) result.ops++
      } catch (error) {
        result.errors++
        result.firstError ??= error instanceof Error ? error.message : String(error)
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, user))
  return result
}
