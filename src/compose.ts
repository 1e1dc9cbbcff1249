import { cryptoRandom } from './auth/otp.ts'
import { createOtpStore } from './auth/otp-store.ts'
import { createRevocationStore } from './auth/revocation-store.ts'
import { createTokenSigner } from './auth/tokens.ts'
import type { Config } from './config/config.ts'
import { systemClock, type Deps } from './context.ts'
import type { Database } from './db/client.ts'
import { createEventWriter } from './db/events.ts'
import { startAuditRetention } from './db/retention.ts'
import type { Logger } from './observability/logger.ts'
import { createMetrics, fanOutEvents, instrumentSender } from './observability/metrics.ts'
import type { RedisClient } from './redis/client.ts'
import type { SmsSender } from './sms/sender.ts'

/**
 * The service's dependencies over opened stores: the one composition used by main.ts
 * and by the benchmark, so both run exactly the same service. `close` stops the
 * background work (audit batches, retention) and closes the stores.
 */
export async function composeDeps(
  config: Config,
  logger: Logger,
  stores: { redis: RedisClient; database: Database },
  sms: SmsSender,
): Promise<{ deps: Deps; close: () => Promise<void> }> {
  const { redis, database } = stores
  const metrics = createMetrics()
  const audit = createEventWriter(database.prisma, logger, { flushIntervalMs: 1000, maxBatch: 500, maxQueued: 50_000, now: () => new Date() })
  const stopRetention = startAuditRetention(database.prisma, logger, config.auditRetentionDays, () => new Date())
  const deps: Deps = {
    config,
    logger,
    otpStore: createOtpStore(redis, config.redisKeyPrefix),
    revocations: createRevocationStore(redis, config.redisKeyPrefix),
    events: fanOutEvents(audit, metrics.events),
    metrics,
    prisma: database.prisma,
    sms: instrumentSender(sms, metrics),
    signer: await createTokenSigner({ ...config.jwt, privateKeyPem: config.jwt.privateKeyPem! }),
    clock: systemClock,
    random: cryptoRandom,
    readinessChecks: [
      { name: 'redis', check: async () => void (await redis.ping()) },
      { name: 'database', check: (timeoutMs) => database.ping(timeoutMs) },
    ],
  }
  const close = async () => {
    stopRetention()
    await audit.close()
    redis.disconnect()
    await database.close()
  }
  return { deps, close }
}
