import { Prisma, type PrismaClient } from '../generated/prisma/client.ts'
import { ServiceUnavailableError } from '../common/errors.ts'

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
}

interface SignInRow {
  id: string
  phone: string
  created_at: Date
  last_sign_in_at: Date | null
  is_new: boolean
}

/**
 * Finds or creates the user and inserts the session in ONE statement (one round trip,
 * atomic): either both rows are written or neither. Answers null when sign-up is
 * closed and no user has this phone.
 */
export async function signInUser(prisma: PrismaClient, request: SignInRequest): Promise<{ user: UserRecord; isNewUser: boolean } | null> {
  const { newUserId, phone, session, now } = request
  // Sign-up open: insert or touch the user; closed: only touch an existing one.
  const userStep = request.allowSignUp
    ? Prisma.sql`INSERT INTO users (id, phone, created_at, last_sign_in_at) VALUES (${newUserId}::uuid, ${phone}, ${now}, ${now})
        ON CONFLICT (phone) DO UPDATE SET last_sign_in_at = EXCLUDED.last_sign_in_at
        RETURNING id, phone, created_at, last_sign_in_at, (xmax = 0) AS is_new`
    : Prisma.sql`UPDATE users SET last_sign_in_at = ${now} WHERE phone = ${phone}
        RETURNING id, phone, created_at, last_sign_in_at, false AS is_new`
  const rows = await databaseCall(
    () => prisma.$queryRaw<SignInRow[]>`
      WITH signed_in AS (${userStep}), new_session AS (
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
      SELECT signed_in.* FROM signed_in, new_session`,
  )
  const row = rows[0]
  if (!row) return null
  return {
    user: { id: row.id, phone: row.phone, createdAt: row.created_at, lastSignInAt: row.last_sign_in_at },
    isNewUser: row.is_new,
  }
}

export async function findUserById(prisma: PrismaClient, id: string): Promise<UserRecord | null> {
  return databaseCall(() =>
    prisma.user.findUnique({ where: { id }, select: { id: true, phone: true, createdAt: true, lastSignInAt: true } }),
  )
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
