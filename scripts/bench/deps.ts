import type { DestinationStream } from 'pino'
import { loadConfig, type Config } from '../../src/config/config.ts'
import type { Deps } from '../../src/http/deps.ts'
import { composeDeps } from '../../src/compose.ts'
import { openDatabase } from '../../src/db/client.ts'
import { createLogger } from '../../src/observability/logger.ts'
import type { OtpMessage, SmsSender } from '../../src/sms/sender.ts'
import { openRedis } from '../../src/redis/open.ts'

/** What a server thread needs to compose the real dependencies (plain data, so it crosses postMessage). */
export interface BenchSettings {
  redisUrl: string
  databaseUrl: string
  /** A prefix per server, so the two servers never see each other's keys. */
  redisKeyPrefix: string
  otpSecretHex: string
  jwtPrivateKeyPem: string
}

/**
 * The composition of src/main.ts (composeDeps), except that the SMS sender hands each
 * code to the load generator instead of the network.
 */
export async function openBenchDeps(settings: BenchSettings, deliver: (message: OtpMessage) => void): Promise<{ deps: Deps; close: () => Promise<void> }> {
  const config = benchConfig(settings)
  const logger = createLogger(config.logLevel, firstLinesToStderr(5))
  const { redis } = await openRedis(config)
  const database = await openDatabase({ databaseUrl: config.databaseUrl, migrate: false, logger })
  const inbox: SmsSender = {
    name: 'bench-inbox',
    async send(message) {
      deliver(message)
      return {}
    },
  }
  const { deps, close } = await composeDeps(config, logger, { redis, database }, inbox)
  return { deps, close }
}

/**
 * Defaults everywhere but the per-IP caps, which are raised out of reach: all load
 * comes from one IP, and the default (50 sends an hour) would refuse almost all of it.
 * Raised rather than 0, because a cap of 0 skips its Redis script and the benchmark
 * should pay every round trip production pays. Every flow uses a fresh phone, so the
 * per-phone cooldown and caps never trigger at their defaults.
 */
function benchConfig(settings: BenchSettings): Config {
  return loadConfig({
    OTP_SECRET: settings.otpSecretHex,
    JWT_PRIVATE_KEY: settings.jwtPrivateKeyPem,
    DATABASE_URL: settings.databaseUrl,
    REDIS_URL: settings.redisUrl,
    REDIS_KEY_PREFIX: settings.redisKeyPrefix,
    OTP_MAX_SENDS_PER_IP: '1000000000',
    OTP_MAX_FAILURES_PER_IP: '1000000000',
    // Errors only: the benchmark compares request handling, not log shipping, but a
    // failing flow should say why.
    LOG_LEVEL: 'error',
  })
}

/** Log lines go to stderr (stdout may carry --json), the first few only: a broken run fails every flow. */
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
