import { randomUUID } from 'node:crypto'
import type { AuthDeps } from './deps.ts'
import { issueRefreshToken } from './refresh-token.ts'

export interface IssuedSession {
  sessionId: string
  refreshToken: string
  refreshSecretHash: Buffer
  refreshTokenExpiresAt: Date
}

/** A new session id and refresh token; its expiry is capped by the session's max age. */
export function issueSession(deps: AuthDeps, now: Date): IssuedSession {
  const sessionId = randomUUID()
  const { token, secretHash } = issueRefreshToken(sessionId, deps.random)
  const { refreshTokenTtlSeconds, maxAgeSeconds } = deps.config.session
  const lifetimeSeconds = Math.min(refreshTokenTtlSeconds, maxAgeSeconds)
  return {
    sessionId,
    refreshToken: token,
    refreshSecretHash: secretHash,
    refreshTokenExpiresAt: new Date(now.getTime() + lifetimeSeconds * 1000),
  }
}
