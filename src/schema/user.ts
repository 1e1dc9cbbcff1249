import type { RequestContext } from './context.ts'
import type { User } from '../auth/users.ts'
import { builder } from './builder.ts'

/**
 * A user as the schema sees it: the id always (from the token), the row only when a
 * field other than `id` is asked for, so `me { id }` needs no database read.
 */
export interface UserSource {
  id: string
  record?: User
}

async function userRecord(user: UserSource, context: RequestContext): Promise<User> {
  const record = user.record ?? (await context.loadUser(user.id))
  if (!record) throw new Error('user row not found')
  return record
}

export const UserType = builder.objectRef<UserSource>('User').implement({
  description: 'A person who signed in with a phone number.',
  fields: (t) => ({
    id: t.exposeID('id'),
    phone: t.string({ description: 'E.164', resolve: async (user, _args, context) => (await userRecord(user, context)).phone }),
    createdAt: t.field({ type: 'DateTime', resolve: async (user, _args, context) => (await userRecord(user, context)).createdAt }),
    lastSignInAt: t.field({
      type: 'DateTime',
      nullable: true,
      resolve: async (user, _args, context) => (await userRecord(user, context)).lastSignInAt,
    }),
  }),
})

builder.queryField('me', (t) =>
  t.field({
    type: UserType,
    nullable: true,
    description: 'The signed-in user (from `Authorization: Bearer <accessToken>`), or null without a valid access token.',
    resolve: async (_root, _args, context) => {
      const claims = await context.auth()
      return claims ? { id: claims.userId } : null
    },
  }),
)
