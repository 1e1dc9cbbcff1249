import type { PrismaClient } from '../generated/prisma/client.ts'
import type { Logger } from '../observability/logger.ts'
import { purgeOldEvents } from './events.ts'

const hourMs = 60 * 60 * 1000

/**
 * Purges audit events older than AUDIT_RETENTION_DAYS, once at start-up and then
 * hourly. Several instances may run it at once: deleting the same old rows twice is
 * harmless. 0 keeps events forever.
 */
export function startAuditRetention(prisma: PrismaClient, logger: Logger, retentionDays: number, now: () => Date): () => void {
  if (retentionDays === 0) return () => {}
  const purge = async () => {
    const cutoff = new Date(now().getTime() - retentionDays * 24 * hourMs)
    try {
      const deleted = await purgeOldEvents(prisma, cutoff)
      if (deleted > 0) logger.info({ deleted, cutoff }, 'old audit events purged')
    } catch (error) {
      logger.warn({ err: error }, 'audit retention purge failed; will retry')
    }
  }
  void purge()
  const timer = setInterval(() => void purge(), hourMs)
  timer.unref()
  return () => clearInterval(timer)
}
