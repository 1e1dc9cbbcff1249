/**
 * The closed set of domain outcomes a client may see as typed GraphQL errors. Anything
 * that is not one of these classes is an internal failure and is masked by Yoga.
 */

export abstract class DomainError extends Error {
  abstract readonly code: string
}

export class InvalidPhoneError extends DomainError {
  readonly code = 'INVALID_PHONE'
  constructor(message = 'This is not a valid phone number.') {
    super(message)
    this.name = 'InvalidPhoneError'
  }
}

export type InvalidOtpReason = 'INCORRECT' | 'EXPIRED' | 'TOO_MANY_ATTEMPTS' | 'MALFORMED'

const invalidOtpMessages: Record<InvalidOtpReason, string> = {
  INCORRECT: 'The code is not correct.',
  EXPIRED: 'There is no active code for this number; request a new one.',
  TOO_MANY_ATTEMPTS: 'Too many wrong codes; request a new one.',
  MALFORMED: 'The code must be digits only, of the length sent by SMS.',
}

export class InvalidOtpError extends DomainError {
  readonly code = 'INVALID_OTP'
  constructor(
    readonly reason: InvalidOtpReason,
    readonly attemptsRemaining: number,
  ) {
    super(invalidOtpMessages[reason])
    this.name = 'InvalidOtpError'
  }
}

export class RateLimitedError extends DomainError {
  readonly code = 'RATE_LIMITED'
  constructor(
    readonly retryAfterSeconds: number,
    message = `Too many requests; try again in ${retryAfterSeconds} s.`,
  ) {
    super(message)
    this.name = 'RateLimitedError'
  }
}

export class SmsDeliveryError extends DomainError {
  readonly code = 'SMS_DELIVERY_FAILED'
  constructor(message = 'The SMS could not be sent; please try again.') {
    super(message)
    this.name = 'SmsDeliveryError'
  }
}

export class SignUpDisabledError extends DomainError {
  readonly code = 'SIGN_UP_DISABLED'
  constructor(message = 'No account uses this number, and sign-up is closed.') {
    super(message)
    this.name = 'SignUpDisabledError'
  }
}

export class ReauthenticationRequiredError extends DomainError {
  readonly code = 'REAUTHENTICATION_REQUIRED'
  constructor(message = 'This change needs a recent sign-in: call reauthenticate with a code sent to your number, then try again.') {
    super(message)
    this.name = 'ReauthenticationRequiredError'
  }
}

export class CaptchaRequiredError extends DomainError {
  readonly code = 'CAPTCHA_REQUIRED'
  constructor(message = 'Solve the challenge and send its captchaToken: it was missing, invalid, expired or already used.') {
    super(message)
    this.name = 'CaptchaRequiredError'
  }
}

export class PhoneInUseError extends DomainError {
  readonly code = 'PHONE_IN_USE'
  constructor(message = 'Another account has this number.') {
    super(message)
    this.name = 'PhoneInUseError'
  }
}

export class InvalidRefreshTokenError extends DomainError {
  readonly code = 'INVALID_REFRESH_TOKEN'
  constructor(message = 'The refresh token is not valid; sign in again.') {
    super(message)
    this.name = 'InvalidRefreshTokenError'
  }
}
