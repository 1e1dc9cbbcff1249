/**
 * The limits both servers run under. The service reads them from its environment
 * (serviceLimitEnvironment); the floor, which imports nothing from src/, takes them from
 * floorLimits. They are the service's defaults (../shared/contract/config.md) except
 * three, raised because of how the load is made, never switched off:
 *
 * - the per-IP send and failure caps: all load comes from 127.0.0.1, and the default
 *   (50 sends an hour) would refuse almost all of it;
 * - the pumping guard's minimum sample: `request` mode never verifies a code, so
 *   every prefix would look like pumping after 50 sends.
 *
 * Raised rather than 0, because a cap of 0 skips its Redis round trip and the bench
 * should pay every round trip production pays. test/bench-floor.test.ts checks that
 * floorLimits still equals what the service loads from serviceLimitEnvironment.
 */

const outOfReach = 1_000_000_000

export const floorLimits = {
  otp: {
    length: 6,
    ttlSeconds: 300,
    maxAttempts: 5,
    resendCooldownSeconds: 30,
    sendWindowSeconds: 3600,
    maxSendsPerPhone: 5,
    maxSendsPerIp: outOfReach,
    failureWindowSeconds: 86_400,
    maxFailuresPerPhone: 100,
    maxFailuresPerIp: outOfReach,
  },
  phone: { defaultCountry: 'IN', allowedCountries: ['IN'] },
  pumping: { prefixDigits: 4, windowSeconds: 3600, minSends: outOfReach, minConversion: 0.2 },
  jwt: { issuer: 'phone-auth', audience: 'phone-auth', accessTokenTtlSeconds: 900 },
  /** The lesser of REFRESH_TOKEN_TTL_SECONDS and SESSION_MAX_AGE_SECONDS. */
  sessionSeconds: 2_592_000,
  msg91: { authKey: 'bench-authkey', templateId: 'bench-template', appDomain: 'localhost', timeoutMs: 4000 },
} as const

/** The variables that differ from the service's defaults (secrets and URLs aside). */
export const serviceLimitEnvironment: Record<string, string> = {
  OTP_MAX_SENDS_PER_IP: String(outOfReach),
  OTP_MAX_FAILURES_PER_IP: String(outOfReach),
  PUMPING_MIN_SENDS: String(outOfReach),
  SMS_PROVIDER: 'msg91',
  MSG91_AUTHKEY: floorLimits.msg91.authKey,
  MSG91_TEMPLATE_ID: floorLimits.msg91.templateId,
}
