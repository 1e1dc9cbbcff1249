import type { AuthDeps, ClientInfo } from './deps.ts'
import { sendCodeUnderLimits, type OtpSent } from './code-send.ts'
import { audit, resolvePhone } from './flow-helpers.ts'

export type { OtpSent } from './code-send.ts'

/**
 * requestOtp: a sign-in code for the number, under every send limit (code-send.ts). The
 * answer is the same whether or not an account exists, and the database is never
 * asked, so it reveals nothing about who has signed up.
 */
export async function requestOtp(deps: AuthDeps, phoneInput: string, client: ClientInfo, captchaToken?: string | null): Promise<OtpSent> {
  const { phone, testCode } = resolvePhone(phoneInput, deps.config)
  audit(deps, client, { type: 'otp_requested', phone })
  return sendCodeUnderLimits(deps, { phone }, testCode, client, captchaToken)
}
