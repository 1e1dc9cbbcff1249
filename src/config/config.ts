import type { z } from 'zod'
import { isLoopbackHost } from '../net/loopback.ts'
import { captchaSettings } from './captcha.ts'
import { envSchema } from './env.ts'
import {
  parseWebhookSecret,
  parseWebhookTokens,
  decodeSecret,
  parseAllowedCountries,
  parseClusterNodes,
  parseCorsOrigins,
  parseTestPhoneNumbers,
  pemText,
  privateKeyProblem,
} from './parsers.ts'

/**
 * Every setting of the service, parsed once from the environment (see
 * ../shared/contract/config.md and README.md). Pure: it reads only the object it is
 * given, so tests build configs without touching process.env.
 */

export type Env = z.output<typeof envSchema>
export type { TrustProxy } from '../net/client-ip.ts'
export type TestPhoneNumbers = ReadonlyMap<string, string>

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.name = 'ConfigError'
  }
}

export function loadConfig(source: Record<string, string | undefined>): Config {
  const problems: string[] = []
  const config = toConfig(parseEachVariable(source, problems), problems)
  problems.push(...crossChecks(config))
  if (problems.length > 0) throw new ConfigError(problems)
  return config
}

/**
 * Parses every variable on its own, so that one bad value does not hide the next: a
 * variable that fails is reported and read as its default for the checks that follow.
 */
function parseEachVariable(source: Record<string, string | undefined>, problems: string[]): Env {
  const values: Record<string, unknown> = {}
  for (const [name, schema] of Object.entries(envSchema.shape)) {
    const parsed = schema.safeParse(source[name])
    if (parsed.success) {
      values[name] = parsed.data
    } else {
      problems.push(...parsed.error.issues.map((issue) => `${name}: ${issue.message}`))
      values[name] = schema.safeParse(undefined).data
    }
  }
  return values as Env
}

function toConfig(env: Env, problems: string[]) {
  const smsProvider = env.SMS_PROVIDER ?? (env.MSG91_AUTHKEY ? 'msg91' : 'console')
  return {
    nodeEnv: env.NODE_ENV,
    production: env.NODE_ENV === 'production',
    host: env.HOST,
    port: env.PORT,
    metricsPort: env.METRICS_PORT,
    dataDir: env.DATA_DIR,
    logLevel: env.LOG_LEVEL,
    trustProxy: env.TRUST_PROXY,
    databaseUrl: env.DATABASE_URL,
    migrateOnStart: env.MIGRATE_ON_START,
    redisUrl: env.REDIS_URL,
    redisClusterNodes: parseClusterNodes(env.REDIS_CLUSTER_NODES, problems),
    redisKeyPrefix: env.REDIS_KEY_PREFIX,
    sms: {
      provider: smsProvider,
      msg91: {
        authKey: env.MSG91_AUTHKEY,
        templateId: env.MSG91_TEMPLATE_ID,
        senderId: env.MSG91_SENDER_ID,
        baseUrl: env.MSG91_BASE_URL.replace(/\/+$/, ''),
        timeoutMs: env.MSG91_TIMEOUT_MS,
      },
      appDomain: env.APP_DOMAIN,
      appHash: env.SMS_APP_HASH,
    },
    phone: {
      defaultCountry: env.DEFAULT_COUNTRY,
      allowedCountries: parseAllowedCountries(env.ALLOWED_COUNTRIES, env.DEFAULT_COUNTRY, problems),
    },
    otp: {
      length: env.OTP_LENGTH,
      ttlSeconds: env.OTP_TTL_SECONDS,
      maxAttempts: env.OTP_MAX_ATTEMPTS,
      resendCooldownSeconds: env.OTP_RESEND_COOLDOWN_SECONDS,
      sendWindowSeconds: env.OTP_SEND_WINDOW_SECONDS,
      maxSendsPerPhone: env.OTP_MAX_SENDS_PER_PHONE,
      maxSendsPerIp: env.OTP_MAX_SENDS_PER_IP,
      maxSendsGlobal: env.OTP_MAX_SENDS_GLOBAL,
      failureWindowSeconds: env.OTP_FAILURE_WINDOW_SECONDS,
      maxFailuresPerPhone: env.OTP_MAX_FAILURES_PER_PHONE,
      maxFailuresPerIp: env.OTP_MAX_FAILURES_PER_IP,
      secret: env.OTP_SECRET === undefined ? undefined : decodeSecret(env.OTP_SECRET, problems),
      testPhoneNumbers: parseTestPhoneNumbers(env.TEST_PHONE_NUMBERS, env.OTP_LENGTH, problems),
    },
    allowSignUp: env.ALLOW_SIGN_UP,
    dormantAccountDays: env.DORMANT_ACCOUNT_DAYS,
    captcha: captchaSettings(env),
    pumping: {
      mode: env.PUMPING_GUARD,
      prefixDigits: env.PUMPING_PREFIX_DIGITS,
      windowSeconds: env.PUMPING_WINDOW_SECONDS,
      minSends: env.PUMPING_MIN_SENDS,
      minConversion: env.PUMPING_MIN_CONVERSION,
      blockSeconds: env.PUMPING_BLOCK_SECONDS,
    },
    msg91WebhookTokens: parseWebhookTokens(env.MSG91_WEBHOOK_TOKEN, problems),
    /** Lifecycle events are written to the outbox only when someone will deliver them. */
    lifecycleEvents: env.WEBHOOK_URL !== undefined,
    webhook: {
      url: env.WEBHOOK_URL,
      secret: parseWebhookSecret(env.WEBHOOK_SECRET, env.WEBHOOK_URL !== undefined, problems),
      timeoutMs: env.WEBHOOK_TIMEOUT_MS,
      retrySeconds: env.WEBHOOK_RETRY_SECONDS,
    },
    jwt: {
      privateKeyPem: pemText(env.JWT_PRIVATE_KEY),
      previousPublicKeysPem: pemText(env.JWT_PREVIOUS_PUBLIC_KEYS),
      nextPublicKeysPem: pemText(env.JWT_NEXT_PUBLIC_KEYS),
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
      accessTokenTtlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
    },
    session: {
      refreshTokenTtlSeconds: env.REFRESH_TOKEN_TTL_SECONDS,
      maxAgeSeconds: env.SESSION_MAX_AGE_SECONDS,
      reuseGraceSeconds: env.REFRESH_REUSE_GRACE_SECONDS,
      reauthWindowSeconds: env.REAUTH_WINDOW_SECONDS,
    },
    auditRetentionDays: env.AUDIT_RETENTION_DAYS,
    corsOrigins: parseCorsOrigins(env.CORS_ORIGINS, problems),
    /** Path of the persisted-documents manifest; main.ts reads it. */
    trustedDocumentsPath: env.TRUSTED_DOCUMENTS,
  }
}

