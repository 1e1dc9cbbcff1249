import { Prisma } from '../generated/prisma/client.ts'
import { insertEvents, lifecycleEvent } from './outbox.ts'

/**
 * Recycled numbers (DORMANT_ACCOUNT_DAYS): carriers hand a number that has been silent
 * for months to somebody new. An account with no sign-in, refresh or reauthentication
 * since a cut-off must not open for whoever holds its number now: the number is
 * released from it, and the new holder starts a new account.
 */

type Tx = Prisma.TransactionClient

/**
 * SQL condition: the account `alias` shows no activity since `before` — neither its own
 * row (creation, last sign-in) nor any of its sessions (a refresh moves last_used_at, a
 * reauthentication authenticated_at), revoked or not. Someone who refreshes daily is
 * never dormant.
 */
export function dormantSql(alias: string, before: Date): Prisma.Sql {
  const user = Prisma.raw(alias)
  return Prisma.sql`(GREATEST(${user}.created_at, ${user}.last_sign_in_at) < ${before}
    AND NOT EXISTS (SELECT 1 FROM sessions activity WHERE activity.user_id = ${user}.id
      AND (activity.last_used_at >= ${before} OR activity.authenticated_at >= ${before})))`
}

/** Locks the account holding `phone` and tells whether it is dormant; null when none holds it. */
export async function lockHolder(tx: Tx, phone: string, dormantBefore: Date | undefined): Promise<{ id: string; dormant: boolean } | null> {
  const dormant = dormantBefore ? dormantSql('users', dormantBefore) : Prisma.sql`false`
  const rows = await tx.$queryRaw<{ id: string; dormant: boolean }[]>`
    SELECT id, ${dormant} AS dormant FROM users WHERE phone = ${phone} FOR UPDATE`
  return rows[0] ?? null
}

export interface PhoneRelease {
  holderId: string
  phone: string
  now: Date
  /**
   * Ends the sessions elsewhere (revocation markers) while they are locked, before the
   * release commits: if it throws, nothing is released.
   */
  beforeCommit(sessionIds: string[]): Promise<void>
  /** WEBHOOK_URL is set: user.phone_released goes to the outbox. */
  lifecycleEvents: boolean
}

/**
 * Takes the number from a dormant account inside the caller's transaction: its sessions
 * end, access tokens included (markers first); it keeps its id and data but no number.
 */
export async function releasePhone(tx: Tx, release: PhoneRelease): Promise<void> {
  const { holderId, phone, now } = release
  const sessions = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM sessions WHERE user_id = ${holderId}::uuid AND revoked_at IS NULL FOR UPDATE`
  await release.beforeCommit(sessions.map((session) => session.id))
  await tx.$executeRaw`UPDATE sessions SET revoked_at = ${now} WHERE user_id = ${holderId}::uuid AND revoked_at IS NULL`
  await tx.$executeRaw`UPDATE users SET phone = NULL WHERE id = ${holderId}::uuid`
  await tx.$executeRaw`
    INSERT INTO auth_events (created_at, type, phone, user_id, detail) VALUES (${now}, 'phone_released', ${phone}, ${holderId}::uuid, 'dormant')`
  if (release.lifecycleEvents) await insertEvents(tx, [lifecycleEvent('user.phone_released', now, holderId)])
}
