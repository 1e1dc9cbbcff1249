import type { Prisma, PrismaClient } from '../generated/prisma/client.ts'
import { lockHolder, releasePhone } from './dormancy.ts'
import { insertEvents, lifecycleEvent } from './outbox.ts'
import { databaseCall, transactionTimeoutMs, type UserRecord } from './users.ts'

export interface PhoneChangeRequest {
  userId: string
  /** The session that requested and confirmed the change; it must still be live. */
  sessionId: string
  newPhone: string
  now: Date
  /** DORMANT_ACCOUNT_DAYS: a holder silent since then gives the number up. */
  dormantBefore?: Date
  /** Ends a released account's sessions elsewhere before the release commits. */
  releaseSessions(sessionIds: string[]): Promise<void>
  /** WEBHOOK_URL is set: user.phone_changed (and user.phone_released) go to the outbox. */
  lifecycleEvents: boolean
}

export type PhoneChangeOutcome =
  | { status: 'CHANGED'; user: UserRecord; oldPhone: string }
  | { status: 'IN_USE' }
  | { status: 'GONE' }

/**
 * Moves the account to `newPhone` in one transaction: the user row is locked, the number
 * is checked free (a dormant holder releases it), the row takes it, the audit trail gets
 * both numbers. The unique index on phone is the judge of races: of two accounts moving
 * to one number at once, or a move racing a sign-up, exactly one commits; the other's
 * statement fails on the index and is answered IN_USE.
 */
export async function changePhone(prisma: PrismaClient, request: PhoneChangeRequest): Promise<PhoneChangeOutcome> {
  return databaseCall(async () => {
    try {
      return await prisma.$transaction((tx) => moveNumber(tx, request), { timeout: transactionTimeoutMs, maxWait: transactionTimeoutMs })
    } catch (error) {
      if (isUniqueViolation(error)) return { status: 'IN_USE' as const }
      throw error
    }
  })
}

async function moveNumber(tx: Prisma.TransactionClient, request: PhoneChangeRequest): Promise<PhoneChangeOutcome> {
  const { userId, sessionId, newPhone, now } = request
  const users = await tx.$queryRaw<{ phone: string | null; created_at: Date; last_sign_in_at: Date | null }[]>`
    SELECT phone, created_at, last_sign_in_at FROM users WHERE id = ${userId}::uuid FOR UPDATE`
  const oldPhone = users[0]?.phone
  const live = await tx.$queryRaw<unknown[]>`
    SELECT 1 FROM sessions WHERE id = ${sessionId}::uuid AND user_id = ${userId}::uuid AND revoked_at IS NULL AND expires_at > ${now}`
  // Deleted, released, or the session ended since its token was checked.
  if (!oldPhone || live.length === 0) return { status: 'GONE' }
  if (oldPhone !== newPhone) {
    const holder = await lockHolder(tx, newPhone, request.dormantBefore)
    if (holder && !holder.dormant) return { status: 'IN_USE' }
    const { lifecycleEvents } = request
    if (holder) await releasePhone(tx, { holderId: holder.id, phone: newPhone, now, beforeCommit: request.releaseSessions, lifecycleEvents })
    await tx.$executeRaw`UPDATE users SET phone = ${newPhone} WHERE id = ${userId}::uuid`
    await tx.$executeRaw`
      INSERT INTO auth_events (created_at, type, phone, user_id, session_id, detail)
      VALUES (${now}, 'phone_changed', ${oldPhone}, ${userId}::uuid, ${sessionId}::uuid, 'old'),
             (${now}, 'phone_changed', ${newPhone}, ${userId}::uuid, ${sessionId}::uuid, 'new')`
    if (lifecycleEvents) await insertEvents(tx, [lifecycleEvent('user.phone_changed', now, userId, { phone: newPhone })])
  }
  const row = users[0]!
  return { status: 'CHANGED', oldPhone, user: { id: userId, phone: newPhone, createdAt: row.created_at, lastSignInAt: row.last_sign_in_at } }
}

/** PostgreSQL's unique_violation (23505), as the driver adapters (pg and PGlite) report it. */
function isUniqueViolation(error: unknown): boolean {
  const meta = (error as { meta?: { driverAdapterError?: { cause?: { originalCode?: string } } } }).meta
  return meta?.driverAdapterError?.cause?.originalCode === '23505'
}
