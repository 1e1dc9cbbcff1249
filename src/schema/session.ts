import { GraphQLError } from 'graphql'
import { InvalidRefreshTokenError } from '../auth/errors.ts'
import { builder } from './builder.ts'
import { AuthSessionType } from './auth.ts'

export interface SessionView {
  id: string
  createdAt: Date
  lastUsedAt: Date
  expiresAt: Date
  userAgent: string | null
  current: boolean
}

const SessionRef = builder.objectRef<SessionView>('Session').implement({
  description: 'One signed-in device.',
  fields: (t) => ({
    id: t.exposeID('id'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
    userAgent: t.exposeString('userAgent', { nullable: true }),
    current: t.exposeBoolean('current', { description: "True for the session of the caller's access token." }),
  }),
})


function notAvailableYet(field: string): never {
  throw new GraphQLError(`${field} is not available yet`, { extensions: { code: 'NOT_AVAILABLE' } })
}

builder.queryField('sessions', (t) =>
  t.field({ type: [SessionRef], nullable: true, resolve: () => notAvailableYet('sessions') }),
)

builder.mutationFields((t) => ({
  refreshSession: t.field({
    type: AuthSessionType,
    args: { refreshToken: t.arg.string({ required: true }) },
    errors: { types: [InvalidRefreshTokenError], directResult: true, union: { name: 'RefreshSessionResult' } },
    resolve: () => notAvailableYet('refreshSession'),
  }),
  signOut: t.boolean({ args: { refreshToken: t.arg.string({ required: true }) }, resolve: () => notAvailableYet('signOut') }),
  revokeSession: t.id({ nullable: true, args: { id: t.arg.id({ required: true }) }, resolve: () => notAvailableYet('revokeSession') }),
  revokeOtherSessions: t.int({ nullable: true, resolve: () => notAvailableYet('revokeOtherSessions') }),
}))
