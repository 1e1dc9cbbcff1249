import { randomUUID } from 'node:crypto'
import type { AuthDeps, ClientInfo } from './deps.ts'
import { InvalidOtpError, RateLimitedError, type InvalidOtpReason } from './errors.ts'
import { codeDigest, isWellFormedCode, type CodeSlot } from './otp.ts'
import { audit, otpSecret, retryAfterSeconds } from './flow-helpers.ts'
import { recordVerifiedQuietly } from './human-check.ts'

/**
 * Checks the code of `slot` under every attempt limit — shape check → IP failure
 * budget → one phone script that checks the code and, when it matches, CLAIMS it — and
 * hands the claim to `useClaim`, which must consume it once its work is committed or
 * release it when that failed (so the person can retry the same code). Shared by
 * verifyOtp, reauthenticate and confirmPhoneChange, so all spend the same per-code,
 * per-phone and per-IP budgets.
 */
export async function withClaimedCode<T>(
  deps: AuthDeps,
  slot: CodeSlot,
  code: string,
  client: ClientInfo,
  useClaim: (claimId: string) => Promise<T>,
): Promise<T> {
  const { config, otpStore } = deps
  const otp = config.otp
  const { phone } = slot
  const userId = slot.change?.userId
  const fail = (reason: InvalidOtpReason, attemptsRemaining: number) => {
    audit(deps, client, { type: 'otp_failed', phone, userId, detail: reason })
    return new InvalidOtpError(reason, attemptsRemaining)
  }
  const refuse = (limit: string, retryAfterMs: number) => {
    audit(deps, client, { type: 'rate_limited', phone, userId, detail: limit })
    return new RateLimitedError(retryAfterSeconds(retryAfterMs))
  }
  // A typo is not a guess: malformed input is answered without counting an attempt.
  if (!isWellFormedCode(code, otp.length)) throw fail('MALFORMED', await otpStore.attemptsRemaining(slot, otp.maxAttempts))
  // The IP's failure budget is taken BEFORE the guess: reading it first and counting
  // afterwards lets many concurrent guesses (on any instance) all pass the check. A
  // verify that turns out not to be a failure gives its unit back.
  const ipDecision = await otpStore.reserve('ip-failures', client.ipKey, otp.maxFailuresPerIp, otp.failureWindowSeconds)
  if (!ipDecision.allowed) throw refuse('ip-failures', ipDecision.retryAfterMs)

  const claimId = randomUUID()
  const outcome = await otpStore.verifyCode(slot, codeDigest(otpSecret(config), slot, code), claimId, otp)
  const failed = outcome.status === 'INCORRECT' || (outcome.status === 'TOO_MANY_ATTEMPTS' && outcome.burntNow)
  const refunded = failed ? Promise.resolve() : refundQuietly(deps, client)
  if (outcome.status === 'CLAIMED') {
    audit(deps, client, { type: 'otp_verified', phone, userId })
    // The refund (IP domain) and the pumping guard's count run alongside the claim's
    // work: no extra wait.
    return (await Promise.all([useClaim(claimId), refunded, recordVerifiedQuietly(deps, phone)]))[0]
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

/** Giving back an IP unit is bookkeeping: if Redis fails here, one unit stays spent. */
async function refundQuietly(deps: AuthDeps, client: ClientInfo): Promise<void> {
  try {
    await deps.otpStore.refund('ip-failures', client.ipKey, deps.config.otp.maxFailuresPerIp)
  } catch (error) {
    deps.logger.warn({ err: error }, 'IP failure budget not refunded')
  }
}

/**
 * The work is committed; deleting the claimed code is housekeeping. If Redis fails here
 * the claim stays "claimed" until its TTL, which no verify can ever use again.
 */
export async function consumeQuietly(deps: AuthDeps, slot: CodeSlot, claimId: string): Promise<void> {
  try {
    await deps.otpStore.consumeClaim(slot, claimId)
  } catch (error) {
    deps.logger.warn({ event: 'otp.consume_failed', phone: slot.phone, err: error }, 'claimed code left to expire')
  }
}
