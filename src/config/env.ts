import { z } from 'zod'
import { parseTrustProxy } from './parsers.ts'

/**
 * The environment variables of ../shared/contract/config.md with their defaults and
 * types. Cross-variable rules live in config.ts.
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
/** A number from 0 to 1, e.g. a score or a ratio. */
const fraction = (fallback: number) =>
  z
    .string()
    .regex(/^(0(\.\d+)?|1(\.0+)?|\.\d+)$/, 'must be a number from 0 to 1')
    .optional()
    .transform((v) => (v === undefined ? fallback : Number(v)))
const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v))
const region = z.string().regex(/^[A-Za-z]{2}$/, 'must be a two-letter ISO-3166 region').transform((v) => v.toUpperCase())

export const envSchema = z.object({
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
  REAUTH_WINDOW_SECONDS: seconds(300),
  DORMANT_ACCOUNT_DAYS: int(0, 0),
  MSG91_WEBHOOK_TOKEN: optionalText,
  CAPTCHA_PROVIDER: optionalText.pipe(z.enum(['turnstile', 'hcaptcha', 'recaptcha']).optional()),
  CAPTCHA_SECRET_KEY: optionalText,
  CAPTCHA_VERIFY_URL: optionalText.pipe(z.url({ protocol: /^https?$/ }).optional()),
  CAPTCHA_EXPECTED_HOSTNAME: optionalText,
  CAPTCHA_MIN_SCORE: fraction(0.5),
  CAPTCHA_TIMEOUT_MS: int(3000, 100, 60000),
  CAPTCHA_MAX_CHECKS_PER_IP: cap(100),
  PUMPING_GUARD: z.enum(['on', 'monitor', 'off']).default('on'),
  PUMPING_PREFIX_DIGITS: int(4, 0, 12),
  PUMPING_WINDOW_SECONDS: seconds(3600),
  PUMPING_MIN_SENDS: int(50, 1),
  PUMPING_MIN_CONVERSION: fraction(0.2),
  PUMPING_BLOCK_SECONDS: seconds(3600),
  WEBHOOK_URL: optionalText.pipe(z.url({ protocol: /^https?$/ }).optional()),
  WEBHOOK_SECRET: optionalText,
  WEBHOOK_TIMEOUT_MS: int(5000, 100, 60000),
  WEBHOOK_RETRY_SECONDS: seconds(86400),
  AUDIT_RETENTION_DAYS: int(90, 0),
  CORS_ORIGINS: optionalText,
  TRUSTED_DOCUMENTS: optionalText,
})

