import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, expect, it, vi } from 'vitest'
import type { Database } from '../../src/db/client.ts'
import { insertEvents, lifecycleEvent, type LifecycleEventType } from '../../src/db/outbox.ts'
import { createMetrics } from '../../src/observability/metrics.ts'
import { createWebhookDispatcher } from '../../src/webhooks/dispatcher.ts'
import { createTestDatabase, describeReal, silentLogger, type TestDatabase } from '../support/services.ts'
import { newWebhookSecret, startWebhookReceiver } from '../support/webhook-receiver.ts'

/**
 * Two dispatching instances (each with its own database pool) over one outbox, and a
 * receiver that is down for a while, then answers 500 for a while, then recovers: at
 * the end it has every event exactly as written, in order per user, never the same
 * event twice at once, and duplicates only under the same webhook-id.
 */

describeReal('two dispatchers, one outbox, a receiver that fails and recovers', ['postgres'], () => {
  let database: TestDatabase
  const pools: Database[] = []

  beforeAll(async () => {
    database = await createTestDatabase()
    pools.push(await database.open(), await database.open({ migrate: false }))
  })

  afterAll(async () => {
    for (const pool of pools) await pool.close()
    await database?.drop()
  })

  it('delivers every event once recovered, in order per user, with nothing lost', async () => {
    const secret = newWebhookSecret()
    const receiver = await startWebhookReceiver(secret)
    const users = Array.from({ length: 12 }, () => randomUUID())
    const types: LifecycleEventType[] = ['user.created', 'user.phone_changed', 'session.reuse_detected', 'user.phone_changed', 'user.deleted']
    const written = users.flatMap((userId) => types.map((type, i) => lifecycleEvent(type, new Date(Date.UTC(2026, 10, 29, 0, 0, i)), userId, { n: String(i) })))
    // Interleaved across users, one transaction per event, as separate changes would be.
    for (let i = 0; i < types.length; i++) {
      for (const userId of users) {
        await pools[0]!.prisma.$transaction((tx) => insertEvents(tx, written.filter((e) => e.userId === userId).slice(i, i + 1)))
      }
    }
    const expectedBodies = new Map(
      (await pools[0]!.prisma.$queryRaw<{ id: string; body: string }[]>`SELECT id, body::text AS body FROM webhook_events`).map((row) => [row.id, row.body]),
    )

    await receiver.down()
    const dispatchers = pools.map((pool) =>
      createWebhookDispatcher({
        prisma: pool.prisma,
        logger: silentLogger,
        metrics: createMetrics({ processMetrics: false }),
        url: receiver.url(),
        key: Buffer.from(secret.slice('whsec_'.length), 'base64'),
        timeoutMs: 500,
        retrySeconds: 120,
        pollIntervalMs: 10,
        batchSize: 4,
        backoff: { firstDelayMs: 30, maxDelayMs: 120 },
      }),
    )
    for (const dispatcher of dispatchers) dispatcher.start()
    try {
      await new Promise((resolve) => setTimeout(resolve, 400))
      await receiver.up()
      receiver.setMode('error')
      await new Promise((resolve) => setTimeout(resolve, 400))
      receiver.setMode('ok')
      await vi.waitFor(() => expect(new Set(receiver.received.map((r) => r.id)).size).toBe(written.length), { timeout: 20_000, interval: 50 })
    } finally {
      for (const dispatcher of dispatchers) await dispatcher.stop()
      await receiver.close()
    }

    expect(receiver.problems).toEqual([])
    expect(receiver.attempts.length).toBeGreaterThan(written.length)
    for (const delivery of receiver.received) expect(delivery.body).toBe(expectedBodies.get(delivery.id))
    for (const userId of users) {
      const firstDeliveries = [...new Map(receiver.received.filter((r) => r.userId === userId).map((r) => [r.id, r] as const)).values()]
      expect(firstDeliveries.map((r) => JSON.parse(r.body).data.n)).toEqual(['0', '1', '2', '3', '4'])
    }
    const pending = await pools[0]!.prisma.webhookEvent.count({ where: { status: { not: 'delivered' } } })
    expect(pending).toBe(0)
  })
})
