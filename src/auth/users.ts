import { findUserById, type UserRecord } from '../db/users.ts'
import type { AuthDeps } from './deps.ts'

/** A user as the domain hands it out: the account's row. */
export type User = UserRecord

export function loadUser(deps: Pick<AuthDeps, 'prisma'>, id: string): Promise<User | null> {
  return findUserById(deps.prisma, id)
}
