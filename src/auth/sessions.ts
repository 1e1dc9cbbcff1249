import { timingSafeEqual } from 'node:crypto'
import { markSessionsRevoked } from './flow-helpers.ts'
import type { AuthDeps, ClientInfo } from './deps.ts'
import * as sessionRows from '../db/sessions.ts'
import { InvalidRefreshTokenError } from './errors.ts'
import { issueRefreshToken, parseRefreshToken } from './refresh-token.ts'
import type { AccessClaims } from './tokens.ts'
import type { SessionGrant } from './session-grant.ts'

/**
 * Refresh rotation with reuse detection, sign-out and device management. Every
 * revocation also leaves a marker in Redis so the session's access tokens stop
 * working at once, not when they expire.
 */

export async function refreshSession(deps: AuthDeps, refreshToken: string, client: ClientInfo): Promise<SessionGrant> {
  const presented = parseRefreshToken(refreshToken)
  if (!presented) throw new InvalidRefreshTokenError()
  const now = deps.clock.now()
  const next = issueRefreshToken(presented.sessionId, deps.random)
  const rotated = await sessionRows.rotateSession(deps.prisma, {
    sessionId: presented.sessionId,
    presentedHash: presented.secretHash,
    newHash: next.secretHash,
    now,
    refreshTokenTtlSeconds: deps.config.session.refreshTokenTtlSeconds,
    maxAgeSeconds: deps.config.session.maxAgeSeconds,
  })
  if (!rotated) {
    await detectReuse(deps, presented.sessionId, presented.secretHash, now, client)
    throw new InvalidRefreshTokenError()
  }
  const access = await deps.signer.sign({ userId: rotated.user.id, sessionId: presented.sessionId }, now)
  deps.logger.info({ event: 'auth.refreshed', userId: rotated.user.id, sessionId: presented.sessionId }, 'session refreshed')
  deps.events.record({ type: 'refreshed', userId: rotated.user.id, sessionId: presented.sessionId, ip: client.ip, userAgent: client.userAgent })
  return {
    sessionId: presented.sessionId,
    accessToken: access.token,
    accessTokenExpiresAt: access.expiresAt,
    refreshToken: next.token,
    refreshTokenExpiresAt: rotated.expiresAt,
    user: rotated.user,
    isNewUser: false,
  }
}

/**
 * The presented secret is not the current one. The previous one within the grace
 * window is a lost answer or the loser of a race: refused, nothing else. After the
 * window it means two parties hold the token — one of them a thief — so the whole
 * session is revoked.
 */
async function detectReuse(deps: AuthDeps, sessionId: string, presentedHash: Buffer, now: Date, client: ClientInfo): Promise<void> {
  const row = await sessionRows.findSessionForReuseCheck(deps.prisma, sessionId)
  if (!row || row.revokedAt || !row.previousSecretHash || !row.rotatedAt) return
  if (!timingSafeEqual(Buffer.from(row.previousSecretHash), presentedHash)) return
  const graceEndsMs = row.rotatedAt.getTime() + deps.config.session.reuseGraceSeconds * 1000
  if (now.getTime() <= graceEndsMs) return
  const revoked = await sessionRows.revokeReusedSession(deps.prisma, sessionId, row.userId, now, deps.config.lifecycleEvents)
  await markRevoked(deps, revoked)
  deps.logger.warn({ event: 'auth.refresh_reuse_detected', userId: row.userId, sessionId, ip: client.ip }, 'refresh token reused: session revoked')
  deps.events.record({ type: 'refresh_reuse_detected', userId: row.userId, sessionId, ip: client.ip, userAgent: client.userAgent })
}

export async function signOut(deps: AuthDeps, refreshToken: string, client: ClientInfo): Promise<boolean> {
  const presented = parseRefreshToken(refreshToken)
  if (!presented) return false
  const revoked = await sessionRows.revokeSessionBySecret(deps.prisma, presented.sessionId, presented.secretHash, deps.clock.now())
  await markRevoked(deps, revoked)
  if (revoked.length === 0) return false
  deps.logger.info({ event: 'auth.signed_out', sessionId: presented.sessionId }, 'signed out')
  deps.events.record({ type: 'signed_out', sessionId: presented.sessionId, ip: client.ip, userAgent: client.userAgent })
  return true
}

export interface SessionView extends sessionRows.SessionRecord {
  current: boolean
}

export async function listSessions(deps: AuthDeps, caller: AccessClaims): Promise<SessionView[]> {
  const rows = await sessionRows.listUserSessions(deps.prisma, caller.userId, deps.clock.now())
  return rows.map((row) => ({ ...row, current: row.id === caller.sessionId }))
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Only the caller's own sessions: another user's id answers null and revokes nothing. */
export async function revokeSession(deps: AuthDeps, caller: AccessClaims, sessionId: string, client: ClientInfo): Promise<string | null> {
  if (!uuidPattern.test(sessionId)) return null
  const revoked = await sessionRows.revokeUserSession(deps.prisma, caller.userId, sessionId.toLowerCase(), deps.clock.now())
  await markRevoked(deps, revoked, caller, client)
  return revoked[0] ?? null
}

export async function revokeOtherSessions(deps: AuthDeps, caller: AccessClaims, client: ClientInfo): Promise<number> {
  const revoked = await sessionRows.revokeOtherUserSessions(deps.prisma, caller.userId, caller.sessionId, deps.clock.now())
  await markRevoked(deps, revoked, caller, client)
  return revoked.length
}

/** Access tokens of these sessions stop working now; each revocation is audited when a user asked for it. */
async function markRevoked(deps: AuthDeps, sessionIds: string[], caller?: AccessClaims, client?: ClientInfo): Promise<void> {
  if (sessionIds.length === 0) return
  await markSessionsRevoked(deps, sessionIds)
  if (!caller) return
  deps.logger.info({ event: 'auth.session_revoked', userId: caller.userId, count: sessionIds.length }, 'sessions revoked')
  for (const sessionId of sessionIds) {
    deps.events.record({ type: 'session_revoked', userId: caller.userId, sessionId, ip: client?.ip, userAgent: client?.userAgent })
  }
}