export type Config = ReturnType<typeof toConfig>


/** Rules that span several variables; each broken rule is one line of the report. */
function crossChecks(config: Config): string[] {
  const problems: string[] = []
  const { msg91 } = config.sms
  if (config.sms.provider === 'msg91') {
    if (!msg91.authKey) problems.push('MSG91_AUTHKEY: required when SMS_PROVIDER is msg91')
    if (!msg91.templateId) problems.push('MSG91_TEMPLATE_ID: required when SMS_PROVIDER is msg91')
  }
  if (config.captcha.provider && !config.captcha.secretKey) problems.push('CAPTCHA_SECRET_KEY: required when CAPTCHA_PROVIDER is set')
  const keyProblem = config.jwt.privateKeyPem === undefined ? undefined : privateKeyProblem(config.jwt.privateKeyPem)
  if (keyProblem) problems.push(`JWT_PRIVATE_KEY: ${keyProblem}`)
  const redisConfigured = config.redisUrl !== undefined || config.redisClusterNodes.length > 0
  if (config.production) {
    const need = (ok: unknown, name: string) => ok || problems.push(`${name}: required when NODE_ENV=production`)
    need(config.databaseUrl, 'DATABASE_URL')
    need(redisConfigured, 'REDIS_URL')
    need(config.otp.secret, 'OTP_SECRET')
    need(config.jwt.privateKeyPem, 'JWT_PRIVATE_KEY')
    if (config.sms.provider !== 'msg91') problems.push('SMS_PROVIDER: production needs msg91 (set MSG91_AUTHKEY and MSG91_TEMPLATE_ID)')
  }
  // An exposed server must never run on stand-ins that print codes or keep state in memory.
  if (!isLoopbackHost(config.host)) {
    if (!config.databaseUrl) problems.push(`DATABASE_URL: required when HOST (${config.host}) is not a loopback address`)
    if (!redisConfigured) problems.push(`REDIS_URL: required when HOST (${config.host}) is not a loopback address`)
    if (config.sms.provider === 'console') problems.push(`SMS_PROVIDER: the console sender only runs on a loopback HOST`)
  }
  return problems
}
