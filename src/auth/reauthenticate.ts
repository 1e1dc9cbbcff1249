import * as sessionRows from '../db/sessions.ts'
import { consumeQuietly, withClaimedCode } from './code-check.ts'
import type { AuthDeps, ClientInfo } from './deps.ts'
import { audit } from './flow-helpers.ts'
import type { AccessClaims } from './tokens.ts'
import { loadUser } from './users.ts'

export interface Reauthenticated {
  reauthenticatedUntil: Date
  expiresInSeconds: number
}

/**
 * reauthenticate: the caller proves again that they hold the ACCOUNT's phone, with a
 * code requestOtp sent to that number. The code is looked up under the account's own
 * number only, so a code for any other number can never count; it is checked and
 * claimed under the same limits as a sign-in, and consumed once the session is marked.
 * No session is created. A stolen access token alone is not enough for the sensitive
 * changes this unlocks: they need the phone too.
 */
export async function reauthenticate(deps: AuthDeps, claims: AccessClaims, code: string, client: ClientInfo): Promise<Reauthenticated | null> {
  const user = await loadUser(deps, claims.userId)
  // The account is gone (deleted since the token was issued): nothing to prove.
  if (!user) return null
  const slot = { phone: user.phone }
  return withClaimedCode(deps, slot, code, client, async (claimId) => {
    const now = deps.clock.now()
    let marked = false
    try {
      marked = await sessionRows.markAuthenticated(deps.prisma, claims.sessionId, user.id, now)
    } finally {
      // Not marked — the database failed, or the session ended between the token check
      // and now: the code stays usable (to retry, or to sign in again).
      if (!marked) await deps.otpStore.releaseClaim(slot, claimId)
    }
    if (!marked) return null
    await consumeQuietly(deps, slot, claimId)
    audit(deps, client, { type: 'reauthenticated', userId: user.id, sessionId: claims.sessionId })
    deps.logger.info({ event: 'auth.reauthenticated', userId: user.id, sessionId: claims.sessionId }, 'reauthenticated')
    const windowSeconds = deps.config.session.reauthWindowSeconds
    return { reauthenticatedUntil: new Date(now.getTime() + windowSeconds * 1000), expiresInSeconds: windowSeconds }
  })
}
