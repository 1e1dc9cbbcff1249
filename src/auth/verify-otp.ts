import { randomUUID } from 'node:crypto'
import type { AuthDeps, ClientInfo } from './deps.ts'
import { signInUser } from '../db/users.ts'
import type { SessionGrant } from './session-grant.ts'
import { SignUpDisabledError } from './errors.ts'
import { audit, dormantBefore, markSessionsRevoked, resolvePhone } from './flow-helpers.ts'
import { consumeQuietly, withClaimedCode } from './code-check.ts'
import { issueSession } from './session-issuer.ts'

export type SignedIn = SessionGrant

/**
 * verifyOtp: the code is checked and claimed under every attempt limit (code-check.ts)
 * → one database statement for user + session → consume the claim. A database failure
 * puts the claim back so the same code can be retried; a claim is never turned into a
 * second session.
 */
export async function verifyOtp(deps: AuthDeps, phoneInput: string, code: string, client: ClientInfo): Promise<SignedIn> {
  const { phone, testCode } = resolvePhone(phoneInput, deps.config)
  return withClaimedCode(deps, { phone }, code, client, (claimId) => {
    if (testCode !== undefined) audit(deps, client, { type: 'test_number_used', phone, detail: 'verified' })
    return signInWithClaim(deps, phone, testCode !== undefined, claimId, client)
  })
}

async function signInWithClaim(deps: AuthDeps, phone: string, testNumber: boolean, claimId: string, client: ClientInfo): Promise<SignedIn> {
  const { otpStore, config } = deps
  const now = deps.clock.now()
  const session = issueSession(deps, now)
  let signedIn: Awaited<ReturnType<typeof signInUser>>
  try {
    signedIn = await signInUser(deps.prisma, deps.hotQuery, {
      newUserId: randomUUID(),
      phone,
      allowSignUp: config.allowSignUp,
      session: { id: session.sessionId, secretHash: session.refreshSecretHash, expiresAt: session.refreshTokenExpiresAt, userAgent: client.userAgent, ip: client.ip },
      now,
      dormantBefore: dormantBefore(config, now, testNumber),
      releaseSessions: (sessionIds) => markSessionsRevoked(deps, sessionIds),
      lifecycleEvents: config.lifecycleEvents,
    })
  } catch (error) {
    // Nothing was written: hand the code back so the person can retry it.
    await otpStore.releaseClaim({ phone }, claimId)
    throw error
  }
  // Deleting the claimed code overlaps with signing the token; both finish before the answer.
  const consumed = consumeQuietly(deps, { phone }, claimId)
  if (!signedIn) {
    await consumed
    throw new SignUpDisabledError()
  }
  deps.logger.info({ event: 'auth.signed_in', userId: signedIn.user.id, sessionId: session.sessionId, isNewUser: signedIn.isNewUser }, 'signed in')
  const [access] = await Promise.all([deps.signer.sign({ userId: signedIn.user.id, sessionId: session.sessionId }, now), consumed])
  return {
    sessionId: session.sessionId,
    accessToken: access.token,
    accessTokenExpiresAt: access.expiresAt,
    refreshToken: session.refreshToken,
    refreshTokenExpiresAt: session.refreshTokenExpiresAt,
    ...signedIn,
  }
}
