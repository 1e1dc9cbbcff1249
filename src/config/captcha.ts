import type { Env } from './config.ts'

/** Each provider's own siteverify endpoint (CAPTCHA_VERIFY_URL overrides it). */
const siteverifyUrls = {
  turnstile: 'https://challenges.cloudflare.com/turnstile/v0/siteverify',
  hcaptcha: 'https://api.hcaptcha.com/siteverify',
  recaptcha: 'https://www.google.com/recaptcha/api/siteverify',
} as const

/** CAPTCHA_*: the provider is unset (off) unless CAPTCHA_PROVIDER names one. */
export function captchaSettings(env: Env) {
  const provider = env.CAPTCHA_PROVIDER
  return {
    provider,
    secretKey: env.CAPTCHA_SECRET_KEY,
    verifyUrl: env.CAPTCHA_VERIFY_URL ?? (provider ? siteverifyUrls[provider] : undefined),
    expectedHostname: env.CAPTCHA_EXPECTED_HOSTNAME,
    minScore: env.CAPTCHA_MIN_SCORE,
    timeoutMs: env.CAPTCHA_TIMEOUT_MS,
    maxChecksPerIp: env.CAPTCHA_MAX_CHECKS_PER_IP,
  }
}
