/**
 * The human check before a code is sent: the CAPTCHA provider's siteverify API (Cloudflare
 * Turnstile, hCaptcha, Google reCAPTCHA v2/v3). All three take the same form-encoded
 * request — secret, the client's token, the client's IP — and answer JSON with `success`
 * and `error-codes`; reCAPTCHA v3 adds a `score`, and all report the `hostname` the
 * challenge was solved on.
 */

export type CaptchaProvider = 'turnstile' | 'hcaptcha' | 'recaptcha'

export interface CaptchaSettings {
  provider: CaptchaProvider
  secretKey: string
  verifyUrl: string
  expectedHostname: string | undefined
  /** reCAPTCHA's score below this is refused (only reCAPTCHA's score means "human"). */
  minScore: number
  timeoutMs: number
}

/** passed; refused (invalid, expired, reused, low score, wrong host); or unavailable. */
export type CaptchaVerdict = { outcome: 'passed' } | { outcome: 'refused'; reason: string } | { outcome: 'unavailable'; reason: string }

interface SiteverifyAnswer {
  success?: unknown
  score?: unknown
  hostname?: unknown
  'error-codes'?: unknown
}

export function createCaptchaVerifier(settings: CaptchaSettings) {
  return {
    provider: settings.provider,
    async verify(token: string, clientIp: string): Promise<CaptchaVerdict> {
      let answer: SiteverifyAnswer
      try {
        const response = await fetch(settings.verifyUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ secret: settings.secretKey, response: token, remoteip: clientIp }),
          signal: AbortSignal.timeout(settings.timeoutMs),
          redirect: 'error',
        })
        if (!response.ok) return { outcome: 'unavailable', reason: `http_${response.status}` }
        answer = (await response.json()) as SiteverifyAnswer
      } catch (error) {
        const name = (error as Error).name
        return { outcome: 'unavailable', reason: name === 'TimeoutError' ? 'timeout' : name === 'SyntaxError' ? 'bad_answer' : 'connection' }
      }
      return judge(answer, settings)
    },
  }
}

export type CaptchaVerifier = ReturnType<typeof createCaptchaVerifier>

function judge(answer: SiteverifyAnswer, settings: CaptchaSettings): CaptchaVerdict {
  if (typeof answer !== 'object' || answer === null || typeof answer.success !== 'boolean') return { outcome: 'unavailable', reason: 'bad_answer' }
  if (!answer.success) {
    const codes = Array.isArray(answer['error-codes']) ? answer['error-codes'].filter((c) => typeof c === 'string') : []
    // A secret the provider refuses is our fault, not the person's: fail closed, loudly.
    if (codes.some((code) => /secret/.test(code))) return { outcome: 'unavailable', reason: 'secret_refused' }
    return { outcome: 'refused', reason: codes.some((code) => /timeout|duplicate|expired/.test(code)) ? 'expired_or_used' : 'invalid' }
  }
  if (settings.expectedHostname && answer.hostname !== settings.expectedHostname) return { outcome: 'refused', reason: 'hostname' }
  // hCaptcha's optional score is a RISK score (higher = more likely a bot); only
  // reCAPTCHA v3's score is a likelihood of a human, and only it is held to the minimum.
  if (settings.provider === 'recaptcha' && typeof answer.score === 'number' && answer.score < settings.minScore) {
    return { outcome: 'refused', reason: 'low_score' }
  }
  return { outcome: 'passed' }
}

const maxTokenLength = 4096

/** Tokens are opaque, URL-safe text; anything else is refused without asking anyone. */
export function isPlausibleCaptchaToken(token: string): boolean {
  return token.length > 0 && token.length <= maxTokenLength && /^[A-Za-z0-9._\-:+/=*]+$/.test(token)
}
