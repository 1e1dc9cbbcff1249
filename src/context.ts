import type { Config } from './config/config.ts'
import type { OtpStore } from './auth/otp-store.ts'
import type { RevocationStore } from './auth/revocation-store.ts'
import type { RandomSource } from './auth/otp.ts'
import type { TokenSigner, AccessClaims } from './auth/tokens.ts'
import type { UserRecord } from './db/users.ts'
import type { EventSink } from './db/events.ts'
import type { Metrics } from './observability/metrics.ts'
import type { PrismaClient } from './generated/prisma/client.ts'
import type { SmsSender } from './sms/sender.ts'
import type { Logger } from './observability/logger.ts'

export interface Clock {
  now(): Date
}

export const systemClock: Clock = { now: () => new Date() }

/** A dependency that /readyz asks whether it answers. */
export interface ReadinessCheck {
  name: string
  check(timeoutMs: number): Promise<void>
}

/** Everything the app needs from outside; built by main.ts, or by tests with fakes. */
export interface Deps {
  config: Config
  otpStore: OtpStore
  revocations: RevocationStore
  /** The audit trail (AuthEvent), written in batches off the request path. */
  events: EventSink
  metrics: Metrics
  prisma: PrismaClient
  sms: SmsSender
  signer: TokenSigner
  clock: Clock
  random: RandomSource
  logger: Logger
  readinessChecks: ReadinessCheck[]
}

/** Who is calling, as far as the limits and the audit trail care. */
export interface ClientInfo {
  /** The client address (see TRUST_PROXY). */
  ip: string
  /** The key the IP limits count under (IPv6: its /64). */
  ipKey: string
  userAgent: string | null
}

export interface RequestContext {
  deps: Deps
  client: ClientInfo
  requestId: string
  log: Logger
  /** The verified access-token claims of this request, or null (computed once). */
  auth(): Promise<AccessClaims | null>
  /** The user row, loaded at most once per request. */
  loadUser(id: string): Promise<UserRecord | null>
}
