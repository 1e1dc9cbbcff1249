import { CaptchaRequiredError, InvalidOtpError, InvalidPhoneError, PhoneInUseError, RateLimitedError, ReauthenticationRequiredError, SmsDeliveryError } from '../auth/errors.ts'
import { confirmPhoneChange, requestPhoneChange } from '../auth/phone-change.ts'
import type { User } from '../auth/users.ts'
import { OtpSentType, refuseOversized } from './auth.ts'
import { builder } from './builder.ts'
import { signedIn, unauthenticated } from './session.ts'
import { UserType } from './user.ts'

/** Moving an account to another number, verified by a code sent to that number. */

const PhoneChangedType = builder.objectRef<{ user: User }>('PhoneChanged').implement({
  description: 'The account now has the new number; it keeps its id and its sessions.',
  fields: (t) => ({
    user: t.field({ type: UserType, description: 'With the new phone.', resolve: ({ user }) => ({ id: user.id, record: user }) }),
  }),
})

const tooLongPhone = () => new InvalidPhoneError('The phone number is too long.')

builder.mutationField('requestPhoneChange', (t) =>
  t.field({
    type: OtpSentType,
    nullable: true,
    description:
      'Starts moving the signed-in account to newPhone: sends a code to newPhone. Needs a recent sign-in or reauthenticate now; ' +
      'every limit of requestOtp applies; one pending change per account. Never reveals whether newPhone has an account. ' +
      'Without a valid access token: null and UNAUTHENTICATED.',
    args: {
      newPhone: t.arg.string({ required: true }),
      captchaToken: t.arg.string({ description: 'The CAPTCHA widget\'s token; required when the server has a CAPTCHA provider.' }),
    },
    errors: {
      types: [InvalidPhoneError, RateLimitedError, SmsDeliveryError, ReauthenticationRequiredError, CaptchaRequiredError],
      directResult: true,
      union: { name: 'RequestPhoneChangeResult' },
    },
    resolve: async (_root, { newPhone, captchaToken }, context) => {
      const claims = await signedIn(context)
      refuseOversized(newPhone, tooLongPhone)
      const sent = await requestPhoneChange(context.deps, claims, newPhone, context.client, captchaToken)
      if (!sent) throw unauthenticated()
      return sent
    },
  }),
)

builder.mutationField('confirmPhoneChange', (t) =>
  t.field({
    type: PhoneChangedType,
    nullable: true,
    description:
      'Finishes the move with the code requestPhoneChange sent to newPhone for this user from this session. ' +
      'Without a valid access token: null and UNAUTHENTICATED.',
    args: { newPhone: t.arg.string({ required: true }), otp: t.arg.string({ required: true }) },
    errors: {
      types: [InvalidPhoneError, InvalidOtpError, RateLimitedError, PhoneInUseError, ReauthenticationRequiredError],
      directResult: true,
      union: { name: 'ConfirmPhoneChangeResult' },
    },
    resolve: async (_root, { newPhone, otp }, context) => {
      const claims = await signedIn(context)
      refuseOversized(newPhone, tooLongPhone)
      refuseOversized(otp, () => new InvalidOtpError('MALFORMED', 0))
      const user = await confirmPhoneChange(context.deps, claims, newPhone, otp, context.client)
      if (!user) throw unauthenticated()
      return { user }
    },
  }),
)
