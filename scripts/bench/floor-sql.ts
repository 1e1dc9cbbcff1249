import type pg from 'pg'

/**
 * The floor's sign-in: ONE statement, as a named prepared statement (parsed and planned
 * once per connection). It writes what the service's sign-in writes: the user (created
 * or touched), the session, the `signed_in` audit row and, for a new user only, the
 * `user.created` outbox row. The event's body is built here as the service builds it,
 * naming the id the user gets if the insert creates it.
 */
const signInSql = `
WITH signed_in AS (
  INSERT INTO users (id, phone, created_at, last_sign_in_at) VALUES ($1::uuid, $2, $3::timestamptz, $3::timestamptz)
  ON CONFLICT (phone) DO UPDATE SET last_sign_in_at = EXCLUDED.last_sign_in_at
  RETURNING id, phone, (xmax = 0) AS is_new
), new_session AS (
  INSERT INTO sessions (id, user_id, current_secret_hash, created_at, last_used_at, expires_at, user_agent, ip, authenticated_at)
  SELECT $4::uuid, id, $5::bytea, $3::timestamptz, $3::timestamptz, $6::timestamptz, $7, $8, $3::timestamptz FROM signed_in
  RETURNING id
), audit AS (
  INSERT INTO auth_events (created_at, type, phone, user_id, session_id, ip, user_agent)
  SELECT $3::timestamptz, 'signed_in', phone, id, $4::uuid, $8, $7 FROM signed_in
), created_event AS (
  INSERT INTO webhook_events (id, user_id, type, body)
  SELECT $9::uuid, id, 'user.created', $10::jsonb FROM signed_in WHERE is_new
)
SELECT signed_in.id, signed_in.is_new FROM signed_in, new_session`

export interface SignIn {
  newUserId: string
  phone: string
  now: Date
  sessionId: string
  secretHash: Buffer
  expiresAt: Date
  userAgent: string | null
  ip: string
  eventId: string
}

export async function signIn(pool: pg.Pool, request: SignIn): Promise<{ userId: string; isNew: boolean }> {
  const { newUserId, phone, now } = request
  const eventBody = JSON.stringify({ type: 'user.created', timestamp: now.toISOString(), data: { userId: newUserId, phone } })
  const values = [newUserId, phone, now, request.sessionId, request.secretHash, request.expiresAt, request.userAgent, request.ip, request.eventId, eventBody]
  const result = await pool.query<{ id: string; is_new: boolean }>({ name: 'floor-sign-in', text: signInSql, values })
  const row = result.rows[0]
  if (!row) throw new Error('sign-in statement returned no row')
  return { userId: row.id, isNew: row.is_new }
}
