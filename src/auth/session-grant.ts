import type { UserRecord } from '../db/users.ts'

/** What a sign-in or a refresh hands the client: the AuthSession of the schema. */
export interface SessionGrant {
  sessionId: string
  accessToken: string
  accessTokenExpiresAt: Date
  refreshToken: string
  refreshTokenExpiresAt: Date
  user: UserRecord
  isNewUser: boolean
}
