import { GraphQLError } from 'graphql'
import { InvalidRefreshTokenError } from '../auth/errors.ts'
import * as sessions from '../auth/sessions.ts'
import type { AccessClaims } from '../auth/tokens.ts'
import type { RequestContext } from './context.ts'
import { builder } from './builder.ts'
import { AuthSessionType } from './auth.ts'

const SessionType = builder.objectRef<sessions.SessionView>('Session').implement({
  description: 'One signed-in device.',
  fields: (t) => ({
    id: t.exposeID('id'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime', description: 'The last sign-in or refresh.' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', description: 'When the refresh token runs out unless used.' }),
    userAgent: t.exposeString('userAgent', { nullable: true, description: 'As recorded at sign-in.' }),
    current: t.exposeBoolean('current', { description: "True for the session of the caller's access token." }),
  }),
})

/** Fields for signed-in users: without a valid access token, null plus UNAUTHENTICATED. */
export async function signedIn(context: RequestContext): Promise<AccessClaims> {
  const claims = await context.auth()
  if (!claims) throw unauthenticated()
  return claims
}

export function unauthenticated(): GraphQLError {
  return new GraphQLError('Sign in first: this needs a valid access token.', { extensions: { code: 'UNAUTHENTICATED' } })
}

builder.queryField('sessions', (t) =>
  t.field({
    type: [SessionType],
    nullable: true,
    description: "The signed-in user's active sessions (one per device), newest first.",
    resolve: async (_root, _args, context) => sessions.listSessions(context.deps, await signedIn(context)),
  }),
)

builder.mutationFields((t) => ({
  refreshSession: t.field({
    type: AuthSessionType,
    description: 'Exchanges a refresh token for a new pair in the same session; the presented token stops working.',
    args: { refreshToken: t.arg.string({ required: true }) },
    errors: { types: [InvalidRefreshTokenError], directResult: true, union: { name: 'RefreshSessionResult' } },
    resolve: (_root, { refreshToken }, context) => sessions.refreshSession(context.deps, refreshToken, context.client),
  }),
  signOut: t.boolean({
    description: 'Revokes the session that refreshToken belongs to. True when a session was revoked.',
    args: { refreshToken: t.arg.string({ required: true }) },
    resolve: (_root, { refreshToken }, context) => sessions.signOut(context.deps, refreshToken, context.client),
  }),
  revokeSession: t.id({
    nullable: true,
    description: "Revokes one of the signed-in user's own sessions; its id, or null when nothing was revoked.",
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, context) => sessions.revokeSession(context.deps, await signedIn(context), String(id), context.client),
  }),
  revokeOtherSessions: t.int({
    nullable: true,
    description: "Revokes every session of the signed-in user except the caller's; answers how many.",
    resolve: async (_root, _args, context) => sessions.revokeOtherSessions(context.deps, await signedIn(context), context.client),
  }),
}))
