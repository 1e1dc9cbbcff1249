import * as sessionRows from '../db/sessions.ts'
import { changePhone } from '../db/phone-change.ts'
import { consumeQuietly, withClaimedCode } from './code-check.ts'
import { sendCodeUnderLimits, type OtpSent } from './code-send.ts'
import type { AuthDeps, ClientInfo } from './deps.ts'
import { InvalidPhoneError, PhoneInUseError, ReauthenticationRequiredError } from './errors.ts'
import { audit, dormantBefore, markSessionsRevoked, resolvePhone } from './flow-helpers.ts'
import type { CodeSlot } from './otp.ts'
import type { AccessClaims } from './tokens.ts'
import type { User } from './users.ts'

/**
 * A verified phone change: the number is only ever written by a code sent to the new
 * number, for this user, from this session (CodeSlot), confirmed under the same attempt
 * limits as a sign-in. Nothing else writes `phone`.
 */

/** The number to move to: valid and served, and never a test number (they are shared). */
function newNumber(input: string, deps: AuthDeps): string {
  const { phone, testCode } = resolvePhone(input, deps.config)
  if (testCode !== undefined) throw new InvalidPhoneError('An account cannot move to a test number.')
  return phone
}

function changeSlot(phone: string, claims: AccessClaims): CodeSlot {
  return { phone, change: { userId: claims.userId, sessionId: claims.sessionId } }
}

/**
 * requestPhoneChange: needs a recent authentication of this session NOW; then the same
 * send limits as requestOtp. Whether another account holds the number is not looked
 * up: the answer and its timing are the same either way. Null: the session has ended.
 */
export async function requestPhoneChange(
  deps: AuthDeps,
  claims: AccessClaims,
  input: string,
  client: ClientInfo,
  captchaToken?: string | null,
): Promise<OtpSent | null> {
  const phone = newNumber(input, deps)
  const now = deps.clock.now()
  const holder = await sessionRows.findSessionHolder(deps.prisma, claims.sessionId, claims.userId, now)
  if (!holder) return null
  const recentSince = now.getTime() - deps.config.session.reauthWindowSeconds * 1000
  if (!holder.authenticatedAt || holder.authenticatedAt.getTime() < recentSince) throw new ReauthenticationRequiredError()
  if (holder.phone === phone) throw new InvalidPhoneError('This is already the number of the account.')
  audit(deps, client, { type: 'phone_change_requested', phone, userId: claims.userId, sessionId: claims.sessionId })
  return sendCodeUnderLimits(deps, changeSlot(phone, claims), undefined, client, captchaToken)
}

/**
 * confirmPhoneChange: the change code is checked and claimed, then the number moves in
 * one transaction (db/phone-change.ts). A database failure hands the code back for a
 * retry; a number in use spends it (it proved the number, there is nothing to retry).
 * Null: the account or the session has ended.
 */
export async function confirmPhoneChange(deps: AuthDeps, claims: AccessClaims, input: string, code: string, client: ClientInfo): Promise<User | null> {
  const slot = changeSlot(newNumber(input, deps), claims)
  return withClaimedCode(deps, slot, code, client, async (claimId) => {
    const now = deps.clock.now()
    let outcome: Awaited<ReturnType<typeof changePhone>>
    try {
      outcome = await changePhone(deps.prisma, {
        userId: claims.userId,
        sessionId: claims.sessionId,
        newPhone: slot.phone,
        now,
        dormantBefore: dormantBefore(deps.config, now, false),
        releaseSessions: (sessionIds) => markSessionsRevoked(deps, sessionIds),
        lifecycleEvents: deps.config.lifecycleEvents,
      })
    } catch (error) {
      await deps.otpStore.releaseClaim(slot, claimId)
      throw error
    }
    if (outcome.status === 'GONE') {
      await deps.otpStore.releaseClaim(slot, claimId)
      return null
    }
    await consumeQuietly(deps, slot, claimId)
    if (outcome.status === 'IN_USE') throw new PhoneInUseError()
    await deps.otpStore.discardPendingChange(claims.userId).catch(() => undefined)
    deps.logger.info({ event: 'auth.phone_changed', userId: claims.userId, sessionId: claims.sessionId }, 'phone number changed')
    return outcome.user
  })
}
