import type { ClaimedEvent } from '../db/outbox.ts'
import { webhookHeaders } from './signature.ts'

export type AttemptOutcome = { delivered: true } | { delivered: false; reason: string }

/**
 * One signed POST of one event. 2xx delivers it; any other status (redirects are not
 * followed), a timeout or a refused connection is a failed attempt. The reason is a
 * short word or a status: never the body, never the secret.
 */
export async function attemptDelivery(url: string, key: Buffer, event: ClaimedEvent, timeoutMs: number, now: () => number): Promise<AttemptOutcome> {
  const timestampSeconds = Math.floor(now() / 1000)
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: webhookHeaders(key, event.id, timestampSeconds, event.body),
      body: event.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    })
    // The receiver's answer is not read beyond its status.
    await response.body?.cancel().catch(() => undefined)
    if (response.status >= 200 && response.status < 300) return { delivered: true }
    return { delivered: false, reason: `http_${response.status}` }
  } catch (error) {
    const name = (error as Error).name
    if (name === 'TimeoutError' || name === 'AbortError') return { delivered: false, reason: 'timeout' }
    return { delivered: false, reason: 'connection' }
  }
}

export interface BackoffSettings {
  /** Upper bound of the first retry's delay (the contract: within 10 s). */
  firstDelayMs: number
  maxDelayMs: number
}

export const defaultBackoff: BackoffSettings = { firstDelayMs: 5_000, maxDelayMs: 3_600_000 }

/**
 * Exponential backoff with jitter: attempt n waits up to firstDelay·2^(n-1), capped, and
 * at least half of that, so instances retrying after one outage spread out.
 */
export function retryDelayMs(attempts: number, backoff: BackoffSettings, random: () => number): number {
  const ceiling = Math.min(backoff.maxDelayMs, backoff.firstDelayMs * 2 ** Math.max(0, attempts - 1))
  return Math.round(ceiling * (0.5 + 0.5 * random()))
}
