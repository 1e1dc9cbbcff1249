import { CaptchaRequiredError, InvalidOtpError, InvalidPhoneError, RateLimitedError, SignUpDisabledError, SmsDeliveryError } from '../auth/errors.ts'
import { requestOtp, type OtpSent } from '../auth/request-otp.ts'
import { verifyOtp, type SignedIn } from '../auth/verify-otp.ts'
import { builder } from './builder.ts'
import { UserType } from './user.ts'

/** Longest input read at all; anything longer is refused before any parsing. */
const maxArgumentLength = 256

export const OtpSentType = builder.objectRef<OtpSent>('OtpSent').implement({
  description: 'A code is on its way by SMS.',
  fields: (t) => ({
    phone: t.exposeString('phone', { description: 'The number in E.164, as normalised.' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
    expiresInSeconds: t.exposeInt('expiresInSeconds', { description: 'Relative twin of expiresAt, immune to a wrong device clock.' }),
    resendAvailableAt: t.expose('resendAvailableAt', { type: 'DateTime' }),
    resendAfterSeconds: t.exposeInt('resendAfterSeconds'),
    codeLength: t.exposeInt('codeLength'),
  }),
})

export const AuthSessionType = builder.objectRef<SignedIn>('AuthSession').implement({
  description: 'A signed-in session: a short-lived access token and a rotating refresh token.',
  fields: (t) => ({
    sessionId: t.exposeID('sessionId', { description: 'Stays the same across refreshes; the `sid` claim of the access token.' }),
    accessToken: t.exposeString('accessToken', { description: 'JWT, verifiable with the keys at GET /.well-known/jwks.json.' }),
    tokenType: t.string({ resolve: () => 'Bearer' }),
    expiresAt: t.field({ type: 'DateTime', description: 'When accessToken expires.', resolve: (s) => s.accessTokenExpiresAt }),
    expiresInSeconds: t.int({
      // Rounded down: a client that refreshes when this runs out is never late.
      resolve: (s, _args, context) => Math.max(0, Math.floor((s.accessTokenExpiresAt.getTime() - context.deps.clock.now().getTime()) / 1000)),
    }),
    refreshToken: t.exposeString('refreshToken', { description: 'Opaque; stored only as a hash on the server.' }),
    refreshTokenExpiresAt: t.expose('refreshTokenExpiresAt', { type: 'DateTime' }),
    isNewUser: t.exposeBoolean('isNewUser'),
    user: t.field({ type: UserType, resolve: (s) => ({ id: s.user.id, record: s.user }) }),
  }),
})

export function refuseOversized(value: string, error: () => Error): void {
  if (value.length > maxArgumentLength) throw error()
}

builder.mutationField('requestOtp', (t) =>
  t.field({
    type: OtpSentType,
    description: 'Sends a one-time code by SMS. The answer never reveals whether an account exists for the number.',
    args: {
      phone: t.arg.string({ required: true }),
      captchaToken: t.arg.string({ description: 'The CAPTCHA widget\'s token; required when the server has a CAPTCHA provider.' }),
    },
    errors: {
      types: [InvalidPhoneError, RateLimitedError, SmsDeliveryError, CaptchaRequiredError],
      directResult: true,
      union: { name: 'RequestOtpResult' },
    },
    resolve: (_root, { phone, captchaToken }, context) => {
      refuseOversized(phone, () => new InvalidPhoneError('The phone number is too long.'))
      return requestOtp(context.deps, phone, context.client, captchaToken)
    },
  }),
)

builder.mutationField('verifyOtp', (t) =>
  t.field({
    type: AuthSessionType,
    description: 'Checks the code; on success consumes it and signs the user in (creating the user unless sign-up is closed).',
    args: { phone: t.arg.string({ required: true }), otp: t.arg.string({ required: true }) },
    errors: {
      types: [InvalidPhoneError, InvalidOtpError, RateLimitedError, SignUpDisabledError],
      directResult: true,
      union: { name: 'VerifyOtpResult' },
    },
    resolve: (_root, { phone, otp }, context) => {
      refuseOversized(phone, () => new InvalidPhoneError('The phone number is too long.'))
      refuseOversized(otp, () => new InvalidOtpError('MALFORMED', 0))
      return verifyOtp(context.deps, phone, otp, context.client)
    },
  }),
)
