import { z } from 'zod'
import { isLoopbackHost } from './net/loopback.ts'
import { parseTestPhoneNumbers, parseTrustProxy } from './config-parsers.ts'

/**
 * Every setting of the service, parsed once from the environment (see
 * ../shared/contract/config.md and README.md). Pure: it reads only the object it is
 * given, so tests build configs without touching process.env.
 */

const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .optional()
    .transform((v) => (v === undefined ? fallback : v === 'true' || v === '1' || v === 'yes'))

const int = (fallback: number, min: number, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .optional()
    .transform((v) => (v === undefined ? fallback : Number(v)))
    .pipe(z.number().int().min(min).max(max))

/** A cap: 0 means "no cap", as config.md promises for every cap. */
const cap = (fallback: number) => int(fallback, 0)
const seconds = (fallback: number) => int(fallback, 1)
const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v))
const region = z.string().regex(/^[A-Za-z]{2}$/, 'must be a two-letter ISO-3166 region').transform((v) => v.toUpperCase())

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: int(4000, 0, 65535),
  METRICS_PORT: int(0, 1, 65535).optional().transform((v) => v || undefined),
  DATA_DIR: z.string().min(1).default('./.data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: z.string().default('0').transform((text, ctx) => {
    try {
      return parseTrustProxy(text)
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message.replace(/^TRUST_PROXY: /, '') })
      return z.NEVER
    }
  }),
  DATABASE_URL: optionalText,
  MIGRATE_ON_START: bool(true),
  REDIS_URL: optionalText.pipe(z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').optional()),
  REDIS_CLUSTER_NODES: optionalText,
  REDIS_KEY_PREFIX: z.string().default('pa:'),
  SMS_PROVIDER: z.enum(['msg91', 'console']).optional(),
  MSG91_AUTHKEY: optionalText,
  MSG91_TEMPLATE_ID: optionalText,
  MSG91_SENDER_ID: optionalText,
  MSG91_BASE_URL: z.url({ protocol: /^https?$/ }).default('https://control.msg91.com'),
  MSG91_TIMEOUT_MS: int(4000, 100, 60000),
  APP_DOMAIN: z.string().min(1).default('localhost'),
  SMS_APP_HASH: optionalText,
  DEFAULT_COUNTRY: region.default('IN'),
  ALLOWED_COUNTRIES: optionalText,
  OTP_LENGTH: int(6, 6, 10),
  OTP_TTL_SECONDS: seconds(300),
  OTP_MAX_ATTEMPTS: int(5, 1),
  OTP_RESEND_COOLDOWN_SECONDS: int(30, 0),
  OTP_SEND_WINDOW_SECONDS: seconds(3600),
  OTP_MAX_SENDS_PER_PHONE: cap(5),
  OTP_MAX_SENDS_PER_IP: cap(50),
  OTP_MAX_SENDS_GLOBAL: cap(0),
  OTP_FAILURE_WINDOW_SECONDS: seconds(86400),
  OTP_MAX_FAILURES_PER_PHONE: cap(100),
  OTP_MAX_FAILURES_PER_IP: cap(100),
  OTP_SECRET: optionalText,
  TEST_PHONE_NUMBERS: optionalText,
  ALLOW_SIGN_UP: bool(true),
  JWT_PRIVATE_KEY: optionalText,
  JWT_PREVIOUS_PUBLIC_KEYS: optionalText,
  JWT_NEXT_PUBLIC_KEYS: optionalText,
  JWT_ISSUER: z.string().min(1).default('phone-auth'),
  JWT_AUDIENCE: z.string().min(1).default('phone-auth'),
  ACCESS_TOKEN_TTL_SECONDS: seconds(900),
  REFRESH_TOKEN_TTL_SECONDS: seconds(2592000),
  SESSION_MAX_AGE_SECONDS: seconds(7776000),
  REFRESH_REUSE_GRACE_SECONDS: int(30, 0),
  AUDIT_RETENTION_DAYS: int(90, 0),
})

type Env = z.output<typeof envSchema>
export type { TrustProxy } from './config-parsers.ts'
export type TestPhoneNumbers = ReadonlyMap<string, string>

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.name = 'ConfigError'
  }
}

export function loadConfig(source: Record<string, string | undefined>): Config {
  const parsed = envSchema.safeParse(source)
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || 'environment'}: ${i.message}`))
  }
  const env = parsed.data
  const problems: string[] = []
  const config = toConfig(env, problems)
  problems.push(...crossChecks(config))
  if (problems.length > 0) throw new ConfigError(problems)
  return config
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
    jwt: {
      privateKeyPem: env.JWT_PRIVATE_KEY,
      previousPublicKeysPem: env.JWT_PREVIOUS_PUBLIC_KEYS,
      nextPublicKeysPem: env.JWT_NEXT_PUBLIC_KEYS,
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
      accessTokenTtlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
    },
    session: {
      refreshTokenTtlSeconds: env.REFRESH_TOKEN_TTL_SECONDS,
      maxAgeSeconds: env.SESSION_MAX_AGE_SECONDS,
      reuseGraceSeconds: env.REFRESH_REUSE_GRACE_SECONDS,
    },
    auditRetentionDays: env.AUDIT_RETENTION_DAYS,
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

function decodeSecret(text: string, problems: string[]): Buffer | undefined {
  const trimmed = text.trim()
  const bytes = /^[0-9a-fA-F]+$/.test(trimmed) && trimmed.length % 2 === 0
    ? Buffer.from(trimmed, 'hex')
    : Buffer.from(trimmed, 'base64')
  if (bytes.length < 32) {
    problems.push('OTP_SECRET: must be at least 32 bytes, given as hex or base64')
    return undefined
  }
  return bytes
}

function parseAllowedCountries(text: string | undefined, defaultCountry: string, problems: string[]): '*' | ReadonlySet<string> {
  if (text === undefined) return new Set([defaultCountry])
  if (text.trim() === '*') return '*'
  const regions = text.split(',').map((r) => r.trim().toUpperCase()).filter((r) => r !== '')
  const bad = regions.filter((r) => !/^[A-Z]{2}$/.test(r))
  if (bad.length > 0 || regions.length === 0) problems.push(`ALLOWED_COUNTRIES: expected '*' or two-letter regions, got '${text}'`)
  return new Set(regions)
}

function parseClusterNodes(text: string | undefined, problems: string[]): { host: string; port: number }[] {
  if (text === undefined) return []
  return text.split(',').map((seed) => {
    const match = /^\s*([^:\s]+):(\d{1,5})\s*$/.exec(seed)
    if (!match) problems.push(`REDIS_CLUSTER_NODES: '${seed.trim()}' is not host:port`)
    return { host: match?.[1] ?? '', port: Number(match?.[2] ?? 0) }
  })
}
