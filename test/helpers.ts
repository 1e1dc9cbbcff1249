import { generateKeyPairSync, randomBytes, randomInt } from 'node:crypto'
import type { Logger } from 'pino'
import { createApp, type App } from '../src/app.ts'
import { createPumpingStore } from '../src/auth/pumping-store.ts'
import { createCaptcha } from '../src/compose.ts'
import { createOtpStore } from '../src/auth/otp-store.ts'
import { createRevocationStore } from '../src/auth/revocation-store.ts'
import { createEventWriter, fanOutEvents, type EventWriter } from '../src/db/events.ts'
import { createMetrics } from '../src/observability/metrics.ts'
import { cryptoRandom } from '../src/auth/otp.ts'
import { createTokenSigner } from '../src/auth/tokens.ts'
import { loadConfig } from '../src/config/config.ts'
import type { Clock } from '../src/auth/deps.ts'
import type { Deps } from '../src/http/deps.ts'
import type { Database } from '../src/db/client.ts'
import type { SmsSender } from '../src/sms/sender.ts'
import type { TrustedDocuments } from '../src/http/trusted-documents.ts'
import { afterAll, beforeAll } from 'vitest'
import { createTestDatabase, createTestRedis, silentLogger, type TestDatabase, type TestRedis } from './support/services.ts'
import { SmsInbox } from './support/sms-inbox.ts'

export { SmsInbox }

/** One signing key per test process: generating Ed25519 keys is cheap but not free. */
export const testJwtPrivateKeyPem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
export const testOtpSecretHex = randomBytes(32).toString('hex')

/** A clock the test moves by hand; Redis still owns the TTLs of codes and windows. */
export class TestClock implements Clock {
  constructor(private current = new Date()) {}
  now(): Date {
    return new Date(this.current)
  }
  advanceSeconds(seconds: number): void {
    this.current = new Date(this.current.getTime() + seconds * 1000)
  }
}

/** A valid Indian mobile number no other test uses. */
export function uniquePhone(): string {
  return `+9198${String(randomInt(0, 1e8)).padStart(8, '0')}`
}

/** A well-formed code that is certainly not `code`. */
export function wrongCode(code: string): string {
  return code.replace(/^./, (digit) => String((Number(digit) + 1) % 10))
}

export interface TestAppOptions {
  database: Database
  redis: TestRedis
  env?: Record<string, string>
  sms?: SmsSender
  logger?: Logger
  clock?: Clock
  /** Redis key prefix of the app's stores; apps given the same one share codes and limits. */
  storePrefix?: string
  /** The TRUSTED_DOCUMENTS manifest the app runs with. */
  trustedDocuments?: TrustedDocuments
  /** createApp's option: false sends every request through Yoga (to compare the two paths). */
  directPath?: boolean
}

export interface TestApp {
  app: App
  deps: Deps
  /** The audit writer; `await t.events.flush()` before reading auth_events. */
  events: EventWriter
  inbox: SmsInbox
  clock: TestClock
  gql<T = any>(query: string, variables?: Record<string, unknown>, options?: { headers?: Record<string, string>; ip?: string }): Promise<{ data?: T; errors?: any[] }>
  requestOtp(phone: string, ip?: string): Promise<any>
  verifyOtp(phone: string, otp: string, ip?: string): Promise<any>
  /** requestOtp + verifyOtp with the code from the inbox; answers the AuthSession. */
  signIn(phone?: string): Promise<any>
}

export const requestOtpMutation = `mutation($phone: String!) { requestOtp(phone: $phone) {
  __typename
  ... on OtpSent { phone expiresAt expiresInSeconds resendAvailableAt resendAfterSeconds codeLength }
  ... on Error { code message }
  ... on RateLimitedError { retryAfterSeconds }
} }`

export const verifyOtpMutation = `mutation($phone: String!, $otp: String!) { verifyOtp(phone: $phone, otp: $otp) {
  __typename
  ... on AuthSession { sessionId accessToken tokenType expiresAt expiresInSeconds refreshToken refreshTokenExpiresAt isNewUser user { id phone createdAt lastSignInAt } }
  ... on Error { code message }
  ... on InvalidOtpError { reason attemptsRemaining }
  ... on RateLimitedError { retryAfterSeconds }
} }`

export async function createTestApp(options: TestAppOptions): Promise<TestApp> {
  const config = loadConfig({
    OTP_SECRET: testOtpSecretHex,
    JWT_PRIVATE_KEY: testJwtPrivateKeyPem,
    LOG_LEVEL: 'silent',
    ...options.env,
  })
  const inbox = new SmsInbox()
  const clock = (options.clock as TestClock | undefined) ?? new TestClock()
  const { redis, keyPrefix } = options.redis
  // Each app gets its own keys unless a test shares them on purpose (several instances).
  const storePrefix = options.storePrefix ?? `${keyPrefix}${randomBytes(4).toString('hex')}:`
  const logger = options.logger ?? silentLogger
  const events = createEventWriter(options.database.prisma, logger, { flushIntervalMs: 50, maxBatch: 500, maxQueued: 10_000, now: () => clock.now() })
  const metrics = createMetrics({ processMetrics: false })
  const deps: Deps = {
    config,
    logger,
    otpStore: createOtpStore(redis, storePrefix),
    pumping: createPumpingStore(redis, storePrefix),
    captcha: createCaptcha(config),
    abuseSignals: metrics.abuse,
    revocations: createRevocationStore(redis, storePrefix),
    events: fanOutEvents(events, metrics.events),
    metrics,
    prisma: options.database.prisma,
    hotQuery: options.database.hotQuery,
    sms: options.sms ?? inbox,
    signer: await createTokenSigner({ ...config.jwt, privateKeyPem: config.jwt.privateKeyPem! }),
    clock,
    random: cryptoRandom,
    readinessChecks: [],
    trustedDocuments: options.trustedDocuments,
  }
  const app = createApp(deps, { directPath: options.directPath })
  const gql: TestApp['gql'] = async (query, variables, { headers = {}, ip } = {}) => {
    const response = await app.fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    }, ip)
    return (await response.json()) as { data?: any; errors?: any[] }
  }
  const requestOtp = async (phone: string, ip?: string) => (await gql(requestOtpMutation, { phone }, { ip })).data?.requestOtp
  const verifyOtp = async (phone: string, otp: string, ip?: string) => (await gql(verifyOtpMutation, { phone, otp }, { ip })).data?.verifyOtp
  return {
    app,
    deps,
    events,
    inbox,
    clock,
    gql,
    requestOtp,
    verifyOtp,
    async signIn(phone = uniquePhone()) {
      const sent = await requestOtp(phone)
      if (sent?.__typename !== 'OtpSent') throw new Error(`requestOtp failed: ${JSON.stringify(sent)}`)
      return verifyOtp(phone, inbox.lastCodeFor(sent.phone))
    },
  }
}

/**
 * One database and one Redis per test file (each test app gets its own key prefix);
 * real servers when the global setup started them, the embedded stand-ins otherwise.
 */
export function useTestStores(): { database: Database; redis: TestRedis } {
  const stores = {} as { database: Database; redis: TestRedis }
  let testDatabase: TestDatabase | undefined
  beforeAll(async () => {
    testDatabase = await createTestDatabase()
    stores.database = await testDatabase.open()
    stores.redis = await createTestRedis()
  })
  afterAll(async () => {
    await stores.redis?.close()
    await testDatabase?.drop()
  })
  return stores
}
