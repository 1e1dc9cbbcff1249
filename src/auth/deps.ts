import type { CaptchaVerifier } from '../captcha/siteverify.ts'
import type { PrismaClient } from '../generated/prisma/client.ts'
import type { HotQuery } from '../db/client.ts'
import type { EventSink } from '../db/events.ts'
import type { Logger } from '../observability/logger.ts'
import type { SmsSender } from '../sms/sender.ts'
import type { OtpStore } from './otp-store.ts'
import type { RandomSource } from './otp.ts'
import type { PhonePolicy } from './phone.ts'
import type { PumpingStore } from './pumping-store.ts'
import type { RevocationStore } from './revocation-store.ts'
import type { TokenSigner } from './tokens.ts'

/**
 * What the sign-in and session flows need from outside, declared here by the domain.
 * The application shell (src/context.ts) satisfies it with its wider `Deps`, and the
 * config it loads has (at least) the shape of `AuthSettings`: the domain does not know
 * where its settings come from.
 */

export interface Clock {
  now(): Date
}

export const systemClock: Clock = { now: () => new Date() }

export interface OtpSettings {
  length: number
  ttlSeconds: number
  maxAttempts: number
  resendCooldownSeconds: number
  sendWindowSeconds: number
  maxSendsPerPhone: number
  maxSendsPerIp: number
  maxSendsGlobal: number
  failureWindowSeconds: number
  maxFailuresPerPhone: number
  maxFailuresPerIp: number
  /** Key of the HMAC under which codes are stored. */
  secret: Buffer | undefined
  /** Canonical number → its fixed code (TEST_PHONE_NUMBERS). */
  testPhoneNumbers: ReadonlyMap<string, string>
}

export interface AuthSettings {
  phone: PhonePolicy
  otp: OtpSettings
  allowSignUp: boolean
  /** An account silent this long does not open for its number's holder (0: never). */
  dormantAccountDays: number
  /** WEBHOOK_URL is set: changes write their lifecycle events to the outbox. */
  lifecycleEvents: boolean
  session: {
    refreshTokenTtlSeconds: number
    maxAgeSeconds: number
    reuseGraceSeconds: number
    /** How long a sign-in or reauthenticate allows sensitive changes on its session. */
    reauthWindowSeconds: number
  }
  jwt: { accessTokenTtlSeconds: number }
  /** CAPTCHA_MAX_CHECKS_PER_IP: siteverify calls per client IP per send window (0: no cap). */
  captcha: { maxChecksPerIp: number }
  pumping: {
    mode: 'on' | 'monitor' | 'off'
    prefixDigits: number
    windowSeconds: number
    minSends: number
    minConversion: number
    blockSeconds: number
  }
  /** MSG91_WEBHOOK_TOKEN is set: accepted messages are remembered for their delivery reports. */
  msg91WebhookTokens: readonly string[]
}

/** What the abuse defences report, for metrics; labels are closed sets (regions, outcomes). */
export interface AbuseSignals {
  captchaChecked(outcome: string): void
  prefixSuspected(country: string): void
  sendRefusedByGuard(country: string): void
  deliveryReported(country: string, status: string): void
}

export interface AuthDeps {
  config: AuthSettings
  otpStore: OtpStore
  revocations: RevocationStore
  /** The audit trail (AuthEvent), written in batches off the request path. */
  events: EventSink
  prisma: PrismaClient
  /** The sign-in statement's way to the database, around Prisma's client (db/client.ts). */
  hotQuery: HotQuery
  sms: SmsSender
  /** CAPTCHA_PROVIDER is set: every send needs a token this verifier accepts. */
  captcha?: CaptchaVerifier
  pumping: PumpingStore
  abuseSignals: AbuseSignals
  signer: TokenSigner
  clock: Clock
  random: RandomSource
  logger: Logger
}

/** Who is calling, as far as the limits and the audit trail care. */
export interface ClientInfo {
  /** The client address (see TRUST_PROXY). */
  ip: string
  /** The key the IP limits count under (IPv6: its /64). */
  ipKey: string
  userAgent: string | null
}
