import { Prisma, type PrismaClient } from '../generated/prisma/client.ts'
import { ServiceUnavailableError } from '../common/errors.ts'
import type { HotQuery } from './client.ts'
import { dormantSql, lockHolder, releasePhone } from './dormancy.ts'
import { insertEventFromSql, lifecycleEvent } from './outbox.ts'

export interface UserRecord {
  id: string
  phone: string
  createdAt: Date
  lastSignInAt: Date | null
}

export interface NewSessionRow {
  id: string
  secretHash: Buffer
  expiresAt: Date
  userAgent: string | null
  ip: string | null
}

export interface SignInRequest {
  newUserId: string
  phone: string
  allowSignUp: boolean
  session: NewSessionRow
  now: Date
  /**
   * DORMANT_ACCOUNT_DAYS: an account with no activity since then does not open; its
   * number is released and a new account created (sign-up open) or nothing happens
   * (sign-up closed). Undefined: no account is ever dormant.
   */
  dormantBefore?: Date
  /** Ends a released account's sessions elsewhere before the release commits. */
  releaseSessions(sessionIds: string[]): Promise<void>
  /** WEBHOOK_URL is set: user.created (and user.phone_released) go to the outbox. */
  lifecycleEvents: boolean
}

export type SignInOutcome = { user: UserRecord; isNewUser: boolean } | null

interface SignInRow {
  id: string
  phone: string
  created_at: Date
  last_sign_in_at: Date | null
  is_new: boolean
}

/** Long enough for the Redis writes inside; a stuck transaction must not hold locks. */
export const transactionTimeoutMs = 5000

/**
 * Finds or creates the user and inserts the session in ONE statement (one round trip,
 * atomic): either both rows are written or neither. Answers null when sign-up is
 * closed and no user (or only a dormant one) has this phone. A dormant account is
 * never opened: with sign-up open its number is released and a new user created, in
 * one transaction.
 */
export async function signInUser(prisma: PrismaClient, hotQuery: HotQuery, request: SignInRequest): Promise<SignInOutcome> {
  const row = await databaseCall(async () => (await hotQuery<SignInRow>(signInStatement(request, request.dormantBefore)))[0])
  const dormantBefore = request.dormantBefore
  if (row || !request.allowSignUp || !dormantBefore) return toOutcome(row)
  // Sign-up is open and nothing came back: the number's account is dormant.
  const released = await databaseCall(() =>
    prisma.$transaction(
      async (tx) => {
        const holder = await lockHolder(tx, request.phone, dormantBefore)
        if (holder?.dormant) {
          await releasePhone(tx, { holderId: holder.id, phone: request.phone, now: request.now, beforeCommit: request.releaseSessions, lifecycleEvents: request.lifecycleEvents })
        }
        return (await tx.$queryRaw<SignInRow[]>(signInStatement(request, undefined)))[0]
      },
      { timeout: transactionTimeoutMs, maxWait: transactionTimeoutMs },
    ),
  )
  return toOutcome(released)
}

function signInStatement(request: SignInRequest, dormantBefore: Date | undefined): Prisma.Sql {
  const { newUserId, phone, session, now } = request
  const active = dormantBefore ? Prisma.sql`NOT ${dormantSql('users', dormantBefore)}` : Prisma.sql`true`
  // Sign-up open: insert or touch the user; closed: only touch an existing one.
  const userStep = request.allowSignUp
    ? Prisma.sql`INSERT INTO users (id, phone, created_at, last_sign_in_at) VALUES (${newUserId}::uuid, ${phone}, ${now}, ${now})
        ON CONFLICT (phone) DO UPDATE SET last_sign_in_at = EXCLUDED.last_sign_in_at WHERE ${active}
        RETURNING id, phone, created_at, last_sign_in_at, (xmax = 0) AS is_new`
    : Prisma.sql`UPDATE users SET last_sign_in_at = ${now} WHERE phone = ${phone} AND ${active}
        RETURNING id, phone, created_at, last_sign_in_at, false AS is_new`
  // Only a new user (is_new) is announced, in the same statement; its id is newUserId.
  const createdEvent = request.lifecycleEvents
    ? Prisma.sql`created_event AS (${insertEventFromSql(lifecycleEvent('user.created', now, newUserId, { phone }), Prisma.sql`FROM signed_in WHERE is_new`)}),`
    : Prisma.empty
  return Prisma.sql`
      WITH signed_in AS (${userStep}), ${createdEvent} new_session AS (
        -- A sign-in is an authentication: the new session starts recently authenticated.
        INSERT INTO sessions (id, user_id, current_secret_hash, created_at, last_used_at, expires_at, user_agent, ip, authenticated_at)
        SELECT ${session.id}::uuid, id, ${session.secretHash}, ${now}, ${now}, ${session.expiresAt}, ${session.userAgent}, ${session.ip}, ${now}
        FROM signed_in
        RETURNING id
      ), audit AS (
        -- Written in the same statement, so a sign-in is never without its audit row.
        INSERT INTO auth_events (created_at, type, phone, user_id, session_id, ip, user_agent)
        SELECT ${now}, 'signed_in', phone, id, ${session.id}::uuid, ${session.ip}, ${session.userAgent} FROM signed_in
      )
      SELECT signed_in.* FROM signed_in, new_session`
}

function toOutcome(row: SignInRow | undefined): SignInOutcome {
  if (!row) return null
  return {
    user: { id: row.id, phone: row.phone, createdAt: row.created_at, lastSignInAt: row.last_sign_in_at },
    isNewUser: row.is_new,
  }
}

/** The user, unless deleted or released (a dormant account's number went to someone else). */
export async function findUserById(prisma: PrismaClient, id: string): Promise<UserRecord | null> {
  const user = await databaseCall(() =>
    prisma.user.findUnique({ where: { id }, select: { id: true, phone: true, createdAt: true, lastSignInAt: true } }),
  )
  return user?.phone ? { ...user, phone: user.phone } : null
}

/** Any failure to reach or use the database is an outage to the caller. */
export async function databaseCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (error) {
    // An outage of another store inside a transaction (Redis) keeps its own name.
    if (error instanceof ServiceUnavailableError) throw error
    throw new ServiceUnavailableError('database', { cause: error })
  }
}
