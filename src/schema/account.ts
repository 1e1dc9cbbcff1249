import { deleteAccount, type AccountDeleted } from '../auth/delete-account.ts'
import { InvalidOtpError, RateLimitedError, ReauthenticationRequiredError } from '../auth/errors.ts'
import { reauthenticate, type Reauthenticated } from '../auth/reauthenticate.ts'
import { refuseOversized } from './auth.ts'
import { builder } from './builder.ts'
import { signedIn, unauthenticated } from './session.ts'

/** The life of an account: proving again that one holds its phone, and deletion. */

const ReauthenticatedType = builder.objectRef<Reauthenticated>('Reauthenticated').implement({
  description: "The caller's session counts as freshly authenticated: sensitive changes are allowed until reauthenticatedUntil.",
  fields: (t) => ({
    reauthenticatedUntil: t.expose('reauthenticatedUntil', { type: 'DateTime' }),
    expiresInSeconds: t.exposeInt('expiresInSeconds', { description: 'Relative twin of reauthenticatedUntil.' }),
  }),
})

builder.mutationField('reauthenticate', (t) =>
  t.field({
    type: ReauthenticatedType,
    nullable: true,
    description:
      "Proves again that the caller holds the account's phone, with a code requestOtp sent to the account's own number. " +
      'The code is consumed; no session is created. Without a valid access token: null and UNAUTHENTICATED.',
    args: { otp: t.arg.string({ required: true }) },
    errors: { types: [InvalidOtpError, RateLimitedError], directResult: true, union: { name: 'ReauthenticateResult' } },
    resolve: async (_root, { otp }, context) => {
      const claims = await signedIn(context)
      refuseOversized(otp, () => new InvalidOtpError('MALFORMED', 0))
      // null: the account or the session ended since the token was checked.
      const result = await reauthenticate(context.deps, claims, otp, context.client)
      if (!result) throw unauthenticated()
      return result
    },
  }),
)

const AccountDeletedType = builder.objectRef<AccountDeleted>('AccountDeleted').implement({
  description: 'The account is gone: its sessions ended, its numbers erased.',
  fields: (t) => ({
    userId: t.exposeID('userId'),
    deletedAt: t.expose('deletedAt', { type: 'DateTime' }),
  }),
})

builder.mutationField('deleteAccount', (t) =>
  t.field({
    type: AccountDeletedType,
    nullable: true,
    description:
      'Deletes the signed-in account at once; needs a recent sign-in or reauthenticate. Every session ends, access tokens ' +
      'included; the number is free for a new account. Without a valid access token: null and UNAUTHENTICATED.',
    errors: { types: [ReauthenticationRequiredError], directResult: true, union: { name: 'DeleteAccountResult' } },
    resolve: async (_root, _args, context) => {
      const deleted = await deleteAccount(context.deps, await signedIn(context), context.client)
      // null: deleted meanwhile (another device): the token is no longer valid.
      if (!deleted) throw unauthenticated()
      return deleted
    },
  }),
)
