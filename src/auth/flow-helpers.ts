import type { AuthDeps, AuthSettings, ClientInfo } from './deps.ts'
import type { AuthEventInput } from '../db/events.ts'
import { canonicalTestNumber, normalisePhone } from './phone.ts'

/**
 * The phone a request is about. Test numbers (TEST_PHONE_NUMBERS) are matched before
 * validation and the country allowlist: they are often fictional ranges on purpose.
 */
export function resolvePhone(input: string, config: AuthSettings): { phone: string; testCode: string | undefined } {
  const canonical = canonicalTestNumber(input.trim())
  const testCode = canonical.length <= 32 ? config.otp.testPhoneNumbers.get(canonical) : undefined
  if (testCode !== undefined) return { phone: canonical, testCode }
  return { phone: normalisePhone(input, config.phone).e164, testCode: undefined }
}

/** Whole seconds a client should wait; never 0, so "retry now" is never promised wrongly. */
export function retryAfterSeconds(retryAfterMs: number): number {
  return Math.max(1, Math.ceil(retryAfterMs / 1000))
}

export function otpSecret(config: AuthSettings): Buffer {
  const secret = config.otp.secret
  if (!secret) throw new Error('OTP_SECRET is not configured')
  return secret
}

/** Queues an audit event stamped with who asked (never blocks, never throws). */
export function audit(deps: AuthDeps, client: ClientInfo, event: Omit<AuthEventInput, 'ip' | 'userAgent'>): void {
  deps.events.record({ ...event, ip: client.ip, userAgent: client.userAgent })
}

/**
 * Accounts with no activity since this moment are dormant (DORMANT_ACCOUNT_DAYS); test
 * numbers never are. Undefined when the policy is off.
 */
export function dormantBefore(config: AuthSettings, now: Date, testNumber: boolean): Date | undefined {
  if (config.dormantAccountDays === 0 || testNumber) return undefined
  return new Date(now.getTime() - config.dormantAccountDays * 86_400_000)
}

/** Ends sessions for their access tokens too: a marker each, kept as long as a token lives. */
export function markSessionsRevoked(deps: AuthDeps, sessionIds: string[]): Promise<void> {
  return deps.revocations.markRevoked(sessionIds, deps.config.jwt.accessTokenTtlSeconds)
}
