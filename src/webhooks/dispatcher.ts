import type { PrismaClient } from '../generated/prisma/client.ts'
import { claimDueEvents, markDelivered, markFailed, outboxStats, pruneDelivered, type ClaimedEvent } from '../db/outbox.ts'
import type { Logger } from '../observability/logger.ts'
import type { Metrics } from '../observability/metrics.ts'
import { attemptDelivery, defaultBackoff, retryDelayMs, type BackoffSettings } from './delivery.ts'

export interface DispatcherOptions {
  prisma: PrismaClient
  logger: Logger
  metrics: Pick<Metrics, 'webhooks'>
  url: string
  /** The WEBHOOK_SECRET's key bytes. */
  key: Buffer
  timeoutMs: number
  retrySeconds: number
  /** How often an idle dispatcher looks for due events. */
  pollIntervalMs?: number
  /** Events leased per round (at most one per user). */
  batchSize?: number
  backoff?: BackoffSettings
  /** Delivered events are pruned after this long. */
  deliveredRetentionSeconds?: number
  /** Jitter only; not a secret. */
  random?: () => number
}

const statsIntervalMs = 5_000
const pruneIntervalMs = 3_600_000

/**
 * Delivers the outbox to WEBHOOK_URL in the background, off every request path. Any
 * number of instances may run one over the same database: leases (db/outbox.ts) keep an
 * event from being in flight twice at once and a user's events in order.
 */
export function createWebhookDispatcher(options: DispatcherOptions) {
  const { prisma, logger, metrics, url, key, timeoutMs, retrySeconds } = options
  const pollIntervalMs = options.pollIntervalMs ?? 1_000
  const batchSize = options.batchSize ?? 16
  const backoff = options.backoff ?? defaultBackoff
  const random = options.random ?? Math.random
  // The lease outlives one attempt (its deadline) with room for the database writes.
  const leaseSeconds = Math.ceil(timeoutMs / 1000) + 10
  let running = false
  let loop: Promise<void> | undefined
  let wake: (() => void) | undefined
  let lastStatsAt = 0
  let lastPruneAt = 0

  async function settle(event: ClaimedEvent): Promise<void> {
    const outcome = await attemptDelivery(url, key, event, timeoutMs, Date.now)
    if (outcome.delivered) {
      await markDelivered(prisma, event)
      metrics.webhooks.countAttempt('delivered')
      return
    }
    const status = await markFailed(prisma, event, retryDelayMs(event.attempts, backoff, random), retrySeconds, outcome.reason)
    const deadLettered = status === 'dead'
    metrics.webhooks.countAttempt(deadLettered ? 'dead_lettered' : 'failed')
    const fields = { event: 'webhook.attempt_failed', webhookId: event.id, type: event.type, attempt: event.attempts, reason: outcome.reason, deadLettered }
    logger.warn(fields, deadLettered ? 'webhook given up after WEBHOOK_RETRY_SECONDS' : 'webhook attempt failed; will retry')
  }

  /** One round: lease what is due, attempt each, record each outcome. Answers how many. */
  async function runOnce(): Promise<number> {
    const claimed = await claimDueEvents(prisma, batchSize, leaseSeconds)
    await Promise.all(claimed.map((event) => settle(event).catch((error) => logger.error({ err: error, webhookId: event.id }, 'webhook outcome not recorded'))))
    return claimed.length
  }

  async function housekeeping(): Promise<void> {
    const now = Date.now()
    if (now - lastStatsAt >= statsIntervalMs) {
      lastStatsAt = now
      metrics.webhooks.setOutbox(await outboxStats(prisma))
    }
    if (now - lastPruneAt >= pruneIntervalMs) {
      lastPruneAt = now
      const pruned = await pruneDelivered(prisma, options.deliveredRetentionSeconds ?? 7 * 86_400)
      if (pruned > 0) logger.info({ pruned }, 'delivered webhook events pruned')
    }
  }

  async function run(): Promise<void> {
    while (running) {
      let claimed = 0
      try {
        claimed = await runOnce()
        await housekeeping()
      } catch (error) {
        // The database is away: keep the events, try again on the next round.
        logger.warn({ err: error, event: 'webhook.dispatch_failed' }, 'webhook dispatch round failed')
      }
      if (running && claimed < batchSize) await new Promise<void>((resolve) => {
        wake = resolve
        setTimeout(resolve, pollIntervalMs).unref()
      })
    }
  }

  return {
    runOnce,
    start(): void {
      if (running) return
      running = true
      loop = run()
    },
    /** Stops polling and waits for attempts in flight (each bounded by WEBHOOK_TIMEOUT_MS). */
    async stop(): Promise<void> {
      running = false
      wake?.()
      await loop
    },
  }
}

export type WebhookDispatcher = ReturnType<typeof createWebhookDispatcher>
