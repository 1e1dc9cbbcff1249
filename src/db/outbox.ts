import { randomUUID } from 'node:crypto'
import { Prisma, type PrismaClient } from '../generated/prisma/client.ts'

/**
 * The transactional outbox (webhook_events): lifecycle events are inserted by the same
 * statement or transaction as the change they report, so a committed change always has
 * its event and a rolled-back one never does. The dispatcher (src/webhooks/) delivers
 * them; this module is the only one that knows the table.
 */

export type LifecycleEventType = 'user.created' | 'user.phone_changed' | 'user.deleted' | 'user.phone_released' | 'session.reuse_detected'

export interface LifecycleEvent {
  id: string
  userId: string
  type: LifecycleEventType
  /** The JSON body as sent: {"type", "timestamp", "data": {"userId", ...}}. */
  body: string
}

/** An event about `userId` that happened at `at`; `data` joins the user id. */
export function lifecycleEvent(type: LifecycleEventType, at: Date, userId: string, data: Record<string, string> = {}): LifecycleEvent {
  const body = JSON.stringify({ type, timestamp: at.toISOString(), data: { userId, ...data } })
  return { id: randomUUID(), userId, type, body }
}


/** INSERT … SELECT of one event, written once per row of `from` (e.g. only for a new user). */
export function insertEventFromSql(event: LifecycleEvent, from: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`INSERT INTO webhook_events (id, user_id, type, body)
    SELECT ${event.id}::uuid, ${event.userId}::uuid, ${event.type}, ${event.body}::jsonb ${from}`
}

/** Writes events inside the caller's transaction: they commit or roll back with the change. */
export async function insertEvents(tx: Prisma.TransactionClient, events: readonly LifecycleEvent[]): Promise<void> {
  if (events.length === 0) return
  const rows = events.map((e) => Prisma.sql`(${e.id}::uuid, ${e.userId}::uuid, ${e.type}, ${e.body}::jsonb)`)
  await tx.$executeRaw`INSERT INTO webhook_events (id, user_id, type, body) VALUES ${Prisma.join(rows)}`
}

/**
 * A deleted user's number leaves every event of theirs, sent or not: the events stay,
 * pseudonymous by user id.
 */
export async function forgetPhoneInEvents(tx: Prisma.TransactionClient, userId: string): Promise<void> {
  await tx.$executeRaw`UPDATE webhook_events SET body = body #- '{data,phone}' WHERE user_id = ${userId}::uuid AND body->'data'->'phone' IS NOT NULL`
}

export interface ClaimedEvent {
  id: string
  type: string
  body: string
  attempts: number
  leaseToken: string
}

/**
 * Leases up to `limit` due events, never more than one per user: only each user's OLDEST
 * pending event is a candidate, and only while nobody holds a live lease on it, so a
 * user's events go out one at a time and in order, while other users' are not held up.
 * The lease is a column with an expiry, not a row lock across the HTTP call: if the
 * holder dies, the event is due again once the lease has run out. Two dispatchers racing
 * for one event: the second's UPDATE re-checks the lease after the first commits, and
 * skips it.
 */
export async function claimDueEvents(prisma: PrismaClient, limit: number, leaseSeconds: number): Promise<ClaimedEvent[]> {
  const leaseToken = randomUUID()
  const rows = await prisma.$queryRaw<{ id: string; type: string; body: string; attempts: number }[]>`
    WITH heads AS (
      SELECT DISTINCT ON (user_id) id, next_attempt_at, lease_until
      FROM webhook_events WHERE status = 'pending' ORDER BY user_id, seq
    ), due AS (
      SELECT id FROM heads WHERE next_attempt_at <= now() AND (lease_until IS NULL OR lease_until < now())
      ORDER BY next_attempt_at LIMIT ${limit}
    )
    UPDATE webhook_events AS e
    SET lease_until = now() + make_interval(secs => ${leaseSeconds}), lease_token = ${leaseToken}::uuid, attempts = e.attempts + 1
    FROM due
    WHERE e.id = due.id AND e.status = 'pending' AND (e.lease_until IS NULL OR e.lease_until < now())
    RETURNING e.id, e.type, e.body::text AS body, e.attempts`
  return rows.map((row) => ({ ...row, leaseToken }))
}

export async function markDelivered(prisma: PrismaClient, event: ClaimedEvent): Promise<void> {
  await prisma.$executeRaw`
    UPDATE webhook_events SET status = 'delivered', delivered_at = now(), lease_until = NULL, last_error = NULL
    WHERE id = ${event.id}::uuid AND lease_token = ${event.leaseToken}::uuid`
}

/**
 * After a failed attempt: due again after `retryDelayMs`, or dead-lettered once the
 * event is older than `retrySeconds` (kept, never sent again; the user's later events
 * go on). Answers the new status, or null when the lease was lost meanwhile.
 */
export async function markFailed(prisma: PrismaClient, event: ClaimedEvent, retryDelayMs: number, retrySeconds: number, reason: string): Promise<'pending' | 'dead' | null> {
  const rows = await prisma.$queryRaw<{ status: 'pending' | 'dead' }[]>`
    UPDATE webhook_events
    SET status = CASE WHEN created_at + make_interval(secs => ${retrySeconds}) <= now() THEN 'dead' ELSE 'pending' END,
        next_attempt_at = now() + make_interval(secs => ${retryDelayMs / 1000}), lease_until = NULL, last_error = ${reason}
    WHERE id = ${event.id}::uuid AND lease_token = ${event.leaseToken}::uuid
    RETURNING status`
  return rows[0]?.status ?? null
}

export interface OutboxStats {
  pending: number
  oldestPendingSeconds: number
  dead: number
}

export async function outboxStats(prisma: PrismaClient): Promise<OutboxStats> {
  const rows = await prisma.$queryRaw<{ pending: bigint; dead: bigint; oldest: number | null }[]>`
    SELECT count(*) FILTER (WHERE status = 'pending') AS pending, count(*) FILTER (WHERE status = 'dead') AS dead,
           extract(epoch FROM now() - min(created_at) FILTER (WHERE status = 'pending'))::float8 AS oldest
    FROM webhook_events WHERE status <> 'delivered'`
  const row = rows[0]
  return { pending: Number(row?.pending ?? 0), dead: Number(row?.dead ?? 0), oldestPendingSeconds: Math.max(0, row?.oldest ?? 0) }
}

/** Delivered events are kept for a while (to investigate), then removed. */
export async function pruneDelivered(prisma: PrismaClient, olderThanSeconds: number): Promise<number> {
  return prisma.$executeRaw`DELETE FROM webhook_events WHERE status = 'delivered' AND delivered_at < now() - make_interval(secs => ${olderThanSeconds})`
}
