import { Prisma, type PrismaClient } from '../generated/prisma/client.ts'
import { insertEventFromSql, lifecycleEvent } from './outbox.ts'
import { databaseCall, type UserRecord } from './users.ts'

/**
 * Session rows. Refresh rotation is a compare-and-swap on the current secret's hash, so
 * of two racing refreshes with one token exactly one wins.
 */

export interface RotationRequest {
  sessionId: string
  presentedHash: Buffer
  newHash: Buffer
  now: Date
  refreshTokenTtlSeconds: number
  maxAgeSeconds: number
}

interface RotatedRow {
  expires_at: Date
  id: string
  phone: string
  created_at: Date
  last_sign_in_at: Date | null
}

/** Swaps the secret when `presentedHash` is the current one; null when it is not. */
export async function rotateSession(prisma: PrismaClient, r: RotationRequest): Promise<{ user: UserRecord; expiresAt: Date } | null> {
  const slidingExpiry = new Date(r.now.getTime() + r.refreshTokenTtlSeconds * 1000)
  const rows = await databaseCall(
    () => prisma.$queryRaw<RotatedRow[]>`
      WITH rotated AS (
        UPDATE sessions
        SET previous_secret_hash = current_secret_hash, current_secret_hash = ${r.newHash},
            rotated_at = ${r.now}, last_used_at = ${r.now},
            -- Sliding, but never past the session's maximum age.
            expires_at = LEAST(${slidingExpiry}::timestamptz, created_at + make_interval(secs => ${r.maxAgeSeconds}))
        WHERE id = ${r.sessionId}::uuid AND current_secret_hash = ${r.presentedHash}
          AND revoked_at IS NULL AND expires_at > ${r.now}
          AND created_at + make_interval(secs => ${r.maxAgeSeconds}) > ${r.now}
        RETURNING user_id, expires_at
      )
      SELECT rotated.expires_at, users.id, users.phone, users.created_at, users.last_sign_in_at
      FROM rotated JOIN users ON users.id = rotated.user_id`,
  )
  const row = rows[0]
  if (!row) return null
  return { expiresAt: row.expires_at, user: { id: row.id, phone: row.phone, createdAt: row.created_at, lastSignInAt: row.last_sign_in_at } }
}

/** What the server knows about a token that did not rotate, to tell a race from theft. */
export async function findSessionForReuseCheck(prisma: PrismaClient, sessionId: string) {
  return databaseCall(() =>
    prisma.session.findUnique({
      where: { id: sessionId },
      select: { userId: true, previousSecretHash: true, currentSecretHash: true, rotatedAt: true, revokedAt: true },
    }),
  )
}

/** Revokes sessions matching `where` that are still live; answers their ids. */
async function revokeWhere(prisma: PrismaClient, now: Date, where: object): Promise<string[]> {
  const rows = await databaseCall(() =>
    prisma.session.updateManyAndReturn({ where: { ...where, revokedAt: null }, data: { revokedAt: now }, select: { id: true } }),
  )
  return rows.map((row) => row.id)
}

/**
 * Revokes a session whose refresh token was used twice (theft); with `lifecycleEvents`
 * the session.reuse_detected event is written by the same statement, only if it revoked.
 */
export async function revokeReusedSession(prisma: PrismaClient, sessionId: string, userId: string, now: Date, lifecycleEvents: boolean): Promise<string[]> {
  const event = lifecycleEvents
    ? Prisma.sql`, reuse_event AS (${insertEventFromSql(lifecycleEvent('session.reuse_detected', now, userId, { sessionId }), Prisma.sql`FROM revoked`)})`
    : Prisma.empty
  const rows = await databaseCall(
    () => prisma.$queryRaw<{ id: string }[]>`
      WITH revoked AS (UPDATE sessions SET revoked_at = ${now} WHERE id = ${sessionId}::uuid AND revoked_at IS NULL RETURNING id) ${event}
      SELECT id FROM revoked`,
  )
  return rows.map((row) => row.id)
}

/** Sign-out: the current or (after a lost rotation answer) the previous secret. */
export function revokeSessionBySecret(prisma: PrismaClient, sessionId: string, secretHash: Buffer, now: Date): Promise<string[]> {
  return revokeWhere(prisma, now, { id: sessionId, OR: [{ currentSecretHash: secretHash }, { previousSecretHash: secretHash }] })
}

export function revokeUserSession(prisma: PrismaClient, userId: string, sessionId: string, now: Date): Promise<string[]> {
  return revokeWhere(prisma, now, { id: sessionId, userId })
}

export function revokeOtherUserSessions(prisma: PrismaClient, userId: string, keepSessionId: string, now: Date): Promise<string[]> {
  return revokeWhere(prisma, now, { userId, id: { not: keepSessionId }, expiresAt: { gt: now } })
}

export interface SessionRecord {
  id: string
  createdAt: Date
  lastUsedAt: Date
  expiresAt: Date
  userAgent: string | null
}

/** The user's live sessions, newest first. */
export function listUserSessions(prisma: PrismaClient, userId: string, now: Date): Promise<SessionRecord[]> {
  return databaseCall(() =>
    prisma.session.findMany({
      where: { userId, revokedAt: null, expiresAt: { gt: now } },
      orderBy: { createdAt: 'desc' },
      select: { id: true, createdAt: true, lastUsedAt: true, expiresAt: true, userAgent: true },
    }),
  )
}

/**
 * Records that the holder of a live session just proved again that they hold the
 * account's phone. False when the session is not the user's, or revoked or expired.
 */
export async function markAuthenticated(prisma: PrismaClient, sessionId: string, userId: string, now: Date): Promise<boolean> {
  const updated = await databaseCall(
    () => prisma.$executeRaw`
      UPDATE sessions SET authenticated_at = ${now}
      WHERE id = ${sessionId}::uuid AND user_id = ${userId}::uuid AND revoked_at IS NULL AND expires_at > ${now}`,
  )
  return updated === 1
}

/** A live session's account number and last authentication; null when either has ended. */
export async function findSessionHolder(
  prisma: PrismaClient,
  sessionId: string,
  userId: string,
  now: Date,
): Promise<{ phone: string; authenticatedAt: Date | null } | null> {
  const rows = await databaseCall(
    () => prisma.$queryRaw<{ phone: string; authenticated_at: Date | null }[]>`
      SELECT users.phone, sessions.authenticated_at FROM sessions JOIN users ON users.id = sessions.user_id
      WHERE sessions.id = ${sessionId}::uuid AND sessions.user_id = ${userId}::uuid AND users.phone IS NOT NULL
        AND sessions.revoked_at IS NULL AND sessions.expires_at > ${now}`,
  )
  const row = rows[0]
  return row ? { phone: row.phone, authenticatedAt: row.authenticated_at } : null
}
