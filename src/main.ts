import { existsSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { createApp } from './app.ts'
import { cryptoRandom } from './auth/otp.ts'
import { createOtpStore } from './auth/otp-store.ts'
import { createRevocationStore } from './auth/revocation-store.ts'
import { createTokenSigner } from './auth/tokens.ts'
import { ConfigError, loadConfig, type Config } from './config.ts'
import { systemClock, type Deps } from './context.ts'
import { openDatabase } from './db/client.ts'
import { createEventWriter } from './db/events.ts'
import { startAuditRetention } from './db/retention.ts'
import { loadOrCreateDevSecrets } from './dev-secrets.ts'
import { createLogger, type Logger } from './logger.ts'
import { createConsoleSender } from './sms/console.ts'
import { createMsg91Sender } from './sms/msg91.ts'
import type { SmsSender } from './sms/sender.ts'
import { openRedis } from './stores.ts'

/** The composition root: the only place that reads the environment and opens connections. */
async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env')
  const config = await withDevSecrets(loadConfigOrExit())
  const logger = createLogger(config.logLevel)
  const { redis, kind: redisKind } = await openRedis(config)
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, migrate: config.migrateOnStart, logger })
  const events = createEventWriter(database.prisma, logger, { flushIntervalMs: 1000, maxBatch: 500, maxQueued: 50_000, now: () => new Date() })
  const stopRetention = startAuditRetention(database.prisma, logger, config.auditRetentionDays, () => new Date())
  const deps: Deps = {
    config,
    logger,
    otpStore: createOtpStore(redis, config.redisKeyPrefix),
    revocations: createRevocationStore(redis, config.redisKeyPrefix),
    events,
    prisma: database.prisma,
    sms: createSmsSender(config, logger),
    signer: await createTokenSigner({ ...config.jwt, privateKeyPem: config.jwt.privateKeyPem! }),
    clock: systemClock,
    random: cryptoRandom,
    readinessChecks: [
      { name: 'redis', check: async () => void (await redis.ping()) },
      { name: 'database', check: (timeoutMs) => database.ping(timeoutMs) },
    ],
  }
  const app = createApp(deps)
  const server = createServer(app.handle)
  await listen(server, config.port, config.host)
  logger.info(
    { url: `http://${config.host}:${config.port}/graphql`, database: database.kind, redis: redisKind, sms: deps.sms.name },
    'phone-auth listening',
  )
  if (config.production && config.otp.testPhoneNumbers.size > 0) {
    logger.warn({ count: config.otp.testPhoneNumbers.size }, 'TEST_PHONE_NUMBERS is set: these numbers sign in with a fixed code')
  }
  onShutdownSignal(logger, async () => {
    await closeServer(server)
    stopRetention()
    await events.close()
    redis.disconnect()
    await database.close()
  })
}

function loadConfigOrExit(): Config {
  try {
    return loadConfig(process.env)
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    process.stderr.write(`phone-auth: ${error.message}\n`)
    process.exit(1)
  }
}

/** Development: secrets that were not configured are generated once under DATA_DIR. */
async function withDevSecrets(config: Config): Promise<Config> {
  if (config.otp.secret && config.jwt.privateKeyPem) return config
  const generated = await loadOrCreateDevSecrets(config.dataDir)
  return {
    ...config,
    otp: { ...config.otp, secret: config.otp.secret ?? generated.otpSecret },
    jwt: { ...config.jwt, privateKeyPem: config.jwt.privateKeyPem ?? generated.jwtPrivateKeyPem },
  }
}

function createSmsSender(config: Config, logger: Logger): SmsSender {
  const { sms } = config
  if (sms.provider === 'console') return createConsoleSender(logger)
  return createMsg91Sender({
    authKey: sms.msg91.authKey!,
    templateId: sms.msg91.templateId!,
    senderId: sms.msg91.senderId,
    baseUrl: sms.msg91.baseUrl,
    timeoutMs: sms.msg91.timeoutMs,
    appDomain: sms.appDomain,
    appHash: sms.appHash,
    logger: logger.child({ component: 'msg91' }),
  })
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => resolve())
  })
}

/** Stops accepting, lets requests in flight finish (bounded), then closes idle sockets. */
function closeServer(server: Server, graceMs = 10_000): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), graceMs)
    server.close(() => {
      clearTimeout(force)
      resolve()
    })
    server.closeIdleConnections()
  })
}

function onShutdownSignal(logger: Logger, shutdown: () => Promise<void>): void {
  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'shutting down')
    shutdown().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed')
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
}

main().catch((error: unknown) => {
  process.stderr.write(`phone-auth: failed to start: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
