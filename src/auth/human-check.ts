import { isPlausibleCaptchaToken } from '../captcha/siteverify.ts'
import type { AuthDeps, ClientInfo } from './deps.ts'
import { CaptchaRequiredError, RateLimitedError } from './errors.ts'
import { audit, retryAfterSeconds } from './flow-helpers.ts'
import { destinationPrefix, regionOf } from './phone.ts'

/**
 * The defences the per-phone and per-IP caps cannot be: a human check, and a guard
 * against SMS pumping (bots asking for codes to many numbers of one revenue-sharing
 * range, from many addresses, never entering one).
 */

/**
 * CAPTCHA_PROVIDER set: the send needs a token the provider accepts, checked before any
 * send limit is spent. Ill-formed tokens never reach the provider; calls are capped per
 * IP; a provider that errs or is too slow refuses the send (fail closed).
 */
export async function requireHuman(deps: AuthDeps, token: string | null | undefined, client: ClientInfo): Promise<void> {
  const { captcha, abuseSignals } = deps
  if (!captcha) return
  const refuse = (outcome: string) => {
    abuseSignals.captchaChecked(outcome)
    audit(deps, client, { type: 'captcha_refused', detail: outcome })
    return new CaptchaRequiredError()
  }
  if (token === null || token === undefined || token === '') throw refuse('missing')
  if (!isPlausibleCaptchaToken(token)) throw refuse('malformed')
  const cap = deps.config.captcha.maxChecksPerIp
  const allowed = await deps.otpStore.reserve('captcha-checks', client.ipKey, cap, deps.config.otp.sendWindowSeconds)
  if (!allowed.allowed) {
    abuseSignals.captchaChecked('ip_capped')
    throw new RateLimitedError(retryAfterSeconds(allowed.retryAfterMs))
  }
  const verdict = await captcha.verify(token, client.ip)
  if (verdict.outcome === 'passed') return abuseSignals.captchaChecked('passed')
  if (verdict.outcome === 'unavailable') {
    deps.logger.warn({ event: 'captcha.unavailable', provider: captcha.provider, reason: verdict.reason }, 'CAPTCHA could not be checked: send refused')
    throw refuse('unavailable')
  }
  throw refuse('refused')
}

/**
 * The pumping guard: the number joins its prefix's sent set, and a prefix whose
 * conversion has fallen too low is suspect. Suspect sends go on when a CAPTCHA checked
 * them (a person passes the challenge, a bot pays for each) or in `monitor` mode;
 * otherwise they are refused: the answer is then how long the prefix stays suspect.
 */
export async function guardPrefix(deps: AuthDeps, phone: string, client: ClientInfo): Promise<{ refusedForMs: number } | null> {
  const settings = deps.config.pumping
  if (settings.mode === 'off') return null
  const prefix = destinationPrefix(phone, settings.prefixDigits)
  const decision = await deps.pumping.recordSend(prefix, phone, settings)
  if (decision.status === 'OK') return null
  const country = regionOf(phone)
  if (decision.status === 'BLOCKED_NOW') {
    deps.abuseSignals.prefixSuspected(country)
    deps.logger.warn({ event: 'pumping.prefix_suspect', prefix, country, mode: settings.mode }, 'SMS pumping suspected: low conversion for this prefix')
    audit(deps, client, { type: 'pumping_suspected', detail: prefix })
  }
  if (settings.mode === 'monitor' || deps.captcha) return null
  deps.abuseSignals.sendRefusedByGuard(country)
  return { refusedForMs: decision.retryAfterMs }
}

/**
 * A verified code (sign-in, reauthentication, phone change) counts for its prefix. A
 * correct code is never refused because this could not be written.
 */
export async function recordVerifiedQuietly(deps: AuthDeps, phone: string): Promise<void> {
  const settings = deps.config.pumping
  if (settings.mode === 'off') return
  try {
    await deps.pumping.recordVerified(destinationPrefix(phone, settings.prefixDigits), phone)
  } catch (error) {
    deps.logger.warn({ err: error, event: 'pumping.verify_not_counted' }, 'verification not counted by the pumping guard')
  }
}
