import {
  CaptchaRequiredError,
  DomainError,
  InvalidOtpError,
  InvalidPhoneError,
  InvalidRefreshTokenError,
  PhoneInUseError,
  ReauthenticationRequiredError,
  RateLimitedError,
  SignUpDisabledError,
  SmsDeliveryError,
} from '../auth/errors.ts'
import { builder } from './builder.ts'

export const ErrorInterface = builder.interfaceRef<DomainError>('Error').implement({
  description: 'A domain outcome the client is expected to handle.',
  fields: (t) => ({
    message: t.exposeString('message', { description: 'Human-readable; may change. Branch on `code`.' }),
    code: t.exposeString('code', { description: 'Stable SCREAMING_SNAKE_CASE code a client can branch on.' }),
  }),
})

// Each class is matched by instanceof: the errors plugin turns a thrown instance into
// its union member, and `isTypeOf` lets `... on Error` resolve it.
const common = { interfaces: [ErrorInterface] }

builder.objectType(InvalidPhoneError, {
  ...common,
  name: 'InvalidPhoneError',
  description: 'The phone number is not valid, or its country is not served (code INVALID_PHONE).',
  isTypeOf: (value) => value instanceof InvalidPhoneError,
})

builder.objectType(SmsDeliveryError, {
  ...common,
  name: 'SmsDeliveryError',
  description: 'The SMS provider did not accept the message (code SMS_DELIVERY_FAILED).',
  isTypeOf: (value) => value instanceof SmsDeliveryError,
})

builder.objectType(SignUpDisabledError, {
  ...common,
  name: 'SignUpDisabledError',
  description: 'The code was right, but no user has this number and sign-up is closed (code SIGN_UP_DISABLED).',
  isTypeOf: (value) => value instanceof SignUpDisabledError,
})

builder.objectType(InvalidRefreshTokenError, {
  ...common,
  name: 'InvalidRefreshTokenError',
  description: 'The refresh token is unknown, expired, revoked or already used (code INVALID_REFRESH_TOKEN).',
  isTypeOf: (value) => value instanceof InvalidRefreshTokenError,
})

builder.objectType(ReauthenticationRequiredError, {
  ...common,
  name: 'ReauthenticationRequiredError',
  description: 'The change needs a recent authentication of this session: sign in again or call reauthenticate first (code REAUTHENTICATION_REQUIRED).',
  isTypeOf: (value) => value instanceof ReauthenticationRequiredError,
})

builder.objectType(CaptchaRequiredError, {
  ...common,
  name: 'CaptchaRequiredError',
  description: 'captchaToken missing, invalid, expired or already used, or the CAPTCHA could not be checked: solve a new challenge (code CAPTCHA_REQUIRED).',
  isTypeOf: (value) => value instanceof CaptchaRequiredError,
})

builder.objectType(PhoneInUseError, {
  ...common,
  name: 'PhoneInUseError',
  description: 'Another account has this number (code PHONE_IN_USE).',
  isTypeOf: (value) => value instanceof PhoneInUseError,
})

builder.objectType(RateLimitedError, {
  ...common,
  name: 'RateLimitedError',
  description: 'Too many requests (code RATE_LIMITED).',
  isTypeOf: (value) => value instanceof RateLimitedError,
  fields: (t) => ({
    retryAfterSeconds: t.exposeInt('retryAfterSeconds', { description: 'Seconds until the limit that refused this request lets it through.' }),
  }),
})

const InvalidOtpReasonEnum = builder.enumType('InvalidOtpReason', {
  values: {
    INCORRECT: { description: 'Wrong code; attemptsRemaining tells how many tries this code has left.' },
    EXPIRED: { description: 'No active code for this number: expired, already used, or never requested.' },
    TOO_MANY_ATTEMPTS: { description: 'This code is burnt; request a new one.' },
    MALFORMED: { description: 'Not OTP_LENGTH digits; no attempt is counted.' },
  } as const,
})

builder.objectType(InvalidOtpError, {
  ...common,
  name: 'InvalidOtpError',
  description: 'The code was not accepted (code INVALID_OTP).',
  isTypeOf: (value) => value instanceof InvalidOtpError,
  fields: (t) => ({
    reason: t.field({ type: InvalidOtpReasonEnum, resolve: (error) => error.reason }),
    attemptsRemaining: t.exposeInt('attemptsRemaining', { description: 'Wrong tries this code still allows (0 once burnt or expired).' }),
  }),
})
