import { deleteUser, forgetPhonesInAudit } from '../db/accounts.ts'
import type { AuthDeps, ClientInfo } from './deps.ts'
import { ReauthenticationRequiredError } from './errors.ts'
import { markSessionsRevoked } from './flow-helpers.ts'
import type { AccessClaims } from './tokens.ts'

export interface AccountDeleted {
  userId: string
  deletedAt: Date
}

/**
 * deleteAccount: the account goes at once (App Store guideline 5.1.1(v): deletion, not
 * deactivation). Needs a recent authentication of the calling session.
 *
 * Every session ends for good BEFORE the deletion commits: their revocation markers
 * (and the end of the number's pending code) are written to Redis inside the
 * transaction, with the sessions locked. If Redis fails, nothing is deleted and the
 * answer is SERVICE_UNAVAILABLE — a deletion committed first would leave live access
 * tokens for up to ACCESS_TOKEN_TTL_SECONDS and no session left to retry from.
 */
export async function deleteAccount(deps: AuthDeps, claims: AccessClaims, client: ClientInfo): Promise<AccountDeleted | null> {
  const now = deps.clock.now()
  const outcome = await deleteUser(deps.prisma, {
    userId: claims.userId,
    sessionId: claims.sessionId,
    recentSince: new Date(now.getTime() - deps.config.session.reauthWindowSeconds * 1000),
    lifecycleEvents: deps.config.lifecycleEvents,
    now,
    beforeCommit: async (sessionIds, phone) => {
      await markSessionsRevoked(deps, sessionIds)
      if (phone) await deps.otpStore.discardCode(phone)
      await deps.otpStore.discardPendingChange(claims.userId)
    },
  })
  if (outcome.status === 'GONE') return null
  if (outcome.status === 'NOT_RECENT') throw new ReauthenticationRequiredError()
  await forgetQueuedPhones(deps, claims.userId, outcome.phones)
  deps.logger.info({ event: 'auth.account_deleted', userId: claims.userId, ip: client.ip }, 'account deleted')
  return { userId: claims.userId, deletedAt: now }
}

/**
 * The numbers also leave the audit events still queued in memory; a batch that was
 * being written while the deletion scrubbed the table is scrubbed once it has landed.
 */
async function forgetQueuedPhones(deps: AuthDeps, userId: string, phones: string[]): Promise<void> {
  try {
    await deps.events.forgetPhones?.(phones)
    await forgetPhonesInAudit(deps.prisma, userId, phones)
  } catch (error) {
    deps.logger.error({ err: error, event: 'auth.account_deleted_scrub_failed' }, 'numbers of a deleted account may remain in the audit trail')
  }
}
