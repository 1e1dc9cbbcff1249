import type { DestinationStream } from 'pino'
import { loadConfig, type Config } from '../../src/config/config.ts'
import type { Deps } from '../../src/http/deps.ts'
import { composeDeps, createSmsSender, tuneRuntime } from '../../src/compose.ts'
import { openDatabase } from '../../src/db/client.ts'
import { createLogger } from '../../src/observability/logger.ts'
import { openRedis } from '../../src/redis/open.ts'
import { serviceLimitEnvironment } from './limits.ts'
import type { BenchSettings } from './settings.ts'

/**
 * The composition of src/main.ts: composeDeps over real Redis and PostgreSQL with the
 * sender SMS_PROVIDER=msg91 builds, pointed (MSG91_BASE_URL) at the bench's fake
 * MSG91, so every code leaves over HTTP as in production.
 */
export async function openBenchDeps(settings: BenchSettings): Promise<{ deps: Deps; close: () => Promise<void> }> {
  const config = benchConfig(settings)
  tuneRuntime(config)
  const logger = createLogger(config.logLevel, firstLinesToStderr(5))
  const { redis } = await openRedis(config)
  const database = await openDatabase({ databaseUrl: config.databaseUrl, migrate: false, logger })
  return composeDeps(config, logger, { redis, database }, createSmsSender(config, logger))
}

/**
 * Defaults everywhere but the limits of limits.ts. The outbox is written as with
 * WEBHOOK_URL set (a new user's user.created row, in the sign-in statement), but no
 * dispatcher runs in the measured process: delivering is background work that any
 * instance may do, and the floor does not deliver either.
 */
function benchConfig(settings: BenchSettings): Config {
  const config = loadConfig({
    ...serviceLimitEnvironment,
    OTP_SECRET: settings.otpSecretHex,
    JWT_PRIVATE_KEY: settings.jwtPrivateKeyPem,
    DATABASE_URL: settings.databaseUrl,
    REDIS_URL: settings.redisUrl,
    REDIS_KEY_PREFIX: settings.redisKeyPrefix,
    MSG91_BASE_URL: settings.msg91BaseUrl,
    LOG_LEVEL: settings.logLevel,
  })
  return { ...config, lifecycleEvents: true }
}

/** Log lines go to stderr (stdout may carry --json), the first few only: a broken run fails every request. */
function firstLinesToStderr(limit: number): DestinationStream {
  let written = 0
  return {
    write(line: string) {
      if (written++ < limit) process.stderr.write(`bench: server log: ${summary(line)}\n`)
      else if (written === limit + 1) process.stderr.write('bench: server log: further lines suppressed\n')
    },
  }
}

/** The message, the error and where it was thrown, instead of a whole JSON record. */
function summary(line: string): string {
  try {
    const entry = JSON.parse(line) as { msg?: string; err?: { type?: string; message?: string; stack?: string } }
    const where = entry.err?.stack?.split('\n')[1]?.trim() ?? ''
    return `${entry.msg}: ${entry.err?.type ?? ''} ${entry.err?.message ?? ''} ${where}`
  } catch {
    return line.trimEnd()
  }
}
