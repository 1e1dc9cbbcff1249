import { randomUUID } from 'node:crypto'
import type { AuthDeps, ClientInfo } from './deps.ts'
import { signInUser } from '../db/users.ts'
import type { SessionGrant } from './session-grant.ts'
import { InvalidOtpError, RateLimitedError, SignUpDisabledError, type InvalidOtpReason } from './errors.ts'
import { codeDigest, isWellFormedCode } from './otp.ts'
import { audit, otpSecret, resolvePhone, retryAfterSeconds } from './flow-helpers.ts'
import { issueSession } from './session-issuer.ts'

export type SignedIn = SessionGrant

/**
 * verifyOtp: shape check → IP failure budget → one phone script that checks the code and,
 * when it matches, CLAIMS it → one database statement for user + session → consume the
 * claim. A database failure puts the claim back so the same code can be retried; a
 * claim is never turned into a second session.
 */
export async function verifyOtp(deps: AuthDeps, phoneInput: string, code: string, client: ClientInfo): Promise<SignedIn> {
  const { config, otpStore } = deps
  const otp = config.otp
  const { phone, testCode } = resolvePhone(phoneInput, config)
  const fail = (reason: InvalidOtpReason, attemptsRemaining: number) => {
    audit(deps, client, { type: 'otp_failed', phone, detail: reason })
    return new InvalidOtpError(reason, attemptsRemaining)
  }
  const refuse = (limit: string, retryAfterMs: number) => {
    audit(deps, client, { type: 'rate_limited', phone, detail: limit })
    return new RateLimitedError(retryAfterSeconds(retryAfterMs))
  }
  // A typo is not a guess: malformed input is answered without counting an attempt.
  if (!isWellFormedCode(code, otp.length)) throw fail('MALFORMED', await otpStore.attemptsRemaining(phone, otp.maxAttempts))
  // The IP's failure budget is taken BEFORE the guess: reading it first and counting
  // afterwards lets many concurrent guesses (on any instance) all pass the check. A
  // verify that turns out not to be a failure gives its unit back.
  const ipDecision = await otpStore.reserve('ip-failures', client.ipKey, otp.maxFailuresPerIp, otp.failureWindowSeconds)
  if (!ipDecision.allowed) throw refuse('ip-failures', ipDecision.retryAfterMs)

  const claimId = randomUUID()
  const outcome = await otpStore.verifyCode(phone, codeDigest(otpSecret(config), phone, code), claimId, otp)
  const failed = outcome.status === 'INCORRECT' || (outcome.status === 'TOO_MANY_ATTEMPTS' && outcome.burntNow)
  const refunded = failed ? Promise.resolve() : refundQuietly(deps, client)
  if (outcome.status === 'CLAIMED') {
    audit(deps, client, { type: 'otp_verified', phone })
    if (testCode !== undefined) audit(deps, client, { type: 'test_number_used', phone, detail: 'verified' })
    // The refund (IP domain) runs alongside the sign-in statement: no extra wait.
    return (await Promise.all([signInWithClaim(deps, phone, claimId, client), refunded]))[0]
  }
  await refunded
  switch (outcome.status) {
    case 'RATE_LIMITED':
      throw refuse('phone-failures', outcome.retryAfterMs)
    case 'EXPIRED':
      throw fail('EXPIRED', 0)
    case 'INCORRECT':
      throw fail('INCORRECT', outcome.attemptsRemaining)
    case 'TOO_MANY_ATTEMPTS':
      throw fail('TOO_MANY_ATTEMPTS', 0)
  }
}

async function signInWithClaim(deps: AuthDeps, phone: string, claimId: string, client: ClientInfo): Promise<SignedIn> {
  const { otpStore, config } = deps
  const now = deps.clock.now()
  const session = issueSession(deps, now)
  let signedIn: Awaited<ReturnType<typeof signInUser>>
  try {
    signedIn = await signInUser(deps.prisma, {
      newUserId: randomUUID(),
      phone,
      allowSignUp: config.allowSignUp,
      session: { id: session.sessionId, secretHash: session.refreshSecretHash, expiresAt: session.refreshTokenExpiresAt, userAgent: client.userAgent, ip: client.ip },
      now,
    })
  } catch (error) {
    // Nothing was written: hand the code back so the person can retry it.
    await otpStore.releaseClaim(phone, claimId)
    throw error
  }
  // Deleting the claimed code overlaps with signing the token; both finish before the answer.
  const consumed = consumeQuietly(deps, phone, claimId)
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

/** Giving back an IP unit is bookkeeping: if Redis fails here, one unit stays spent. */
async function refundQuietly(deps: AuthDeps, client: ClientInfo): Promise<void> {
  try {
    await deps.otpStore.refund('ip-failures', client.ipKey, deps.config.otp.maxFailuresPerIp)
  } catch (error) {
    deps.logger.warn({ err: error }, 'IP failure budget not refunded')
  }
}

/**
 * The session is committed; deleting the claimed code is housekeeping. If Redis fails
 * here the claim stays "claimed" until its TTL, which no verify can ever use again.
 */
async function consumeQuietly(deps: AuthDeps, phone: string, claimId: string): Promise<void> {
  try {
    await deps.otpStore.consumeClaim(phone, claimId)
  } catch (error) {
    deps.logger.warn({ event: 'otp.consume_failed', phone, err: error }, 'claimed code left to expire')
  }
}
