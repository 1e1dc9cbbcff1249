import type { AuthDeps, ClientInfo } from '../auth/deps.ts'
import type { AccessClaims } from '../auth/tokens.ts'
import type { User } from '../auth/users.ts'
import type { Logger } from '../observability/logger.ts'

/** What every resolver is given: the domain's dependencies and who is calling. */
export interface RequestContext {
  deps: AuthDeps
  client: ClientInfo
  requestId: string
  log: Logger
  /** The verified access-token claims of this request, or null (computed once). */
  auth(): Promise<AccessClaims | null>
  /** The user row, loaded at most once per request. */
  loadUser(id: string): Promise<User | null>
}
