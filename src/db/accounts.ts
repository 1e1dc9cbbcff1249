import type { Prisma, PrismaClient } from '../generated/prisma/client.ts'
import { forgetPhoneInEvents, insertEvents, lifecycleEvent } from './outbox.ts'
import { databaseCall, transactionTimeoutMs } from './users.ts'

export interface DeleteUserRequest {
  userId: string
  /** The session asking; it must have authenticated at or after `recentSince`. */
  sessionId: string
  recentSince: Date
  now: Date
  /**
   * Runs inside the transaction, with the user and its sessions locked, before the
   * deletion commits: ends those sessions for good elsewhere (revocation markers). If
   * it throws, nothing is deleted.
   */
  beforeCommit(sessionIds: string[], phone: string | null): Promise<void>
  /** WEBHOOK_URL is set: user.deleted goes to the outbox. */
  lifecycleEvents: boolean
}

export type DeleteUserOutcome =
  | { status: 'DELETED'; phones: string[] }
  | { status: 'NOT_RECENT' }
  | { status: 'GONE' }

/**
 * Deletes a user and everything that names them: the sessions (by cascade) and every
 * phone number the account ever held, wherever the audit trail has it — rows of the user
 * keep their user id (pseudonymous), rows without one (code requests) lose the number.
 * Rows of another account that holds one of those numbers now (a changed or released
 * number) are that account's history and stay.
 */
export async function deleteUser(prisma: PrismaClient, request: DeleteUserRequest): Promise<DeleteUserOutcome> {
  const { userId, sessionId, now } = request
  return databaseCall(() =>
    prisma.$transaction(
      async (tx) => {
        // The user row lock orders this against a concurrent sign-in with the same
        // number (its upsert waits, then creates a NEW user once this commits).
        const users = await tx.$queryRaw<{ phone: string | null }[]>`SELECT phone FROM users WHERE id = ${userId}::uuid FOR UPDATE`
        if (users.length === 0) return { status: 'GONE' as const }
        // Null: the number was released from this dormant account.
        const phone = users[0]!.phone
        const caller = await tx.$queryRaw<{ authenticated_at: Date | null }[]>`
          SELECT authenticated_at FROM sessions WHERE id = ${sessionId}::uuid AND user_id = ${userId}::uuid AND revoked_at IS NULL`
        const authenticatedAt = caller[0]?.authenticated_at
        if (!authenticatedAt || authenticatedAt < request.recentSince) return { status: 'NOT_RECENT' as const }
        // Locked, so a refresh racing this cannot rotate a session the markers miss.
        const sessions = await tx.$queryRaw<{ id: string }[]>`
          SELECT id FROM sessions WHERE user_id = ${userId}::uuid AND revoked_at IS NULL FOR UPDATE`
        await request.beforeCommit(sessions.map((s) => s.id), phone)
        const held = await tx.$queryRaw<{ phone: string }[]>`
          SELECT DISTINCT phone FROM auth_events WHERE user_id = ${userId}::uuid AND phone IS NOT NULL`
        const phones = [...new Set([...(phone ? [phone] : []), ...held.map((row) => row.phone)])]
        await scrubPhones(tx, userId, phones)
        await forgetPhoneInEvents(tx, userId)
        if (request.lifecycleEvents) await insertEvents(tx, [lifecycleEvent('user.deleted', now, userId)])
        await tx.$executeRaw`DELETE FROM users WHERE id = ${userId}::uuid`
        await tx.$executeRaw`INSERT INTO auth_events (created_at, type, user_id, session_id) VALUES (${now}, 'account_deleted', ${userId}::uuid, ${sessionId}::uuid)`
        return { status: 'DELETED' as const, phones }
      },
      { timeout: transactionTimeoutMs, maxWait: transactionTimeoutMs },
    ),
  )
}

/** Removes numbers from audit rows written after the deletion's own scrub (a batch in flight). */
export async function forgetPhonesInAudit(prisma: PrismaClient, userId: string, phones: string[]): Promise<void> {
  await databaseCall(() => scrubPhones(prisma, userId, phones))
}

function scrubPhones(db: Prisma.TransactionClient, userId: string, phones: string[]): Promise<number> {
  return db.$executeRaw`UPDATE auth_events SET phone = NULL
    WHERE user_id = ${userId}::uuid OR (user_id IS NULL AND phone = ANY(${phones}::text[]))`
}
