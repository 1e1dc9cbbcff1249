import { randomUUID } from 'node:crypto'
import type { AuthDeps, ClientInfo } from './deps.ts'
import { SmsSendError } from '../sms/sender.ts'
import { RateLimitedError, SmsDeliveryError } from './errors.ts'
import { codeDigest, generateCode, type CodeSlot } from './otp.ts'
import { audit, otpSecret, retryAfterSeconds } from './flow-helpers.ts'
import { guardPrefix, requireHuman } from './human-check.ts'

export interface OtpSent {
  phone: string
  expiresAt: Date
  expiresInSeconds: number
  resendAvailableAt: Date
  resendAfterSeconds: number
  codeLength: number
}

/**
 * Makes a code for `slot` and sends it under every defence: CAPTCHA → IP budget → global
 * breaker → pumping guard → one phone script (cooldown, send cap, store) → SMS. Shared
 * by requestOtp and requestPhoneChange, so both spend the same budgets of the number
 * and the caller. `testCode` (TEST_PHONE_NUMBERS) is stored instead of a random code,
 * not sent, and exempt from the CAPTCHA and the guard.
 */
export async function sendCodeUnderLimits(
  deps: AuthDeps,
  slot: CodeSlot,
  testCode: string | undefined,
  client: ClientInfo,
  captchaToken?: string | null,
): Promise<OtpSent> {
  const { config, otpStore, clock } = deps
  const otp = config.otp
  const { phone } = slot
  const userId = slot.change?.userId
  const refuse = (limit: string, retryAfterMs: number) => {
    audit(deps, client, { type: 'rate_limited', phone, userId, detail: limit })
    return new RateLimitedError(retryAfterSeconds(retryAfterMs))
  }

  if (testCode === undefined) await requireHuman(deps, captchaToken, client)
  // The IP budget is checked before anything touches the phone's keys, so a request
  // refused here can neither replace someone's pending code nor spend their budget.
  const ipDecision = await otpStore.reserve('ip-sends', client.ipKey, otp.maxSendsPerIp, otp.sendWindowSeconds)
  if (!ipDecision.allowed) throw refuse('ip-sends', ipDecision.retryAfterMs)
  const globalDecision = await otpStore.reserve('global-sends', 'all', otp.maxSendsGlobal, otp.sendWindowSeconds)
  if (!globalDecision.allowed) {
    await otpStore.refund('ip-sends', client.ipKey, otp.maxSendsPerIp)
    throw refuse('global-sends', globalDecision.retryAfterMs)
  }

  const guarded = testCode === undefined ? await guardPrefix(deps, phone, client) : null
  if (guarded) {
    await otpStore.refund('ip-sends', client.ipKey, otp.maxSendsPerIp)
    await otpStore.refund('global-sends', 'all', otp.maxSendsGlobal)
    throw refuse('pumping', guarded.refusedForMs)
  }

  const code = testCode ?? generateCode(otp.length, deps.random)
  const codeId = randomUUID()
  const stored = await otpStore.storeCode(slot, codeDigest(otpSecret(config), slot, code), codeId, otp)
  if (stored.status !== 'STORED') {
    await otpStore.refund('ip-sends', client.ipKey, otp.maxSendsPerIp)
    await otpStore.refund('global-sends', 'all', otp.maxSendsGlobal)
    throw refuse(stored.status === 'COOLDOWN' ? 'cooldown' : 'phone-sends', stored.retryAfterMs)
  }

  if (testCode !== undefined) {
    deps.logger.warn({ event: 'otp.test_number_used', phone, ip: client.ip }, 'test phone number: code stored, no SMS sent')
    audit(deps, client, { type: 'test_number_used', phone, detail: 'requested' })
  } else {
    await sendCode(deps, slot, code, codeId, client)
  }
  const now = clock.now()
  return {
    phone,
    expiresAt: new Date(now.getTime() + otp.ttlSeconds * 1000),
    expiresInSeconds: otp.ttlSeconds,
    resendAvailableAt: new Date(now.getTime() + otp.resendCooldownSeconds * 1000),
    resendAfterSeconds: otp.resendCooldownSeconds,
    codeLength: otp.length,
  }
}

async function sendCode(deps: AuthDeps, slot: CodeSlot, code: string, codeId: string, client: ClientInfo): Promise<void> {
  const { phone } = slot
  const userId = slot.change?.userId
  let sent: Awaited<ReturnType<typeof deps.sms.send>>
  try {
    sent = await deps.sms.send({ phone, code })
  } catch (error) {
    const outcome = error instanceof SmsSendError ? error.outcome : 'maybe-sent'
    deps.logger.warn({ event: 'otp.send_failed', phone, outcome, err: error }, 'SMS not delivered to the provider')
    // A message that definitely did not leave must not leave a usable code or a
    // cooldown behind; one that may still arrive keeps its code until the TTL.
    audit(deps, client, { type: 'otp_send_failed', phone, userId, detail: outcome })
    if (outcome === 'not-sent') await deps.otpStore.withdrawCode(slot, codeId)
    throw new SmsDeliveryError()
  }
  deps.logger.info({ event: 'otp.sent', phone, provider: deps.sms.name }, 'code sent')
  audit(deps, client, { type: 'otp_sent', phone, userId, detail: deps.sms.name })
  if (sent.providerMessageId && deps.config.msg91WebhookTokens.length > 0) await rememberSendQuietly(deps, sent.providerMessageId, phone)
}

/** For the delivery report (MSG91_WEBHOOK_TOKEN); the code is out, so a failure here is only logged. */
async function rememberSendQuietly(deps: AuthDeps, providerMessageId: string, phone: string): Promise<void> {
  try {
    await deps.pumping.rememberSend(providerMessageId, phone)
  } catch (error) {
    deps.logger.warn({ err: error, event: 'sms.report_match_lost' }, 'the delivery report of this message will not be matched')
  }
}
